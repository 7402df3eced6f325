//! Outbound `wasi:http` as Spin allows it: a component's `allowed_outbound_hosts`, enforced.
//!
//! Entries are parsed as Spin 3 and 4 parse them (`spin-outbound-networking-config`), for the
//! forms a manifest of ours can hold: `scheme://host[:port]`, with `*` for any scheme, host or
//! port, `*.domain` for its subdomains, `a..b` for a port range, and the scheme's own port when
//! none is given. What Spin refuses is refused here, naming the entry: no scheme, a path, and an
//! empty entry (a template whose variables resolve to ""; only unreleased Spin skips those).
//! A denied request fails with `HttpRequestDenied`, as in Spin, and is recorded for the test.

use std::sync::{Arc, Mutex, PoisonError};

use http_body_util::BodyExt;
use hyper::Uri;
use wasmtime_wasi_http::{RequestOptions, WasiBody, WasiHttpHooks};

/// One parsed `allowed_outbound_hosts` list.
#[derive(Debug, Clone)]
pub(crate) struct AllowedHosts(Vec<Rule>);

#[derive(Debug, Clone)]
struct Rule {
    /// `None`: any scheme (`*://`).
    scheme: Option<String>,
    host: HostRule,
    port: PortRule,
}

#[derive(Debug, Clone)]
enum HostRule {
    Any,
    /// `*.example.org`, kept as `.example.org`.
    Subdomain(String),
    Exact(url::Host),
}

#[derive(Debug, Clone)]
enum PortRule {
    Any,
    /// `start..end`, the end excluded, as Spin reads a range; one port is `p..p+1`.
    Range(u16, u32),
}

impl AllowedHosts {
    pub(crate) fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|entry| Rule::parse(entry).map_err(|why| format!("allowed outbound host {entry:?}: {why}")))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub(crate) fn allows(&self, uri: &Uri) -> bool {
        let Some(scheme) = uri.scheme_str() else { return false };
        let Some(host) = uri.host().map(|h| h.trim_start_matches('[').trim_end_matches(']')) else { return false };
        let Ok(host) = url::Host::parse(host).or_else(|_| host.parse().map(url::Host::Ipv6)) else { return false };
        let Some(port) = uri.port_u16().or_else(|| well_known_port(scheme)) else { return false };
        self.0.iter().any(|rule| rule.allows(scheme, &host, port))
    }
}

impl Rule {
    fn parse(entry: &str) -> Result<Self, String> {
        let entry = entry.trim();
        if entry.is_empty() {
            return Err("is empty (Spin up to 4.0 refuses an entry whose variables resolve to \"\")".into());
        }
        let (scheme, rest) = entry.split_once("://").ok_or("has no scheme (`https://...`)")?;
        if scheme != "*" && !scheme.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("the scheme {scheme:?} is not `*` or letters"));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') {
            return Err("has a path, which Spin does not allow".into());
        }
        let (host, port) = match rest.strip_prefix('[') {
            Some(v6) => {
                let (address, after) = v6.split_once(']').ok_or("has an unclosed `[`")?;
                (address, after.strip_prefix(':').unwrap_or(after))
            }
            None => rest.rsplit_once(':').unwrap_or((rest, "")),
        };
        let host = match host {
            "" => return Err("has no host".into()),
            "*" => HostRule::Any,
            "self" | "self.alt" => return Err("`self` is not provided by the test host".into()),
            _ if host.contains('*') => {
                let domain = host.strip_prefix("*.").filter(|d| !d.contains('*')).ok_or("wildcards are prefixes")?;
                HostRule::Subdomain(format!(".{}", domain.to_ascii_lowercase()))
            }
            _ => HostRule::Exact(
                url::Host::parse(host)
                    .or_else(|_| host.parse().map(url::Host::Ipv6))
                    .map_err(|e| format!("the host {host:?} is not valid ({e})"))?,
            ),
        };
        let port = match port {
            "" => {
                let port = well_known_port(scheme).ok_or("has no port, and its scheme no default one")?;
                PortRule::Range(port, u32::from(port) + 1)
            }
            "*" => PortRule::Any,
            _ => {
                if let Some((start, end)) = port.split_once("..") {
                    PortRule::Range(number(start)?, u32::from(number(end)?))
                } else {
                    let port = number(port)?;
                    PortRule::Range(port, u32::from(port) + 1)
                }
            }
        };
        Ok(Self { scheme: (scheme != "*").then(|| scheme.to_owned()), host, port })
    }

    fn allows(&self, scheme: &str, host: &url::Host, port: u16) -> bool {
        let scheme = self.scheme.as_deref().is_none_or(|allowed| allowed == scheme);
        let host = match (&self.host, host) {
            (HostRule::Any, _) => true,
            (HostRule::Subdomain(suffix), url::Host::Domain(domain)) => domain.ends_with(suffix.as_str()),
            (HostRule::Subdomain(_), _) => false,
            (HostRule::Exact(allowed), host) => allowed == host,
        };
        let port = match self.port {
            PortRule::Any => true,
            PortRule::Range(start, end) => (u32::from(start)..end).contains(&u32::from(port)),
        };
        scheme && host && port
    }
}

fn number(port: &str) -> Result<u16, String> {
    port.parse().map_err(|_| format!("the port {port:?} is not a number"))
}

/// The ports Spin assumes for a scheme without one.
fn well_known_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// The `wasi:http` hooks of one request's store: Wasmtime's own sending, behind the check.
pub(crate) struct Outbound {
    /// `None`: every host is allowed (a host started without a manifest).
    pub(crate) allowed: Option<Arc<AllowedHosts>>,
    /// Every denied request's URL, for the test to read (`WasmHost::denied_requests`).
    pub(crate) denied: Arc<Mutex<Vec<String>>>,
}

impl WasiHttpHooks for Outbound {
    fn send_request(
        &mut self,
        request: hyper::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    hyper::Response<WasiBody>,
                    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
                )>,
            > + Send,
    > {
        drop(fut);
        if let Some(allowed) = &self.allowed
            && !allowed.allows(request.uri())
        {
            // Spin logs a denial too; the guest only sees `HttpRequestDenied`.
            eprintln!("wasm-host: denied {} (not in the component's allowed_outbound_hosts)", request.uri());
            self.denied.lock().unwrap_or_else(PoisonError::into_inner).push(request.uri().to_string());
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        // What the trait's default does: send it for real, plain HTTP or TLS.
        Box::new(async move {
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            let io: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send> = Box::new(io);
            Ok((response.map(BodyExt::boxed_unsync), io))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::AllowedHosts;

    fn allows(entries: &[&str], uri: &str) -> bool {
        let entries: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
        AllowedHosts::parse(&entries).expect("valid").allows(&uri.parse().expect("a URI"))
    }

    fn refused(entry: &str) -> String {
        AllowedHosts::parse(&[entry.to_owned()]).expect_err("refused")
    }

    #[test]
    fn entries_match_as_in_spin() {
        assert!(allows(&["https://accounts.google.com"], "https://accounts.google.com/.well-known/x"));
        assert!(!allows(&["https://accounts.google.com"], "http://accounts.google.com/"));
        assert!(!allows(&["https://accounts.google.com"], "https://accounts.google.com:8443/"));
        assert!(!allows(&["https://accounts.google.com"], "https://www.googleapis.com/"));
        assert!(allows(&["http://127.0.0.1:4000"], "http://127.0.0.1:4000/token"));
        assert!(!allows(&["http://127.0.0.1:4000"], "http://127.0.0.1:4001/token"));
        assert!(allows(&["https://api.postmarkapp.com/"], "https://api.postmarkapp.com/email"));
        assert!(allows(&["*://*.example.org:*"], "http://login.example.org:81/"));
        assert!(!allows(&["https://*.example.org"], "https://example.org/"));
        assert!(allows(&["http://localhost:1000..2000"], "http://localhost:1999/"));
        assert!(!allows(&["http://localhost:1000..2000"], "http://localhost:2000/"));
        assert!(allows(&["http://[::1]:9"], "http://[::1]:9/"));
        assert!(!allows(&[], "https://accounts.google.com/"));
    }

    #[test]
    fn what_spin_refuses_is_refused() {
        assert!(refused("").contains("empty"));
        assert!(refused("https://kc.example.org/realms/emmaus").contains("path"));
        assert!(refused("kc.example.org").contains("scheme"));
        assert!(refused("https://kc.example.org:port").contains("port"));
        assert!(refused("foo://kc.example.org").contains("no default"));
    }
}

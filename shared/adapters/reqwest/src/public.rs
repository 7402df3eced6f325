//! Fetching people's links from native hosts (`PageFetcher`): reqwest whose DNS resolver hands the
//! connector only the addresses the policy admits, and whose redirect policy checks each address
//! literal before following it. Every connection goes through the resolver or is a literal checked
//! here, so the address checked is the address connected to, however often a name is resolved again
//! (DNS rebinding) and wherever a redirect points.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use emmaus_domain::hub::fetch::{FETCH_TIMEOUT, MAX_REDIRECTS, is_public};
use emmaus_ports::page_fetch::{FetchError, Fetched, PageFetcher};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which addresses may be connected to.
pub type AddressPolicy = Arc<dyn Fn(IpAddr) -> bool + Send + Sync>;

/// An address the policy refused, carried through reqwest's errors to be recognised.
#[derive(Debug, thiserror::Error)]
#[error("{0} is not an address the server may fetch")]
struct Refused(String);

/// Resolves names and keeps only the addresses the policy admits.
struct GuardedResolver {
    allowed: AddressPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.allowed.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept: Vec<SocketAddr> = found.filter(|address| allowed(address.ip())).collect();
            if kept.is_empty() {
                return Err(Box::new(Refused(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

#[derive(Clone)]
pub struct PublicPages {
    client: reqwest::Client,
    allowed: AddressPolicy,
}

impl std::fmt::Debug for PublicPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PublicPages")
    }
}

impl PublicPages {
    /// Public unicast addresses only (`emmaus_domain::hub::fetch::is_public`).
    pub fn new() -> Result<Self, FetchError> {
        Self::with_policy(Arc::new(is_public))
    }

    /// Another address policy, for tests that serve pages on loopback.
    pub fn with_policy(allowed: AddressPolicy) -> Result<Self, FetchError> {
        let literal_check = allowed.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            match literal(attempt.url()) {
                Some(ip) if !literal_check(ip) => {
                    let refused = Refused(attempt.url().host_str().unwrap_or_default().to_owned());
                    attempt.error(refused)
                }
                _ => attempt.follow(),
            }
        });
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .connect_timeout(FETCH_TIMEOUT.min(std::time::Duration::from_secs(5)))
            .redirect(redirects)
            .dns_resolver(Arc::new(GuardedResolver { allowed: allowed.clone() }))
            // No proxy from the environment: a proxy would connect on our behalf, unchecked.
            .no_proxy()
            .user_agent(concat!("emmaus/", env!("CARGO_PKG_VERSION"), " (link preview)"))
            .build()
            .map_err(|e| FetchError::Invalid(e.to_string()))?;
        Ok(Self { client, allowed })
    }
}

/// The IP address of a URL whose host is an address literal (which no resolver sees).
fn literal(url: &reqwest::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(_) => None,
    }
}

/// Whether a reqwest error was caused by the policy refusing an address.
fn refused(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause.downcast_ref::<Refused>().is_some() {
            return true;
        }
        source = cause.source();
    }
    false
}

#[async_trait::async_trait]
impl PageFetcher for PublicPages {
    async fn fetch(&self, url: &str, max_bytes: u64) -> Result<Fetched, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| FetchError::Invalid(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(FetchError::Invalid(format!("{url} is not an http or https address")));
        }
        if let Some(ip) = literal(&parsed)
            && !(self.allowed)(ip)
        {
            return Err(FetchError::Forbidden(parsed.host_str().unwrap_or_default().to_owned()));
        }
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let classify = |error: reqwest::Error| {
            if refused(&error) {
                FetchError::Forbidden(host.clone())
            } else if error.is_timeout() {
                FetchError::Timeout(FETCH_TIMEOUT.as_secs())
            } else {
                FetchError::Unreachable(host.clone())
            }
        };
        let mut response = self.client.get(parsed).send().await.map_err(classify)?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err(FetchError::TooLarge(max_bytes));
        }
        let final_url = response.url().to_string();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if (bytes.len() + chunk.len()) as u64 > max_bytes {
                return Err(FetchError::TooLarge(max_bytes));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched { url: final_url, content_type, bytes })
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpListener;

    use super::*;

    /// A server on 127.0.0.1 whose answers depend on the path: a page, redirects to a loopback
    /// address the test policy refuses and to the cloud metadata address, a redirect loop, and a
    /// body that never says its length.
    async fn serve() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 4096];
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
                    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let redirect = |to: String| {
                        format!("HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\n\r\n").into_bytes()
                    };
                    let response = match path.as_str() {
                        "/page" => b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 28\r\n\r\n<title>A public page</title>".to_vec(),
                        "/to-private" => redirect(format!("http://127.0.0.2:{port}/page")),
                        "/to-metadata" => redirect("http://169.254.169.254/latest/meta-data/".into()),
                        "/to-page" => redirect("/page".into()),
                        "/loop" => redirect("/loop".into()),
                        "/big" => {
                            let mut big = b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec();
                            big.extend(std::iter::repeat_n(b'x', 4096));
                            big
                        }
                        _ => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec(),
                    };
                    let _ = socket.write_all(&response).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        port
    }

    /// The test's policy: 127.0.0.1 stands for the public internet; everything else is private.
    fn only_127_0_0_1() -> PublicPages {
        PublicPages::with_policy(Arc::new(|ip| ip == IpAddr::from([127, 0, 0, 1]))).unwrap()
    }

    #[tokio::test]
    async fn a_page_and_a_redirect_within_the_policy_are_fetched() {
        let port = serve().await;
        let pages = only_127_0_0_1();
        let page = pages.fetch(&format!("http://127.0.0.1:{port}/to-page"), 1000).await.unwrap();
        assert_eq!(page.url, format!("http://127.0.0.1:{port}/page"), "the address after the redirect");
        assert_eq!(
            (page.content_type.as_str(), page.bytes.as_slice()),
            ("text/html", &b"<title>A public page</title>"[..])
        );
        assert_eq!(pages.fetch(&format!("http://127.0.0.1:{port}/missing"), 1000).await, Err(FetchError::Status(404)));
    }

    #[tokio::test]
    async fn redirects_to_refused_addresses_are_not_followed() {
        let port = serve().await;
        let pages = only_127_0_0_1();
        let private = pages.fetch(&format!("http://127.0.0.1:{port}/to-private"), 1000).await;
        assert!(matches!(private, Err(FetchError::Forbidden(_))), "{private:?}");
        let metadata = pages.fetch(&format!("http://127.0.0.1:{port}/to-metadata"), 1000).await;
        assert!(matches!(metadata, Err(FetchError::Forbidden(_))), "{metadata:?}");
        let looping = pages.fetch(&format!("http://127.0.0.1:{port}/loop"), 1000).await;
        assert!(matches!(looping, Err(FetchError::Unreachable(_))), "{looping:?}");
    }

    #[tokio::test]
    async fn names_and_literals_that_lead_to_private_addresses_are_refused_before_connecting() {
        let port = serve().await;
        // The production policy: loopback is private, whether named or written as an address.
        let pages = PublicPages::new().unwrap();
        for url in [
            format!("http://localhost:{port}/page"),
            format!("http://127.0.0.1:{port}/page"),
            format!("http://[::ffff:127.0.0.1]:{port}/page"),
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "http://10.0.0.1/".to_owned(),
        ] {
            let refused = pages.fetch(&url, 1000).await;
            assert!(matches!(refused, Err(FetchError::Forbidden(_))), "{url}: {refused:?}");
        }
        for url in ["ftp://example.org/", "not a url", "file:///etc/passwd"] {
            assert!(matches!(pages.fetch(url, 1000).await, Err(FetchError::Invalid(_))), "{url}");
        }
    }

    #[tokio::test]
    async fn bodies_past_the_limit_are_refused_whatever_their_length_says() {
        let port = serve().await;
        let big = only_127_0_0_1().fetch(&format!("http://127.0.0.1:{port}/big"), 1000).await;
        assert_eq!(big, Err(FetchError::TooLarge(1000)));
    }
}

//! The caller's address for throttling and the audit log: API Gateway's `requestContext.http.sourceIp`
//! (payload 2.0), unless the request proves it came through our CloudFront, whose viewer address then wins.
//!
//! Why: behind CloudFront the source IP is an edge's, so a per-address limit would count everybody
//! at that edge as one caller. CloudFront knows the viewer, and `template.yaml` makes it say so: a
//! viewer-request function on `/api/*` sets [`VIEWER_ADDRESS_HEADER`] to the viewer's IP (replacing
//! any value the viewer sent), and the API origin adds [`ORIGIN_SECRET_HEADER`] holding the
//! `EMMAUS_ORIGIN_SECRET` setting. Anyone can call the execute-api URL directly and send both
//! headers, so the viewer address counts only when the secret matches (compared in constant time);
//! otherwise, and when the address does not parse, the source IP stands, as it does when no secret
//! is configured. The secret header is removed before the router sees the request, so it is never
//! logged or echoed.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use emmaus_app::secrets::same;
use emmaus_http::auth::ClientAddress;
use emmaus_ports::{ConfigError, ConfigSource};
use lambda_http::RequestExt as _;
use lambda_http::http::{self, HeaderMap};
use lambda_http::request::RequestContext;
use secrecy::{ExposeSecret as _, SecretString};

/// The setting CloudFront and the functions share (in the settings secret on AWS).
pub const ORIGIN_SECRET: &str = "EMMAUS_ORIGIN_SECRET";
/// The header CloudFront adds to every request it sends to the API (`OriginCustomHeaders`).
pub const ORIGIN_SECRET_HEADER: &str = "x-emmaus-origin-secret";
/// The header the viewer-request function sets to the viewer's IP address, without a port.
pub const VIEWER_ADDRESS_HEADER: &str = "x-emmaus-viewer-address";
/// A shorter secret could be guessed; 32 random bytes in base64 (`openssl rand -base64 32`) are 43 or 44.
const MIN_SECRET_CHARS: usize = 32;

/// Where a request's client address comes from, decided once at cold start.
#[derive(Default)]
pub struct ClientAddresses {
    origin_secret: Option<SecretString>,
}

// By hand: whether a secret is set, never the secret.
impl std::fmt::Debug for ClientAddresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientAddresses").field("origin_secret", &self.origin_secret.is_some()).finish()
    }
}

impl ClientAddresses {
    /// Reads [`ORIGIN_SECRET`]; unset or empty means the source IP always. A secret too short or
    /// not fit for a header stops the cold start naming the setting, never its value.
    pub fn from_config(config: &dyn ConfigSource) -> Result<Self, ConfigError> {
        let Some(secret) = config.get(ORIGIN_SECRET).filter(|s| !s.is_empty()) else {
            return Ok(Self::default());
        };
        let invalid = |reason: &str| ConfigError::Invalid { key: ORIGIN_SECRET.into(), reason: reason.into() };
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid("it must be printable ASCII without spaces, as CloudFront sends it in a header"));
        }
        if secret.len() < MIN_SECRET_CHARS {
            return Err(invalid(&format!("it must be at least {MIN_SECRET_CHARS} characters long")));
        }
        Ok(Self { origin_secret: Some(SecretString::from(secret)) })
    }

    /// Whether CloudFront's viewer address can be trusted at all (a secret is configured).
    pub fn trusts_cloudfront(&self) -> bool {
        self.origin_secret.is_some()
    }

    /// The caller's address: CloudFront's viewer address when the request carries our secret and
    /// a well-formed address, else the address API Gateway saw, if the request came through it.
    pub fn client_address(&self, headers: &HeaderMap, extensions: &http::Extensions) -> Option<ClientAddress> {
        if self.through_cloudfront(headers) {
            if let Some(address) = viewer_address(headers) {
                return Some(address);
            }
            // Only CloudFront gets here, so this is our configuration's fault, worth a warning.
            tracing::warn!("a request through CloudFront has no well-formed {VIEWER_ADDRESS_HEADER}");
        }
        source_ip(extensions)
    }

    fn through_cloudfront(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.origin_secret else { return false };
        let Some(presented) = headers.get(ORIGIN_SECRET_HEADER) else { return false };
        let matches = same(&String::from_utf8_lossy(presented.as_bytes()), expected.expose_secret());
        if !matches {
            // Anyone can send a wrong one, so not a warning; a rotation in progress also lands here.
            tracing::debug!("{ORIGIN_SECRET_HEADER} does not match {ORIGIN_SECRET}; using the source IP");
        }
        matches
    }
}

/// The viewer's IP from [`VIEWER_ADDRESS_HEADER`]: one address, no port, in canonical form.
fn viewer_address(headers: &HeaderMap) -> Option<ClientAddress> {
    let value = headers.get(VIEWER_ADDRESS_HEADER)?.to_str().ok()?.trim();
    value.parse::<IpAddr>().ok().map(|ip| ClientAddress(ip.to_string()))
}

/// The address API Gateway saw, if the request came through it.
fn source_ip(extensions: &http::Extensions) -> Option<ClientAddress> {
    match extensions.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => context
            .http
            .source_ip
            .as_deref()
            .map(str::trim)
            .filter(|ip| !ip.is_empty())
            .map(|ip| ClientAddress(ip.to_owned())),
        // REST API, ALB and other contexts are not deployed; their addresses would need their own reading.
        _ => None,
    }
}

/// Middleware: puts [`ClientAddress`] in the request's extensions and removes the origin secret
/// header (whoever sent it) before the router sees the request.
pub async fn insert_client_address(State(addresses): State<Arc<ClientAddresses>>, mut request: Request) -> Request {
    let address = addresses.client_address(request.headers(), request.extensions());
    request.headers_mut().remove(ORIGIN_SECRET_HEADER);
    if let Some(address) = address {
        request.extensions_mut().insert(address);
    }
    request
}

#[cfg(test)]
mod tests {
    use emmaus_ports::MapConfig;
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
    use lambda_http::http::HeaderValue;

    use super::*;

    const SECRET: &str = "origin-secret-0123456789abcdefghijklmnop";
    const SOURCE_IP: &str = "192.0.2.1";

    fn extensions(source_ip: Option<&str>) -> http::Extensions {
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = source_ip.map(str::to_owned);
        let mut extensions = http::Extensions::new();
        extensions.insert(RequestContext::ApiGatewayV2(context));
        extensions
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn configured() -> ClientAddresses {
        ClientAddresses::from_config(&MapConfig::new().with(ORIGIN_SECRET, SECRET)).unwrap()
    }

    /// The address `addresses` gives a request from API Gateway's `SOURCE_IP` with `pairs` as headers.
    fn address(addresses: &ClientAddresses, pairs: &[(&'static str, &str)]) -> Option<String> {
        addresses.client_address(&headers(pairs), &extensions(Some(SOURCE_IP))).map(|a| a.0)
    }

    #[test]
    fn the_source_ip_of_payload_2_is_the_client_address() {
        let addresses = ClientAddresses::default();
        let none = HeaderMap::new();
        let of = |source: Option<&str>| addresses.client_address(&none, &extensions(source));
        assert_eq!(of(Some("198.51.100.7")), Some(ClientAddress("198.51.100.7".into())));
        assert_eq!(of(Some("2001:db8::1")), Some(ClientAddress("2001:db8::1".into())));
        assert_eq!(of(Some("")), None);
        assert_eq!(of(None), None);
        assert_eq!(addresses.client_address(&none, &http::Extensions::new()), None);
    }

    #[test]
    fn with_the_secret_the_viewer_address_is_the_client_address() {
        let addresses = configured();
        let through =
            |viewer: &str| address(&addresses, &[(ORIGIN_SECRET_HEADER, SECRET), (VIEWER_ADDRESS_HEADER, viewer)]);
        assert_eq!(through("203.0.113.9").as_deref(), Some("203.0.113.9"));
        assert_eq!(through(" 203.0.113.9 ").as_deref(), Some("203.0.113.9"));
        assert_eq!(through("2001:db8::1").as_deref(), Some("2001:db8::1"));
        // Canonical form, so one address is one throttling key however it was written.
        assert_eq!(through("2001:DB8:0:0:0:0:0:1").as_deref(), Some("2001:db8::1"));
        assert_eq!(through("::ffff:203.0.113.9").as_deref(), Some("::ffff:203.0.113.9"));
        // Without a viewer address the gateway's stands.
        assert_eq!(address(&addresses, &[(ORIGIN_SECRET_HEADER, SECRET)]).as_deref(), Some(SOURCE_IP));
    }

    #[test]
    fn a_malformed_viewer_address_falls_back_to_the_source_ip() {
        let addresses = configured();
        for viewer in [
            "",
            "not an address",
            "203.0.113.9:443",
            "[2001:db8::1]:443",
            "203.0.113.9, 198.51.100.7",
            "203.0.113.256",
            "2001:db8::1%eth0",
        ] {
            let found = address(&addresses, &[(ORIGIN_SECRET_HEADER, SECRET), (VIEWER_ADDRESS_HEADER, viewer)]);
            assert_eq!(found.as_deref(), Some(SOURCE_IP), "{viewer:?}");
        }
        let mut raw = headers(&[(ORIGIN_SECRET_HEADER, SECRET)]);
        raw.insert(VIEWER_ADDRESS_HEADER, HeaderValue::from_bytes(b"203.0.113.9\xff").unwrap());
        assert_eq!(
            addresses.client_address(&raw, &extensions(Some(SOURCE_IP))).map(|a| a.0).as_deref(),
            Some(SOURCE_IP)
        );
    }

    #[test]
    fn a_forged_viewer_address_without_the_secret_is_ignored() {
        let addresses = configured();
        assert_eq!(address(&addresses, &[(VIEWER_ADDRESS_HEADER, "203.0.113.9")]).as_deref(), Some(SOURCE_IP));
    }

    #[test]
    fn a_wrong_secret_is_ignored() {
        let addresses = configured();
        let shorter = &SECRET[..SECRET.len() - 1];
        let longer = format!("{SECRET}x");
        let upper = SECRET.to_uppercase();
        for wrong in ["", "wrong", shorter, longer.as_str(), upper.as_str(), &format!("{SECRET},{SECRET}")] {
            let found = address(&addresses, &[(ORIGIN_SECRET_HEADER, wrong), (VIEWER_ADDRESS_HEADER, "203.0.113.9")]);
            assert_eq!(found.as_deref(), Some(SOURCE_IP), "{wrong:?}");
        }
    }

    #[test]
    fn without_a_configured_secret_the_source_ip_always_stands() {
        for config in [MapConfig::new(), MapConfig::new().with(ORIGIN_SECRET, "")] {
            let addresses = ClientAddresses::from_config(&config).unwrap();
            assert!(!addresses.trusts_cloudfront());
            let found = address(&addresses, &[(ORIGIN_SECRET_HEADER, SECRET), (VIEWER_ADDRESS_HEADER, "203.0.113.9")]);
            assert_eq!(found.as_deref(), Some(SOURCE_IP));
            let found = address(&addresses, &[(ORIGIN_SECRET_HEADER, ""), (VIEWER_ADDRESS_HEADER, "203.0.113.9")]);
            assert_eq!(found.as_deref(), Some(SOURCE_IP));
        }
    }

    #[test]
    fn an_unfit_secret_stops_the_start_without_showing_it() {
        for secret in ["hunter2", &format!("hunter2 {SECRET}"), &format!("hunter2\u{e9}{SECRET}")] {
            let error = ClientAddresses::from_config(&MapConfig::new().with(ORIGIN_SECRET, secret)).unwrap_err();
            let shown = error.to_string();
            assert!(shown.contains(ORIGIN_SECRET) && !shown.contains("hunter2"), "{shown}");
        }
        let addresses = configured();
        assert!(addresses.trusts_cloudfront());
        let shown = format!("{addresses:?}");
        assert!(!shown.contains(SECRET), "{shown}");
    }

    #[tokio::test]
    async fn the_middleware_sets_the_address_and_drops_the_secret_header() {
        let addresses = Arc::new(configured());
        let mut request = Request::new(axum::body::Body::empty());
        *request.headers_mut() = headers(&[(ORIGIN_SECRET_HEADER, SECRET), (VIEWER_ADDRESS_HEADER, "203.0.113.9")]);
        *request.extensions_mut() = extensions(Some(SOURCE_IP));
        let request = insert_client_address(State(addresses.clone()), request).await;
        assert_eq!(request.extensions().get::<ClientAddress>(), Some(&ClientAddress("203.0.113.9".into())));
        assert!(request.headers().get(ORIGIN_SECRET_HEADER).is_none());
        assert_eq!(request.headers()[VIEWER_ADDRESS_HEADER], "203.0.113.9");

        // A forged secret header is dropped too, even by a function that has no secret.
        let mut request = Request::new(axum::body::Body::empty());
        *request.headers_mut() = headers(&[(ORIGIN_SECRET_HEADER, "forged")]);
        *request.extensions_mut() = extensions(Some(SOURCE_IP));
        let request = insert_client_address(State(Arc::new(ClientAddresses::default())), request).await;
        assert_eq!(request.extensions().get::<ClientAddress>(), Some(&ClientAddress(SOURCE_IP.into())));
        assert!(request.headers().get(ORIGIN_SECRET_HEADER).is_none());
    }
}

//! Who is calling: session cookies or a bearer token, CSRF defence, and the request's metadata.
//!
//! Browsers hold three `__Host-` cookies (Secure, Path=/, no Domain): the access token and the
//! refresh token (both `HttpOnly`, `SameSite=Lax`) and a CSRF token the web app can read. A write
//! authenticated by cookie must echo the CSRF token in `X-CSRF-Token`; it must match the cookie
//! and the fingerprint signed into the access token, so a forged cross-site form cannot pass, nor
//! can a token planted by a sibling subdomain. Requests the browser marks `Sec-Fetch-Site:
//! cross-site` may not write at all. API clients send `Authorization: Bearer` and need no CSRF token.

use axum::extract::FromRequestParts;
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_identity::sessions::{self, Issued, csrf_fingerprint};
use emmaus_identity::{Principal, RequestMeta};
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::middleware::RequestId;
use crate::problem::ApiError;

pub const ACCESS_COOKIE: &str = "__Host-emmaus-access";
pub const REFRESH_COOKIE: &str = "__Host-emmaus-refresh";
pub const CSRF_COOKIE: &str = "__Host-emmaus-csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The client's address, put in the request's extensions by the host that knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// Put in the request's extensions by the local host when the request came straight from the
/// machine it runs on (a loopback peer, no proxy): its operator. Lambda and Spin never set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FromThisMachine;

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Facts about the request for the audit log and throttling.
#[derive(Debug, Clone)]
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(meta_of(parts)))
    }
}

fn meta_of(parts: &Parts) -> RequestMeta {
    let client_address = parts.extensions.get::<ClientAddress>().map(|a| a.0.clone());
    RequestMeta { request_id: parts.extensions.get::<RequestId>().map(|r| r.0.clone()), client_address }
}

/// A signed-in caller with a live session; 401 otherwise.
#[derive(Debug, Clone)]
pub struct Session(pub Principal);

impl FromRequestParts<Platform> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, platform: &Platform) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let (token, by_cookie) = match bearer {
            Some(token) => (token, false),
            None => (cookie(&parts.headers, ACCESS_COOKIE).ok_or(DomainError::Unauthenticated)?, true),
        };
        let claims = sessions::authenticate(platform, token).await?;
        if by_cookie && is_write(&parts.method) {
            check_csrf(&parts.headers, &claims.csrf)?;
        }
        Ok(Self(Principal { person_id: claims.sub, session_id: claims.sid, meta: meta_of(parts) }))
    }
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn check_csrf(headers: &HeaderMap, fingerprint: &str) -> Result<(), DomainError> {
    let refused = || DomainError::Refused("the request lacks a valid CSRF token; reload the page and try again".into());
    let header = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).ok_or_else(refused)?;
    let cookie = cookie(headers, CSRF_COOKIE).ok_or_else(refused)?;
    let matches =
        emmaus_app::secrets::same(header, cookie) && emmaus_app::secrets::same(&csrf_fingerprint(header), fingerprint);
    if matches { Ok(()) } else { Err(refused()) }
}

/// Named once: a name given as text is parsed again on every lookup, and this one is looked up on
/// every request.
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Refuses writes that a browser reports as coming from another site, cookies or not; the
/// sign-in and other cookie-less forms get the same protection as authenticated writes.
pub fn same_site_writes(method: &Method, headers: &HeaderMap) -> Result<(), DomainError> {
    let cross = headers.get(SEC_FETCH_SITE).is_some_and(|v| v.as_bytes() == b"cross-site");
    if cross && is_write(method) { Err(DomainError::Forbidden) } else { Ok(()) }
}

fn set_cookie(headers: &mut HeaderMap, name: &str, value: &str, max_age: u64, http_only: bool) {
    let http_only = if http_only { "; HttpOnly" } else { "" };
    let text = format!("{name}={value}; Path=/; Secure{http_only}; SameSite=Lax; Max-Age={max_age}");
    if let Ok(value) = HeaderValue::from_str(&text) {
        headers.append(SET_COOKIE, value);
    }
}

/// The cookies of a new or refreshed session.
pub fn set_session_cookies(headers: &mut HeaderMap, issued: &Issued) {
    let refresh_age = issued.refresh_ttl.as_secs();
    set_cookie(headers, ACCESS_COOKIE, &issued.access_token, issued.access_ttl.as_secs(), true);
    set_cookie(headers, REFRESH_COOKIE, &issued.refresh_token, refresh_age, true);
    set_cookie(headers, CSRF_COOKIE, &issued.csrf_token, refresh_age, false);
}

/// Expires the session cookies (sign-out, a refused refresh).
pub fn clear_session_cookies(headers: &mut HeaderMap) {
    for (name, http_only) in [(ACCESS_COOKIE, true), (REFRESH_COOKIE, true), (CSRF_COOKIE, false)] {
        set_cookie(headers, name, "", 0, http_only);
    }
}

/// The origin links in emails point at: `EMMAUS_PUBLIC_URL` when set, else this request's own.
pub fn public_origin(platform: &Platform, headers: &HeaderMap) -> String {
    if let Some(url) = platform.config.get("EMMAUS_PUBLIC_URL").filter(|u| !u.is_empty()) {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).unwrap_or("http");
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_many() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; __Host-emmaus-csrf=xyz; b=2"));
        assert_eq!(cookie(&headers, CSRF_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, ACCESS_COOKIE), None);
        headers.insert(COOKIE, HeaderValue::from_static("a=1;__Host-emmaus-csrf=xyz ;b"));
        assert_eq!(cookie(&headers, CSRF_COOKIE), Some("xyz"));
        headers.append(COOKIE, HeaderValue::from_static("__Host-emmaus-access=tok"));
        assert_eq!(cookie(&headers, ACCESS_COOKIE), Some("tok"), "a second Cookie header");
    }

    #[test]
    fn csrf_needs_header_cookie_and_fingerprint_to_agree() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("__Host-emmaus-csrf=tok"));
        assert!(check_csrf(&headers, &csrf_fingerprint("tok")).is_err(), "no header");
        headers.insert(CSRF_HEADER, HeaderValue::from_static("tok"));
        assert!(check_csrf(&headers, &csrf_fingerprint("tok")).is_ok());
        assert!(check_csrf(&headers, &csrf_fingerprint("other")).is_err(), "planted cookie and header");
        headers.insert(CSRF_HEADER, HeaderValue::from_static("nope"));
        assert!(check_csrf(&headers, &csrf_fingerprint("tok")).is_err());
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(same_site_writes(&Method::POST, &headers).is_err());
        assert!(same_site_writes(&Method::GET, &headers).is_ok());
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_site_writes(&Method::POST, &headers).is_ok());
    }

    #[test]
    fn session_cookies_are_host_prefixed_and_secure() {
        let issued = Issued {
            person_id: "p".into(),
            session_id: "s".into(),
            access_token: "a.b.c".into(),
            access_ttl: std::time::Duration::from_mins(10),
            refresh_token: "p.s.x".into(),
            refresh_ttl: std::time::Duration::from_hours(1),
            csrf_token: "t".into(),
        };
        let mut headers = HeaderMap::new();
        set_session_cookies(&mut headers, &issued);
        let cookies: Vec<&str> = headers.get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(cookies.len(), 3);
        assert!(
            cookies.iter().all(|c| c.starts_with("__Host-") && c.contains("; Path=/; Secure") && !c.contains("Domain"))
        );
        assert!(cookies[0].contains("HttpOnly") && cookies[1].contains("HttpOnly") && !cookies[2].contains("HttpOnly"));
    }
}

//! The security headers every response carries, on every host: a content security policy, no
//! framing, no MIME sniffing, no referrer, and HSTS where the site is served over HTTPS.
//!
//! API answers get a policy that allows nothing (they are data, never a page); the web app's
//! files get [`SITE_POLICY`], which lets the app load only its own scripts, styles and data. The
//! same policy is sent by CloudFront's response headers policy (`template.yaml`) and written into
//! the app's `index.html` for Spin's file server, which cannot add headers.

use http::{HeaderMap, HeaderName, HeaderValue, header};

/// For API answers and problems: nothing may load, nothing may frame them.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// For the web app: its own origin only; no inline script, no plugins, no framing.
pub const SITE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// [`SITE_POLICY`] for a deployment whose files are served from another origin (S3 presigned links
/// on AWS): images, recordings and the PDF viewer's fetch may also load from `files_origin`.
pub fn site_policy_with_files(files_origin: &str) -> String {
    SITE_POLICY
        .replace("img-src 'self' data: blob:", &format!("img-src 'self' data: blob: {files_origin}"))
        .replace("connect-src 'self'", &format!("connect-src 'self' {files_origin}; media-src 'self' {files_origin}"))
}

/// A year, with subdomains: what HSTS preload lists ask for, short of preloading itself.
pub const STRICT_TRANSPORT: &str = "max-age=31536000; includeSubDomains";

/// Not among `http`'s named headers; made once, at compile time, rather than on every response.
const CROSS_ORIGIN_OPENER_POLICY: HeaderName = HeaderName::from_static("cross-origin-opener-policy");

/// Adds the security headers a response lacks; a policy set already (the web app's) is kept.
pub fn apply(headers: &mut HeaderMap, strict_transport: bool) {
    let defaults: [(HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, API_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (CROSS_ORIGIN_OPENER_POLICY, "same-origin"),
    ];
    for (name, value) in defaults {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if strict_transport {
        headers.entry(header::STRICT_TRANSPORT_SECURITY).or_insert(HeaderValue::from_static(STRICT_TRANSPORT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_is_added_and_a_page_policy_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(SITE_POLICY));
        apply(&mut headers, false);
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], SITE_POLICY);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS over plain HTTP");
        let mut api = HeaderMap::new();
        apply(&mut api, true);
        assert_eq!(api[header::CONTENT_SECURITY_POLICY], API_POLICY);
        assert_eq!(api[header::STRICT_TRANSPORT_SECURITY], STRICT_TRANSPORT);
    }

    #[test]
    fn the_web_app_carries_the_site_policy_for_hosts_without_headers() {
        let index = include_str!("../../../static-site/index.html");
        let meta = SITE_POLICY.replace("; frame-ancestors 'none'", "");
        assert!(
            index.contains(&format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{meta}\" />")),
            "static-site/index.html must carry SITE_POLICY without frame-ancestors"
        );
        assert!(index.contains("<meta name=\"referrer\" content=\"no-referrer\" />"));
    }

    #[test]
    fn files_from_another_origin_load_as_images_media_and_data_only() {
        let policy = site_policy_with_files("https://files.example");
        assert!(policy.contains("img-src 'self' data: blob: https://files.example;"));
        assert!(policy.contains("connect-src 'self' https://files.example; media-src 'self' https://files.example;"));
        assert!(policy.contains("script-src 'self';"), "never script: {policy}");
    }

    #[test]
    fn the_site_policy_frames_nothing_and_runs_only_its_own_script() {
        for part in ["frame-ancestors 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'"] {
            assert!(SITE_POLICY.contains(part), "{part}");
        }
        assert!(!SITE_POLICY.contains("unsafe"), "no unsafe-inline or unsafe-eval");
    }
}

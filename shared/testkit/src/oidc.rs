//! The test OpenID Provider (oidc-provider, `scripts/oidc-provider`) from a test's side: where it
//! is, registering a client, and signing in at it as a browser would, by filling its login and
//! consent forms with a plain HTTP client. Shared by the relying party's, the auth function's and
//! the Spin component's SSO tests.
//!
//! The provider's address comes from `EMMAUS_TEST_OIDC_ISSUER` (`start_oidc_provider` in
//! `scripts/lib/oidc.sh`); without it a case is skipped, or fails under
//! `EMMAUS_REQUIRE_OIDC_TESTS=1`, which `scripts/test` sets.

use reqwest::redirect::Policy;
use reqwest::{Client, Url};
use serde_json::Value;

/// Where `start_oidc_provider` puts the provider's issuer URL.
pub const ISSUER_VAR: &str = "EMMAUS_TEST_OIDC_ISSUER";
/// Set to `1` where a missing provider is a failure, not a reason to skip.
pub const REQUIRE_VAR: &str = "EMMAUS_REQUIRE_OIDC_TESTS";

/// The provider's issuer, or `None` after printing why the case is skipped; panics instead when
/// the provider is required.
pub fn issuer() -> Option<String> {
    match std::env::var(ISSUER_VAR) {
        Ok(issuer) if !issuer.is_empty() => Some(issuer),
        _ if std::env::var(REQUIRE_VAR).as_deref() == Ok("1") => {
            panic!("{REQUIRE_VAR}=1 but {ISSUER_VAR} is not set (see scripts/lib/oidc.sh)")
        }
        _ => {
            eprintln!("skipped: {ISSUER_VAR} is not set (start_oidc_provider in scripts/lib/oidc.sh)");
            None
        }
    }
}

/// Registers a client (RFC 7591) with `metadata` (at least `redirect_uris`; a confidential
/// client with `client_secret_basic` unless it says otherwise); the provider's answer, with
/// `client_id` and, for a confidential client, `client_secret`.
pub async fn register(issuer: &str, metadata: &Value) -> Value {
    let plain = Client::new();
    let discovery: Value = plain
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .expect("the provider answers")
        .json()
        .await
        .expect("JSON");
    let endpoint = discovery["registration_endpoint"].as_str().expect("registration is enabled");
    let answer = plain.post(endpoint).json(metadata).send().await.expect("the provider answers");
    assert_eq!(answer.status(), 201, "registration: {}", answer.text().await.unwrap_or_default());
    answer.json().await.expect("JSON")
}

/// A browser: keeps cookies (over plain `http://` only those without `Secure`, i.e. the
/// provider's), and follows no redirect by itself.
pub fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("a browser")
}

/// Where the browser ends up.
#[derive(Debug)]
pub enum Landing {
    /// A redirect that leaves the issuer: the relying party's redirect URI, with its query.
    Callback(Url),
    /// A page of the provider's own other than its login and consent forms (an error page).
    Page(u16, String),
}

/// Follows `url` (an authorization URL) in `browser`, signing in as `login` and consenting, until a
/// redirect leaves the issuer. A login is `[unverified+]<address>[#group,...]`; see
/// `scripts/oidc-provider/server.mjs`.
pub async fn sign_in(browser: &Client, issuer: &str, url: &str, login: &str) -> Landing {
    let mut response = browser.get(url).send().await.expect("the provider answers");
    for _ in 0..12 {
        let here = response.url().clone();
        if response.status().is_redirection() {
            let location = response.headers()["location"].to_str().expect("ASCII");
            let next = here.join(location).expect("a URL");
            if !next.as_str().starts_with(issuer) {
                return Landing::Callback(next);
            }
            response = browser.get(next).send().await.expect("the provider answers");
            continue;
        }
        let status = response.status().as_u16();
        let page = response.text().await.expect("a page");
        let form = if page.contains(r#"name="prompt" value="login""#) {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else if page.contains(r#"name="prompt" value="consent""#) {
            vec![("prompt", "consent")]
        } else {
            return Landing::Page(status, page);
        };
        response = browser.post(here).form(&form).send().await.expect("the provider answers");
    }
    panic!("the sign-in did not finish within 12 steps")
}

/// [`sign_in`] that must come back: the callback URL, or a panic showing the provider's page.
pub async fn callback_url(browser: &Client, issuer: &str, url: &str, login: &str) -> Url {
    match sign_in(browser, issuer, url, login).await {
        Landing::Callback(url) => url,
        Landing::Page(status, page) => panic!("the provider did not send the browser back ({status}): {page}"),
    }
}

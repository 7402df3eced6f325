//! The relying party against a real OpenID Provider (oidc-provider, `scripts/oidc-provider`), signed
//! in to by a plain HTTP client that fills its login and consent forms as a browser would
//! (`emmaus_testkit::oidc`).
//!
//! The provider's address comes from `EMMAUS_TEST_OIDC_ISSUER` (`start_oidc_provider` in
//! `scripts/lib/oidc.sh`); without it each case is skipped, or fails under `EMMAUS_REQUIRE_OIDC_TESTS=1`.

use std::sync::Arc;
use std::time::Duration;

use emmaus_memory::ManualClock;
use emmaus_oidc::{AuthorizationStart, OidcError, Provider, ProviderSettings, VerifiedIdentity};
use emmaus_ports::{Clock as _, RandomIds, SystemClock};
use emmaus_reqwest::ReqwestHttp;
use emmaus_testkit::oidc::{self, Landing, issuer};
use serde_json::{Value, json};

/// One test's client at the provider, registered for its own redirect URI.
struct Client {
    issuer: String,
    provider: Provider,
    redirect_uri: String,
    http: ReqwestHttp,
}

/// Registers a client (RFC 7591) with `metadata` on top of a unique loopback redirect URI, then
/// discovers the provider as that client. The redirect URI is never contacted: the test stops at it.
async fn client(issuer: &str, metadata: &Value) -> Client {
    let redirect_uri = format!("http://127.0.0.1:9/callback/{}", emmaus_ports::Ids::new_id(&ids()));
    let mut request = json!({ "redirect_uris": [redirect_uri] });
    for (key, value) in metadata.as_object().expect("an object") {
        request[key] = value.clone();
    }
    let registered = oidc::register(issuer, &request).await;
    let settings = ProviderSettings {
        id: "test".into(),
        issuer: issuer.to_owned(),
        client_id: registered["client_id"].as_str().expect("a client id").to_owned(),
        client_secret: registered["client_secret"].as_str().map(|secret| secret.to_owned().into()),
        extra_scopes: vec!["groups".into()],
    };
    let http = ReqwestHttp::new(Duration::from_secs(10)).expect("an HTTP client");
    let provider = Provider::discover(&http, &settings).await.expect("discovered");
    Client { issuer: issuer.to_owned(), provider, redirect_uri, http }
}

/// Follows `url` in a fresh browser, signing in as `login` and consenting, until it leaves the issuer.
async fn sign_in(issuer: &str, url: &str, login: &str) -> Landing {
    oidc::sign_in(&oidc::browser(), issuer, url, login).await
}

/// Signs in as `login` and returns the callback's `code` after checking its `state` and `iss`.
async fn code_for(client: &Client, start: &AuthorizationStart, login: &str) -> String {
    let Landing::Callback(callback) = sign_in(&client.issuer, &start.url, login).await else {
        panic!("the provider did not redirect back")
    };
    assert!(callback.as_str().starts_with(&client.redirect_uri), "{callback}");
    let param = |name: &str| callback.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned());
    assert_eq!(param("state").as_deref(), Some(start.state.as_str()), "state comes back unchanged");
    assert_eq!(param("iss").as_deref(), Some(client.issuer.as_str()), "RFC 9207 issuer");
    param("code").expect("a code")
}

fn ids() -> RandomIds {
    RandomIds::new(Arc::new(SystemClock))
}

/// A whole sign-in as `login`: begin, the browser's part, complete at `clock`'s time.
async fn signed_in(client: &Client, login: &str) -> Result<VerifiedIdentity, OidcError> {
    let start = client.provider.begin(&ids(), &client.redirect_uri).expect("a start");
    let code = code_for(client, &start, login).await;
    client
        .provider
        .complete(&client.http, &SystemClock, &client.redirect_uri, &code, &start.pkce_verifier, &start.nonce)
        .await
}

#[tokio::test]
async fn the_code_flow_yields_the_verified_identity_with_groups() {
    let Some(issuer) = issuer() else { return };
    let client = client(&issuer, &json!({})).await;
    let start = client.provider.begin(&ids(), &client.redirect_uri).expect("a start");
    let code = code_for(&client, &start, "ada@example.org#pastors,staff").await;
    let (http, redirect) = (&client.http, client.redirect_uri.as_str());
    let identity = client
        .provider
        .complete(http, &SystemClock, redirect, &code, &start.pkce_verifier, &start.nonce)
        .await
        .expect("signed in");
    assert_eq!(identity.issuer, issuer);
    assert_eq!(identity.subject, "ada@example.org#pastors,staff");
    assert_eq!(identity.email.as_deref(), Some("ada@example.org"));
    assert!(identity.email_verified);
    assert_eq!(identity.name.as_deref(), Some("ada"));
    assert_eq!(identity.claim_strings("groups"), ["pastors", "staff"]);

    // A code is good for one exchange.
    let again = client
        .provider
        .complete(http, &SystemClock, redirect, &code, &start.pkce_verifier, &start.nonce)
        .await
        .expect_err("used");
    assert!(matches!(&again, OidcError::Provider { error, .. } if error == "invalid_grant"), "{again:?}");
}

#[tokio::test]
async fn every_allowed_algorithm_verifies_and_public_clients_work() {
    let Some(issuer) = issuer() else { return };
    for alg in ["PS256", "ES256", "EdDSA"] {
        let client = client(&issuer, &json!({ "id_token_signed_response_alg": alg })).await;
        let identity = signed_in(&client, "grace@example.org").await.unwrap_or_else(|e| panic!("{alg}: {e:?}"));
        assert_eq!(identity.subject, "grace@example.org", "{alg}");
    }
    let public = client(&issuer, &json!({ "token_endpoint_auth_method": "none" })).await;
    let identity = signed_in(&public, "grace@example.org").await.expect("a public client signs in with PKCE");
    assert!(identity.claim_strings("groups").is_empty());
}

#[tokio::test]
async fn an_hs256_id_token_is_refused() {
    let Some(issuer) = issuer() else { return };
    let client = client(&issuer, &json!({ "id_token_signed_response_alg": "HS256" })).await;
    match signed_in(&client, "ada@example.org").await {
        Err(OidcError::InvalidToken(why)) => assert!(why.contains("`HS256` is not one of"), "{why}"),
        other => panic!("expected a refused ID token, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unverified_email_comes_back_unverified() {
    let Some(issuer) = issuer() else { return };
    let client = client(&issuer, &json!({})).await;
    let identity = signed_in(&client, "unverified+ada@example.org").await.expect("signed in");
    assert_eq!(identity.subject, "unverified+ada@example.org");
    assert_eq!(identity.email.as_deref(), Some("ada@example.org"));
    assert!(!identity.email_verified);
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    let Some(issuer) = issuer() else { return };
    let client = client(&issuer, &json!({})).await;
    let start = client.provider.begin(&ids(), &client.redirect_uri).expect("a start");
    let code = code_for(&client, &start, "ada@example.org").await;
    let other = client.provider.begin(&ids(), &client.redirect_uri).expect("another start");
    let result = client
        .provider
        .complete(&client.http, &SystemClock, &client.redirect_uri, &code, &start.pkce_verifier, &other.nonce)
        .await;
    assert!(matches!(&result, Err(OidcError::InvalidToken(why)) if why == "wrong nonce: nonce mismatch"), "{result:?}");
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_refused_by_the_provider() {
    let Some(issuer) = issuer() else { return };
    let client = client(&issuer, &json!({})).await;
    let start = client.provider.begin(&ids(), &client.redirect_uri).expect("a start");
    let code = code_for(&client, &start, "ada@example.org").await;
    let other = client.provider.begin(&ids(), &client.redirect_uri).expect("another start");
    let error = client
        .provider
        .complete(&client.http, &SystemClock, &client.redirect_uri, &code, &other.pkce_verifier, &start.nonce)
        .await
        .expect_err("refused");
    assert!(matches!(&error, OidcError::Provider { error, .. } if error == "invalid_grant"), "{error:?}");
    assert!(error.to_string().starts_with("the identity provider refused the sign-in: invalid_grant"), "{error}");
}

#[tokio::test]
async fn a_redirect_uri_other_than_the_registered_one_is_refused() {
    let Some(issuer) = issuer() else { return };
    let client = client(&issuer, &json!({})).await;

    // At the authorization endpoint: the provider answers itself and never redirects to it.
    let elsewhere = format!("{}/elsewhere", client.redirect_uri);
    let start = client.provider.begin(&ids(), &elsewhere).expect("a start");
    let Landing::Page(status, page) = sign_in(&issuer, &start.url, "ada@example.org").await else {
        panic!("the provider redirected to an unregistered URI")
    };
    assert_eq!(status, 400);
    assert!(page.contains("redirect_uri"), "{page}");

    // At the token endpoint: the code was issued for another redirect URI.
    let start = client.provider.begin(&ids(), &client.redirect_uri).expect("a start");
    let code = code_for(&client, &start, "ada@example.org").await;
    let error = client
        .provider
        .complete(&client.http, &SystemClock, &elsewhere, &code, &start.pkce_verifier, &start.nonce)
        .await
        .expect_err("refused");
    assert!(matches!(&error, OidcError::Provider { error, .. } if error == "invalid_grant"), "{error:?}");
}

#[tokio::test]
async fn an_id_token_checked_after_its_expiry_is_refused() {
    let Some(issuer) = issuer() else { return };
    let client = client(&issuer, &json!({})).await;
    let start = client.provider.begin(&ids(), &client.redirect_uri).expect("a start");
    let code = code_for(&client, &start, "ada@example.org").await;
    let tomorrow = ManualClock::at(SystemClock.now().plus(Duration::from_hours(24)));
    let result = client
        .provider
        .complete(&client.http, &tomorrow, &client.redirect_uri, &code, &start.pkce_verifier, &start.nonce)
        .await;
    assert!(
        matches!(&result, Err(OidcError::InvalidToken(why)) if why.starts_with("ID token expired at")),
        "{result:?}"
    );
}

//! Unit tests of the provider half that needs no network: the authorization URL and its secrets.

use emmaus_memory::SequentialIds;
use openidconnect::url::Url;
use sha2::{Digest as _, Sha256};

use super::*;

const ISSUER: &str = "https://login.example.org";

fn metadata(extra: &serde_json::Value) -> CoreProviderMetadata {
    let mut document = serde_json::json!({
        "issuer": ISSUER,
        "authorization_endpoint": "https://login.example.org/authorize",
        "token_endpoint": "https://login.example.org/token",
        "jwks_uri": "https://login.example.org/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    for (key, value) in extra.as_object().expect("an object") {
        document[key] = value.clone();
    }
    serde_json::from_value(document).expect("valid metadata")
}

fn settings(secret: Option<&str>, extra_scopes: &[&str]) -> ProviderSettings {
    ProviderSettings {
        id: "example".into(),
        issuer: ISSUER.into(),
        client_id: "emmaus-web".into(),
        client_secret: secret.map(|secret| SecretString::from(secret.to_owned())),
        extra_scopes: extra_scopes.iter().map(|scope| (*scope).to_owned()).collect(),
    }
}

fn query(url: &str) -> Vec<(String, String)> {
    Url::parse(url).expect("a URL").query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn param(pairs: &[(String, String)], name: &str) -> String {
    let values: Vec<_> = pairs.iter().filter(|(key, _)| key == name).collect();
    assert_eq!(values.len(), 1, "{name} once in {pairs:?}");
    values[0].1.clone()
}

#[test]
fn the_authorization_url_carries_pkce_state_nonce_and_the_exact_redirect_uri() {
    let provider = Provider::new(&settings(None, &["groups"]), metadata(&serde_json::json!({})));
    let redirect = "http://127.0.0.1:8080/api/auth/oidc/callback";
    let start = provider.begin(&SequentialIds::default(), redirect).expect("a start");

    assert!(start.url.starts_with("https://login.example.org/authorize?"), "{}", start.url);
    let pairs = query(&start.url);
    assert_eq!(param(&pairs, "response_type"), "code");
    assert_eq!(param(&pairs, "client_id"), "emmaus-web");
    assert_eq!(param(&pairs, "redirect_uri"), redirect);
    assert_eq!(param(&pairs, "scope"), "openid email profile groups");
    assert_eq!(param(&pairs, "state"), start.state);
    assert_eq!(param(&pairs, "nonce"), start.nonce);
    assert_eq!(param(&pairs, "code_challenge_method"), "S256");
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(start.pkce_verifier.as_bytes()));
    assert_eq!(param(&pairs, "code_challenge"), challenge);
    assert!(!start.url.contains(&start.pkce_verifier), "the verifier stays with us");
}

#[test]
fn state_nonce_and_verifier_are_32_random_bytes_each_from_the_port() {
    let provider = Provider::new(&settings(None, &[]), metadata(&serde_json::json!({})));
    let first = provider.begin(&SequentialIds::default(), "https://app.example.org/cb").expect("a start");
    let again = provider.begin(&SequentialIds::default(), "https://app.example.org/cb").expect("a start");
    assert_eq!(first, again, "the same random source gives the same start");

    let secrets = [&first.state, &first.nonce, &first.pkce_verifier];
    for secret in secrets {
        assert_eq!(URL_SAFE_NO_PAD.decode(secret).expect("base64url").len(), 32);
    }
    assert!(first.state != first.nonce && first.nonce != first.pkce_verifier, "three draws: {secrets:?}");
}

#[test]
fn scopes_are_the_defaults_plus_extras_each_once() {
    let extra: Vec<String> = ["groups", "openid", " email ", "", "offline_access", "groups"].map(Into::into).into();
    assert_eq!(scopes(&extra), ["email", "profile", "groups", "offline_access"]);
}

#[test]
fn a_redirect_uri_that_is_not_a_url_is_a_settings_error() {
    let provider = Provider::new(&settings(None, &[]), metadata(&serde_json::json!({})));
    let error = provider.begin(&SequentialIds::default(), "/relative/callback").expect_err("not absolute");
    assert!(matches!(error, OidcError::Settings(_)), "{error:?}");
    assert!(error.to_string().starts_with("the sign-in settings are not valid: the redirect URI `/relative/callback`"));
}

#[test]
fn debug_output_never_shows_secrets() {
    let provider = Provider::new(&settings(Some("s3cr3t-value"), &[]), metadata(&serde_json::json!({})));
    let shown = format!("{provider:?}");
    assert!(shown.contains("emmaus-web") && shown.contains("confidential: true"), "{shown}");
    assert!(!shown.contains("s3cr3t-value"), "{shown}");
    assert!(!format!("{:?}", settings(Some("s3cr3t-value"), &[])).contains("s3cr3t-value"));

    let start = provider.begin(&SequentialIds::default(), "https://app.example.org/cb").expect("a start");
    let shown = format!("{start:?}");
    assert!(!shown.contains(&start.pkce_verifier), "{shown}");
}

#[test]
fn the_client_secret_goes_in_the_body_only_for_providers_without_basic() {
    let post_only = metadata(&serde_json::json!({"token_endpoint_auth_methods_supported": ["client_secret_post"]}));
    assert!(matches!(auth_type(&post_only), AuthType::RequestBody));
    let both = metadata(&serde_json::json!({
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"]
    }));
    assert!(matches!(auth_type(&both), AuthType::BasicAuth));
    assert!(matches!(auth_type(&metadata(&serde_json::json!({}))), AuthType::BasicAuth));
}

#[test]
fn providers_we_could_never_accept_a_token_from_are_refused_at_discovery() {
    let symmetric_only = metadata(&serde_json::json!({"id_token_signing_alg_values_supported": ["HS256", "none"]}));
    let error = check_usable(&symmetric_only).expect_err("no allowed algorithm");
    assert_eq!(
        error.to_string(),
        "the identity provider's configuration could not be used: \
         the provider signs ID tokens with none of RS256, ES256, PS256, EdDSA"
    );
    // No keys were fetched into this metadata.
    let error = check_usable(&metadata(&serde_json::json!({}))).expect_err("no keys");
    assert!(error.to_string().ends_with("the provider publishes no signing keys"), "{error}");
}

#[test]
fn the_allowed_algorithms_are_named_as_in_jose() {
    let names: Vec<String> =
        ALGORITHMS.iter().map(|alg| serde_json::to_value(alg).expect("a name").to_string()).collect();
    assert_eq!(names, ALLOWED_ALGORITHMS.map(|name| format!("\"{name}\"")));
}

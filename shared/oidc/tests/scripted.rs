//! Discovery and ID-token verification against a scripted provider whose tokens we sign here, so
//! every refusal (algorithm, signature, issuer, audience, nonce, time) is checked deterministically.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use emmaus_domain::Timestamp;
use emmaus_memory::{ManualClock, ScriptedHttp};
use emmaus_oidc::{OidcError, Provider, ProviderSettings, VerifiedIdentity};
use openidconnect::core::{CoreEdDsaPrivateSigningKey, CoreHmacKey, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use serde_json::{Value, json};

const ISSUER: &str = "https://login.example.org";
const CLIENT: &str = "emmaus-web";
const SECRET: &str = "client-secret-for-tests";
const REDIRECT: &str = "https://app.example.org/api/auth/oidc/callback";
const NOW: i64 = 1_800_000_000;
// Test-only Ed25519 keys: the provider's, and a stranger's under the same key id.
const PROVIDER_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIEYQXh5WihMBPQOPHjWcYCL+p+2hizdlC46TqVCSGNW/
-----END PRIVATE KEY-----";
const OTHER_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIMOoykz34qeStN1x7kHu37pUmNhLNsBd37LHrpSeIP+W
-----END PRIVATE KEY-----";

fn key(pem: &str) -> CoreEdDsaPrivateSigningKey {
    CoreEdDsaPrivateSigningKey::from_ed25519_pem(pem, Some(JsonWebKeyId::new("k1".into()))).expect("a key")
}

fn json_answer(status: u16, body: &Value) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(serde_json::to_vec(body).expect("JSON"))
        .expect("a response")
}

/// A provider discovered through `http`, which has answered the metadata and key requests.
async fn discovered(http: &ScriptedHttp) -> Provider {
    http.respond(|request| {
        assert_eq!(request.uri(), "https://login.example.org/.well-known/openid-configuration");
        json_answer(
            200,
            &json!({
                "issuer": ISSUER,
                "authorization_endpoint": format!("{ISSUER}/authorize"),
                "token_endpoint": format!("{ISSUER}/token"),
                "jwks_uri": format!("{ISSUER}/jwks"),
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["EdDSA", "HS256"],
            }),
        )
    });
    let public = serde_json::to_value(key(PROVIDER_KEY).as_verification_key()).expect("a JWK");
    http.respond(move |request| {
        assert_eq!(request.uri(), "https://login.example.org/jwks");
        json_answer(200, &json!({ "keys": [public] }))
    });
    let settings = ProviderSettings {
        id: "example".into(),
        issuer: ISSUER.into(),
        client_id: CLIENT.into(),
        client_secret: Some(SECRET.to_owned().into()),
        extra_scopes: vec!["groups".into()],
    };
    Provider::discover(http, &settings).await.expect("discovered")
}

fn claims() -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT, "sub": "ada-1", "nonce": "n0nce",
        "iat": NOW - 10, "exp": NOW + 300,
        "email": "ada@example.org", "email_verified": true, "name": "Ada",
        "groups": ["pastors", "staff"],
    })
}

fn signing_input(alg: &str, claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "kid": "k1", "typ": "JWT"}).to_string());
    format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

fn signed_by(pem: &str, claims: &Value) -> String {
    let input = signing_input("EdDSA", claims);
    let signature = key(pem).sign(&CoreJwsSigningAlgorithm::EdDsa, input.as_bytes()).expect("signed");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// Completes a sign-in whose token endpoint answers `id_token` at `now` (Unix seconds).
async fn complete_with(id_token: String, nonce: &str, now: i64) -> Result<VerifiedIdentity, OidcError> {
    let http = ScriptedHttp::new();
    let provider = discovered(&http).await;
    http.respond(move |request| {
        let form = String::from_utf8(request.body().clone()).expect("a form");
        assert_eq!(request.uri(), "https://login.example.org/token");
        assert!(form.contains("grant_type=authorization_code&code=the-code"), "{form}");
        assert!(form.contains("code_verifier=the-verifier"), "{form}");
        let redirect = format!("redirect_uri={}", REDIRECT.replace(':', "%3A").replace('/', "%2F"));
        assert!(form.contains(&redirect), "{form}");
        let basic = request.headers()["authorization"].to_str().expect("ASCII");
        assert_eq!(basic, format!("Basic {}", STANDARD.encode(format!("{CLIENT}:{SECRET}"))), "client_secret_basic");
        json_answer(
            200,
            &json!({"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}),
        )
    });
    let clock = ManualClock::at(Timestamp::from_unix_millis(now * 1000));
    provider.complete(&http, &clock, REDIRECT, "the-code", "the-verifier", nonce).await
}

fn refusal(result: Result<VerifiedIdentity, OidcError>) -> String {
    match result {
        Err(OidcError::InvalidToken(why)) => why,
        other => panic!("expected a refused ID token, got {other:?}"),
    }
}

#[tokio::test]
async fn a_valid_id_token_gives_the_identity_with_every_claim() {
    let identity = complete_with(signed_by(PROVIDER_KEY, &claims()), "n0nce", NOW).await.expect("verified");
    assert_eq!(identity.issuer, ISSUER);
    assert_eq!(identity.subject, "ada-1");
    assert_eq!(identity.email.as_deref(), Some("ada@example.org"));
    assert!(identity.email_verified);
    assert_eq!(identity.name.as_deref(), Some("Ada"));
    assert_eq!(identity.claim_strings("groups"), ["pastors", "staff"]);
    assert_eq!(identity.claims["sub"], "ada-1");
}

#[tokio::test]
async fn email_verified_is_false_unless_the_provider_says_true() {
    let mut unverified = claims();
    unverified.as_object_mut().expect("an object").remove("email_verified");
    let identity = complete_with(signed_by(PROVIDER_KEY, &unverified), "n0nce", NOW).await.expect("verified");
    assert!(!identity.email_verified);

    let mut as_string = claims();
    as_string["email_verified"] = json!("true");
    let identity = complete_with(signed_by(PROVIDER_KEY, &as_string), "n0nce", NOW).await.expect("verified");
    assert!(identity.email_verified, "some providers send the boolean as a string");
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    let why = refusal(complete_with(signed_by(PROVIDER_KEY, &claims()), "other", NOW).await);
    assert_eq!(why, "wrong nonce: nonce mismatch");
}

#[tokio::test]
async fn an_expired_or_future_token_is_refused_at_the_clocks_time() {
    let why = refusal(complete_with(signed_by(PROVIDER_KEY, &claims()), "n0nce", NOW + 300).await);
    assert!(why.starts_with("ID token expired at 2027-01-15 08:05:00 UTC"), "{why}");
    let why = refusal(complete_with(signed_by(PROVIDER_KEY, &claims()), "n0nce", NOW - 3600).await);
    assert!(why.starts_with("ID token issued in the future"), "{why}");
}

#[tokio::test]
async fn another_issuer_or_audience_is_refused() {
    let mut foreign = claims();
    foreign["iss"] = json!("https://login.example.org/");
    let why = refusal(complete_with(signed_by(PROVIDER_KEY, &foreign), "n0nce", NOW).await);
    assert!(why.starts_with("wrong issuer: expected `https://login.example.org`"), "{why}");

    let mut elsewhere = claims();
    elsewhere["aud"] = json!(["another-app"]);
    let why = refusal(complete_with(signed_by(PROVIDER_KEY, &elsewhere), "n0nce", NOW).await);
    assert!(why.starts_with("wrong audience: must contain `emmaus-web`"), "{why}");
}

#[tokio::test]
async fn a_signature_by_another_key_is_refused() {
    let why = refusal(complete_with(signed_by(OTHER_KEY, &claims()), "n0nce", NOW).await);
    assert!(why.starts_with("bad signature"), "{why}");
}

#[tokio::test]
async fn hmac_and_unsigned_tokens_are_refused_even_for_a_confidential_client() {
    // HS256 keyed with our own client secret would pass openidconnect's defaults.
    let input = signing_input("HS256", &claims());
    let mac = CoreHmacKey::new(SECRET).sign(&CoreJwsSigningAlgorithm::HmacSha256, input.as_bytes()).expect("a MAC");
    let why = refusal(complete_with(format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac)), "n0nce", NOW).await);
    assert!(why.contains("algorithm `HS256` is not one of"), "{why}");

    let unsigned = format!("{}.", signing_input("none", &claims()));
    let why = refusal(complete_with(unsigned, "n0nce", NOW).await);
    assert_eq!(why, "bad signature: No signature found");
}

#[tokio::test]
async fn the_providers_refusal_is_reported_with_its_words() {
    let http = ScriptedHttp::new();
    let provider = discovered(&http).await;
    http.respond(|_| {
        json_answer(400, &json!({"error": "invalid_grant", "error_description": "grant request is invalid"}))
    });
    let clock = ManualClock::at(Timestamp::from_unix_millis(NOW * 1000));
    let error = provider.complete(&http, &clock, REDIRECT, "used-code", "v", "n").await.expect_err("refused");
    assert_eq!(
        error.to_string(),
        "the identity provider refused the sign-in: invalid_grant (grant request is invalid)"
    );
    assert!(!error.to_string().contains("used-code"));
}

#[tokio::test]
async fn discovery_refuses_metadata_for_another_issuer_and_reports_statuses() {
    let settings = ProviderSettings {
        id: "example".into(),
        issuer: ISSUER.into(),
        client_id: CLIENT.into(),
        client_secret: None,
        extra_scopes: Vec::new(),
    };
    let http = ScriptedHttp::new();
    http.respond(|_| json_answer(200, &json!({"issuer": "https://evil.example.org", "authorization_endpoint": "https://evil.example.org/a", "jwks_uri": "https://evil.example.org/j", "response_types_supported": ["code"], "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"]})));
    let error = Provider::discover(&http, &settings).await.expect_err("another issuer");
    assert!(error.to_string().contains("unexpected issuer URI `https://evil.example.org`"), "{error}");

    let http = ScriptedHttp::new();
    http.respond(|_| json_answer(404, &json!({"error": "not found"})));
    let error = Provider::discover(&http, &settings).await.expect_err("no metadata");
    assert!(error.to_string().contains("404"), "{error}");

    // No scripted answer: the port fails as an unreachable host would.
    let error = Provider::discover(&ScriptedHttp::new(), &settings).await.expect_err("unreachable");
    assert!(matches!(error, OidcError::Unavailable(_)), "{error:?}");
}

#[test]
fn a_sign_in_can_be_awaited_on_any_thread() {
    fn assert_send<T: Send>(_: &T) {}
    let http = ScriptedHttp::new();
    let clock = ManualClock::default();
    let settings = ProviderSettings {
        id: String::new(),
        issuer: ISSUER.into(),
        client_id: CLIENT.into(),
        client_secret: None,
        extra_scopes: Vec::new(),
    };
    assert_send(&Provider::discover(&http, &settings));
    let provider =
        tokio::runtime::Builder::new_current_thread().build().expect("a runtime").block_on(discovered(&http));
    assert_send(&provider.complete(&http, &clock, REDIRECT, "c", "v", "n"));
}

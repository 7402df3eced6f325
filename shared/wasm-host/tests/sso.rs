//! SSO on Spin: the auth component in the Wasm test host, given exactly what `spin.toml` grants it
//! (`SpinManifest`: its variables through the `custom` provider slot, its database, and only its
//! `allowed_outbound_hosts`), signs people in through a real OpenID Provider on loopback
//! (oidc-provider, driven by `emmaus_testkit::oidc` as in `functions/auth/tests/sso.rs`).
//!
//! The provider's address comes from `EMMAUS_TEST_OIDC_ISSUER` (`start_oidc_provider` in
//! `scripts/lib/oidc.sh`); without it the sign-in is skipped, or fails under
//! `EMMAUS_REQUIRE_OIDC_TESTS=1`, which `scripts/test` sets. The cases that reach no provider
//! always run.
//!
//! The site's public URL is `http://emmaus.test`, the redirect URI registered at the provider;
//! the test carries the browser from there to the host's loopback port, as a reverse proxy would.
//! Its cookies are `__Host-` (so `Secure`), which a cookie store keeps only over HTTPS: they are
//! read from `Set-Cookie` and sent back by hand.

mod seed;
mod support;

use std::collections::HashMap;
use std::path::Path;

use emmaus_identity::directory;
use emmaus_identity::setup::NewOrg;
use emmaus_identity::tokens::KeyRing;
use emmaus_testkit::api::set_cookies;
use emmaus_testkit::oidc;
use emmaus_wasm_host::{SpinManifest, WasmHost};
use reqwest::Url;
use serde_json::{Value, json};

const PUBLIC_URL: &str = "http://emmaus.test";
const CALLBACK_PATH: &str = "/api/auth/sso/custom/callback";
const SSO_COOKIE: &str = "__Host-emmaus-sso";
const ACCESS_COOKIE: &str = "__Host-emmaus-access";

/// The organisation `grace`, whose only admin is Ada, in the file Spin's `default` database is.
/// Ada's address is proven, as if she had used a link mailed to her: a provider may find only such
/// an account by its address.
async fn seed(dir: &Path) {
    let new = NewOrg {
        slug: "grace",
        name: "Grace Church",
        admin_email: "ada@example.org",
        admin_name: "Ada",
        admin_password: "a long spin passphrase",
    };
    let (p, _) = seed::organisation(dir, &new).await;
    let email = emmaus_domain::identity::Email::parse("ada@example.org").expect("an address");
    let mut ada = directory::person_by_email(&p, &email).await.expect("read").expect("Ada");
    ada.value.email_verified = true;
    emmaus_app::docs::replace(p.kv.as_ref(), &ada, None).await.expect("updated");
}

/// The auth component as `spin up` would run it with the application variables `values` set
/// (besides the two that are required), on the database in `dir`.
fn auth(dir: &Path, values: &[(&str, &str)]) -> WasmHost {
    start(dir, values).unwrap_or_else(|e| panic!("{e:?}"))
}

fn start(dir: &Path, values: &[(&str, &str)]) -> wasmtime::Result<WasmHost> {
    let manifest = SpinManifest::read(&support::workspace_root().join("spin.toml"))?;
    let mut all = HashMap::from([
        ("session_keys".to_owned(), KeyRing::new_entry("spin", &[5; 32])),
        ("audit_keys".to_owned(), emmaus_identity::audit::new_key_entry("spin", &[6; 32])),
        ("seal_keys".to_owned(), emmaus_app::sealing::new_key_entry("spin", &[10; 32])),
        ("public_url".to_owned(), PUBLIC_URL.to_owned()),
    ]);
    all.extend(values.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())));
    let grants = manifest.grants("auth", &all, Some(dir.to_owned()))?;
    WasmHost::start_granted(&support::component("auth"), grants)
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().expect("ASCII")
}

/// A whole sign-in through the component as `login`: start, the provider's forms, the callback.
/// Returns the callback's answer, after checking the start's redirect (PKCE with S256).
async fn sign_in(host: &WasmHost, issuer: &str, client_id: &str, login: &str) -> reqwest::Response {
    let browser = oidc::browser();
    let started = browser
        .get(format!("{}/api/auth/sso/custom/start?return_to=/orgs", host.url()))
        .send()
        .await
        .expect("the component answers");
    assert_eq!(started.status(), 302, "{}", started.text().await.unwrap_or_default());
    let authorize = Url::parse(location(&started)).expect("a URL");
    assert!(authorize.as_str().starts_with(&format!("{issuer}/")), "to the provider: {authorize}");
    let query: HashMap<String, String> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    let challenge = &query["code_challenge"];
    assert!(challenge.len() == 43 && challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!((query["response_type"].as_str(), query["client_id"].as_str()), ("code", client_id));
    assert_eq!(query["redirect_uri"], format!("{PUBLIC_URL}{CALLBACK_PATH}"));
    assert!(query["scope"].split(' ').any(|s| s == "openid") && query["scope"].split(' ').any(|s| s == "groups"));
    assert!(!query["state"].is_empty() && !query["nonce"].is_empty());
    let binding = set_cookies(started.headers()).remove(SSO_COOKIE).expect("the binding cookie");

    let back = oidc::callback_url(&browser, issuer, authorize.as_str(), login).await;
    assert_eq!(back.origin().ascii_serialization(), PUBLIC_URL, "{back}");
    assert_eq!(back.path(), CALLBACK_PATH);
    let callback = format!("{}{CALLBACK_PATH}?{}", host.url(), back.query().unwrap_or_default());
    let answer = browser
        .get(callback)
        .header("cookie", format!("{SSO_COOKIE}={binding}"))
        .send()
        .await
        .expect("the component answers");
    assert_eq!(answer.status(), 303, "the callback always redirects");
    answer
}

/// The session the cookies of a signed-in answer open.
async fn session(host: &WasmHost, signed_in: &reqwest::Response) -> Value {
    let cookies = set_cookies(signed_in.headers());
    let response = reqwest::Client::new()
        .get(format!("{}/api/auth/session", host.url()))
        .header("cookie", format!("{ACCESS_COOKIE}={}", cookies[ACCESS_COOKIE]))
        .send()
        .await
        .expect("the component answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_sign_in_with_sso_through_the_custom_slot_on_spin() {
    let Some(issuer) = oidc::issuer() else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    seed(dir.path()).await;
    let registered =
        oidc::register(&issuer, &json!({ "redirect_uris": [format!("{PUBLIC_URL}{CALLBACK_PATH}")] })).await;
    let client_id = registered["client_id"].as_str().expect("a client id");
    let host = auth(
        dir.path(),
        &[
            ("oidc_providers", "custom"),
            ("oidc_custom_issuer", &issuer),
            ("oidc_custom_client_id", client_id),
            ("oidc_custom_client_secret", registered["client_secret"].as_str().expect("a secret")),
            ("oidc_custom_name", "Church login"),
            ("oidc_custom_scopes", "groups"),
            ("oidc_custom_org", "grace"),
            ("oidc_custom_role_claim", "groups"),
            ("oidc_custom_role_map", "pastors=pastor,everyone=mentee"),
            ("oidc_custom_link_domains", "example.org"),
            // The provider is on loopback: its `http://127.0.0.1:<port>` is the slot's one host.
            ("oidc_custom_allowed_host", &issuer),
        ],
    );

    let listed: Value = reqwest::get(format!("{}/api/auth/providers", host.url())).await.unwrap().json().await.unwrap();
    assert_eq!(listed, json!([{ "id": "custom", "name": "Church login" }]));

    // Ada has an account: she is linked by her verified address, and keeps her roles.
    let ada = sign_in(&host, &issuer, client_id, "ada@example.org").await;
    assert_eq!(location(&ada), "/orgs");
    let cookies = set_cookies(ada.headers());
    assert_eq!(cookies.get(SSO_COOKIE).map(String::as_str), Some(""), "the binding cookie is cleared");
    assert!(["__Host-emmaus-refresh", "__Host-emmaus-csrf"].iter().all(|name| cookies.contains_key(*name)));
    let view = session(&host, &ada).await;
    assert_eq!(view["person"]["email"], "ada@example.org");
    assert_eq!(view["organisations"][0]["roles"], json!(["admin"]));

    // A newcomer joins `grace` with the roles the slot's role map gives their groups.
    let grace = sign_in(&host, &issuer, client_id, "grace@example.org#pastors").await;
    assert_eq!(location(&grace), "/orgs");
    let view = session(&host, &grace).await;
    assert_eq!(
        (view["person"]["email"].as_str(), view["organisations"][0]["slug"].as_str()),
        (Some("grace@example.org"), Some("grace"))
    );
    assert_eq!(view["organisations"][0]["roles"], json!(["pastor"]));
    assert!(host.denied_requests().is_empty(), "{:?}", host.denied_requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_without_a_slot_or_an_allowed_host_is_refused_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // Nothing listens on port 9: no provider is needed to see what the component may call.
    let slot = [("oidc_custom_issuer", "http://127.0.0.1:9"), ("oidc_custom_client_id", "emmaus")];

    // An id without a slot: its settings cannot reach the component. The log says which variable
    // spin.toml lacks (the parser's unit tests check the hint); the caller hears only that SSO is
    // not set up.
    let with = |extra: &[(&'static str, &'static str)]| [&slot[..], extra].concat();
    let host = auth(dir.path(), &with(&[("oidc_providers", "custom,entra")]));
    let answer = reqwest::get(format!("{}/api/auth/providers", host.url())).await.unwrap();
    assert_eq!(answer.status(), 503);
    let detail = answer.json::<Value>().await.unwrap()["detail"].as_str().unwrap_or_default().to_owned();
    assert!(detail.starts_with("single sign-on is not set up on this server"), "{detail}");
    assert!(!detail.contains("oidc_entra_issuer") && !detail.contains("EMMAUS_"), "{detail}");
    // ... nor can a deployment's value for it: spin.toml does not declare it.
    let error = start(dir.path(), &[("oidc_entra_issuer", "https://login.example.org")]).expect_err("undeclared");
    assert!(format!("{error:?}").contains("does not declare the variable oidc_entra_issuer"), "{error:?}");

    // The slot's issuer, but not its allowed host: the component may not call the provider.
    let host = auth(dir.path(), &with(&[("oidc_providers", "custom")]));
    let answer = reqwest::get(format!("{}/api/auth/sso/custom/start", host.url())).await.unwrap();
    assert_eq!(answer.status(), 503);
    assert_eq!(host.denied_requests(), ["http://127.0.0.1:9/.well-known/openid-configuration"]);
    // Allowed, it is called (and nothing answers there).
    let host =
        auth(dir.path(), &with(&[("oidc_providers", "custom"), ("oidc_custom_allowed_host", "http://127.0.0.1:9")]));
    let answer = reqwest::get(format!("{}/api/auth/sso/custom/start", host.url())).await.unwrap();
    assert_eq!(answer.status(), 503);
    assert!(host.denied_requests().is_empty(), "{:?}", host.denied_requests());

    // An issuer with a path is no allowed host: Spin would deny every request of the component.
    let error =
        start(dir.path(), &[("oidc_custom_allowed_host", "https://kc.example.org/realms/grace")]).expect_err("a path");
    assert!(format!("{error:?}").contains("has a path"), "{error:?}");
}

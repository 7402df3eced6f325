//! Sessions on Spin: the auth and people components in the Wasm test host, sharing one SQLite
//! database as Spin's `default`, sign in, use, sign out; a signed-out token is refused on the very
//! next request, although each request runs in a fresh instance with nothing kept between them.

mod seed;
mod support;

use std::collections::HashMap;
use std::path::Path;

use emmaus_identity::setup::NewOrg;
use emmaus_identity::tokens::{KEYS_SETTING, KeyRing};
use emmaus_testkit::api::set_cookies;
use emmaus_wasm_host::{HostOptions, WasmHost};

const PASSWORD: &str = "a long spin passphrase";

/// The organisation the components are let at, made natively; returns its id.
async fn seed(dir: &Path) -> String {
    let new = NewOrg {
        slug: "spin-org",
        name: "Spin",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: PASSWORD,
    };
    seed::organisation(dir, &new).await.1
}

fn variables() -> HashMap<String, String> {
    HashMap::from([
        (KEYS_SETTING.trim_start_matches("EMMAUS_").to_ascii_lowercase(), KeyRing::new_entry("spin", &[9; 32])),
        ("public_url".to_owned(), "http://emmaus.test".to_owned()),
        ("audit_keys".to_owned(), emmaus_identity::audit::new_key_entry("spin", &[8; 32])),
        ("seal_keys".to_owned(), emmaus_app::sealing::new_key_entry("spin", &[10; 32])),
    ])
}

fn start(component: &str, dir: &Path) -> WasmHost {
    let options = HostOptions { variables: variables(), sqlite_dir: Some(dir.to_owned()) };
    WasmHost::start(&support::component(component), options).unwrap_or_else(|e| panic!("{e:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_out_session_is_refused_at_once_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let org = seed(dir.path()).await;
    let auth = start("auth", dir.path());
    let people = start("people", dir.path());
    let client = reqwest::Client::new();

    let signed_in = client
        .post(format!("{}/api/auth/sign-in", auth.url()))
        .json(&serde_json::json!({"email": "ada@spin.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let jar = set_cookies(signed_in.headers());
    let cookie = |names: &[&str]| names.iter().map(|n| format!("{n}={}", jar[*n])).collect::<Vec<_>>().join("; ");
    let access = cookie(&["__Host-emmaus-access", "__Host-emmaus-csrf"]);

    let members = client
        .get(format!("{}/api/people/{org}/members", people.url()))
        .header("cookie", &access)
        .send()
        .await
        .unwrap();
    assert_eq!(members.status(), 200, "another component accepts the session");

    let no_csrf =
        client.post(format!("{}/api/auth/sign-out", auth.url())).header("cookie", &access).send().await.unwrap();
    assert_eq!(no_csrf.status(), 401, "a cookie write without the CSRF token is refused");

    let signed_out = client
        .post(format!("{}/api/auth/sign-out", auth.url()))
        .header("cookie", &access)
        .header("x-csrf-token", &jar["__Host-emmaus-csrf"])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 204);

    let after = client
        .get(format!("{}/api/people/{org}/members", people.url()))
        .header("cookie", &access)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401, "the still-unexpired access token is dead on the next request");
    let refresh = client
        .post(format!("{}/api/auth/refresh", auth.url()))
        .header("cookie", cookie(&["__Host-emmaus-refresh"]))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 401, "and so is its refresh token");
}

/// Spin appends its own `spin-client-addr` after any the caller sent; throttling and the audit log
/// see Spin's, so a caller cannot choose the address its failures count against.
#[tokio::test(flavor = "multi_thread")]
async fn the_client_address_is_the_one_spin_sets_not_the_callers() {
    use emmaus_ports::{Key, KvStore as _};
    let dir = tempfile::tempdir().expect("a temporary folder");
    seed(dir.path()).await;
    let auth = start("auth", dir.path());
    let refused = reqwest::Client::new()
        .post(format!("{}/api/auth/sign-in", auth.url()))
        .header("spin-client-addr", "198.51.100.1:4711")
        .json(&serde_json::json!({"email": "ada@spin.test", "password": "not the passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let kv =
        emmaus_sqlite::SqliteKv::open(&dir.path().join("sqlite_db.db"), std::sync::Arc::new(emmaus_ports::SystemClock))
            .expect("the database opens");
    let window = |address: &str| Key::new(format!("throttle#address#{address}"), "window");
    assert!(kv.get(&window("127.0.0.1")).await.unwrap().is_some(), "counted against the real peer");
    assert!(kv.get(&window("198.51.100.1")).await.unwrap().is_none(), "not against the address the caller chose");
}

/// The strength estimator runs inside the component as it does natively: a guessable new password
/// is refused with its advice, a good one is taken, and the old one stops working.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_password_is_judged_by_the_estimator_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    seed(dir.path()).await;
    let auth = start("auth", dir.path());
    let client = reqwest::Client::new();
    let sign_in = |password: &'static str| {
        client
            .post(format!("{}/api/auth/sign-in", auth.url()))
            .json(&serde_json::json!({"email": "ada@spin.test", "password": password}))
            .send()
    };
    let signed_in = sign_in(PASSWORD).await.unwrap();
    assert_eq!(signed_in.status(), 200);
    let jar = set_cookies(signed_in.headers());
    let access = format!(
        "__Host-emmaus-access={}; __Host-emmaus-csrf={}",
        jar["__Host-emmaus-access"], jar["__Host-emmaus-csrf"]
    );
    let change = |new_password: &'static str| {
        client
            .post(format!("{}/api/auth/password", auth.url()))
            .header("cookie", &access)
            .header("x-csrf-token", &jar["__Host-emmaus-csrf"])
            .json(&serde_json::json!({"current_password": PASSWORD, "new_password": new_password}))
            .send()
    };

    let weak = change("Password1234").await.unwrap();
    assert_eq!(weak.status(), 422);
    let problem: serde_json::Value = weak.json().await.unwrap();
    let reason = problem["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    assert_eq!(problem["errors"][0]["field"], "new_password", "{problem}");
    assert!(reason.contains("too easy to guess") && reason.contains("commonly used password"), "{problem}");

    assert_eq!(change("pelican ferry under the moon").await.unwrap().status(), 204);
    assert_eq!(sign_in(PASSWORD).await.unwrap().status(), 401, "the old password no longer opens the account");
    assert_eq!(sign_in("pelican ferry under the moon").await.unwrap().status(), 200);
}

/// The second factor on Spin: the secret sealed under Spin's `seal_keys` variable, set up with the
/// app's code, then a sign-in answers 202 and only a right code (here a recovery code, as the
/// app's code of this step is spent) opens a session, once.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_factor_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    seed(dir.path()).await;
    let auth = start("auth", dir.path());
    let client = reqwest::Client::new();
    let credentials = serde_json::json!({"email": "ada@spin.test", "password": PASSWORD});
    let signed_in = client.post(format!("{}/api/auth/sign-in", auth.url())).json(&credentials).send().await.unwrap();
    assert_eq!(signed_in.status(), 200);
    let jar = set_cookies(signed_in.headers());
    let access = format!(
        "__Host-emmaus-access={}; __Host-emmaus-csrf={}",
        jar["__Host-emmaus-access"], jar["__Host-emmaus-csrf"]
    );
    let post = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{}{path}", auth.url()))
            .header("cookie", &access)
            .header("x-csrf-token", &jar["__Host-emmaus-csrf"])
            .json(&body)
            .send()
    };

    let setup = post("/api/auth/second-factor/setup", serde_json::json!({})).await.unwrap();
    assert_eq!(setup.status(), 200);
    let setup: serde_json::Value = setup.json().await.unwrap();
    let secret = emmaus_domain::totp::parse_base32(setup["secret"].as_str().unwrap()).expect("base32");
    let code = emmaus_domain::totp::code_at(&secret, emmaus_ports::Clock::now(&emmaus_ports::SystemClock));
    let wrong = post("/api/auth/second-factor/setup/confirm", serde_json::json!({"code": "000000x"})).await.unwrap();
    assert_eq!(wrong.status(), 422, "a code that is not the app's is refused");
    let confirmed = post("/api/auth/second-factor/setup/confirm", serde_json::json!({"code": code})).await.unwrap();
    assert_eq!(confirmed.status(), 200);
    let confirmed: serde_json::Value = confirmed.json().await.unwrap();
    let recovery = confirmed["recovery_codes"][0].as_str().unwrap().to_owned();

    let pending = client.post(format!("{}/api/auth/sign-in", auth.url())).json(&credentials).send().await.unwrap();
    assert_eq!(pending.status(), 202);
    assert!(!set_cookies(pending.headers()).contains_key("__Host-emmaus-access"), "no session before the code");
    let challenge = pending.json::<serde_json::Value>().await.unwrap()["challenge"].as_str().unwrap().to_owned();
    let step = |code: &str| {
        client
            .post(format!("{}/api/auth/sign-in/second-factor", auth.url()))
            .json(&serde_json::json!({"challenge": challenge, "code": code}))
            .send()
    };
    assert_eq!(step(&code).await.unwrap().status(), 422, "the code spent on the setup works no more");
    let done = step(&recovery).await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(set_cookies(done.headers()).contains_key("__Host-emmaus-access"));
    let view: serde_json::Value = done.json().await.unwrap();
    assert_eq!(view["second_factor"]["enabled"], true);
    assert_eq!(view["second_factor"]["recovery_codes_left"], 9);
    assert_eq!(step(&recovery).await.unwrap().status(), 401, "the challenge opened one session");
}

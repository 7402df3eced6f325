//! Jobs on Spin (ADR 0007): the auth component queues a password-reset request; the notify
//! component, called at `POST /api/jobs/deliver-mail` as a timer would, turns it into a link and
//! delivers it only with the jobs token. Both get exactly what `spin.toml` grants them and share
//! one SQLite database as Spin's `default`.

mod seed;
mod support;

use std::collections::HashMap;
use std::path::Path;

use emmaus_app::mail::Outbox;
use emmaus_identity::setup::NewOrg;
use emmaus_identity::tokens::{KEYS_SETTING, KeyRing};
use emmaus_wasm_host::{SpinManifest, WasmHost};

const JOBS_TOKEN: &str = "spin-jobs-token-0123456789abcdefghijkl";

/// `component` with exactly what `spin.toml` grants it, the jobs token set, on the database in `dir`.
fn start(component: &str, dir: &Path) -> WasmHost {
    let manifest = SpinManifest::read(&support::workspace_root().join("spin.toml")).expect("spin.toml parses");
    let values = HashMap::from([
        (KEYS_SETTING.trim_start_matches("EMMAUS_").to_ascii_lowercase(), KeyRing::new_entry("spin", &[9; 32])),
        ("public_url".to_owned(), "http://emmaus.test".to_owned()),
        ("audit_keys".to_owned(), emmaus_identity::audit::new_key_entry("spin", &[8; 32])),
        ("seal_keys".to_owned(), emmaus_app::sealing::new_key_entry("spin", &[10; 32])),
        ("jobs_token".to_owned(), JOBS_TOKEN.to_owned()),
    ]);
    let grants = manifest.grants(component, &values, Some(dir.to_owned())).unwrap_or_else(|e| panic!("{e:?}"));
    WasmHost::start_granted(&support::component(component), grants).unwrap_or_else(|e| panic!("{e:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timer_call_delivers_a_reset_link_on_spin() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let new = NewOrg {
        slug: "spin-org",
        name: "Spin",
        admin_email: "ada@spin.test",
        admin_name: "Ada",
        admin_password: "a long spin passphrase",
    };
    let (p, _) = seed::organisation(dir.path(), &new).await;
    let auth = start("auth", dir.path());
    let notify = start("notify", dir.path());
    let client = reqwest::Client::new();

    let forgot = client
        .post(format!("{}/api/auth/password/forgot", auth.url()))
        .json(&serde_json::json!({"email": "ada@spin.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forgot.status(), 202);

    let run =
        |token: &'static str| client.post(format!("{}/api/jobs/deliver-mail", notify.url())).bearer_auth(token).send();
    let refused = run("not-the-jobs-token-0123456789abcdefghij").await.unwrap();
    assert_eq!(refused.status(), 401);
    let done = run(JOBS_TOKEN).await.unwrap();
    assert_eq!(done.status(), 200);
    let body: serde_json::Value = done.json().await.unwrap();
    assert_eq!(body["summary"], "reset requests: 1 (1 for accounts); mail: 1 sent, 0 deferred, 0 dropped", "{body}");
    let (held, _) = Outbox::new(p.kv.clone(), p.clock.clone(), p.ids.clone()).list(10, None).await.unwrap();
    assert_eq!(held.len(), 1);
    assert!(held[0].message.text.contains("/reset-password#token="), "{}", held[0].message.text);
    let idle: serde_json::Value = run(JOBS_TOKEN).await.unwrap().json().await.unwrap();
    assert_eq!(idle["status"], "idle");
}

//! Jobs on Spin (ADR 0007): the auth component queues a password-reset request; the notify
//! component, called at `POST /api/jobs/deliver-mail` as a timer would, turns it into a link and
//! delivers it only with the jobs token. Both get exactly what `spin.toml` grants them and share
//! one SQLite database as Spin's `default`.

mod seed;
mod support;

use std::path::Path;

use emmaus_app::mail::Outbox;
use emmaus_identity::setup::NewOrg;
use emmaus_wasm_host::WasmHost;

const JOBS_TOKEN: &str = "spin-jobs-token-0123456789abcdefghijkl";

fn start(component: &str, dir: &Path) -> WasmHost {
    support::start_granted(component, dir, JOBS_TOKEN)
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

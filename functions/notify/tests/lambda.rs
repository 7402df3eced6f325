//! The notify binary on Lambda: run by an EventBridge Scheduler event under the emulated Runtime
//! API, on DynamoDB (moto) when the test script provides it, it turns a queued reset request into
//! a link and delivers the message; a run with nothing due is idle.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use emmaus_app::mail::Outbox;
use emmaus_app::{Platform, PlatformParts};
use emmaus_identity::RequestMeta;
use emmaus_identity::resets;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_lambda_emulator::LambdaProcess;
use emmaus_lambda_emulator::scheduler::scheduled_event;
use emmaus_ports::SystemClock;
use emmaus_testkit::aws::aws_endpoint;

const BINARY: &str = env!("CARGO_BIN_EXE_notify");
const TIMEOUT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_run_delivers_the_reset_link_on_dynamodb() {
    let Some(endpoint) = aws_endpoint() else { return };
    let table = format!("emmaus-notify-{}", std::process::id());
    let clock = Arc::new(SystemClock);
    let kv = emmaus_dynamodb::testing::table_at(&endpoint, &table, clock.clone()).await;
    // What the auth function does in AWS: an account, and a reset request for it in the queue.
    let (base, _) = Platform::in_memory("lambda");
    let p = Platform::new(PlatformParts {
        kv: Arc::new(kv),
        clock,
        ids: Arc::new(emmaus_ports::RandomIds::new(Arc::new(SystemClock))),
        ..base.parts()
    });
    let new = NewOrg {
        slug: "lambda-org",
        name: "Lambda",
        admin_email: "ada@lambda.test",
        admin_name: "Ada",
        admin_password: "a long lambda passphrase",
    };
    setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
    resets::request(&p, "ada@lambda.test", "https://emmaus.test", &RequestMeta::default()).await.unwrap();

    let mut envs = vec![("EMMAUS_LOG".to_owned(), "warn".to_owned()), ("EMMAUS_BLOBS".to_owned(), "memory".to_owned())];
    envs.extend(emmaus_dynamodb::testing::lambda_settings(&endpoint, &table));
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);
    let send = |event: serde_json::Value| {
        let process = &process;
        async move {
            process
                .invoke(event, TIMEOUT)
                .await
                .unwrap_or_else(|e| panic!("invocation failed: {e}\n{}", process.logs()))
        }
    };
    // What the schedule sends: its input, which names the job (template.yaml).
    let invoke = || send(serde_json::json!({"job": "deliver-mail"}));

    let first = invoke().await;
    assert_eq!(first["status"], "done", "{first}\n{}", process.logs());
    assert_eq!(first["summary"], "reset requests: 1 (1 for accounts); mail: 1 sent, 0 deferred, 0 dropped");
    let (held, _) = Outbox::new(p.kv.clone(), p.clock.clone(), p.ids.clone()).list(10, None).await.unwrap();
    assert_eq!(held.len(), 1, "the default mailer holds the message in the table's outbox");
    assert!(held[0].message.text.contains("https://emmaus.test/reset-password#token="));
    assert_eq!(invoke().await["status"], "idle");

    let outbox = send(serde_json::json!({"job": "apply-outbox"})).await;
    assert_eq!((outbox["job"].as_str(), outbox["status"].as_str()), (Some("apply-outbox"), Some("idle")), "{outbox}");
    // The scheduler's default notification names no job, and this function runs two.
    let unnamed = send(scheduled_event("deliver-mail", time::OffsetDateTime::now_utc())).await;
    assert_eq!(unnamed["status"], "refused", "{unnamed}");
    let unknown = send(serde_json::json!({"job": "mine-bitcoin"})).await;
    assert_eq!((unknown["status"].as_str(), unknown["retry"].as_bool()), (Some("refused"), Some(false)));
}

//! `POST /api/jobs/deliver-mail` through the function's router (as Spin and the local host serve
//! it): the jobs token guards it, and each outcome answers the way ADR 0007 says a scheduler needs.

use std::sync::Arc;

use emmaus_app::mail::Outbox;
use emmaus_app::platform::TEST_JOBS_TOKEN;
use emmaus_app::{Platform, PlatformParts, jobs};
use emmaus_identity::RequestMeta;
use emmaus_identity::resets;
use emmaus_ports::{Item, Key, KvError, KvStore, MapConfig, Page, Query, Write};
use emmaus_testkit::api::{ApiResponse, ApiTarget};

async fn run(p: &Platform, token: Option<&str>) -> ApiResponse {
    let mut request = http::Request::post("/api/jobs/deliver-mail");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    ApiTarget::in_process(notify::router(p.clone())).send(request.body(Vec::new()).unwrap()).await
}

fn assert_refused(response: &ApiResponse, detail: &str) {
    assert_eq!(response.status, 401, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    let body = response.json();
    assert!(body["detail"].as_str().unwrap().contains(detail), "{body}");
}

#[tokio::test]
async fn only_the_jobs_token_runs_the_job() {
    let (p, _) = Platform::in_memory("spin");
    resets::request(&p, "nobody@example.test", "http://app.test", &RequestMeta::default()).await.unwrap();
    assert_refused(&run(&p, None).await, "a valid jobs token is required");
    assert_refused(&run(&p, Some("test-jobs-token-0123456789abcdefghiJ")).await, "a valid jobs token is required");
    assert_refused(&run(&p, Some("")).await, "a valid jobs token is required");
    // The refused calls ran nothing: the request is still queued, and the first real run finds it.
    let first = run(&p, Some(TEST_JOBS_TOKEN)).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["status"], "done", "{}", first.json());
    let second = run(&p, Some(TEST_JOBS_TOKEN)).await;
    assert_eq!(second.json(), serde_json::json!({"job": "deliver-mail", "status": "idle"}));
}

#[tokio::test]
async fn jobs_stay_disabled_without_a_long_enough_token() {
    let (p, _) = Platform::in_memory("spin");
    for config in [MapConfig::new(), MapConfig::new().with(jobs::TOKEN_SETTING, "short-token")] {
        let p = Platform::new(PlatformParts { config: Arc::new(config), ..p.parts() });
        // The same answer as a wrong token: a caller learns nothing of the host's settings.
        let answer = run(&p, Some("short-token")).await;
        assert_refused(&answer, "a valid jobs token is required");
        assert!(!String::from_utf8_lossy(&answer.body).contains("EMMAUS_JOBS_TOKEN"));
    }
}

#[tokio::test]
async fn a_run_sends_the_reset_link_of_a_known_account() {
    let (p, _) = Platform::in_memory("spin");
    let new = emmaus_identity::setup::NewOrg {
        slug: "grace",
        name: "Grace",
        admin_email: "ada@grace.test",
        admin_name: "Ada",
        admin_password: "a long admin passphrase",
    };
    emmaus_identity::setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
    resets::request(&p, "ada@grace.test", "https://app.test", &RequestMeta::default()).await.unwrap();
    let response = run(&p, Some(TEST_JOBS_TOKEN)).await;
    assert_eq!(response.json()["summary"], "reset requests: 1 (1 for accounts); mail: 1 sent, 0 deferred, 0 dropped");
    let (held, _) = Outbox::new(p.kv.clone(), p.clock.clone(), p.ids.clone()).list(10, None).await.unwrap();
    assert_eq!(held.len(), 1);
    assert!(held[0].message.text.contains("https://app.test/reset-password#token="), "{}", held[0].message.text);
}

/// A store that is down: every call fails as unavailable.
#[derive(Debug)]
struct Down;

#[async_trait::async_trait]
impl KvStore for Down {
    fn adapter(&self) -> &'static str {
        "down"
    }
    async fn get(&self, _: &Key) -> Result<Option<Item>, KvError> {
        Err(KvError::Unavailable("connection refused".into()))
    }
    async fn query(&self, _: &Query) -> Result<Page, KvError> {
        Err(KvError::Unavailable("connection refused".into()))
    }
    async fn batch(&self, _: Vec<Write>) -> Result<(), KvError> {
        Err(KvError::Unavailable("connection refused".into()))
    }
}

#[tokio::test]
async fn a_store_outage_asks_the_scheduler_to_retry() {
    let (p, _) = Platform::in_memory("spin");
    let p = Platform::new(PlatformParts { kv: Arc::new(Down), ..p.parts() });
    let response = run(&p, Some(TEST_JOBS_TOKEN)).await;
    assert_eq!(response.status, 503);
    assert_eq!(response.header("retry-after"), Some("60"));
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
}

//! The system function's Lambda binary under the emulated Lambda Runtime API, fed API Gateway
//! HTTP API (payload 2.0) events, against the same API contract as every other host.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use emmaus_lambda_emulator::scheduler::scheduled_event;
use emmaus_lambda_emulator::{LambdaProcess, apigw};
use emmaus_ports::SystemClock;
use emmaus_s3::{S3BlobStore, s3_client};
use emmaus_testkit::api::{ApiResponse, ApiTarget};
use emmaus_testkit::aws::aws_endpoint;
use emmaus_testkit::contract_tests;
use futures::future::BoxFuture;

const BINARY: &str = env!("CARGO_BIN_EXE_system");
/// Generous for a debug build on a busy machine; Lambda's own default is 3 s.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The environment the binary runs with: DynamoDB and S3 on the test's protocol server (moto) when
/// `scripts/test` provides one, as deployed; otherwise the in-memory stores, after saying so.
async fn environment() -> Vec<(String, String)> {
    let mut envs = vec![("EMMAUS_LOG".to_owned(), "warn".to_owned())];
    let pairs: Vec<(String, String)> = match aws_endpoint() {
        Some(endpoint) => {
            let bucket = provision(&endpoint).await;
            let mut pairs = emmaus_dynamodb::testing::lambda_settings(&endpoint, TABLE);
            for (k, v) in [("EMMAUS_BLOBS", "s3"), ("EMMAUS_BUCKET", bucket.as_str()), ("EMMAUS_S3_PATH_STYLE", "true")]
            {
                pairs.push((k.to_owned(), v.to_owned()));
            }
            pairs
        }
        None => vec![("EMMAUS_KV".into(), "memory".into()), ("EMMAUS_BLOBS".into(), "memory".into())],
    };
    envs.extend(pairs);
    envs
}

const TABLE: &str = "emmaus-lambda-test";

/// Creates the table and bucket the binary is pointed at, as `template.yaml` does in AWS; returns
/// the bucket's name.
async fn provision(endpoint: &str) -> String {
    const BUCKET: &str = "emmaus-lambda-test";
    let clock = Arc::new(SystemClock);
    emmaus_dynamodb::testing::table_at(endpoint, TABLE, clock.clone()).await;
    let config = emmaus_dynamodb::testing::sdk_config().await;
    let blobs = S3BlobStore::new(s3_client(&config, Some(endpoint), true), BUCKET.into(), 1024, clock);
    blobs.create_bucket_if_missing().await.expect("the bucket is created");
    BUCKET.into()
}

async fn start() -> Arc<LambdaProcess> {
    let envs = environment().await;
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Arc::new(LambdaProcess::start(Path::new(BINARY), &envs))
}

/// One execution environment per test: start-up takes a few milliseconds (`scripts/bench/lambda`).
async fn lambda() -> ApiTarget {
    let process = start().await;
    ApiTarget::custom(Arc::new(move |request| -> BoxFuture<'static, ApiResponse> {
        let process = process.clone();
        Box::pin(async move {
            let response = process
                .invoke_http(request, TIMEOUT)
                .await
                .unwrap_or_else(|e| panic!("invocation failed: {e}\nfunction output:\n{}", process.logs()));
            let (parts, body) = response.into_parts();
            ApiResponse { status: parts.status.as_u16(), headers: parts.headers, body }
        })
    }))
}

contract_tests!(lambda);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_names_the_stores_it_was_given() {
    let expected = if aws_endpoint().is_some() {
        ["dynamodb", "s3", "snapshot-fts5"]
    } else {
        ["memory", "memory", "snapshot-fts5"]
    };
    let health = lambda().await.get("/api/health").await.json();
    let adapters: Vec<&str> =
        health["checks"].as_array().unwrap().iter().filter_map(|c| c["adapter"].as_str()).collect();
    assert_eq!(adapters, expected, "{health}");
    assert_eq!(health["host"], "lambda");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_is_the_committed_one() {
    let response = lambda().await.get("/api/openapi.json").await;
    assert_eq!(response.body, system::API_DOCUMENT.as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_http_events_are_reported_errors_not_hangs() {
    let process = start().await;
    let event = scheduled_event("nightly", time::OffsetDateTime::now_utc());
    let error = process.invoke(event, TIMEOUT).await.expect_err("the system function has no job handler");
    eprintln!("reported: {error}");
    assert!(error.message.contains("API Gateway"), "{error}");
    assert!(!error.error_type.is_empty() && error.error_type != "Sandbox.Timedout", "{error}");

    // Like a real environment, the runtime goes on to the next invocation after a reported error.
    let health = http::Request::get("/api/health").body(Vec::new()).expect("a valid request");
    let response = process.invoke_http(health, TIMEOUT).await.expect("the process survived");
    assert_eq!(response.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_carry_cookies_and_answers_come_back_through_the_gateway() {
    let process = start().await;
    let mut event = apigw::to_event(
        http::Request::get("/api/health").header("cookie", "a=1; b=2").body(Vec::new()).expect("a valid request"),
    );
    assert_eq!(event["cookies"], serde_json::json!(["a=1", "b=2"]));
    event["headers"]["x-request-id"] = "lambda-7".into();
    let answer = process.invoke(event, TIMEOUT).await.expect("an answer");
    // lambda_http answers in payload 2.0: set-cookie headers would travel in `cookies`, never in `headers`.
    assert_eq!(answer["statusCode"], 200);
    assert_eq!(answer["cookies"], serde_json::json!([]));
    assert_eq!(answer["headers"]["x-request-id"], "lambda-7");
    assert_eq!(answer["isBase64Encoded"], false);
}

/// Start-up time is measured by `scripts/bench/lambda`; here only that the runtime asks for work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_asks_for_work_after_starting() {
    let process = start().await;
    let startup = process.startup(TIMEOUT).unwrap_or_else(|| panic!("no call to /next; output:\n{}", process.logs()));
    eprintln!("debug build: process start to first /next in {startup:?}");
}

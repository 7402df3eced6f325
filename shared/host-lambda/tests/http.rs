//! The HTTP host under the emulated Lambda Runtime API: the caller's address from API Gateway's
//! request context (or from CloudFront's viewer address with the origin secret), and settings from a Secrets Manager secret read at cold start (on moto when
//! `scripts/test` provides it).

use std::path::PathBuf;
use std::time::Duration;

use emmaus_host_lambda::{ORIGIN_SECRET, ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER};
use emmaus_lambda_emulator::LambdaProcess;
use emmaus_testkit::aws::aws_endpoint;
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(10);
/// The `sourceIp` the emulator's API Gateway reports (a documentation address).
const EMULATED_SOURCE_IP: &str = "192.0.2.1";

/// `cargo test` builds the examples beside the test binaries: `target/<profile>/examples/`.
fn probe_binary() -> PathBuf {
    let deps = std::env::current_exe().expect("the test binary's path");
    let profile = deps.parent().and_then(|d| d.parent()).expect("target/<profile>/deps");
    let binary = profile.join("examples/http_probe");
    assert!(binary.is_file(), "{} is missing; run through cargo test, which builds examples", binary.display());
    binary
}

fn start(extra: &[(&str, &str)]) -> LambdaProcess {
    let mut envs = vec![("EMMAUS_KV", "memory"), ("EMMAUS_BLOBS", "memory"), ("EMMAUS_LOG", "info")];
    envs.extend_from_slice(extra);
    LambdaProcess::start(&probe_binary(), &envs)
}

async fn probe(process: &LambdaProcess) -> Value {
    probe_with(process, &[]).await
}

async fn probe_with(process: &LambdaProcess, headers: &[(&str, &str)]) -> Value {
    let mut request = http::Request::get("/probe");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Vec::new()).expect("a valid request");
    let response = process
        .invoke_http(request, TIMEOUT)
        .await
        .unwrap_or_else(|e| panic!("invocation failed: {e}\nfunction output:\n{}", process.logs()));
    assert_eq!(response.status(), 200, "{}", String::from_utf8_lossy(response.body()));
    serde_json::from_slice(response.body()).expect("the probe answers JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_address_is_the_gateways_source_ip() {
    let process = start(&[]);
    let answer = probe(&process).await;
    assert_eq!(answer["client_address"], EMULATED_SOURCE_IP, "{answer}");
    // Without settings the mail is held, and the cold start says so loudly.
    assert_eq!(answer["mailer"], "outbox");
    let logs = process.logs();
    assert!(logs.contains("WARN") && logs.contains("EMMAUS_MAILER is outbox"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_origin_secret_the_client_address_is_cloudfronts_viewer_address() {
    let secret = "origin-secret-hunter2-0123456789abcdefghij";
    let process = start(&[(ORIGIN_SECRET, secret)]);
    let through_cloudfront = [(ORIGIN_SECRET_HEADER, secret), (VIEWER_ADDRESS_HEADER, "2001:db8::7")];
    let answer = probe_with(&process, &through_cloudfront).await;
    assert_eq!(answer["client_address"], "2001:db8::7", "{answer}");
    assert_eq!(answer["origin_secret_header"], false, "the router saw the secret: {answer}");
    // Straight to the gateway with a guessed secret: the gateway's source IP.
    let forged = [(ORIGIN_SECRET_HEADER, "origin-secret-guessed"), (VIEWER_ADDRESS_HEADER, "203.0.113.9")];
    let answer = probe_with(&process, &forged).await;
    assert_eq!(answer["client_address"], EMULATED_SOURCE_IP, "{answer}");
    assert_eq!(answer["origin_secret_header"], false, "{answer}");
    let logs = process.logs();
    assert!(logs.contains("client addresses come from CloudFront"), "{logs}");
    assert!(!logs.contains("hunter2"), "the secret reached the logs: {logs}");
}

/// Secrets Manager on moto: a client with dummy credentials (moto accepts any).
async fn secrets_client(endpoint: &str) -> aws_sdk_secretsmanager::Client {
    let config = emmaus_dynamodb::testing::sdk_config().await;
    let config = aws_sdk_secretsmanager::config::Builder::from(&config).endpoint_url(endpoint).build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

/// Creates a secret with a unique name holding `text`; returns its ARN.
async fn create_secret(client: &aws_sdk_secretsmanager::Client, text: &str) -> String {
    // Unique per run and per call: moto keeps secrets for its lifetime, and names must not repeat.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_nanos();
    let name = format!("emmaus-test-{}-{nanos}", std::process::id());
    let created = client.create_secret().name(name).secret_string(text).send().await.expect("moto creates the secret");
    created.arn().expect("an ARN").to_owned()
}

fn aws_envs(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("EMMAUS_AWS_ENDPOINT", endpoint.to_owned()),
        ("AWS_ACCESS_KEY_ID", "test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
    ]
}

fn start_with_secret(endpoint: &str, arn: &str, extra: &[(&str, &str)]) -> LambdaProcess {
    let owned = aws_envs(endpoint);
    let mut envs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    envs.push(("EMMAUS_SECRETS_ARN", arn));
    envs.extend_from_slice(extra);
    start(&envs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_come_from_the_secret_after_the_environment() {
    let Some(endpoint) = aws_endpoint() else { return };
    let client = secrets_client(&endpoint).await;
    let secret = serde_json::json!({
        "EMMAUS_PROBE_FROM_SECRET": "from the secret",
        "EMMAUS_PROBE_SHADOWED": "from the secret",
        "EMMAUS_MAILER": "postmark",
        "EMMAUS_MAIL_FROM": "Emmaus <noreply@example.org>",
        "EMMAUS_POSTMARK_TOKEN": "probe-token-hunter2",
    });
    let arn = create_secret(&client, &secret.to_string()).await;
    let process = start_with_secret(&endpoint, &arn, &[("EMMAUS_PROBE_SHADOWED", "from the environment")]);
    let answer = probe(&process).await;
    assert_eq!(answer["from_secret"], "from the secret", "{answer}");
    assert_eq!(answer["shadowed"], "from the environment", "{answer}");
    assert_eq!(answer["mailer"], "postmark", "{answer}");
    let logs = process.logs();
    assert!(logs.contains(&arn) && logs.contains("EMMAUS_POSTMARK_TOKEN"), "the keys are logged: {logs}");
    assert!(!logs.contains("hunter2"), "a secret value reached the logs: {logs}");
}

/// Invokes once, expecting the cold start to fail; returns the function's output.
async fn failed_start(process: &LambdaProcess) -> String {
    let request = http::Request::get("/probe").body(Vec::new()).expect("a valid request");
    let error = process.invoke_http(request, TIMEOUT).await.expect_err("the cold start fails");
    assert_eq!(error.error_type, "Runtime.ExitError", "{error}");
    process.logs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_secret_fails_the_cold_start_naming_the_setting_and_the_secret() {
    let Some(endpoint) = aws_endpoint() else { return };
    let client = secrets_client(&endpoint).await;
    let arn = create_secret(&client, "EMMAUS_SESSION_KEYS=k1:hunter2").await;
    let logs = failed_start(&start_with_secret(&endpoint, &arn, &[])).await;
    assert!(logs.contains("EMMAUS_SECRETS_ARN") && logs.contains(&arn) && logs.contains("not JSON"), "{logs}");
    assert!(!logs.contains("hunter2"), "a secret value reached the logs: {logs}");

    let arn = create_secret(&client, r#"{"EMMAUS_MAX_BLOB_BYTES": 1024}"#).await;
    let logs = failed_start(&start_with_secret(&endpoint, &arn, &[])).await;
    assert!(logs.contains("the value of `EMMAUS_MAX_BLOB_BYTES` is not a string"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_secret_fails_the_cold_start_naming_the_setting_and_the_secret() {
    let Some(endpoint) = aws_endpoint() else { return };
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:emmaus-absent-AbCdEf";
    let logs = failed_start(&start_with_secret(&endpoint, arn, &[])).await;
    assert!(logs.contains("EMMAUS_SECRETS_ARN") && logs.contains(arn) && logs.contains("cannot be read"), "{logs}");
}

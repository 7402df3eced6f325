//! The job runner under the emulated Lambda Runtime API, invoked with EventBridge Scheduler events.

use std::path::PathBuf;
use std::time::Duration;

use emmaus_lambda_emulator::LambdaProcess;
use emmaus_lambda_emulator::scheduler::scheduled_event;

const TIMEOUT: Duration = Duration::from_secs(10);

/// `cargo test` builds the examples beside the test binaries: `target/<profile>/examples/`.
fn probe_binary() -> PathBuf {
    let deps = std::env::current_exe().expect("the test binary's path");
    let profile = deps.parent().and_then(|d| d.parent()).expect("target/<profile>/deps");
    let binary = profile.join("examples/job_probe");
    assert!(binary.is_file(), "{} is missing; run through cargo test, which builds examples", binary.display());
    binary
}

fn start(outcome: &str) -> LambdaProcess {
    let envs = [
        ("EMMAUS_PROBE_OUTCOME", outcome),
        ("EMMAUS_KV", "memory"),
        ("EMMAUS_BLOBS", "memory"),
        ("EMMAUS_LOG", "warn"),
    ];
    LambdaProcess::start(&probe_binary(), &envs)
}

fn nightly() -> serde_json::Value {
    scheduled_event("nightly", time::OffsetDateTime::now_utc())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_run_answers_with_its_summary() {
    let answer = start("done").invoke(nightly(), TIMEOUT).await.expect("a result");
    assert_eq!(answer["status"], "done");
    assert!(answer["summary"].as_str().is_some_and(|s| s.starts_with("ran for ")), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retryable_failure_is_a_function_error_so_the_scheduler_retries() {
    let process = start("retryable");
    let error = process.invoke(nightly(), TIMEOUT).await.expect_err("a reported failure");
    assert_eq!(error.error_type, "Retryable");
    assert_eq!(error.message, "probe: the store is unavailable");
    // The environment goes on serving the next scheduled run.
    assert!(process.invoke(nightly(), TIMEOUT).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_retryable_failure_is_answered_not_retried() {
    let answer = start("non-retryable").invoke(nightly(), TIMEOUT).await.expect("a result, so no retry");
    assert_eq!((answer["status"].as_str(), answer["retry"].as_bool()), (Some("failed"), Some(false)));
    assert_eq!(answer["error"], "the configuration is invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_that_are_not_schedules_are_refused_without_running() {
    let event = serde_json::json!({"source": "aws.s3", "detail": {}});
    let answer = start("done").invoke(event, TIMEOUT).await.expect("a result");
    assert_eq!((answer["status"].as_str(), answer["retry"].as_bool()), (Some("refused"), Some(false)));
}

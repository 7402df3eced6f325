//! Runs a job as a Lambda function invoked by EventBridge Scheduler.
//!
//! A scheduler retries an invocation that fails, so a `Retryable` outcome is reported as a
//! function error (type `Retryable`), while a `NonRetryable` one is logged and answered as a
//! result: repeating a run that cannot succeed would only repeat the failure.

use std::sync::Arc;

use emmaus_app::jobs::{Job, Outcome};
use emmaus_app::{HostInfo, Platform};
use emmaus_domain::Timestamp;
use emmaus_http::telemetry::{self, LogFormat};
use emmaus_ports::{ConfigSource, EnvConfig};
use lambda_http::lambda_runtime::{self, Diagnostic, LambdaEvent, service_fn};
use serde_json::{Value, json};

/// Serves scheduled invocations of `job` for the lifetime of the execution environment.
pub fn run_job(name: &'static str, job: Job, version: &'static str, build: &'static str) -> Result<(), crate::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let config = EnvConfig;
        let filter = telemetry::parse_filter(&config.get("EMMAUS_LOG").unwrap_or_else(|| "info".into()))?;
        telemetry::init(LogFormat::Json, filter);
        let platform =
            crate::cold_start(crate::platform(Arc::new(config), HostInfo { kind: "lambda", version, build }).await)?;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
            let platform = platform.clone();
            async move { handle(name, job, platform, &event.payload).await }
        }))
        .await
    })
}

/// One invocation: checks the event is a schedule's, runs the job once, and reports its outcome.
async fn handle(name: &str, job: Job, platform: Platform, event: &Value) -> Result<Value, Diagnostic> {
    if event["source"] != "aws.scheduler" && event["source"] != "aws.events" {
        // Not a schedule's event: nothing to run, and retrying would not change that.
        tracing::error!(job = name, "invoked with an event that is not a scheduled event");
        return Ok(json!({"job": name, "status": "refused", "retry": false, "error": "not a scheduled event"}));
    }
    let now: Timestamp = platform.clock.now();
    let outcome = job(platform, now).await;
    outcome.log(name);
    match outcome {
        Outcome::Done(summary) => Ok(json!({"job": name, "status": "done", "summary": summary})),
        Outcome::Idle => Ok(json!({"job": name, "status": "idle"})),
        Outcome::Retryable(reason) => {
            Err(Diagnostic { error_type: "Retryable".into(), error_message: format!("{name}: {reason}") })
        }
        Outcome::NonRetryable(reason) => Ok(json!({"job": name, "status": "failed", "retry": false, "error": reason})),
    }
}

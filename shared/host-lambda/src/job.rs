//! Runs jobs as a Lambda function invoked by EventBridge Scheduler. A function with several jobs
//! has a schedule per job whose input names it (`{"job": "<name>"}`); a function with one job also
//! accepts the scheduler's default notification.
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
    run_jobs(vec![(name, job)], version, build)
}

/// Serves scheduled invocations of any of `jobs`, each picked by the name its schedule sends.
pub fn run_jobs(
    jobs: Vec<(&'static str, Job)>,
    version: &'static str,
    build: &'static str,
) -> Result<(), crate::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let config = EnvConfig;
        let filter = telemetry::parse_filter(&config.get("EMMAUS_LOG").unwrap_or_else(|| "info".into()))?;
        telemetry::init(LogFormat::Json, filter);
        let platform =
            crate::cold_start(crate::platform(Arc::new(config), HostInfo { kind: "lambda", version, build }).await)?;
        let jobs = Arc::new(jobs);
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
            let (platform, jobs) = (platform.clone(), jobs.clone());
            async move { handle(&jobs, platform, &event.payload).await }
        }))
        .await
    })
}

/// Which job an event asks for: the one its input names, or the only one on a default
/// notification; otherwise why none runs.
fn pick(jobs: &[(&'static str, Job)], event: &Value) -> Result<(&'static str, Job), String> {
    if let Some(name) = event.get("job").and_then(Value::as_str) {
        return jobs
            .iter()
            .find(|(known, _)| *known == name)
            .copied()
            .ok_or_else(|| format!("no job called {name} here"));
    }
    if event["source"] != "aws.scheduler" && event["source"] != "aws.events" {
        return Err("not a scheduled event".into());
    }
    match jobs {
        [only] => Ok(*only),
        _ => Err("a scheduled event that names no job, and this function runs several".into()),
    }
}

/// One invocation: picks the job the event asks for, runs it once, and reports its outcome.
async fn handle(jobs: &[(&'static str, Job)], platform: Platform, event: &Value) -> Result<Value, Diagnostic> {
    let (name, job) = match pick(jobs, event) {
        Ok(picked) => picked,
        Err(reason) => {
            // Nothing to run, and retrying would not change that.
            tracing::error!(%reason, "invoked with an event that runs no job");
            return Ok(json!({"status": "refused", "retry": false, "error": reason}));
        }
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn idle(_: Platform, _: Timestamp) -> std::pin::Pin<Box<dyn Future<Output = Outcome> + Send>> {
        Box::pin(async { Outcome::Idle })
    }

    #[test]
    fn the_schedule_names_the_job_or_the_only_job_runs() {
        let one = [("a", idle as Job)];
        let two = [("a", idle as Job), ("b", idle as Job)];
        let notification = json!({"source": "aws.scheduler", "detail-type": "Scheduled Event"});
        assert_eq!(pick(&two, &json!({"job": "b"})).map(|(name, _)| name), Ok("b"));
        assert_eq!(pick(&one, &notification).map(|(name, _)| name), Ok("a"));
        assert!(pick(&two, &notification).is_err(), "ambiguous");
        assert!(pick(&two, &json!({"job": "c"})).is_err(), "unknown");
        assert!(pick(&one, &json!({"routeKey": "GET /"})).is_err(), "not a schedule's event");
    }
}

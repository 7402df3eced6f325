//! A job binary for the tests of the job runner: its outcome is chosen by `EMMAUS_PROBE_OUTCOME`
//! (`done`, `retryable` or `non-retryable`), so one binary exercises every path through Lambda.

use emmaus_app::Platform;
use emmaus_app::jobs::Outcome;
use emmaus_domain::Timestamp;

fn probe(_platform: Platform, now: Timestamp) -> std::pin::Pin<Box<dyn Future<Output = Outcome> + Send>> {
    Box::pin(async move {
        match std::env::var("EMMAUS_PROBE_OUTCOME").as_deref() {
            Ok("retryable") => Outcome::Retryable("the store is unavailable".into()),
            Ok("non-retryable") => Outcome::NonRetryable("the configuration is invalid".into()),
            _ => Outcome::Done(format!("ran for {}", now.unix_seconds())),
        }
    })
}

fn main() -> Result<(), emmaus_host_lambda::Error> {
    emmaus_host_lambda::run_job("probe", probe, "0.0.0", "probe")
}

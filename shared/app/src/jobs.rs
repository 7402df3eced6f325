//! Background jobs: one deterministic step, `run_once(platform, now) -> Outcome`, that every host
//! triggers its own way (EventBridge Scheduler on Lambda, `POST /api/jobs/<name>` from a timer on
//! Spin, an in-process scheduler locally). Each module defines its jobs ([`JobSpec`]); each function
//! lists the jobs it runs (`notify::JOBS`), which the hosts and the drift test read.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use emmaus_domain::{DomainError, Timestamp};

use crate::platform::Platform;

/// How a run ended, which decides whether the trigger should try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The work is done; the summary goes to the log (e.g. "3 reminders sent").
    Done(String),
    /// Nothing was due; hosts log it quietly, since most runs of a frequent job find nothing.
    Idle,
    /// A passing failure (a store or service unavailable): the same run may succeed later.
    Retryable(String),
    /// A failure a retry cannot mend (bad configuration, corrupt input): report it, do not repeat it.
    NonRetryable(String),
}

impl Outcome {
    /// The one log line of a finished run, the same on every host: a done run at info, an idle
    /// one at debug (most runs of a frequent job find nothing), failures at warn and error.
    pub fn log(&self, job: &str) {
        match self {
            Self::Done(summary) => tracing::info!(job, %summary, "job done"),
            Self::Idle => tracing::debug!(job, "nothing was due"),
            Self::Retryable(reason) => tracing::warn!(job, %reason, "job failed for now; a later run tries again"),
            Self::NonRetryable(reason) => tracing::error!(job, %reason, "job failed; not retrying"),
        }
    }
}

/// A job's single step. `now` is the time the run is for, read once by the host, so a retried or
/// replayed run computes the same answer.
pub type Job = fn(Platform, Timestamp) -> Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// A job, the function that hosts it, and how often it runs.
#[derive(Debug, Clone, Copy)]
pub struct JobSpec {
    /// The job's name: its Spin route `/api/jobs/<name>`, and its schedule on Lambda.
    pub name: &'static str,
    pub run: Job,
    /// The cadence when deployed, where every run costs an invocation: `template.yaml`'s schedule
    /// and the timer recipes of `docs/deploy-spin.md`.
    pub every: Duration,
    /// The cadence in the local binary, where a run costs one store query.
    pub locally_every: Duration,
}

/// `apply-outbox`, the job of the outbox (`crate::outbox`).
pub const APPLY_OUTBOX: JobSpec = JobSpec {
    name: "apply-outbox",
    run: apply_outbox,
    every: Duration::from_mins(1),
    // Seconds, so derived data (an index entry, say) follows a change while one looks at it.
    locally_every: Duration::from_secs(2),
};

/// How long background work waits after its `attempts`-th failure: 1, 2, 4 … minutes, at most four
/// hours apart. The mail queue and the outbox both retry by it.
pub fn backoff(attempts: u32) -> Duration {
    Duration::from_mins(1u64 << attempts.saturating_sub(1).min(8)).min(Duration::from_hours(4))
}

/// The setting holding the bearer token that `POST /api/jobs/<name>` requires (Spin: `jobs_token`).
pub const TOKEN_SETTING: &str = "EMMAUS_JOBS_TOKEN";
/// Shorter tokens are refused as too guessable, and jobs stay disabled.
pub const MIN_TOKEN_CHARS: usize = 32;

/// Runs the job `name` of `jobs` (a function's) for an HTTP trigger that presented `token`:
/// `Refused` unless the host has a jobs token of at least [`MIN_TOKEN_CHARS`] and `token` equals it
/// (compared in constant time), `NotFound` for a job not in `jobs`.
pub async fn trigger(p: &Platform, jobs: &[JobSpec], name: &str, token: Option<&str>) -> Result<Outcome, DomainError> {
    // Whoever calls hears the same refusal whether jobs are disabled or the token is wrong; why
    // jobs are disabled (a setting's name) is for the operator's log.
    let refused = || DomainError::Refused("a valid jobs token is required (Authorization: Bearer <token>)".into());
    let configured = p.config.get(TOKEN_SETTING).map(|t| t.trim().to_owned()).unwrap_or_default();
    if configured.chars().count() < MIN_TOKEN_CHARS {
        tracing::warn!(
            job = name,
            "jobs are not enabled on this host: set {TOKEN_SETTING} (on Spin, the variable jobs_token) to a random \
             token of at least {MIN_TOKEN_CHARS} characters"
        );
        return Err(refused());
    }
    if !token.is_some_and(|t| crate::secrets::same(t, &configured)) {
        return Err(refused());
    }
    let job =
        jobs.iter().find(|job| job.name == name).ok_or_else(|| DomainError::NotFound(format!("the job {name}")))?;
    Ok((job.run)(p.clone(), p.clock.now()).await)
}

/// Parked tasks counted in a run's summary, at most; past it the summary says "at least".
const PARKED_COUNTED: usize = 1000;

/// `apply-outbox`: applies the follow-up work changes left in the outbox (`crate::outbox`), then
/// makes what they indexed searchable (`SearchIndex::refresh`).
pub fn apply_outbox(p: Platform, now: Timestamp) -> Pin<Box<dyn Future<Output = Outcome> + Send>> {
    Box::pin(async move {
        let applied = match crate::outbox::run(&p, now).await {
            Ok(applied) => applied,
            Err(error) => return Outcome::Retryable(format!("outbox: {error}")),
        };
        // What the tasks indexed becomes searchable (a publish on Lambda; locally the merges are
        // finished and the index writers let go, so a command beside the server can write).
        if let Err(error) = p.search.refresh().await {
            return Outcome::Retryable(format!("search refresh: {error}"));
        }
        let parked = match crate::outbox::parked_count(&p, PARKED_COUNTED).await {
            Ok(parked) => parked,
            Err(error) => return Outcome::Retryable(format!("outbox: {error}")),
        };
        if applied == crate::outbox::Applied::default() && parked == 0 {
            return Outcome::Idle;
        }
        let more = if applied.more { "; more waiting" } else { "" };
        let waiting = match parked {
            0 => String::new(),
            PARKED_COUNTED.. => format!("; at least {PARKED_COUNTED} parked tasks wait for an operator"),
            n => format!("; {n} parked tasks wait for an operator"),
        };
        Outcome::Done(format!(
            "{} applied, {} deferred, {} parked{more}{waiting}",
            applied.done, applied.deferred, applied.parked
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_to_four_hours() {
        assert_eq!(backoff(1), Duration::from_mins(1));
        assert_eq!(backoff(2), Duration::from_mins(2));
        assert_eq!(backoff(3), Duration::from_mins(4));
        assert_eq!(backoff(5), Duration::from_mins(16));
        assert_eq!(backoff(9), Duration::from_hours(4));
        assert_eq!(backoff(crate::mail_queue::MAX_ATTEMPTS), Duration::from_hours(4));
        assert_eq!(backoff(crate::outbox::MAX_ATTEMPTS), Duration::from_hours(4));
    }
}

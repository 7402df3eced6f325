//! Background jobs: one deterministic step, `run_once(platform, now) -> Outcome`, that every host
//! triggers its own way (EventBridge Scheduler on Lambda, a scheduler on Spin, a timer locally).

use std::future::Future;
use std::pin::Pin;

use emmaus_domain::Timestamp;

use crate::platform::Platform;

/// How a run ended, which decides whether the trigger should try again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The work is done; the summary goes to the log (e.g. "3 reminders sent").
    Done(String),
    /// A passing failure (a store or service unavailable): the same run may succeed later.
    Retryable(String),
    /// A failure a retry cannot mend (bad configuration, corrupt input): report it, do not repeat it.
    NonRetryable(String),
}

/// A job's single step. `now` is the time the run is for, read once by the host, so a retried or
/// replayed run computes the same answer.
pub type Job = fn(Platform, Timestamp) -> Pin<Box<dyn Future<Output = Outcome> + Send>>;

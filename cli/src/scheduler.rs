//! The local binary's scheduler: every job of `emmaus_app::jobs::ALL`, run in-process at its local
//! cadence, as EventBridge Scheduler runs them on Lambda and a timer does on Spin.

use emmaus_app::Platform;
use emmaus_app::jobs::{ALL, JobSpec, Outcome};
use tokio::task::JoinHandle;
use tokio::time::{MissedTickBehavior, interval};

/// Starts one task per job; abort the handles to stop them. A run cut short is safe: every job's
/// work is claimed in the store, and what a run did not finish the next one does.
pub fn start(platform: &Platform) -> Vec<JoinHandle<()>> {
    ALL.iter().map(|job| tokio::spawn(every(job, platform.clone()))).collect()
}

async fn every(job: &'static JobSpec, platform: Platform) {
    let mut ticks = interval(job.locally_every);
    // After a slow run, wait a full period rather than running twice in a row.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = platform.clock.now();
        match (job.run)(platform.clone(), now).await {
            Outcome::Done(summary) => tracing::info!(job = job.name, %summary, "job done"),
            Outcome::Idle => tracing::trace!(job = job.name, "nothing was due"),
            Outcome::Retryable(reason) => {
                tracing::warn!(job = job.name, %reason, "job failed; trying again at the next tick");
            }
            Outcome::NonRetryable(reason) => tracing::error!(job = job.name, %reason, "job failed"),
        }
    }
}

//! The local binary's scheduler: every job of every function ([`JOBS`]), run in-process at its
//! local cadence, as EventBridge Scheduler runs them on Lambda and a timer does on Spin.

use emmaus_app::Platform;
use emmaus_app::jobs::JobSpec;
use tokio::task::JoinHandle;
use tokio::time::{MissedTickBehavior, interval};

/// Every function that runs jobs, with its jobs.
pub const JOBS: &[(&str, &[JobSpec])] = &[(notify::NAME, notify::JOBS), (ingest::NAME, ingest::JOBS)];

/// Starts one task per job; abort the handles to stop them. A run cut short is safe: every job's
/// work is claimed in the store, and what a run did not finish the next one does.
pub fn start(platform: &Platform) -> Vec<JoinHandle<()>> {
    JOBS.iter().flat_map(|(_, jobs)| jobs.iter()).map(|job| tokio::spawn(every(job, platform.clone()))).collect()
}

async fn every(job: &'static JobSpec, platform: Platform) {
    let mut ticks = interval(job.locally_every);
    // After a slow run, wait a full period rather than running twice in a row.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = platform.clock.now();
        (job.run)(platform.clone(), now).await.log(job.name);
    }
}

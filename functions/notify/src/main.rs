//! The `notify` function as an AWS Lambda binary: its jobs (`emmaus_app::jobs::ALL`), each invoked
//! by an EventBridge schedule that names it (`template.yaml`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), emmaus_host_lambda::Error> {
    let jobs = emmaus_app::jobs::ALL.iter().filter(|job| job.function == notify::NAME).map(|job| (job.name, job.run));
    emmaus_host_lambda::run_jobs(jobs.collect(), notify::VERSION, notify::BUILD)
}

// Spin loads the library as a component; this binary exists only for Lambda.
#[cfg(target_arch = "wasm32")]
fn main() {}

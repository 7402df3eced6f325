//! The `notify` function as an AWS Lambda binary: its jobs (`notify::JOBS`), each invoked by an
//! EventBridge schedule that names it (`template.yaml`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), emmaus_host_lambda::Error> {
    let jobs = notify::JOBS.iter().map(|job| (job.name, job.run)).collect();
    emmaus_host_lambda::run_jobs(jobs, notify::VERSION, notify::BUILD)
}

// Spin loads the library as a component; this binary exists only for Lambda.
#[cfg(target_arch = "wasm32")]
fn main() {}

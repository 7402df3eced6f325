//! The `ingest` function as an AWS Lambda binary: its job (`ingest::JOBS`), invoked by an
//! EventBridge schedule that names it (`template.yaml`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), emmaus_host_lambda::Error> {
    let jobs = ingest::JOBS.iter().map(|job| (job.name, job.run)).collect();
    emmaus_host_lambda::run_jobs(jobs, ingest::VERSION, ingest::BUILD)
}

// Spin loads the library as a component; this binary exists only for Lambda.
#[cfg(target_arch = "wasm32")]
fn main() {}

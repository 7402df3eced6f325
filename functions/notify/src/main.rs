//! The `notify` function as an AWS Lambda binary: the `deliver-mail` job, invoked by an
//! EventBridge schedule (`template.yaml`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), emmaus_host_lambda::Error> {
    let job = emmaus_app::jobs::named("deliver-mail").expect("deliver-mail is a job");
    emmaus_host_lambda::run_job(job.name, job.run, notify::VERSION, notify::BUILD)
}

// Spin loads the library as a component; this binary exists only for Lambda.
#[cfg(target_arch = "wasm32")]
fn main() {}

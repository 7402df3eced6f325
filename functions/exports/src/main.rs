//! The `exports` function as an AWS Lambda binary (HTTP API events, payload 2.0).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), emmaus_host_lambda::Error> {
    emmaus_host_lambda::run(exports::router, emmaus_app::VERSION, emmaus_app::BUILD)
}

// Spin loads the library as a component; this binary exists only for Lambda.
#[cfg(target_arch = "wasm32")]
fn main() {}

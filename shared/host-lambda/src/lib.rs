//! The Lambda host: builds the Platform from the environment and serves a router under the
//! Lambda Runtime API, one invocation at a time on a current-thread runtime.

mod job;
mod platform;

use axum::Router;
use emmaus_app::{HostInfo, Platform};
use emmaus_http::telemetry::{self, LogFormat};
use emmaus_ports::{ConfigSource, EnvConfig};

pub use job::run_job;
pub use lambda_http::Error;
pub use platform::platform;

/// Runs `router` for the lifetime of the Lambda execution environment.
pub fn run(router: fn(Platform) -> Router, version: &'static str, build: &'static str) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let config = EnvConfig;
        let filter = telemetry::parse_filter(&config.get("EMMAUS_LOG").unwrap_or_else(|| "info".into()))?;
        // CloudWatch indexes JSON lines; text logs would lose their fields.
        telemetry::init(LogFormat::Json, filter);
        let platform = platform(std::sync::Arc::new(config), HostInfo { kind: "lambda", version, build }).await?;
        lambda_http::run(router(platform)).await
    })
}

//! The Lambda host: builds the Platform from the environment (and the settings secret it names)
//! and serves a router under the Lambda Runtime API, one invocation at a time on a current-thread
//! runtime. Each request carries the caller's address: API Gateway's source IP, or CloudFront's
//! viewer address when the request carries the origin secret (`src/client.rs` says why).

mod client;
mod job;
mod mail;
mod platform;
mod secrets;

use axum::Router;
use emmaus_app::{HostInfo, Platform};
use emmaus_http::telemetry::{self, LogFormat};
use emmaus_ports::{ConfigSource, EnvConfig};

pub use client::{ClientAddresses, ORIGIN_SECRET, ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER};
pub use job::{run_job, run_jobs};
pub use lambda_http::Error;
pub use mail::{SMTP_URL, mailer};
pub use platform::platform;
pub use secrets::{SECRETS_ARN, SecretSettings};

/// Runs `router` for the lifetime of the Lambda execution environment.
pub fn run(router: fn(Platform) -> Router, version: &'static str, build: &'static str) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let config = EnvConfig;
        let filter = telemetry::parse_filter(&config.get("EMMAUS_LOG").unwrap_or_else(|| "info".into()))?;
        // CloudWatch indexes JSON lines; text logs would lose their fields.
        telemetry::init(LogFormat::Json, filter);
        let platform =
            cold_start(platform(std::sync::Arc::new(config), HostInfo { kind: "lambda", version, build }).await)?;
        // Read with the other settings at cold start, so a malformed secret stops it naming the setting.
        let addresses = cold_start(ClientAddresses::from_config(platform.config.as_ref()).map_err(Error::from))?;
        if addresses.trusts_cloudfront() {
            tracing::info!("client addresses come from CloudFront when a request carries the origin secret");
        }
        let app = router(platform).layer(axum::middleware::map_request_with_state(
            std::sync::Arc::new(addresses),
            client::insert_client_address,
        ));
        lambda_http::run(app).await
    })
}

/// Logs why a cold start failed before the process exits with it, so CloudWatch holds the reason
/// as a JSON line beside the function's other logs.
pub(crate) fn cold_start<T>(result: Result<T, Error>) -> Result<T, Error> {
    if let Err(error) = &result {
        tracing::error!(%error, "the function cannot start");
    }
    result
}

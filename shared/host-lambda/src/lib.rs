//! The Lambda host: builds the Platform from the environment and serves a router under the
//! Lambda Runtime API, one invocation at a time on a current-thread runtime.
//!
//! Storage here is in-memory until the DynamoDB and S3 adapters arrive (see the AWS issue);
//! health reports the adapter by name, so a deployment can never mistake it for durable storage.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use emmaus_app::{HostInfo, Platform};
use emmaus_http::telemetry::{self, LogFormat};
use emmaus_memory::{MemoryBlobStore, MemoryKv};
use emmaus_ports::config::ConfigExt as _;
use emmaus_ports::{ConfigSource, EnvConfig, Ids, RandomIds, SystemClock, UrlSigner};

pub use lambda_http::Error;

const DEFAULT_MAX_BLOB_BYTES: u64 = 25 * 1024 * 1024;

/// Runs `router` for the lifetime of the Lambda execution environment.
pub fn run(router: fn(Platform) -> Router, version: &'static str, build: &'static str) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let config = EnvConfig;
        let filter = telemetry::parse_filter(&config.get("EMMAUS_LOG").unwrap_or_else(|| "info".into()))?;
        // CloudWatch indexes JSON lines; text logs would lose their fields.
        telemetry::init(LogFormat::Json, filter);
        let platform = platform(Arc::new(config), HostInfo { kind: "lambda", version, build })?;
        lambda_http::run(router(platform)).await
    })
}

fn platform(config: Arc<dyn ConfigSource>, host: HostInfo) -> Result<Platform, Error> {
    let clock = Arc::new(SystemClock);
    let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
    let max_blob = config.parsed::<u64>("EMMAUS_MAX_BLOB_BYTES")?.unwrap_or(DEFAULT_MAX_BLOB_BYTES);
    let signer = UrlSigner::new(config.get("EMMAUS_PUBLIC_URL").unwrap_or_default(), ids.random_bytes(32));
    Ok(Platform {
        kv: Arc::new(MemoryKv::new(clock.clone())),
        blobs: Arc::new(MemoryBlobStore::new(max_blob, clock.clone(), signer)),
        clock,
        ids,
        http: Arc::new(emmaus_reqwest::ReqwestHttp::new(Duration::from_secs(10))?),
        config,
        host,
    })
}

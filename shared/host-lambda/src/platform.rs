//! The Platform a Lambda function runs with, chosen by settings that name their key on error:
//!
//! | setting | values |
//! | --- | --- |
//! | `EMMAUS_SECRETS_ARN` | a Secrets Manager secret holding more settings as a JSON object (read at cold start; the environment wins) |
//! | `EMMAUS_KV` | `dynamodb` (needs `EMMAUS_TABLE`) or `memory` |
//! | `EMMAUS_BLOBS` | `s3` (needs `EMMAUS_BUCKET`) or `memory` |
//! | `EMMAUS_AWS_ENDPOINT` | an AWS-compatible endpoint for Secrets Manager, S3 and DynamoDB instead of AWS's own (tests, MinIO) |
//! | `EMMAUS_S3_PATH_STYLE` | `true` for stores that need path-style addressing |
//! | `EMMAUS_MAX_BLOB_BYTES` | largest accepted file (default 25 MiB) |
//! | `EMMAUS_SEARCH_CACHE` | the folder search snapshots are cached in (default `/tmp/emmaus-search`) |
//! | `EMMAUS_MAILER` and its settings | see [`crate::mail`] |
//!
//! `memory` keeps nothing between execution environments; health names the adapter, so such a
//! deployment is never mistaken for a durable one.

use std::sync::Arc;

use aws_config::SdkConfig;
use emmaus_app::{HostInfo, Platform};
use emmaus_assembly::HostParts;
use emmaus_memory::{MemoryBlobStore, MemoryKv};
use emmaus_ports::config::ConfigExt as _;
use emmaus_ports::{
    BlobStore, Clock, ConfigError, ConfigSource, HttpClient, Ids, KvStore, LayeredConfig, RandomIds, SystemClock,
    UrlSigner,
};

use crate::secrets::{self, SECRETS_ARN};

const DEFAULT_MAX_BLOB_BYTES: u64 = 25 * 1024 * 1024;
const DEFAULT_SEARCH_CACHE: &str = "/tmp/emmaus-search";

/// Builds the adapters the settings ask for; AWS clients share one loaded configuration. `config`
/// is the environment; when it names a settings secret, the Platform's settings are the
/// environment layered over that secret.
pub async fn platform(config: Arc<dyn ConfigSource>, host: HostInfo) -> Result<Platform, lambda_http::Error> {
    // Where AWS is and which secret to read come from the environment alone: they locate the rest.
    let endpoint = config.get("EMMAUS_AWS_ENDPOINT").filter(|e| !e.is_empty());
    let mut aws: Option<SdkConfig> = None;
    let config: Arc<dyn ConfigSource> = match config.get(SECRETS_ARN).map(|arn| arn.trim().to_owned()) {
        Some(arn) if !arn.is_empty() => {
            let sdk = aws.insert(load_aws().await);
            let secret = secrets::fetch(&secrets::client(sdk, endpoint.as_deref()), &arn).await?;
            tracing::info!(secret = %arn, settings = ?secret.keys(), "settings read from the secret");
            Arc::new(LayeredConfig::new(vec![config, Arc::new(secret)]))
        }
        _ => config,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
    let max_blob = config.parsed::<u64>("EMMAUS_MAX_BLOB_BYTES")?.unwrap_or(DEFAULT_MAX_BLOB_BYTES);
    let kv_choice = choice(config.as_ref(), "EMMAUS_KV", &["dynamodb", "memory"])?;
    let blob_choice = choice(config.as_ref(), "EMMAUS_BLOBS", &["s3", "memory"])?;
    if aws.is_none() && (kv_choice == "dynamodb" || blob_choice == "s3") {
        aws = Some(load_aws().await);
    }
    let kv: Arc<dyn KvStore> = if let (Some(aws), "dynamodb") = (&aws, kv_choice) {
        let table = config.required("EMMAUS_TABLE")?;
        let client = emmaus_dynamodb::dynamodb_client(aws, endpoint.as_deref());
        Arc::new(emmaus_dynamodb::DynamoKv::new(client, table, clock.clone()))
    } else {
        Arc::new(MemoryKv::new(clock.clone()))
    };
    let blobs: Arc<dyn BlobStore> = if let (Some(aws), "s3") = (&aws, blob_choice) {
        let bucket = config.required("EMMAUS_BUCKET")?;
        let path_style = config.parsed::<bool>("EMMAUS_S3_PATH_STYLE")?.unwrap_or(false);
        let client = emmaus_s3::s3_client(aws, endpoint.as_deref(), path_style);
        Arc::new(
            emmaus_s3::S3BlobStore::new(client, bucket, max_blob, clock.clone())
                .with_credentials(aws.credentials_provider()),
        )
    } else {
        let signer = UrlSigner::new(config.get("EMMAUS_PUBLIC_URL").unwrap_or_default(), ids.random_bytes(32));
        Arc::new(MemoryBlobStore::new(max_blob, clock.clone(), signer))
    };
    let http: Arc<dyn HttpClient> = Arc::new(emmaus_reqwest::ReqwestHttp::new(emmaus_assembly::OUTBOUND_TIMEOUT)?);
    let mailer = crate::mail::mailer(config.as_ref(), &kv, &clock, &ids, &http)?;
    // Search indexes are snapshots in the blob store, cached in /tmp, the only writable folder.
    let cache = config.get("EMMAUS_SEARCH_CACHE").filter(|dir| !dir.trim().is_empty());
    let cache = std::path::PathBuf::from(cache.as_deref().unwrap_or(DEFAULT_SEARCH_CACHE));
    let search =
        Arc::new(emmaus_sqlite::SnapshotSearch::new(kv.clone(), blobs.clone(), ids.clone(), clock.clone(), &cache)?);
    // Link previews: the functions run outside a VPC, on the public internet; the fetcher refuses
    // private and metadata addresses on every connection.
    let pages: Option<Arc<dyn emmaus_ports::PageFetcher>> = Some(Arc::new(emmaus_reqwest::PublicPages::new()?));
    Ok(emmaus_assembly::platform(HostParts { kv, blobs, search, clock, ids, http, pages, config, mailer, host })?)
}

/// The AWS configuration from the execution environment (region, role credentials).
async fn load_aws() -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await
}

/// Reads a setting that must be one of `allowed`; the first is the default.
fn choice(config: &dyn ConfigSource, key: &str, allowed: &[&'static str]) -> Result<&'static str, ConfigError> {
    match config.get(key).filter(|v| !v.is_empty()) {
        None => Ok(allowed[0]),
        Some(value) => allowed.iter().copied().find(|a| *a == value).ok_or_else(|| ConfigError::Invalid {
            key: key.to_owned(),
            reason: format!("expected one of {}, not `{value}`", allowed.join(", ")),
        }),
    }
}

#[cfg(test)]
mod tests {
    use emmaus_identity::tokens::KEYS_SETTING;
    use emmaus_ports::MapConfig;

    use super::*;

    fn host() -> HostInfo {
        HostInfo { kind: "lambda", version: "0", build: "test" }
    }

    #[tokio::test]
    async fn memory_stores_need_no_aws() {
        let config = MapConfig::new().with("EMMAUS_KV", "memory").with("EMMAUS_BLOBS", "memory");
        let platform = platform(Arc::new(config), host()).await.unwrap();
        assert_eq!((platform.kv.adapter(), platform.blobs.adapter()), ("memory", "memory"));
    }

    #[tokio::test]
    async fn the_mailer_comes_from_the_settings() {
        let config = MapConfig::new().with("EMMAUS_KV", "memory").with("EMMAUS_BLOBS", "memory");
        let built = platform(Arc::new(config.clone()), host()).await.unwrap();
        assert_eq!(built.mailer.adapter(), "outbox");
        let error = platform(Arc::new(config.with("EMMAUS_MAILER", "postmark")), host()).await.unwrap_err();
        assert_eq!(error.to_string(), "the setting EMMAUS_MAIL_FROM is required but not set");
    }

    #[tokio::test]
    async fn a_malformed_key_ring_stops_the_start_without_showing_a_seed() {
        let config = MapConfig::new()
            .with("EMMAUS_KV", "memory")
            .with("EMMAUS_BLOBS", "memory")
            .with(KEYS_SETTING, "k1:hunter2");
        let error = platform(Arc::new(config), host()).await.unwrap_err().to_string();
        assert!(error.contains(KEYS_SETTING) && !error.contains("hunter2"), "{error}");
    }

    #[tokio::test]
    async fn settings_errors_name_their_key() {
        let config = MapConfig::new().with("EMMAUS_KV", "postgres");
        let error = platform(Arc::new(config), host()).await.unwrap_err().to_string();
        assert!(error.contains("EMMAUS_KV") && error.contains("dynamodb, memory"), "{error}");
        let config = MapConfig::new().with("EMMAUS_BLOBS", "memory");
        let error = platform(Arc::new(config), host()).await.unwrap_err().to_string();
        assert_eq!(error, "the setting EMMAUS_TABLE is required but not set");
    }
}

//! The Platform a Spin component runs with, chosen by Spin variables:
//!
//! | variable | meaning |
//! | --- | --- |
//! | `blob_store` | `sqlite` (the default: files in chunks in the database `default`, beside the records) or `s3` |
//! | `s3_endpoint`, `s3_bucket`, `s3_region`, `s3_access_key_id`, `s3_secret_access_key` | required when `blob_store` is `s3` |
//! | `s3_server_side_encryption` | `false` for stores that refuse `x-amz-server-side-encryption` (default `true`) |
//! | `max_blob_bytes` | the largest blob a put accepts (default 25 MiB) |
//! | `mailer`, `mail_from`, `postmark_token`, `postmark_url` | how mail is sent (see [`crate::mailer`]) |
//! | `server_timing` | `true` adds a `Server-Timing` header with the request's steps (see [`crate::serve`]) |
//! | `session_keys`, `public_url` | read by the identity code as `EMMAUS_SESSION_KEYS` and `EMMAUS_PUBLIC_URL` |
//! | `oidc_providers`, `oidc_<id>_issuer`, ... | read by the SSO code as `EMMAUS_OIDC_*`, for the provider slots `spin.toml` declares (docs/deploy-spin.md) |
//!
//! Key-value is always Spin's SQLite database `default`, which the component must be granted
//! (`sqlite_databases = ["default"]`); outbound HTTP needs `allowed_outbound_hosts`.

use emmaus_ports::config::ConfigExt as _;
use emmaus_ports::{ConfigError, ConfigSource, KvError};
use emmaus_spin::S3Config;

/// The largest blob a put accepts unless `max_blob_bytes` says otherwise.
pub const MAX_BLOB_BYTES: u64 = 25 * 1024 * 1024;

/// `max_blob_bytes`, or [`MAX_BLOB_BYTES`].
pub fn max_blob_bytes(config: &dyn ConfigSource) -> Result<u64, ConfigError> {
    Ok(config.parsed::<u64>("max_blob_bytes")?.unwrap_or(MAX_BLOB_BYTES))
}

/// The key that signs download links of the store in Spin's database. Every instance must derive
/// the same one (a link made by one request is opened by another), so it comes from the session key
/// ring, which every component that makes or serves links has, under a label of its own; a
/// component without the ring gets a random key, since it makes no links.
pub fn link_signing_key(config: &dyn ConfigSource, random: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    use hmac::{Hmac, Mac as _};
    match config.get("session_keys").filter(|ring| !ring.trim().is_empty()) {
        Some(ring) => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(ring.trim().as_bytes()).expect("any key length");
            mac.update(b"emmaus: download links of the files in Spin's database");
            mac.finalize().into_bytes().to_vec()
        }
        None => random(),
    }
}

/// The signer of the download links [`platform`]'s store in Spin's database makes, for the route
/// that serves them.
#[cfg(target_arch = "wasm32")]
pub fn link_signer() -> emmaus_ports::UrlSigner {
    use emmaus_ports::Ids as _;
    let random = || emmaus_ports::RandomIds::new(std::sync::Arc::new(emmaus_ports::SystemClock)).random_bytes(32);
    emmaus_ports::UrlSigner::new("", link_signing_key(&emmaus_spin::SpinVariables, random))
}

/// Why the component cannot build its Platform; every request answers it as a 500.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the Spin SQLite database `default` cannot be used: {0}")]
    Kv(#[from] KvError),
}

/// The S3 store's settings when `blob_store` is `s3`, `None` for the store in Spin's database.
/// Keys are the Spin variable names themselves, so an error names the variable to set.
pub fn s3_config(config: &dyn ConfigSource) -> Result<Option<S3Config>, ConfigError> {
    match config.get("blob_store").as_deref().map(str::trim) {
        None | Some("" | "sqlite") => return Ok(None),
        Some("s3") => {}
        Some(other) => {
            return Err(ConfigError::Invalid {
                key: "blob_store".into(),
                reason: format!("{other:?} is not sqlite or s3"),
            });
        }
    }
    Ok(Some(S3Config {
        endpoint: config.required("s3_endpoint")?,
        bucket: config.required("s3_bucket")?,
        region: config.required("s3_region")?,
        access_key_id: config.required("s3_access_key_id")?,
        secret_access_key: config.required("s3_secret_access_key")?.into(),
        max_size: max_blob_bytes(config)?,
        server_side_encryption: config.parsed::<bool>("s3_server_side_encryption")?.unwrap_or(true),
    }))
}

/// The Platform from the component's Spin variables.
#[cfg(target_arch = "wasm32")]
pub fn platform(version: &'static str, build: &'static str) -> Result<emmaus_app::Platform, PlatformError> {
    use std::sync::Arc;
    use std::time::Duration;

    use emmaus_app::HostInfo;
    use emmaus_kv_blobs::KvBlobStore;
    use emmaus_ports::{BlobStore, Clock, HttpClient, Ids, RandomIds, SystemClock, UrlSigner};
    use emmaus_spin::{SpinS3BlobStore, SpinSqliteKv, SpinSqliteSearch, SpinVariables, WasiHttp};

    /// Blob reads and writes go to S3 over the same kind of client, with room for 25 MiB.
    const BLOB_TIMEOUT: Duration = Duration::from_secs(30);

    let config = SpinVariables;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
    let http: Arc<dyn HttpClient> = Arc::new(WasiHttp::new(emmaus_assembly::OUTBOUND_TIMEOUT));
    let store = SpinSqliteKv::open("default", clock.clone())?;
    // FTS5 in the same database and over the same connection, its schema checked only by a
    // request that searches.
    let search = Arc::new(SpinSqliteSearch::sharing(store.connection()));
    let kv: Arc<dyn emmaus_ports::KvStore> = Arc::new(store);
    let blobs: Arc<dyn BlobStore> = if let Some(s3) = s3_config(&config)? {
        Arc::new(SpinS3BlobStore::new(s3, Arc::new(WasiHttp::new(BLOB_TIMEOUT)), clock.clone()))
    } else {
        let signer = UrlSigner::new("", link_signing_key(&config, || ids.random_bytes(32)));
        Arc::new(KvBlobStore::new(kv.clone(), ids.clone(), clock.clone(), signer, max_blob_bytes(&config)?))
    };
    let mailer = crate::mailer(&config, &kv, &clock, &ids, &http)?;
    let host = HostInfo { kind: "spin", version, build };
    let config = Arc::new(config);
    // No link previews: a component cannot see or check the address its host connects to.
    let pages = None;
    let parts = emmaus_assembly::HostParts { kv, blobs, search, clock, ids, http, pages, config, mailer, host };
    // Errors name the Spin variable (`session_keys`), not the setting it stands for.
    emmaus_assembly::platform(parts).map_err(|error| PlatformError::Config(crate::mail::spin_named(error)))
}

#[cfg(test)]
mod tests {
    use emmaus_ports::MapConfig;

    use super::*;

    fn s3() -> MapConfig {
        MapConfig::new()
            .with("blob_store", "s3")
            .with("s3_endpoint", "http://127.0.0.1:5000")
            .with("s3_bucket", "b")
            .with("s3_region", "us-east-1")
            .with("s3_access_key_id", "id")
            .with("s3_secret_access_key", "secret")
    }

    #[test]
    fn sqlite_is_the_default_and_s3_needs_every_variable() {
        assert!(s3_config(&MapConfig::new()).unwrap().is_none());
        assert!(s3_config(&MapConfig::new().with("blob_store", "sqlite")).unwrap().is_none());
        assert!(s3_config(&MapConfig::new().with("blob_store", "memory")).is_err(), "nothing forgets files any more");
        let config = s3_config(&s3()).unwrap().unwrap();
        assert_eq!((config.bucket.as_str(), config.server_side_encryption), ("b", true));
        let mut missing = s3();
        missing.insert("s3_bucket", "");
        let error = s3_config(&missing).unwrap_err();
        assert_eq!(error.to_string(), "the setting s3_bucket is required but not set");
        assert!(s3_config(&MapConfig::new().with("blob_store", "gcs")).is_err());
        assert!(!s3_config(&s3().with("s3_server_side_encryption", "false")).unwrap().unwrap().server_side_encryption);
        assert_eq!(s3_config(&s3().with("max_blob_bytes", "1024")).unwrap().unwrap().max_size, 1024);
        assert_eq!(config.max_size, MAX_BLOB_BYTES);
        assert!(max_blob_bytes(&MapConfig::new().with("max_blob_bytes", "lots")).is_err());
    }

    #[test]
    fn every_instance_derives_the_same_link_key_from_the_session_ring() {
        let ring = MapConfig::new().with("session_keys", "k1:seed");
        let key = link_signing_key(&ring, || panic!("no random key with a ring"));
        assert_eq!(key, link_signing_key(&ring, Vec::new));
        assert_ne!(key, link_signing_key(&MapConfig::new().with("session_keys", "k2:other"), Vec::new));
        assert!(!key.windows(4).any(|w| w == b"seed"), "the ring itself is not the key");
        assert_eq!(link_signing_key(&MapConfig::new(), || vec![9; 32]), vec![9; 32]);
    }
}

//! The health use case: probe every store the host was given and report what answered.

use std::time::Duration;

use emmaus_ports::{BlobError, BlobKey, Key, SearchQuery};

use crate::platform::Platform;

/// A check that takes longer than this is reported as failing, not waited on forever.
pub const CHECK_BUDGET: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Failing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub adapter: &'static str,
    pub status: Status,
    pub latency: Duration,
    /// Why the check failed, in words safe to show (never a raw backend message).
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    pub checks: Vec<Check>,
}

impl HealthReport {
    pub fn healthy(&self) -> bool {
        self.checks.iter().all(|c| c.status == Status::Ok)
    }
}

const PROBE_PARTITION: &str = "system#health";
const PROBE_BLOB: &str = "system/health-probe";
/// An organisation id no organisation has (ids are base32), so the probe reads an empty index.
const PROBE_ORG: &str = "system-health";
const PROBE_READER: &str = "system-health";

/// Reads from each store. A read proves the store is reachable and its schema usable without
/// writing on every probe (a load balancer may call this every few seconds).
pub async fn check(platform: &Platform) -> HealthReport {
    let kv = timed(platform, "kv", platform.kv.adapter(), async {
        platform.kv.get(&Key::new(PROBE_PARTITION, "probe")).await.map(|_| ()).map_err(|e| e.to_string())
    });
    let blob = timed(platform, "blob", platform.blobs.adapter(), async {
        let key = BlobKey::parse(PROBE_BLOB).expect("probe key is valid");
        match platform.blobs.head(&key).await {
            Ok(_) | Err(BlobError::NotFound(_)) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    });
    let search = timed(platform, "search", platform.search.adapter(), async {
        let query = SearchQuery::new("", vec![PROBE_READER.to_owned()]).page(0, 1);
        platform.search.search(PROBE_ORG, &query).await.map(drop).map_err(|e| e.to_string())
    });
    let (kv, blob, search) = futures::join!(kv, blob, search);
    HealthReport { checks: vec![kv, blob, search] }
}

async fn timed(
    platform: &Platform,
    name: &'static str,
    adapter: &'static str,
    probe: impl Future<Output = Result<(), String>>,
) -> Check {
    let started = platform.clock.now();
    // A probe slower than the budget counts as failing; hosts bound the request time itself.
    let outcome = probe.await.err();
    let latency = platform.clock.now().since(started);
    let slow = latency > CHECK_BUDGET;
    let detail = outcome.or_else(|| slow.then(|| format!("took {} ms", latency.as_millis())));
    Check { name, adapter, status: if detail.is_none() { Status::Ok } else { Status::Failing }, latency, detail }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use emmaus_memory::{ManualClock, MemoryBlobStore};
    use emmaus_ports::{BlobStore, Presentation, UrlSigner};

    use super::*;

    fn platform(blobs: Arc<dyn BlobStore>) -> Platform {
        Platform::new(crate::PlatformParts { blobs, ..Platform::in_memory("local").0.parts() })
    }

    #[tokio::test]
    async fn healthy_stores_report_ok() {
        let clock = Arc::new(ManualClock::default());
        let blobs = Arc::new(MemoryBlobStore::new(10, clock, UrlSigner::new("", vec![0; 32])));
        let report = check(&platform(blobs)).await;
        assert!(report.healthy());
        let names: Vec<_> = report.checks.iter().map(|c| (c.name, c.adapter)).collect();
        assert_eq!(names, [("kv", "memory"), ("blob", "memory"), ("search", "sqlite-fts5")]);
    }

    /// A blob store whose every call fails as an unreachable backend would.
    #[derive(Debug)]
    struct Broken;

    #[async_trait::async_trait]
    impl BlobStore for Broken {
        fn adapter(&self) -> &'static str {
            "broken"
        }
        fn max_size(&self) -> u64 {
            0
        }
        async fn put(&self, _: &BlobKey, _: Vec<u8>, _: &str) -> Result<emmaus_ports::BlobMeta, BlobError> {
            Err(BlobError::Unavailable("down".into()))
        }
        async fn get(&self, _: &BlobKey) -> Result<emmaus_ports::Blob, BlobError> {
            Err(BlobError::Unavailable("down".into()))
        }
        async fn get_range(&self, _: &BlobKey, _: u64, _: u64) -> Result<emmaus_ports::Blob, BlobError> {
            Err(BlobError::Unavailable("down".into()))
        }
        async fn head(&self, _: &BlobKey) -> Result<emmaus_ports::BlobMeta, BlobError> {
            Err(BlobError::Unavailable("down".into()))
        }
        async fn delete(&self, _: &BlobKey) -> Result<(), BlobError> {
            Err(BlobError::Unavailable("down".into()))
        }
        async fn list(&self, _: &str, _: Option<&str>, _: u32) -> Result<emmaus_ports::BlobPage, BlobError> {
            Err(BlobError::Unavailable("down".into()))
        }
        async fn signed_url(&self, _: &BlobKey, _: Duration, _: &Presentation) -> Result<String, BlobError> {
            Err(BlobError::Unavailable("down".into()))
        }
    }

    #[tokio::test]
    async fn a_failing_store_makes_the_report_unhealthy() {
        let report = check(&platform(Arc::new(Broken))).await;
        assert!(!report.healthy());
        let blob = &report.checks[1];
        assert_eq!((blob.name, blob.status), ("blob", Status::Failing));
        assert_eq!(blob.detail.as_deref(), Some("the blob store is unavailable"));
        assert_eq!(report.checks[0].status, Status::Ok);
    }
}

//! The filesystem adapter against the blob conformance suite, one fresh root directory per case.

use std::sync::Arc;
use std::time::Duration;

use emmaus_fs::FsBlobStore;
use emmaus_memory::ManualClock;
use emmaus_ports::{Blob, BlobError, BlobKey, BlobMeta, BlobPage, BlobStore, UrlSigner};
use emmaus_testkit::blob::{BlobHarness, HARNESS_MAX_BLOB};
use emmaus_testkit::{blob_conformance_tests, unique_namespace};
use tempfile::TempDir;

/// The store with its root directory, so the directory lives exactly as long as the harness's last
/// handle on the store (its own and the fetcher's) and is removed after the case, not before.
#[derive(Debug)]
struct InTempDir {
    blobs: FsBlobStore,
    _dir: TempDir,
}

#[async_trait::async_trait]
impl BlobStore for InTempDir {
    fn adapter(&self) -> &'static str {
        self.blobs.adapter()
    }

    fn max_size(&self) -> u64 {
        self.blobs.max_size()
    }

    async fn put(&self, key: &BlobKey, bytes: Vec<u8>, content_type: &str) -> Result<BlobMeta, BlobError> {
        self.blobs.put(key, bytes, content_type).await
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        self.blobs.get(key).await
    }

    async fn get_range(&self, key: &BlobKey, start: u64, end: u64) -> Result<Blob, BlobError> {
        self.blobs.get_range(key, start, end).await
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        self.blobs.head(key).await
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        self.blobs.delete(key).await
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>, limit: u32) -> Result<BlobPage, BlobError> {
        self.blobs.list(prefix, cursor, limit).await
    }

    async fn signed_url(&self, key: &BlobKey, ttl: Duration) -> Result<String, BlobError> {
        self.blobs.signed_url(key, ttl).await
    }
}

async fn blobs() -> BlobHarness {
    let clock = Arc::new(ManualClock::default());
    let signer = UrlSigner::new("", vec![1; 32]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let blobs =
        FsBlobStore::open(dir.path(), HARNESS_MAX_BLOB, clock.clone(), signer.clone()).expect("the store opens");
    assert_eq!(blobs.adapter(), "filesystem");
    let store = Arc::new(InTempDir { blobs, _dir: dir });
    let fetch_store = store.clone();
    let fetch_clock = clock.clone();
    BlobHarness {
        fetch: Arc::new(move |url| {
            let (store, clock, signer) = (fetch_store.clone(), fetch_clock.clone(), signer.clone());
            Box::pin(async move { emmaus_testkit::blob::fetch_locally(&*store, &signer, &*clock, &url).await })
        }),
        store,
        clock,
        namespace: unique_namespace("fs"),
    }
}

blob_conformance_tests!(blobs);

//! The memory adapters against the storage conformance suites.

use std::sync::Arc;

use emmaus_memory::{ManualClock, MemoryBlobStore, MemoryKv};
use emmaus_ports::UrlSigner;
use emmaus_testkit::blob::{BlobHarness, HARNESS_MAX_BLOB};
use emmaus_testkit::kv::KvHarness;
use emmaus_testkit::{blob_conformance_tests, kv_conformance_tests, unique_namespace};

async fn kv() -> KvHarness {
    let clock = Arc::new(ManualClock::default());
    KvHarness { store: Arc::new(MemoryKv::new(clock.clone())), clock, namespace: unique_namespace("memory") }
}

async fn blobs() -> BlobHarness {
    let clock = Arc::new(ManualClock::default());
    let signer = UrlSigner::new("", vec![1; 32]);
    let store = Arc::new(MemoryBlobStore::new(HARNESS_MAX_BLOB, clock.clone(), signer.clone()));
    let fetch_store = store.clone();
    let fetch_clock = clock.clone();
    BlobHarness {
        fetch: Arc::new(move |url| {
            let (store, clock, signer) = (fetch_store.clone(), fetch_clock.clone(), signer.clone());
            Box::pin(async move { emmaus_testkit::blob::fetch_locally(&*store, &signer, &*clock, &url).await })
        }),
        store,
        clock,
        namespace: unique_namespace("memory"),
    }
}

kv_conformance_tests!(kv);
blob_conformance_tests!(blobs);

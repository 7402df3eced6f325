//! The memory adapters against the storage conformance suites.

use std::sync::Arc;

use emmaus_memory::{ManualClock, MemoryBlobStore, MemoryKv};
use emmaus_ports::UrlSigner;
use emmaus_testkit::blob::{BlobHarness, HARNESS_MAX_BLOB};
use emmaus_testkit::kv::KvHarness;
use emmaus_testkit::{blob_conformance_tests, kv_conformance_tests};

async fn kv() -> KvHarness {
    let clock = Arc::new(ManualClock::default());
    KvHarness::new(Arc::new(MemoryKv::new(clock.clone())), clock, "memory")
}

async fn blobs() -> BlobHarness {
    let clock = Arc::new(ManualClock::default());
    let signer = UrlSigner::new("", vec![1; 32]);
    let store = Arc::new(MemoryBlobStore::new(HARNESS_MAX_BLOB, clock.clone(), signer.clone()));
    BlobHarness::locally_signed(store, clock, signer, "memory")
}

kv_conformance_tests!(kv);
blob_conformance_tests!(blobs);

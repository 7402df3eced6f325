//! The filesystem adapter against the blob conformance suite, one fresh root directory per case.

use std::sync::Arc;

use emmaus_fs::FsBlobStore;
use emmaus_memory::ManualClock;
use emmaus_ports::{BlobStore, UrlSigner};
use emmaus_testkit::blob::{BlobHarness, HARNESS_MAX_BLOB};
use emmaus_testkit::blob_conformance_tests;

async fn blobs() -> BlobHarness {
    let clock = Arc::new(ManualClock::default());
    let signer = UrlSigner::new("", vec![1; 32]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let blobs =
        FsBlobStore::open(dir.path(), HARNESS_MAX_BLOB, clock.clone(), signer.clone()).expect("the store opens");
    assert_eq!(blobs.adapter(), "filesystem");
    // The folder is removed when the harness, and with it the case, is done.
    BlobHarness::locally_signed(Arc::new(blobs), clock, signer, "fs").guarding(dir)
}

blob_conformance_tests!(blobs);

//! `SpinS3BlobStore` over reqwest against a protocol server (moto in `scripts/test`): the request
//! building, signing and XML parsing a Spin component uses, proven natively against real S3
//! semantics. Every case of the blob suite runs, listed by `blob_cases()`, in one bucket per
//! process with each case under its own namespace.

use std::sync::Arc;
use std::time::Duration;

use emmaus_memory::ManualClock;
use emmaus_ports::{BlobError, BlobKey, BlobStore, Clock, SystemClock};
use emmaus_reqwest::ReqwestHttp;
use emmaus_spin::{S3Config, SpinS3BlobStore};
use emmaus_testkit::aws::{aws_endpoint, presigned_browser};
use emmaus_testkit::blob::{BlobHarness, HARNESS_MAX_BLOB, blob_cases};

const BUCKET: &str = "emmaus-spin-conformance";
/// Dummy credentials: nothing here can reach a real account, and the URL check needs the secret.
const ACCESS_KEY: &str = "test";
const SECRET_KEY: &str = "test";

fn config(endpoint: String, bucket: &str) -> S3Config {
    S3Config {
        endpoint,
        bucket: bucket.to_owned(),
        region: "us-east-1".to_owned(),
        access_key_id: ACCESS_KEY.to_owned(),
        secret_access_key: SECRET_KEY.to_owned().into(),
        max_size: HARNESS_MAX_BLOB,
        server_side_encryption: true,
    }
}

fn http() -> Arc<ReqwestHttp> {
    Arc::new(ReqwestHttp::new(Duration::from_secs(30)).expect("a client"))
}

/// A store on the shared bucket, or `None` when no endpoint is configured (see `aws_endpoint`).
async fn store(clock: Arc<ManualClock>) -> Option<SpinS3BlobStore> {
    static BUCKET_READY: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let store = SpinS3BlobStore::new(config(aws_endpoint()?, BUCKET), http(), clock);
    BUCKET_READY.get_or_init(|| async { store.create_bucket_if_missing().await.expect("the bucket is created") }).await;
    Some(store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blob_suite_passes_over_http() {
    for (name, case) in blob_cases() {
        // The clock starts at real time: requests carry it, and a real server compares it with its own.
        let clock = Arc::new(ManualClock::at(SystemClock.now()));
        let Some(store) = store(clock.clone()).await else { return };
        assert_eq!(store.adapter(), "s3");
        let namespace = emmaus_testkit::unique_namespace("spin-s3");
        eprintln!("case {name}");
        case(BlobHarness {
            store: Arc::new(store),
            fetch: presigned_browser(clock.clone(), SECRET_KEY),
            clock,
            namespace,
            guard: None,
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_carry_our_etag_and_encryption() {
    let Some(store) = store(Arc::new(ManualClock::at(SystemClock.now()))).await else { return };
    let key = BlobKey::parse(format!("{}/etag.txt", emmaus_testkit::unique_namespace("spin-s3"))).unwrap();
    let put = store.put(&key, b"hello".to_vec(), "text/plain").await.unwrap();
    assert_eq!(put.etag, emmaus_ports::blob::content_etag(b"hello"));
    assert_eq!(store.head(&key).await.unwrap(), put, "HEAD reads the tag back from x-amz-meta-etag");
    let listed = store.list(&key.as_str()[..key.as_str().len() - 4], None, 10).await.unwrap();
    assert_eq!(listed.items, [put]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_is_a_backend_error_and_no_server_is_unavailable() {
    let Some(endpoint) = aws_endpoint() else { return };
    let clock = Arc::new(ManualClock::at(SystemClock.now()));
    let missing = SpinS3BlobStore::new(config(endpoint, "emmaus-no-such-bucket"), http(), clock.clone());
    let result = missing.list("org/", None, 10).await;
    assert!(matches!(result, Err(BlobError::Backend(_))), "got {result:?}");
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused.
    let nowhere = SpinS3BlobStore::new(config("http://127.0.0.1:9".into(), BUCKET), http(), clock);
    let result = nowhere.head(&BlobKey::parse("org/x").unwrap()).await;
    assert!(matches!(result, Err(BlobError::Unavailable(_))), "got {result:?}");
}

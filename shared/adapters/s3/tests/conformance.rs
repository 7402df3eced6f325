//! The S3 adapter against the blob conformance suite, on a protocol server (moto in
//! `scripts/test`). One bucket per process; each case's keys live under its harness's namespace.
//! Without a configured server each case says why and passes; under `scripts/test` it fails instead.

use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_s3::config::{Credentials, Region};
use emmaus_memory::ManualClock;
use emmaus_ports::{BlobKey, BlobStore, Clock, SystemClock};
use emmaus_s3::{S3BlobStore, s3_client};
use emmaus_testkit::aws::{aws_endpoint, presigned_browser};
use emmaus_testkit::blob::{BlobHarness, HARNESS_MAX_BLOB};

const BUCKET: &str = "emmaus-conformance";
/// Dummy credentials: nothing here can reach a real account, and the URL check needs the secret.
const ACCESS_KEY: &str = "test";
const SECRET_KEY: &str = "test";

/// A store on the shared bucket, or `None` when no endpoint is configured (see `aws_endpoint`).
async fn store(clock: Arc<ManualClock>) -> Option<S3BlobStore> {
    static BUCKET_READY: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let endpoint = aws_endpoint()?;
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "emmaus-tests"))
        .load()
        .await;
    // Path style: the emulator has no wildcard DNS for bucket host names.
    let store = S3BlobStore::new(s3_client(&config, Some(&endpoint), true), BUCKET.to_owned(), HARNESS_MAX_BLOB, clock)
        .with_credentials(config.credentials_provider());
    BUCKET_READY.get_or_init(|| async { store.create_bucket_if_missing().await.expect("the bucket is created") }).await;
    Some(store)
}

/// The clock starts at real time: presigned URLs carry it, and a real server compares it with its own.
fn real_time_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at(SystemClock.now()))
}

async fn blobs() -> Option<BlobHarness> {
    let clock = real_time_clock();
    let store = store(clock.clone()).await?;
    assert_eq!(store.adapter(), "s3");
    let namespace = emmaus_testkit::unique_namespace("s3");
    Some(BlobHarness {
        store: Arc::new(store),
        fetch: presigned_browser(clock.clone(), SECRET_KEY),
        clock,
        namespace,
        guard: None,
    })
}

emmaus_testkit::blob_conformance_tests!(optional blobs);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_uploads_through_a_presigned_post_form() {
    let Some(store) = store(real_time_clock()).await else { return };
    let key = BlobKey::parse(format!("{}/upload/original", emmaus_testkit::unique_namespace("s3"))).unwrap();
    let upload = store.presigned_post(&key, "image/png", 64, Duration::from_mins(5)).await.unwrap().unwrap();
    let post = |bytes: Vec<u8>| {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in &upload.fields {
            form = form.text(name.clone(), value.clone());
        }
        // A file name the person chose travels with the form but never becomes the key.
        let file = reqwest::multipart::Part::bytes(bytes).file_name("../../Holiday photo.png");
        reqwest::Client::new().post(&upload.url).multipart(form.part("file", file)).send()
    };
    let response = post(b"\x89PNG bytes".to_vec()).await.unwrap();
    assert!(response.status().is_success(), "{}: {}", response.status(), response.text().await.unwrap_or_default());
    let blob = store.get(&key).await.unwrap();
    assert_eq!((blob.bytes.as_slice(), blob.meta.content_type.as_str()), (&b"\x89PNG bytes"[..], "image/png"));
    assert!(!blob.meta.etag.is_empty(), "S3's own tag stands in for ours");
    assert!(store.presigned_post(&key, "not a type", 64, Duration::from_mins(5)).await.is_err());
    assert!(store.presigned_post(&key, "image/png", 64, Duration::ZERO).await.is_err());
}

//! The ingest binary on Lambda: run by an EventBridge Scheduler event under the emulated Runtime
//! API, on DynamoDB and S3 (moto) when the test script provides them, it reads a PDF uploaded to
//! the bucket, records its reading on the resource and writes its search entry, so the PDF is
//! found by a word on its second page once the index is published; a second run is idle.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use emmaus_app::HostInfo;
use emmaus_domain::identity::{Role, RoleSet};
use emmaus_hub::files::{self, Announced};
use emmaus_hub::search::{Listing, find};
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::tokens::KeyRing;
use emmaus_identity::{Actor, RequestMeta};
use emmaus_lambda_emulator::LambdaProcess;
use emmaus_ports::MapConfig;
use emmaus_testkit::aws::aws_endpoint;

const BINARY: &str = env!("CARGO_BIN_EXE_ingest");
const TIMEOUT: Duration = Duration::from_mins(1);
/// A PDF made by reportlab (`scripts/fixtures/make_documents.py`).
const PDF: &[u8] = include_bytes!("../../../shared/extract/tests/fixtures/two-pages.pdf");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_run_reads_an_uploaded_pdf_on_dynamodb_and_s3() {
    let Some(endpoint) = aws_endpoint() else { return };
    let table = format!("emmaus-ingest-{}", std::process::id());
    let bucket = format!("emmaus-ingest-{}", std::process::id());
    emmaus_dynamodb::testing::table_at(&endpoint, &table, Arc::new(emmaus_ports::SystemClock)).await;
    let aws = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let s3 = emmaus_s3::S3BlobStore::new(
        emmaus_s3::s3_client(&aws, Some(&endpoint), true),
        bucket.clone(),
        1024 * 1024,
        Arc::new(emmaus_ports::SystemClock),
    );
    s3.create_bucket_if_missing().await.unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut settings: Vec<(String, String)> = emmaus_dynamodb::testing::lambda_settings(&endpoint, &table);
    settings.extend(
        [
            ("EMMAUS_LOG", "warn"),
            ("EMMAUS_BLOBS", "s3"),
            ("EMMAUS_BUCKET", &bucket),
            ("EMMAUS_S3_PATH_STYLE", "true"),
            ("EMMAUS_SESSION_KEYS", &KeyRing::new_entry("lambda", &[5; 32])),
            ("EMMAUS_SEARCH_CACHE", cache.path().to_str().unwrap()),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    // The hub function's share, natively on the same table and bucket: an organisation, and a PDF
    // announced and sent as a browser would, then finished.
    let native = settings.iter().fold(MapConfig::new(), |config, (k, v)| config.with(k, v.clone()));
    let host = HostInfo { kind: "lambda", version: "0", build: "test" };
    let p = emmaus_host_lambda::platform(Arc::new(native), host).await.unwrap();
    let new = NewOrg {
        slug: "lambda-ingest",
        name: "Lambda",
        admin_email: "ada@lambda.test",
        admin_name: "Ada",
        admin_password: "a long lambda passphrase",
    };
    let (org, admin) = setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
    let actor = Actor {
        person_id: admin.id.clone(),
        session_id: "s".into(),
        org_id: org.id.clone(),
        roles: RoleSet::new([Role::Admin]),
        meta: RequestMeta::default(),
    };
    let announced = Announced {
        name: "fossils.pdf".into(),
        size: PDF.len() as u64,
        content_type: "application/pdf".into(),
        ..Announced::default()
    };
    let (view, _) = files::start(&p, &actor, announced).await.unwrap();
    let id = view.resource.id;
    p.blobs.put(&files::original(&org.id, &id).unwrap(), PDF.to_vec(), "application/pdf").await.unwrap();
    files::finish(&p, &actor, &id).await.unwrap();

    let envs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);
    let invoke = || async {
        process
            .invoke(serde_json::json!({"job": "ingest"}), TIMEOUT)
            .await
            .unwrap_or_else(|e| panic!("invocation failed: {e}\n{}", process.logs()))
    };
    let first = invoke().await;
    assert_eq!(first["status"], "done", "{first}\n{}", process.logs());
    assert_eq!(first["summary"], "1 read, 0 deferred, 0 parked");
    assert_eq!(invoke().await["status"], "idle");

    let read = emmaus_hub::resources::read(&p, &actor, &id).await.unwrap();
    let reading = &read.resource.file.as_ref().unwrap().reading;
    assert!(matches!(reading, emmaus_hub::model::Reading::Done { parts: 2, .. }), "{reading:?}");
    p.search.refresh().await.unwrap();
    let listing = Listing { text: "quetzalcoatlus".into(), limit: 10, ..Listing::default() };
    let found = find(&p, &actor, &listing).await.unwrap();
    assert_eq!(found.items.iter().map(|f| f.resource.id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
}

//! The exports binary on Lambda: under the emulated Runtime API, on DynamoDB and S3 (moto, which
//! `scripts/test` starts), with the fonts copied to the bucket's `fonts/` as an operator does, an
//! admin prints their session as a PDF and a DOCX; without the session's reader, 404.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use emmaus_app::HostInfo;
use emmaus_identity::setup::{self, NewOrg};
use emmaus_identity::tokens::KeyRing;
use emmaus_identity::{RequestMeta, sessions};
use emmaus_lambda_emulator::LambdaProcess;
use emmaus_ports::MapConfig;
use emmaus_testkit::aws::aws_endpoint;

const BINARY: &str = env!("CARGO_BIN_EXE_exports");
const TIMEOUT: Duration = Duration::from_secs(30);
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_printed_on_lambda() {
    let Some(endpoint) = aws_endpoint() else { return };
    let table = format!("emmaus-exports-{}", std::process::id());
    let bucket = format!("emmaus-exports-{}", std::process::id());
    emmaus_dynamodb::testing::table_at(&endpoint, &table, Arc::new(emmaus_ports::SystemClock)).await;
    let aws = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let s3 = emmaus_s3::S3BlobStore::new(
        emmaus_s3::s3_client(&aws, Some(&endpoint), true),
        bucket.clone(),
        64 * 1024 * 1024,
        Arc::new(emmaus_ports::SystemClock),
    );
    s3.create_bucket_if_missing().await.unwrap();
    let mut settings: Vec<(String, String)> = emmaus_dynamodb::testing::lambda_settings(&endpoint, &table);
    settings.extend(
        [
            ("EMMAUS_LOG", "warn"),
            ("EMMAUS_BLOBS", "s3"),
            ("EMMAUS_BUCKET", &bucket),
            ("EMMAUS_S3_PATH_STYLE", "true"),
            ("EMMAUS_PUBLIC_URL", "https://emmaus.test"),
            ("EMMAUS_SESSION_KEYS", &KeyRing::new_entry("lambda", &[5; 32])),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let native = settings.iter().fold(MapConfig::new(), |config, (k, v)| config.with(k, v.clone()));
    let host = HostInfo { kind: "lambda", version: "0", build: "test" };
    let p = emmaus_host_lambda::platform(Arc::new(native), host).await.unwrap();
    let font = std::fs::read(FONT).unwrap_or_else(|e| panic!("{FONT}: {e}; scripts/test installs the print fonts"));
    // As `aws s3 cp DejaVuSans.ttf s3://<bucket>/fonts/` would.
    emmaus_sessions::print::install_font(&s3, "DejaVuSans.ttf", font).await.unwrap();
    let new = NewOrg {
        slug: "lambda-print",
        name: "Lambda",
        admin_email: "ada@lambda.test",
        admin_name: "Ada",
        admin_password: "a long lambda passphrase",
    };
    let (org, admin) = setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
    let principal = emmaus_identity::Principal {
        person_id: admin.id.clone(),
        session_id: "s".into(),
        meta: RequestMeta::default(),
    };
    let ada = emmaus_identity::directory::actor_in(&p, &principal, &org.id).await.unwrap();
    let session = emmaus_sessions::sessions::NewSession {
        title: "Lambda evening".into(),
        date: "2026-05-05".into(),
        time: None,
        audience: emmaus_sessions::model::Audience::Open,
        facilitators: Vec::new(),
        template_id: None,
        planned_minutes: None,
    };
    let made = emmaus_sessions::sessions::create(&p, &ada, session).await.unwrap();
    let token = sessions::open(&p, &admin.id).await.unwrap().access_token;
    emmaus_identity::testing::member(&p, &org.id, "sam", "Sam", &[emmaus_domain::identity::Role::Mentee]).await;
    let sam = sessions::open(&p, "sam").await.unwrap().access_token;
    let envs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);
    let get = |path: String, token: &str| {
        let request = http::Request::builder()
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Vec::new())
            .unwrap();
        let process = &process;
        async move {
            process
                .invoke_http(request, TIMEOUT)
                .await
                .unwrap_or_else(|e| panic!("invocation failed: {e}\n{}", process.logs()))
        }
    };
    let path = |format: &str| format!("/api/exports/{}/sessions/{}/{format}", org.id, made.doc.value.id);
    let pdf = get(path("pdf"), &token).await;
    assert_eq!(pdf.status(), 200, "{}\n{}", String::from_utf8_lossy(pdf.body()), process.logs());
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.body().starts_with(b"%PDF-"), "{:?}", &pdf.body()[..pdf.body().len().min(16)]);
    let docx = get(path("docx"), &token).await;
    assert_eq!(docx.status(), 200);
    assert!(docx.body().starts_with(b"PK\x03\x04"));
    assert_eq!(get(path("pdf"), &sam).await.status(), 404);
}

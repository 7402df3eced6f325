//! The hub binary on Lambda: under the emulated Runtime API, on DynamoDB and S3 (moto, which
//! `scripts/test` starts), it adds a note and reads it back at once; search finds it once the
//! index is published, as the `apply-outbox` job does every minute (ADR 0014), and not before;
//! a change under a stale version is 412; a file goes to S3 through a form; and a zipped
//! Obsidian vault, sent the same way, is imported by the job and kept in sync through the API.

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

const BINARY: &str = env!("CARGO_BIN_EXE_hub");
const TIMEOUT: Duration = Duration::from_secs(20);

fn request(method: &str, path: &str, token: &str, body: Option<serde_json::Value>) -> http::Request<Vec<u8>> {
    let builder = http::Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}"));
    match body {
        Some(body) => builder.header("content-type", "application/json").body(serde_json::to_vec(&body).unwrap()),
        None => builder.body(Vec::new()),
    }
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::too_many_lines, reason = "one deployment, started once, for the note's story and the file's")]
async fn a_note_and_a_file_on_dynamodb_and_s3() {
    let Some(endpoint) = aws_endpoint() else { return };
    let table = format!("emmaus-hub-{}", std::process::id());
    let bucket = format!("emmaus-hub-{}", std::process::id());
    emmaus_dynamodb::testing::table_at(&endpoint, &table, Arc::new(emmaus_ports::SystemClock)).await;
    let aws = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let s3 = emmaus_s3::S3BlobStore::new(
        emmaus_s3::s3_client(&aws, Some(&endpoint), true),
        bucket.clone(),
        1024 * 1024,
        Arc::new(emmaus_ports::SystemClock),
    );
    s3.create_bucket_if_missing().await.unwrap();
    let native_cache = tempfile::tempdir().unwrap();
    let function_cache = tempfile::tempdir().unwrap();
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
    // The same adapters natively, as the other functions of the deployment see the table and bucket.
    let native = settings
        .iter()
        .fold(MapConfig::new().with("EMMAUS_SEARCH_CACHE", native_cache.path().to_str().unwrap()), |config, (k, v)| {
            config.with(k, v.clone())
        });
    let host = HostInfo { kind: "lambda", version: "0", build: "test" };
    let p = emmaus_host_lambda::platform(Arc::new(native), host).await.unwrap();
    let new = NewOrg {
        slug: "lambda-hub",
        name: "Lambda",
        admin_email: "ada@lambda.test",
        admin_name: "Ada",
        admin_password: "a long lambda passphrase",
    };
    let (org, admin) = setup::create_org(&p, &new, &RequestMeta::default()).await.unwrap();
    let token = sessions::open(&p, &admin.id).await.unwrap().access_token;

    settings.push(("EMMAUS_SEARCH_CACHE".to_owned(), function_cache.path().to_str().unwrap().to_owned()));
    let envs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let process = LambdaProcess::start(Path::new(BINARY), &envs);
    let call = |request: http::Request<Vec<u8>>| {
        let process = &process;
        async move {
            process
                .invoke_http(request, TIMEOUT)
                .await
                .unwrap_or_else(|e| panic!("invocation failed: {e}\n{}", process.logs()))
        }
    };
    let json =
        |response: &http::Response<Vec<u8>>| serde_json::from_slice::<serde_json::Value>(response.body()).unwrap();
    let base = format!("/api/hub/{}", org.id);

    let made = call(request(
        "POST",
        &format!("{base}/notes"),
        &token,
        Some(serde_json::json!({"title": "Lambda note", "body": "Unhurried *abiding*"})),
    ))
    .await;
    assert_eq!(made.status(), 201, "{}\n{}", String::from_utf8_lossy(made.body()), process.logs());
    let id = json(&made)["id"].as_str().unwrap().to_owned();
    let read = call(request("GET", &format!("{base}/resources/{id}"), &token, None)).await;
    assert_eq!(read.status(), 200);
    assert_eq!(json(&read)["note"]["body"], "Unhurried *abiding*");

    let search = || call(request("GET", &format!("{base}/resources?q=abid"), &token, None));
    let before = search().await;
    assert_eq!(before.status(), 200, "{}", String::from_utf8_lossy(before.body()));
    assert_eq!(json(&before)["total"], 0, "on Lambda a change is searchable once published, not before");
    p.search.refresh().await.unwrap();
    let after = json(&search().await);
    assert_eq!(after["total"], 1, "{after}");
    assert_eq!(after["items"][0]["resource"]["id"], id.as_str());

    let mut stale =
        request("PATCH", &format!("{base}/resources/{id}"), &token, Some(serde_json::json!({"title": "x"})));
    stale.headers_mut().insert("if-match", http::HeaderValue::from_static("\"7\""));
    let stale = call(stale).await;
    assert_eq!(stale.status(), 412);
    assert_eq!(json(&stale)["type"], "urn:emmaus:problem:stale");

    // A file: announced through the function, its bytes posted with the form straight to S3 (never
    // through the Lambda), finished there, and served from S3 through a presigned link.
    let pdf = include_bytes!("../../../shared/extract/tests/fixtures/two-pages.pdf");
    let announce = |size: usize| {
        call(request(
            "POST",
            &format!("{base}/uploads"),
            &token,
            Some(serde_json::json!({"name": "Ruth 1.pdf", "size": size, "content_type": "application/pdf"})),
        ))
    };
    let post = |upload: &serde_json::Value, bytes: Vec<u8>| {
        let mut form = reqwest::multipart::Form::new();
        for field in upload["fields"].as_array().unwrap() {
            form = form.text(field[0].as_str().unwrap().to_owned(), field[1].as_str().unwrap().to_owned());
        }
        let file = reqwest::multipart::Part::bytes(bytes).file_name("Ruth 1.pdf");
        reqwest::Client::new().post(upload["url"].as_str().unwrap()).multipart(form.part("file", file)).send()
    };
    let started = announce(pdf.len()).await;
    assert_eq!(started.status(), 201, "{}\n{}", String::from_utf8_lossy(started.body()), process.logs());
    let started = json(&started);
    let upload = &started["upload"];
    assert_eq!(upload["method"], "POST", "S3 takes the bytes itself");
    let sent = post(upload, pdf.to_vec()).await.unwrap();
    assert!(sent.status().is_success(), "{}: {}", sent.status(), sent.text().await.unwrap_or_default());
    let finish_url = upload["finish_url"].as_str().unwrap();
    let finished = call(request("POST", finish_url, &token, None)).await;
    assert_eq!(finished.status(), 200, "{}", String::from_utf8_lossy(finished.body()));
    assert_eq!(json(&finished)["file"]["state"], "ready");
    let file_id = json(&finished)["id"].as_str().unwrap().to_owned();
    let link = call(request("GET", &format!("{base}/resources/{file_id}/file?download=true"), &token, None)).await;
    let url = json(&link)["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&endpoint), "served by S3, not the function: {url}");
    let served = reqwest::get(&url).await.unwrap();
    assert_eq!(served.headers()["content-disposition"], "attachment; filename=\"Ruth 1.pdf\"");
    assert_eq!(served.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // More bytes than announced never become a file: S3 refuses the form, or the finish does.
    let short = json(&announce(100).await);
    let posted = post(&short["upload"], pdf.to_vec()).await.unwrap();
    if posted.status().is_success() {
        let finished = call(request("POST", short["upload"]["finish_url"].as_str().unwrap(), &token, None)).await;
        assert_eq!(finished.status(), 413, "{}", String::from_utf8_lossy(finished.body()));
    }
    let storage = json(&call(request("GET", &format!("{base}/storage"), &token, None)).await);
    assert_eq!(
        storage["bytes"].as_u64().unwrap(),
        pdf.len() as u64 + 100,
        "the short upload still holds its announced room"
    );

    // An Obsidian vault: the zip posted with the form straight to S3, its import started through
    // the function and run by the ingest job (natively here, on the same table and bucket), then a
    // file put through the sync API whose wikilink resolves to an imported note.
    let archive = emmaus_testkit::archives::zip_of(&[
        ("Vault/Ruth.md", b"---\naliases: [Moabite]\n---\nWhere you go."),
        ("Vault/Boaz.md", b"Kinsman."),
    ]);
    let announced = call(request(
        "POST",
        &format!("{base}/imports"),
        &token,
        Some(serde_json::json!({"vault": "Ruth", "size": archive.len()})),
    ))
    .await;
    assert_eq!(announced.status(), 201, "{}", String::from_utf8_lossy(announced.body()));
    let announced = json(&announced);
    assert_eq!(announced["upload"]["method"], "POST", "S3 takes the archive itself");
    let import = announced["import"]["id"].as_str().unwrap().to_owned();
    let sent = post(&announced["upload"], archive).await.unwrap();
    assert!(sent.status().is_success(), "{}", sent.status());
    let started = call(request("POST", announced["upload"]["finish_url"].as_str().unwrap(), &token, None)).await;
    assert_eq!(started.status(), 202, "{}", String::from_utf8_lossy(started.body()));
    emmaus_hub::vault::jobs::run(&p, &org.id, &import).await.unwrap();
    let done = json(&call(request("GET", &format!("{base}/imports/{import}"), &token, None)).await);
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["summary"]["changes"]["created"], 2);
    let vault = done["summary"]["vault_id"].as_str().unwrap().to_owned();
    let text = b"Naomi speaks of [[Moabite]] and [[Boaz]].".to_vec();
    let hash = emmaus_obsidian::content_hash(&text);
    let mut put = request("PUT", &format!("{base}/vaults/{vault}/files?path=Naomi.md&hash={hash}"), &token, None);
    *put.body_mut() = text;
    let put = call(put).await;
    assert_eq!(put.status(), 200, "{}", String::from_utf8_lossy(put.body()));
    let naomi = json(&put)["entry"]["resource_id"].as_str().unwrap().to_owned();
    let manifest = json(&call(request("GET", &format!("{base}/vaults/{vault}/manifest"), &token, None)).await);
    let ruth =
        manifest["items"].as_array().unwrap().iter().find(|e| e["path"] == "Ruth.md").unwrap()["resource_id"].clone();
    let read = json(&call(request("GET", &format!("{base}/resources/{naomi}"), &token, None)).await);
    let html = read["note"]["html"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"/hub/{}\">Moabite</a>", ruth.as_str().unwrap())), "{html}");
}

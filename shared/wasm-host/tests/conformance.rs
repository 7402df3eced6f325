//! The Spin adapters' storage conformance cases, run inside the `spin-conformance` component,
//! where the adapters really talk to Spin's SQLite and to S3 over outbound wasi:http.
//!
//! The component lists its cases at `GET /conformance` (`{"kv": [...], "blob": [...], "search":
//! [...]}`) and runs one per `POST /conformance/{kv|blob|search}/{case}`: `200 ok` when it passes; a failing case panics,
//! which traps, which the host answers with a 500 after logging the panic.

mod support;

use std::collections::HashMap;

use emmaus_testkit::aws::aws_endpoint;
use emmaus_wasm_host::{HostOptions, WasmHost};

const BUCKET: &str = "emmaus-spin-conformance";

/// The blob cases' Spin variables: S3 on the test's protocol server (moto), path-style there.
async fn s3_variables(endpoint: &str) -> HashMap<String, String> {
    // Moto creates a bucket on a plain PUT (no signature checks); 409 means it is already there.
    let response = reqwest::Client::new().put(format!("{endpoint}/{BUCKET}")).send().await.expect("moto answers");
    assert!([200, 409].contains(&response.status().as_u16()), "creating the bucket: {}", response.status());
    variables_for(endpoint)
}

/// The variables that point the component's blob store at an S3-compatible `endpoint`.
fn variables_for(endpoint: &str) -> HashMap<String, String> {
    [
        ("blob_store", "s3"),
        ("s3_endpoint", endpoint),
        ("s3_bucket", BUCKET),
        ("s3_region", "us-east-1"),
        ("s3_access_key_id", "test"),
        ("s3_secret_access_key", "test"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Runs each case on a host of its own, with an empty SQLite folder, and returns the failures.
async fn run(group: &str, cases: &[String], variables: &HashMap<String, String>) -> Vec<String> {
    let component = support::component("spin-conformance");
    let client = reqwest::Client::new();
    let mut failed = Vec::new();
    for case in cases {
        let sqlite = tempfile::tempdir().expect("a temporary folder");
        let options = HostOptions { variables: variables.clone(), sqlite_dir: Some(sqlite.path().to_owned()) };
        let host = WasmHost::start(&component, options).unwrap_or_else(|e| panic!("{e:?}"));
        let response =
            client.post(format!("{}/conformance/{group}/{case}", host.url())).send().await.expect("the host answers");
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        if status == 200 && body == "ok" {
            eprintln!("{group}/{case}: ok");
        } else {
            // The panic message is in the host's log just above (stderr).
            eprintln!("{group}/{case}: FAILED ({status}) {body}");
            failed.push(format!("{group}/{case}"));
        }
    }
    failed
}

async fn cases() -> serde_json::Value {
    let host = WasmHost::start(&support::component("spin-conformance"), HostOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let response = reqwest::get(format!("{}/conformance", host.url())).await.expect("the host answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("the case list is JSON")
}

fn names(list: &serde_json::Value, group: &str) -> Vec<String> {
    let names: Vec<String> = list[group]
        .as_array()
        .unwrap_or_else(|| panic!("no {group} list in {list}"))
        .iter()
        .map(|name| name.as_str().expect("case names are strings").to_owned())
        .collect();
    assert!(!names.is_empty(), "the component lists no {group} cases: {list}");
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kv_cases_pass_on_spin_sqlite() {
    let list = cases().await;
    let failed = run("kv", &names(&list, "kv"), &HashMap::new()).await;
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_cases_pass_on_spin_sqlite_fts5() {
    let list = cases().await;
    let failed = run("search", &names(&list, "search"), &HashMap::new()).await;
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blob_cases_pass_on_s3_over_wasi_http() {
    let Some(endpoint) = aws_endpoint() else { return };
    let list = cases().await;
    let failed = run("blob", &names(&list, "blob"), &s3_variables(&endpoint).await).await;
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

/// An "S3" that says 200, with no body, to everything: the bucket is there, but nothing written
/// can be read back, so a blob case fails inside the guest.
async fn agreeable_s3() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let service = hyper::service::service_fn(|_request| async {
                Ok::<_, std::convert::Infallible>(hyper::Response::new(
                    http_body_util::Empty::<hyper::body::Bytes>::new(),
                ))
            });
            let io = wasmtime_wasi_http::io::TokioIo::new(stream);
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(io, service));
        }
    });
    url
}

/// A failing case panics, so the guest traps: the host must answer that request with a 500
/// (logging the trap) and go on serving the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trapping_guest_is_a_500_and_the_host_keeps_serving() {
    let endpoint = agreeable_s3().await;
    let variables = variables_for(&endpoint);
    let sqlite = tempfile::tempdir().expect("a temporary folder");
    let options = HostOptions { variables, sqlite_dir: Some(sqlite.path().to_owned()) };
    let host = WasmHost::start(&support::component("spin-conformance"), options).unwrap_or_else(|e| panic!("{e:?}"));
    let client = reqwest::Client::new();
    let url = format!("{}/conformance/blob/put_then_get_returns_bytes_and_metadata", host.url());
    let response = client.post(url).send().await.expect("an answer");
    assert_eq!(response.status(), 500);
    assert_eq!(response.text().await.expect("a body"), "Internal Server Error\n", "the host's answer, not the guest's");
    let response = client.get(format!("{}/conformance", host.url())).send().await.expect("still serving");
    assert_eq!(response.status(), 200);
}

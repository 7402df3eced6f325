//! Routing a request to a conformance case, and the harnesses the cases run with.

use std::sync::Arc;
use std::time::Duration;

use emmaus_memory::ManualClock;
use emmaus_ports::config::ConfigExt as _;
use emmaus_ports::{BlobStore as _, Clock as _, ConfigError, HttpClient, SystemClock};
use emmaus_spin::{S3Config, SpinS3BlobStore, SpinSqliteKv, SpinSqliteSearch, SpinVariables, WasiHttp};
use emmaus_testkit::CaseFuture;
use emmaus_testkit::aws::sigv4;
use emmaus_testkit::blob::{BlobHarness, Fetch, HARNESS_MAX_BLOB, blob_cases};
use emmaus_testkit::kv::{KvHarness, kv_cases};
use emmaus_testkit::search::{SearchHarness, search_cases};

type Response = (u16, &'static str, Vec<u8>);

const TEXT: &str = "text/plain; charset=utf-8";

/// Answers `method path`; runs the named case to completion or panics.
pub(crate) fn respond(method: &str, path: &str) -> Response {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["conformance"]) => (200, "application/json", index().into_bytes()),
        ("POST", ["conformance", "kv", case]) => match kv_cases().into_iter().find(|(name, _)| name == case) {
            Some((name, case)) => run(name, || Ok(case(kv_harness()))),
            None => not_found(),
        },
        ("POST", ["conformance", "blob", case]) => match blob_cases().into_iter().find(|(name, _)| name == case) {
            Some((name, case)) => run(name, || blob_harness().map(case)),
            None => not_found(),
        },
        ("POST", ["conformance", "search", case]) => match search_cases().into_iter().find(|(name, _)| name == case) {
            Some((name, case)) => run(name, || Ok(case(search_harness()))),
            None => not_found(),
        },
        ("POST", ["bench", "search", action]) => match crate::bench::respond(action, query) {
            Ok(json) => (200, "application/json", json.into_bytes()),
            Err(reason) => (400, TEXT, format!("{reason}\n").into_bytes()),
        },
        (_, ["conformance", ..]) => {
            (405, TEXT, b"GET /conformance or POST /conformance/{kv|blob|search}/{case}\n".to_vec())
        }
        _ => not_found(),
    }
}

fn not_found() -> Response {
    (404, TEXT, b"no such suite or case\n".to_vec())
}

/// `{"kv": [...], "blob": [...], "search": [...]}`; case names are Rust identifiers, so they need no escaping.
fn index() -> String {
    let names = |names: Vec<&str>| names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(",");
    format!(
        "{{\"kv\":[{}],\"blob\":[{}],\"search\":[{}]}}",
        names(kv_cases().into_iter().map(|(name, _)| name).collect()),
        names(blob_cases().into_iter().map(|(name, _)| name).collect()),
        names(search_cases().into_iter().map(|(name, _)| name).collect()),
    )
}

/// Runs a case on a current-thread runtime (the concurrency case spawns tasks onto it).
fn run(name: &str, case: impl FnOnce() -> Result<CaseFuture, String>) -> Response {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a current-thread runtime");
    let future = match case() {
        Ok(future) => future,
        Err(reason) => {
            eprintln!("{name}: {reason}");
            return (500, TEXT, format!("{reason}\n").into_bytes());
        }
    };
    runtime.block_on(future);
    eprintln!("{name}: ok");
    (200, TEXT, b"ok".to_vec())
}

/// The clock starts at real time: S3 requests carry it and the server compares it with its own.
fn real_time_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at(SystemClock.now()))
}

fn kv_harness() -> KvHarness {
    let clock = real_time_clock();
    let store = SpinSqliteKv::open("default", clock.clone()).expect("the Spin SQLite database `default` opens");
    KvHarness::new(Arc::new(store), clock, "spin-sqlite")
}

fn search_harness() -> SearchHarness {
    // Over the key-value store's connection, as a component's Platform builds it.
    let store = SpinSqliteKv::open("default", real_time_clock()).expect("the Spin SQLite database `default` opens");
    let index = SpinSqliteSearch::sharing(store.connection());
    SearchHarness::new(Arc::new(index), "spin-sqlite-search")
}

fn s3_config() -> Result<S3Config, ConfigError> {
    let config = SpinVariables;
    Ok(S3Config {
        endpoint: config.required("s3_endpoint")?,
        bucket: config.required("s3_bucket")?,
        region: config.required("s3_region")?,
        access_key_id: config.required("s3_access_key_id")?,
        secret_access_key: config.required("s3_secret_access_key")?.into(),
        max_size: HARNESS_MAX_BLOB,
        server_side_encryption: config.parsed::<bool>("s3_server_side_encryption")?.unwrap_or(true),
    })
}

/// A harness on the configured bucket (created if missing), fetching signed URLs through `WasiHttp`
/// after the same signature and expiry check the native S3 tests apply (the server may not).
fn blob_harness() -> Result<BlobHarness, String> {
    let config = s3_config().map_err(|e| e.to_string())?;
    let secret = secrecy::ExposeSecret::expose_secret(&config.secret_access_key).to_owned();
    let clock = real_time_clock();
    let http: Arc<dyn HttpClient> = Arc::new(WasiHttp::new(Duration::from_secs(30)));
    let store = SpinS3BlobStore::new(config, http.clone(), clock.clone());
    block_on(store.create_bucket_if_missing()).map_err(|e| format!("the bucket: {e:?}"))?;
    assert_eq!(store.adapter(), "s3");
    let fetch_clock = clock.clone();
    let fetch: Fetch = Arc::new(move |url: String| {
        let (http, clock, secret) = (http.clone(), fetch_clock.clone(), secret.clone());
        Box::pin(async move {
            if let Err(refusal) = sigv4::verify(&url, &secret, clock.now().unix_seconds()) {
                eprintln!("refused {url}: {refusal:?}");
                return (403, Vec::new());
            }
            let request = http::Request::get(&url).body(Vec::new()).expect("a presigned URL is a URI");
            let response = http.send(request).await.expect("the server answers");
            (response.status().as_u16(), response.into_body())
        })
    });
    let namespace = emmaus_testkit::unique_namespace("spin-s3");
    Ok(BlobHarness { store: Arc::new(store), clock, namespace, fetch, guard: None })
}

/// Drives setup calls outside a case; `WasiHttp` finishes in one poll, but nothing here relies on it.
fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().build().expect("a current-thread runtime").block_on(future)
}

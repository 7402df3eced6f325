//! The system function's Spin component in the Wasm test host, against the same API contract as
//! every other host, plus what only a component host can get wrong.

mod support;

use std::path::PathBuf;

use emmaus_testkit::api::ApiTarget;
use emmaus_testkit::contract_tests;
use emmaus_wasm_host::{HostOptions, WasmHost};

/// A host per test, with its own empty SQLite folder; no variables, since the system component
/// needs one only for `blob_store=s3`.
async fn spin() -> ApiTarget {
    let sqlite = tempfile::tempdir().expect("a temporary folder");
    let options = HostOptions { sqlite_dir: Some(sqlite.path().to_owned()), ..HostOptions::default() };
    let host = WasmHost::start(&support::component("system"), options).unwrap_or_else(|e| panic!("{e:?}"));
    ApiTarget::remote(host.url()).keeping(host).keeping(sqlite)
}

contract_tests!(spin);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_it_runs_on_spin() {
    let health = spin().await.get("/api/health").await.json();
    assert_eq!(health["host"], "spin", "{health}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_is_the_committed_one() {
    let committed = std::fs::read(support::workspace_root().join("functions/system/openapi.json")).expect("committed");
    assert_eq!(spin().await.get("/api/openapi.json").await.body, committed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_gets_a_fresh_instance_and_timings_are_kept() {
    let sqlite = tempfile::tempdir().expect("a temporary folder");
    let options = HostOptions { sqlite_dir: Some(sqlite.path().to_owned()), ..HostOptions::default() };
    let host = WasmHost::start(&support::component("system"), options).expect("starts");
    let api = ApiTarget::remote(host.url());
    for _ in 0..3 {
        assert_eq!(api.get("/api/health").await.status, 200);
    }
    let timings = host.timings();
    assert_eq!(timings.instantiations, 3, "{timings:?}");
    assert!(timings.first_response.is_some() && timings.mean_instantiation().is_some(), "{timings:?}");
    eprintln!("debug host: {timings:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_timing_names_the_steps_only_when_asked() {
    let quiet = spin().await.get("/api/health").await;
    assert_eq!(quiet.header("server-timing"), None, "off by default");

    let sqlite = tempfile::tempdir().expect("a temporary folder");
    let variables = [("server_timing".to_owned(), "true".to_owned())].into_iter().collect();
    let options = HostOptions { sqlite_dir: Some(sqlite.path().to_owned()), variables };
    let host = WasmHost::start(&support::component("system"), options).expect("starts");
    let answer = ApiTarget::remote(host.url()).get("/api/health").await;
    assert_eq!(answer.status, 200);
    let timing = answer.header("server-timing").expect("a Server-Timing header");
    let steps: Vec<&str> = timing.split(", ").map(|step| step.split(";dur=").next().unwrap_or_default()).collect();
    assert_eq!(steps, ["request", "platform", "router", "handler"], "{timing}");
    for step in timing.split(", ") {
        let ms: f64 = step.split(";dur=").nth(1).and_then(|d| d.parse().ok()).unwrap_or_else(|| panic!("{timing}"));
        assert!((0.0..10_000.0).contains(&ms), "{timing}");
    }
}

/// A component that imports an interface this host lacks, written out byte by byte: the
/// component preamble, the type of an instance exporting `get: func()`, and one import of it.
/// (An instance type with no exports would be satisfied by nothing at all.)
fn component_importing(interface: &str) -> PathBuf {
    let name = interface.as_bytes();
    let mut imports = vec![1, 0, name.len() as u8];
    imports.extend_from_slice(name);
    imports.extend_from_slice(&[0x05, 0]);
    let mut bytes = b"\0asm\x0d\0\x01\0".to_vec();
    // One type: instance { type 0 = func() -> (); export "get" (func (type 0)) }.
    let instance = [0x42, 2, 0x01, 0x40, 0, 0x01, 0, 0x04, 0, 3, b'g', b'e', b't', 0x01, 0];
    bytes.extend_from_slice(&[0x07, 1 + instance.len() as u8, 1]);
    bytes.extend_from_slice(&instance);
    bytes.extend_from_slice(&[0x0a, imports.len() as u8]);
    bytes.extend_from_slice(&imports);
    let file = std::env::temp_dir().join(format!("emmaus-wasm-host-imports-{}.wasm", std::process::id()));
    std::fs::write(&file, bytes).expect("the component is written");
    file
}

#[test]
fn components_importing_what_the_host_lacks_fail_naming_it() {
    let file = component_importing("fermyon:spin/key-value@2.0.0");
    let error = WasmHost::start(&file, HostOptions::default()).expect_err("key-value is not provided");
    let _ = std::fs::remove_file(&file);
    assert!(format!("{error:?}").contains("fermyon:spin/key-value@2.0.0"), "{error:?}");
}

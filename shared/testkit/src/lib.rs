//! Test support shared by every crate: the storage conformance suites and the API contract client.
//!
//! An adapter proves itself by invoking `kv_conformance_tests!` / `blob_conformance_tests!` with a
//! function that builds a fresh harness; each case becomes its own `#[tokio::test]`.

pub mod api;
pub mod aws;
pub mod blob;
pub mod contract;
pub mod kv;

use std::sync::atomic::{AtomicU64, Ordering};

/// A namespace unique to this process and call, so suites can share a real backend safely.
pub fn unique_namespace(label: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("t{}-{nanos:x}-{n}-{label}", std::process::id())
}

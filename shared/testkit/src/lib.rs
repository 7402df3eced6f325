//! Test support shared by every crate: the storage and mailer conformance suites, the API
//! contract client, the test OpenID Provider's driver (`oidc`), zip archives built in tests
//! (`archives`), and the fuzzing settings and damage shared by the property tests (`fuzz`).
//!
//! An adapter proves itself by invoking `kv_conformance_tests!` / `blob_conformance_tests!` with a
//! function that builds a fresh harness (mailers: `mailer_conformance_tests!`); each case becomes
//! its own `#[tokio::test]`. Hosts that cannot run `#[test]`s (a Spin component) list and dispatch
//! cases by name with `kv::kv_cases()` and `blob::blob_cases()`, generated from the same case lists.

#[cfg(not(target_arch = "wasm32"))]
pub mod api;
#[cfg(not(target_arch = "wasm32"))]
pub mod archives;
pub mod aws;
pub mod blob;
#[cfg(not(target_arch = "wasm32"))]
pub mod contract;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzz;
pub mod kv;
pub mod mailer;
#[cfg(not(target_arch = "wasm32"))]
pub mod oidc;
pub mod search;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};

/// A running conformance case, as the case tables hand it out.
pub type CaseFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A namespace unique to this process and call, so suites can share a real backend safely.
pub fn unique_namespace(label: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("t{}-{nanos:x}-{n}-{label}", process_id())
}

/// WASI has no process ids (`std::process::id` panics there); a component's namespaces differ by time.
fn process_id() -> u32 {
    #[cfg(not(target_arch = "wasm32"))]
    return std::process::id();
    #[cfg(target_arch = "wasm32")]
    return 0;
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The `pub async fn name(h: Harness) {` cases defined in a suite's source.
    fn defined(source: &'static str, harness: &str) -> BTreeSet<&'static str> {
        let suffix = format!("(h: {harness}) {{");
        source.lines().filter_map(|line| line.strip_prefix("pub async fn ")?.strip_suffix(suffix.as_str())).collect()
    }

    #[test]
    fn the_case_tables_are_the_whole_suites() {
        let kv: BTreeSet<&str> = crate::kv::kv_cases().into_iter().map(|(name, _)| name).collect();
        assert_eq!(kv, defined(include_str!("kv.rs"), "KvHarness"), "list every kv case in __kv_cases!");
        let blob: BTreeSet<&str> = crate::blob::blob_cases().into_iter().map(|(name, _)| name).collect();
        assert_eq!(blob, defined(include_str!("blob.rs"), "BlobHarness"), "list every blob case in __blob_cases!");
        let mailer: BTreeSet<&str> = crate::mailer::mailer_cases().into_iter().map(|(name, _)| name).collect();
        let expected = defined(include_str!("mailer.rs"), "MailerHarness");
        assert_eq!(mailer, expected, "list every mailer case in __mailer_cases!");
        let search: BTreeSet<&str> = crate::search::search_cases().into_iter().map(|(name, _)| name).collect();
        let expected = defined(include_str!("search/mod.rs"), "SearchHarness");
        assert_eq!(search, expected, "list every search case in __search_cases!");
    }
}

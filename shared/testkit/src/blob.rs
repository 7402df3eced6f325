//! The blob conformance suite: the `BlobStore` contract of `emmaus_ports::blob`, case by case.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use emmaus_memory::ManualClock;
use emmaus_ports::blob::MAX_SIGNED_URL_TTL;
use emmaus_ports::{BlobError, BlobKey, BlobStore, Presentation, UrlSigner};

/// Fetches a signed URL as an anonymous browser would: status and body.
pub type Fetch = Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = (u16, Vec<u8>)> + Send>> + Send + Sync>;

/// The largest blob a harness's store must accept; stores under test are built with this limit.
pub const HARNESS_MAX_BLOB: u64 = 256 * 1024;

pub struct BlobHarness {
    pub store: Arc<dyn BlobStore>,
    pub clock: Arc<ManualClock>,
    pub namespace: String,
    pub fetch: Fetch,
    /// Whatever must outlive the case (a temporary folder, a server), dropped after it.
    pub guard: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for BlobHarness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobHarness")
            .field("store", &self.store)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl BlobHarness {
    /// A harness for a store without presigning of its own, whose URLs `signer` signs and the
    /// local host serves; `fetch` follows the same verification as that route.
    pub fn locally_signed(store: Arc<dyn BlobStore>, clock: Arc<ManualClock>, signer: UrlSigner, label: &str) -> Self {
        let (fetch_store, fetch_clock) = (store.clone(), clock.clone());
        let fetch: Fetch = Arc::new(move |url| {
            let (store, clock, signer) = (fetch_store.clone(), fetch_clock.clone(), signer.clone());
            Box::pin(async move { fetch_locally(&*store, &signer, &*clock, &url).await })
        });
        Self { store, clock, namespace: crate::unique_namespace(label), fetch, guard: None }
    }

    #[must_use]
    pub fn guarding(mut self, guard: impl std::any::Any + Send + Sync) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }

    fn key(&self, rest: &str) -> BlobKey {
        BlobKey::parse(format!("{}/{rest}", self.namespace)).expect("test keys are valid")
    }

    fn prefix(&self, rest: &str) -> String {
        format!("{}/{rest}", self.namespace)
    }
}

/// Expands to one `#[tokio::test]` per case, each calling `$make().await` for a fresh harness.
#[macro_export]
macro_rules! blob_conformance_tests {
    ($make:path) => {
        $crate::__blob_cases!(@tests $make);
    };
    // For stores behind a server the run may not have: `$make` returns `Option<Harness>`, and a
    // `None` (after `aws::aws_endpoint` said why, or failed under `scripts/test`) skips the case.
    (optional $make:path) => {
        $crate::__blob_cases!(@optional $make);
    };
    (@cases $make:path; $($case:ident),* $(,)?) => {
        $crate::__blob_cases!(@expand [@tests $make] $($case),*);
    };
}

/// The one list of cases, expanded as tests (`@tests make`) or as the table of [`blob_cases`] (`@table`).
#[doc(hidden)]
#[macro_export]
macro_rules! __blob_cases {
    (@expand [@tests $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::blob::$case($make().await).await;
            }
        )*
    };
    (@expand [@optional $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                if let Some(harness) = $make().await {
                    $crate::blob::$case(harness).await;
                }
            }
        )*
    };
    (@expand [@table] $($case:ident),* $(,)?) => {
        vec![$((
            stringify!($case),
            (|h: $crate::blob::BlobHarness| -> $crate::CaseFuture { Box::pin($crate::blob::$case(h)) }) as $crate::blob::BlobCase,
        )),*]
    };
    ($($mode:tt)*) => {
        $crate::__blob_cases! { @expand [$($mode)*]
            put_then_get_returns_bytes_and_metadata,
            missing_blobs_are_not_found,
            put_replaces_and_the_etag_follows_the_content,
            size_limit_is_enforced_and_refusal_stores_nothing,
            content_types_are_validated,
            ranges_are_half_open_and_clamped,
            empty_blobs_round_trip,
            delete_is_idempotent,
            list_pages_by_prefix_in_byte_order,
            list_refuses_bad_limits_and_cursors,
            signed_urls_serve_until_they_expire,
        }
    };
}

/// One case of the suite: takes a fresh harness, panics when the store breaks the contract.
pub type BlobCase = fn(BlobHarness) -> crate::CaseFuture;

/// Every case by name, for hosts that dispatch cases themselves (a Spin component) rather than
/// through `#[test]`s; the same list the tests macro expands.
pub fn blob_cases() -> Vec<(&'static str, BlobCase)> {
    crate::__blob_cases!(@table)
}

fn not_found<T: std::fmt::Debug>(result: &Result<T, BlobError>) {
    assert!(matches!(result, Err(BlobError::NotFound(_))), "expected NotFound, got {result:?}");
}

pub async fn put_then_get_returns_bytes_and_metadata(h: BlobHarness) {
    let key = h.key("docs/a.bin");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let meta = h.store.put(&key, bytes.clone(), "application/pdf").await.unwrap();
    assert_eq!((meta.key.clone(), meta.size, meta.content_type.as_str()), (key.clone(), 3000, "application/pdf"));
    assert!(!meta.etag.is_empty());
    let blob = h.store.get(&key).await.unwrap();
    assert_eq!(blob.bytes, bytes);
    assert_eq!(blob.meta, meta);
    assert_eq!(h.store.head(&key).await.unwrap(), meta);
}

pub async fn missing_blobs_are_not_found(h: BlobHarness) {
    let key = h.key("nothing/here");
    not_found(&h.store.get(&key).await);
    not_found(&h.store.head(&key).await);
    not_found(&h.store.get_range(&key, 0, 1).await);
    not_found(&h.store.signed_url(&key, Duration::from_mins(1), &Presentation::AS_STORED).await);
}

pub async fn put_replaces_and_the_etag_follows_the_content(h: BlobHarness) {
    let key = h.key("replace");
    let first = h.store.put(&key, b"one".to_vec(), "text/plain").await.unwrap();
    let second = h.store.put(&key, b"two!".to_vec(), "text/markdown").await.unwrap();
    assert_ne!(first.etag, second.etag);
    let blob = h.store.get(&key).await.unwrap();
    assert_eq!(
        (blob.bytes.as_slice(), blob.meta.content_type.as_str(), blob.meta.size),
        (&b"two!"[..], "text/markdown", 4)
    );
    let same = h.store.put(&h.key("same-bytes"), b"two!".to_vec(), "text/markdown").await.unwrap();
    assert_eq!(same.etag, second.etag, "equal bytes give equal tags");
}

pub async fn size_limit_is_enforced_and_refusal_stores_nothing(h: BlobHarness) {
    assert!(h.store.max_size() >= HARNESS_MAX_BLOB, "stores under test accept at least {HARNESS_MAX_BLOB} bytes");
    let limit = h.store.max_size();
    let key = h.key("big");
    let result = h.store.put(&key, vec![1; (limit + 1) as usize], "application/octet-stream").await;
    assert!(matches!(result, Err(BlobError::TooLarge { .. })), "got {result:?}");
    not_found(&h.store.head(&key).await);
    h.store.put(&key, vec![1; limit as usize], "application/octet-stream").await.unwrap();
    assert_eq!(h.store.head(&key).await.unwrap().size, limit);
}

pub async fn content_types_are_validated(h: BlobHarness) {
    let key = h.key("typed");
    for bad in ["", "pdf", "text/", "text/plain\r\nX-Evil: 1"] {
        let result = h.store.put(&key, b"x".to_vec(), bad).await;
        assert!(matches!(result, Err(BlobError::Invalid(_))), "{bad:?} should be refused, got {result:?}");
    }
    not_found(&h.store.head(&key).await);
}

pub async fn ranges_are_half_open_and_clamped(h: BlobHarness) {
    let key = h.key("range");
    h.store.put(&key, b"0123456789".to_vec(), "text/plain").await.unwrap();
    let middle = h.store.get_range(&key, 2, 5).await.unwrap();
    assert_eq!(middle.bytes, b"234");
    assert_eq!(middle.meta.size, 10, "metadata speaks of the whole blob");
    assert_eq!(h.store.get_range(&key, 7, 1000).await.unwrap().bytes, b"789");
    for (start, end) in [(10, 12), (5, 5), (6, 2)] {
        let result = h.store.get_range(&key, start, end).await;
        assert!(matches!(result, Err(BlobError::RangeNotSatisfiable { size: 10 })), "{start}..{end}: {result:?}");
    }
}

pub async fn empty_blobs_round_trip(h: BlobHarness) {
    let key = h.key("empty");
    let meta = h.store.put(&key, Vec::new(), "text/plain").await.unwrap();
    assert_eq!(meta.size, 0);
    assert!(h.store.get(&key).await.unwrap().bytes.is_empty());
    assert!(matches!(h.store.get_range(&key, 0, 1).await, Err(BlobError::RangeNotSatisfiable { size: 0 })));
}

pub async fn delete_is_idempotent(h: BlobHarness) {
    let key = h.key("gone");
    h.store.put(&key, b"x".to_vec(), "text/plain").await.unwrap();
    h.store.delete(&key).await.unwrap();
    not_found(&h.store.get(&key).await);
    h.store.delete(&key).await.unwrap();
}

pub async fn list_pages_by_prefix_in_byte_order(h: BlobHarness) {
    let mut expected = Vec::new();
    for name in ["b", "a", "A", "a.2", "a-1", "z/deep/file", "a/inner"] {
        let key = h.key(&format!("org1/{name}"));
        h.store.put(&key, name.as_bytes().to_vec(), "text/plain").await.unwrap();
        expected.push(key.to_string());
    }
    h.store.put(&h.key("org10/x"), b"x".to_vec(), "text/plain").await.unwrap();
    expected.sort();
    for limit in [1, 3, 7, 8] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = h.store.list(&h.prefix("org1/"), cursor.as_deref(), limit).await.unwrap();
            assert!(page.items.len() <= limit as usize);
            seen.extend(page.items.iter().map(|m| m.key.to_string()));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, expected, "pages of {limit}");
    }
    let page = h.store.list(&h.prefix("org1/a"), None, 100).await.unwrap();
    let sizes: Vec<u64> = page.items.iter().map(|m| m.size).collect();
    assert_eq!(sizes, [1, 3, 3, 7], "a, a-1, a.2, a/inner (byte order) with their sizes");
    let none = h.store.list(&h.prefix("org2/"), None, 10).await.unwrap();
    assert!(none.items.is_empty() && none.next.is_none());
}

pub async fn list_refuses_bad_limits_and_cursors(h: BlobHarness) {
    let prefix = h.prefix("p/");
    for limit in [0, 1001] {
        assert!(matches!(h.store.list(&prefix, None, limit).await, Err(BlobError::Invalid(_))));
    }
    let foreign = h.prefix("q/x");
    assert!(matches!(h.store.list(&prefix, Some(&foreign), 10).await, Err(BlobError::Invalid(_))));
}

pub async fn signed_urls_serve_until_they_expire(h: BlobHarness) {
    let key = h.key("signed/report.pdf");
    h.store.put(&key, b"%PDF-1.7 report".to_vec(), "application/pdf").await.unwrap();
    let url = h.store.signed_url(&key, Duration::from_mins(1), &Presentation::AS_STORED).await.unwrap();
    assert_eq!((h.fetch)(url.clone()).await, (200, b"%PDF-1.7 report".to_vec()));
    let shown = Presentation {
        content_type: Some("application/pdf".into()),
        disposition: Some("attachment; filename=\"report.pdf\"".into()),
    };
    let presented = h.store.signed_url(&key, Duration::from_mins(1), &shown).await.unwrap();
    assert_eq!((h.fetch)(presented).await, (200, b"%PDF-1.7 report".to_vec()), "a presentation changes no byte");
    let other = h.key("signed/other.pdf");
    h.store.put(&other, b"secret".to_vec(), "application/pdf").await.unwrap();
    let tampered = url.replace("report.pdf", "other.pdf");
    assert_ne!((h.fetch)(tampered).await.0, 200, "a URL signed for one key opens no other");
    h.clock.advance(Duration::from_secs(61));
    assert_ne!((h.fetch)(url).await.0, 200, "an expired URL is refused");
    let too_long =
        h.store.signed_url(&key, MAX_SIGNED_URL_TTL + Duration::from_secs(1), &Presentation::AS_STORED).await;
    assert!(matches!(too_long, Err(BlobError::Invalid(_))), "got {too_long:?}");
}

/// Serves a signed URL the way the local host's `/_blob/` route does, for stores without presigning.
pub async fn fetch_locally(
    store: &dyn BlobStore,
    signer: &UrlSigner,
    clock: &dyn emmaus_ports::Clock,
    url: &str,
) -> (u16, Vec<u8>) {
    use emmaus_ports::{SignatureError, SignedRequest};
    let verified =
        SignedRequest::parse(url).and_then(|r| signer.verify(&r, clock.now().unix_seconds()).map(|()| r.key));
    match verified {
        Ok(key) => match BlobKey::parse(key) {
            Ok(key) => match store.get(&key).await {
                Ok(blob) => (200, blob.bytes),
                Err(BlobError::NotFound(_)) => (404, Vec::new()),
                Err(_) => (500, Vec::new()),
            },
            Err(_) => (400, Vec::new()),
        },
        Err(SignatureError::Expired) => (410, Vec::new()),
        Err(SignatureError::Invalid) => (403, Vec::new()),
    }
}

//! What the conformance suite cannot see: the files on disk, failures part-way, and damage.

use std::path::Path;
use std::sync::Arc;

use emmaus_fs::FsBlobStore;
use emmaus_memory::{ManualClock, MemoryBlobStore};
use emmaus_ports::{BlobError, BlobKey, BlobStore, UrlSigner};

const LIMIT: u64 = 1024;

fn open(root: &Path) -> FsBlobStore {
    FsBlobStore::open(root, LIMIT, Arc::new(ManualClock::default()), UrlSigner::new("", vec![1; 32])).unwrap()
}

fn key(key: &str) -> BlobKey {
    BlobKey::parse(key).unwrap()
}

/// Every file below `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn refused_and_failed_puts_leave_nothing_behind() {
    let root = tempfile::tempdir().unwrap();
    let store = open(root.path());
    let refused = store.put(&key("org/big"), vec![0; LIMIT as usize + 1], "text/plain").await;
    assert!(matches!(refused, Err(BlobError::TooLarge { .. })), "{refused:?}");
    let refused = store.put(&key("org/typed"), b"x".to_vec(), "not a type").await;
    assert!(matches!(refused, Err(BlobError::Invalid(_))), "{refused:?}");

    // A put that fails after writing its temporary file: a plain file stands where the key's
    // parent directory must go, so the rename cannot happen.
    std::fs::write(root.path().join("objects/blocked"), b"in the way").unwrap();
    let failed = store.put(&key("blocked/file"), b"data".to_vec(), "text/plain").await;
    assert!(matches!(failed, Err(BlobError::Backend(_))), "{failed:?}");

    assert!(files_under(&root.path().join("tmp")).is_empty(), "no temporary file is left");
    assert_eq!(files_under(&root.path().join("objects")), ["blocked"], "no object was written");
}

#[tokio::test]
async fn a_key_and_keys_below_it_coexist() {
    let root = tempfile::tempdir().unwrap();
    let store = open(root.path());
    store.put(&key("a"), b"file a".to_vec(), "text/plain").await.unwrap();
    store.put(&key("a/b"), b"file a/b".to_vec(), "text/plain").await.unwrap();
    assert_eq!(store.get(&key("a")).await.unwrap().bytes, b"file a");
    assert_eq!(store.get(&key("a/b")).await.unwrap().bytes, b"file a/b");
    let listed: Vec<String> =
        store.list("a", None, 10).await.unwrap().items.iter().map(|m| m.key.to_string()).collect();
    assert_eq!(listed, ["a", "a/b"]);

    store.delete(&key("a")).await.unwrap();
    assert_eq!(store.get(&key("a/b")).await.unwrap().bytes, b"file a/b", "deleting a leaves a/b");
    store.delete(&key("a/b")).await.unwrap();
    assert!(files_under(&root.path().join("objects")).is_empty());
    assert!(!root.path().join("objects/a").exists(), "emptied directories are removed");
    assert!(root.path().join("objects").is_dir(), "but never objects/ itself");
}

#[tokio::test]
async fn a_corrupt_file_is_an_error_not_a_panic() {
    let root = tempfile::tempdir().unwrap();
    let store = open(root.path());
    store.put(&key("org/ok"), b"0123456789".to_vec(), "text/plain").await.unwrap();
    let objects = root.path().join("objects/org");
    std::fs::write(objects.join("garbage~"), b"not a blob at all").unwrap();
    std::fs::write(objects.join("short~"), b"EM").unwrap();
    let mut huge_header = b"EMB1".to_vec();
    huge_header.extend_from_slice(&u32::MAX.to_be_bytes());
    std::fs::write(objects.join("huge~"), huge_header).unwrap();
    let truncated = std::fs::read(objects.join("ok~")).unwrap();
    std::fs::write(objects.join("cut~"), &truncated[..truncated.len() - 3]).unwrap();

    for name in ["org/garbage", "org/short", "org/huge", "org/cut"] {
        for result in [store.get(&key(name)).await.map(|_| ()), store.head(&key(name)).await.map(|_| ())] {
            match result {
                Err(BlobError::Backend(source)) => {
                    assert!(source.to_string().contains("corrupt"), "{name}: {source}");
                }
                other => panic!("{name}: expected a Backend error, got {other:?}"),
            }
        }
        assert!(matches!(store.get_range(&key(name), 0, 1).await, Err(BlobError::Backend(_))));
    }
    assert!(matches!(store.list("org/", None, 10).await, Err(BlobError::Backend(_))), "listing reports the damage");
    assert_eq!(store.get(&key("org/ok")).await.unwrap().bytes, b"0123456789", "good blobs still read");
}

#[tokio::test]
async fn blobs_survive_reopening_and_match_the_memory_etags() {
    let root = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..=255).collect();
    let written = open(root.path()).put(&key("org/doc.pdf"), bytes.clone(), "application/pdf").await.unwrap();

    let reopened = open(root.path());
    let blob = reopened.get(&key("org/doc.pdf")).await.unwrap();
    assert_eq!((blob.bytes, blob.meta), (bytes.clone(), written.clone()));
    assert_eq!(reopened.get_range(&key("org/doc.pdf"), 250, 300).await.unwrap().bytes, [250, 251, 252, 253, 254, 255]);

    let memory = MemoryBlobStore::new(LIMIT, Arc::new(ManualClock::default()), UrlSigner::new("", vec![1; 32]));
    let in_memory = memory.put(&key("org/doc.pdf"), bytes, "application/pdf").await.unwrap();
    assert_eq!(in_memory.etag, written.etag, "the same bytes carry the same etag in every adapter");
}

//! The key-value blob store against the blob conformance suite, over the memory key-value store
//! (the Wasm host's tests run it over Spin's SQLite), and across its chunk boundaries.

use std::sync::Arc;

use emmaus_kv_blobs::{CHUNK_BYTES, KvBlobStore};
use emmaus_memory::{ManualClock, MemoryKv};
use emmaus_ports::{BlobStore, KvStore, Query, RandomIds, UrlSigner};
use emmaus_testkit::blob::{BlobHarness, HARNESS_MAX_BLOB};
use emmaus_testkit::blob_conformance_tests;

fn store(max_size: u64) -> (Arc<KvBlobStore>, Arc<MemoryKv>, Arc<ManualClock>, UrlSigner) {
    let clock = Arc::new(ManualClock::default());
    let kv = Arc::new(MemoryKv::new(clock.clone()));
    let signer = UrlSigner::new("", vec![3; 32]);
    let ids = Arc::new(RandomIds::new(clock.clone()));
    let store = Arc::new(KvBlobStore::new(kv.clone(), ids, clock.clone(), signer.clone(), max_size));
    (store, kv, clock, signer)
}

async fn blobs() -> BlobHarness {
    let (store, _, clock, signer) = store(HARNESS_MAX_BLOB);
    BlobHarness::locally_signed(store, clock, signer, "kv")
}

blob_conformance_tests!(blobs);

/// Bytes that differ at every offset, so a chunk read out of order shows.
fn pattern(size: usize) -> Vec<u8> {
    (0..size).map(|i| u8::try_from((i * 7 + i / 251) % 256).unwrap()).collect()
}

#[tokio::test]
async fn ranges_across_chunks_read_only_what_they_overlap_and_replacing_drops_the_old_chunks() {
    let size = CHUNK_BYTES * 3 + 1234;
    let (store, kv, _, _) = store(size as u64 * 2);
    let key = emmaus_ports::BlobKey::parse("org/r/recording.bin").unwrap();
    let bytes = pattern(size);
    store.put(&key, bytes.clone(), "audio/mpeg").await.unwrap();
    assert_eq!(store.get(&key).await.unwrap().bytes, bytes);
    for (start, end) in
        [(0, 10), (CHUNK_BYTES - 5, CHUNK_BYTES + 5), (CHUNK_BYTES * 2, CHUNK_BYTES * 3 + 1), (size - 3, size + 50)]
    {
        let blob = store.get_range(&key, start as u64, end as u64).await.unwrap();
        assert_eq!(blob.bytes, bytes[start..end.min(size)], "{start}..{end}");
        assert_eq!(blob.meta.size, size as u64);
    }
    let generations = || kv.partitions().into_iter().filter(|p| p.starts_with("blobchunks#")).count();
    assert_eq!(generations(), 1, "one put, one generation");
    store.put(&key, b"short".to_vec(), "audio/mpeg").await.unwrap();
    assert_eq!(store.get(&key).await.unwrap().bytes, b"short");
    assert_eq!(generations(), 1, "the replaced bytes' chunks are gone");
    store.delete(&key).await.unwrap();
    assert_eq!(generations(), 0);
    let listed = kv.query(&Query::new("blobs", "", 10)).await.unwrap();
    assert!(listed.items.is_empty());
}

//! The blob port over the key-value port: durable files for a host that has a database but no
//! object store (Spin's SQLite, the default there), passing the same conformance suite as S3.
//!
//! A blob is a metadata record under `("blobs", key)`, listed in key order by a prefix query, and
//! its bytes in chunks of [`CHUNK_BYTES`] under a partition of their own, named by a generation id
//! drawn for every put. A put writes the new generation's chunks first and the record that points
//! at them last, so a reader sees the old bytes or the new, never a mix, and a put cut short leaves
//! only chunks nothing points at. The replaced generation's chunks are removed after the switch.
//! A range read fetches only the chunks it overlaps, so seeking in a recording stays cheap.

use std::sync::Arc;
use std::time::Duration;

use emmaus_ports::blob::{clamp_range, content_etag, validate_list, validate_put, validate_ttl};
use emmaus_ports::kv::{MAX_BATCH, MAX_BATCH_GET};
use emmaus_ports::{
    Blob, BlobError, BlobKey, BlobMeta, BlobPage, BlobStore, Clock, Cursor, Ids, IndexKeys, Item, Key, KvError,
    KvStore, Presentation, Query, UrlSigner, Write,
};

/// Bytes per chunk: within the key-value port's value limit (350 KiB) with room to spare.
pub const CHUNK_BYTES: usize = 256 * 1024;
const META_PARTITION: &str = "blobs";

/// The record of one blob.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Record {
    size: u64,
    content_type: String,
    etag: String,
    generation: String,
}

impl Record {
    fn meta(&self, key: &BlobKey) -> BlobMeta {
        BlobMeta { key: key.clone(), size: self.size, content_type: self.content_type.clone(), etag: self.etag.clone() }
    }

    fn chunks(&self) -> usize {
        usize::try_from(self.size).unwrap_or(usize::MAX).div_ceil(CHUNK_BYTES)
    }
}

#[derive(Debug)]
pub struct KvBlobStore {
    kv: Arc<dyn KvStore>,
    ids: Arc<dyn Ids>,
    clock: Arc<dyn Clock>,
    signer: UrlSigner,
    max_size: u64,
}

impl KvBlobStore {
    pub fn new(
        kv: Arc<dyn KvStore>,
        ids: Arc<dyn Ids>,
        clock: Arc<dyn Clock>,
        signer: UrlSigner,
        max_size: u64,
    ) -> Self {
        Self { kv, ids, clock, signer, max_size }
    }

    fn record_key(key: &BlobKey) -> Key {
        Key::new(META_PARTITION, key.as_str())
    }

    fn chunk_key(generation: &str, index: usize) -> Key {
        Key::new(format!("blobchunks#{generation}"), format!("{index:08}"))
    }

    async fn record(&self, key: &BlobKey) -> Result<(Record, u64), BlobError> {
        let item = self.kv.get(&Self::record_key(key)).await.map_err(backend)?;
        let item = item.ok_or_else(|| BlobError::NotFound(key.clone()))?;
        Ok((decode(&item)?, item.version))
    }

    /// The bytes of chunks `first..last` of a record, in order.
    async fn read_chunks(
        &self,
        key: &BlobKey,
        record: &Record,
        first: usize,
        last: usize,
    ) -> Result<Vec<u8>, BlobError> {
        let mut bytes = Vec::with_capacity((last - first) * CHUNK_BYTES);
        let keys: Vec<Key> = (first..last).map(|index| Self::chunk_key(&record.generation, index)).collect();
        for group in keys.chunks(MAX_BATCH_GET) {
            for item in self.kv.get_many(group).await.map_err(backend)? {
                // A record points only at chunks written before it; one missing was removed by a
                // put that replaced the blob after this read of its record.
                let item = item.ok_or_else(|| BlobError::NotFound(key.clone()))?;
                bytes.extend_from_slice(&item.value);
            }
        }
        Ok(bytes)
    }

    /// Removes a generation's chunks; what a failure leaves behind is unreachable, not wrong.
    async fn drop_chunks(&self, generation: &str, count: usize) -> Result<(), BlobError> {
        let keys: Vec<Key> = (0..count).map(|index| Self::chunk_key(generation, index)).collect();
        for group in keys.chunks(MAX_BATCH_GET) {
            let present = self.kv.get_many(group).await.map_err(backend)?;
            let writes: Vec<Write> = present
                .into_iter()
                .flatten()
                .map(|item| Write::DeleteIfVersion { key: item.key, expected: item.version })
                .collect();
            for batch in writes.chunks(MAX_BATCH) {
                self.kv.batch(batch.to_vec()).await.map_err(backend)?;
            }
        }
        Ok(())
    }
}

fn backend(error: KvError) -> BlobError {
    match error {
        KvError::Unavailable(_) => BlobError::Unavailable(Box::new(error)),
        other => BlobError::backend(other),
    }
}

fn decode(item: &Item) -> Result<Record, BlobError> {
    serde_json::from_slice(&item.value).map_err(BlobError::backend)
}

#[async_trait::async_trait]
impl BlobStore for KvBlobStore {
    fn adapter(&self) -> &'static str {
        "kv"
    }

    fn max_size(&self) -> u64 {
        self.max_size
    }

    async fn put(&self, key: &BlobKey, bytes: Vec<u8>, content_type: &str) -> Result<BlobMeta, BlobError> {
        validate_put(content_type, bytes.len() as u64, self.max_size)?;
        let record = Record {
            size: bytes.len() as u64,
            content_type: content_type.to_owned(),
            etag: content_etag(&bytes),
            generation: self.ids.new_id(),
        };
        let chunks: Vec<Write> = bytes
            .chunks(CHUNK_BYTES)
            .enumerate()
            .map(|(index, chunk)| Write::PutIfAbsent {
                key: Self::chunk_key(&record.generation, index),
                value: chunk.to_vec(),
                expires_at: None,
                index: IndexKeys::NONE,
            })
            .collect();
        for batch in chunks.chunks(MAX_BATCH) {
            self.kv.batch(batch.to_vec()).await.map_err(backend)?;
        }
        let previous = self.kv.get(&Self::record_key(key)).await.map_err(backend)?;
        let value = serde_json::to_vec(&record).map_err(BlobError::backend)?;
        let switch = match &previous {
            Some(item) => Write::PutIfVersion {
                key: item.key.clone(),
                value,
                expected: item.version,
                expires_at: None,
                index: IndexKeys::NONE,
            },
            None => Write::PutIfAbsent { key: Self::record_key(key), value, expires_at: None, index: IndexKeys::NONE },
        };
        if let Err(error) = self.kv.batch(vec![switch]).await {
            // Another put won the race: its bytes stand, and ours are dropped.
            self.drop_chunks(&record.generation, record.chunks()).await?;
            return Err(match error {
                KvError::Conflict(_) => {
                    BlobError::Unavailable("another upload replaced the file at the same moment".into())
                }
                other => backend(other),
            });
        }
        if let Some(item) = previous {
            let old = decode(&item)?;
            self.drop_chunks(&old.generation, old.chunks()).await?;
        }
        Ok(record.meta(key))
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        let (record, _) = self.record(key).await?;
        let bytes = self.read_chunks(key, &record, 0, record.chunks()).await?;
        Ok(Blob { meta: record.meta(key), bytes })
    }

    async fn get_range(&self, key: &BlobKey, start: u64, end: u64) -> Result<Blob, BlobError> {
        let (record, _) = self.record(key).await?;
        let range = clamp_range(record.size, start, end)?;
        let chunk = CHUNK_BYTES as u64;
        let (first, last) = (range.start / chunk, range.end.div_ceil(chunk));
        let to_index = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let bytes = self.read_chunks(key, &record, to_index(first), to_index(last)).await?;
        let offset = to_index(range.start - first * chunk);
        let bytes = bytes[offset..offset + to_index(range.end - range.start)].to_vec();
        Ok(Blob { meta: record.meta(key), bytes })
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        Ok(self.record(key).await?.0.meta(key))
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        let Some(item) = self.kv.get(&Self::record_key(key)).await.map_err(backend)? else { return Ok(()) };
        let record = decode(&item)?;
        match self.kv.batch(vec![Write::DeleteIfVersion { key: item.key, expected: item.version }]).await {
            Ok(()) | Err(KvError::Conflict(_)) => {}
            Err(other) => return Err(backend(other)),
        }
        self.drop_chunks(&record.generation, record.chunks()).await
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>, limit: u32) -> Result<BlobPage, BlobError> {
        validate_list(prefix, cursor, limit)?;
        let query = Query::new(META_PARTITION, prefix, limit).after(cursor.map(Cursor::after));
        let page = self.kv.query(&query).await.map_err(backend)?;
        let mut items = Vec::with_capacity(page.items.len());
        for item in &page.items {
            let key = BlobKey::parse(item.key.sort.as_str())?;
            items.push(decode(item)?.meta(&key));
        }
        let next = if page.next.is_some() { items.last().map(|meta| meta.key.to_string()) } else { None };
        Ok(BlobPage { items, next })
    }

    async fn signed_url(&self, key: &BlobKey, ttl: Duration, presentation: &Presentation) -> Result<String, BlobError> {
        validate_ttl(ttl)?;
        self.head(key).await?;
        let expires = self.clock.now().plus(ttl).unix_seconds();
        Ok(self.signer.sign(key, expires, presentation))
    }
}

//! The blob port in memory, with signed URLs from the shared signer.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use emmaus_ports::blob::{clamp_range, content_etag, validate_list, validate_put, validate_ttl};
use emmaus_ports::{Blob, BlobError, BlobKey, BlobMeta, BlobPage, BlobStore, Clock, Presentation, UrlSigner};

#[derive(Debug)]
pub struct MemoryBlobStore {
    max_size: u64,
    clock: Arc<dyn Clock>,
    signer: UrlSigner,
    blobs: Mutex<BTreeMap<BlobKey, Blob>>,
}

impl MemoryBlobStore {
    pub fn new(max_size: u64, clock: Arc<dyn Clock>, signer: UrlSigner) -> Self {
        Self { max_size, clock, signer, blobs: Mutex::new(BTreeMap::new()) }
    }

    fn find(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        self.blobs.lock().expect("blob lock").get(key).cloned().ok_or_else(|| BlobError::NotFound(key.clone()))
    }
}

#[async_trait::async_trait]
impl BlobStore for MemoryBlobStore {
    fn adapter(&self) -> &'static str {
        "memory"
    }

    fn max_size(&self) -> u64 {
        self.max_size
    }

    async fn put(&self, key: &BlobKey, bytes: Vec<u8>, content_type: &str) -> Result<BlobMeta, BlobError> {
        validate_put(content_type, bytes.len() as u64, self.max_size)?;
        let meta = BlobMeta {
            key: key.clone(),
            size: bytes.len() as u64,
            content_type: content_type.to_owned(),
            etag: content_etag(&bytes),
        };
        self.blobs.lock().expect("blob lock").insert(key.clone(), Blob { meta: meta.clone(), bytes });
        Ok(meta)
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        self.find(key)
    }

    async fn get_range(&self, key: &BlobKey, start: u64, end: u64) -> Result<Blob, BlobError> {
        let blob = self.find(key)?;
        let range = clamp_range(blob.meta.size, start, end)?;
        let bytes = blob.bytes[range.start as usize..range.end as usize].to_vec();
        Ok(Blob { meta: blob.meta, bytes })
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        self.find(key).map(|b| b.meta)
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        self.blobs.lock().expect("blob lock").remove(key);
        Ok(())
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>, limit: u32) -> Result<BlobPage, BlobError> {
        validate_list(prefix, cursor, limit)?;
        let blobs = self.blobs.lock().expect("blob lock");
        let mut matching = blobs
            .values()
            .filter(|blob| blob.meta.key.as_str().starts_with(prefix))
            .filter(|blob| cursor.is_none_or(|after| blob.meta.key.as_str() > after))
            .map(|blob| blob.meta.clone());
        let items: Vec<BlobMeta> = matching.by_ref().take(limit as usize).collect();
        let next = match (matching.next(), items.last()) {
            (Some(_), Some(last)) => Some(last.key.to_string()),
            _ => None,
        };
        Ok(BlobPage { items, next })
    }

    async fn signed_url(&self, key: &BlobKey, ttl: Duration, presentation: &Presentation) -> Result<String, BlobError> {
        validate_ttl(ttl)?;
        self.find(key)?;
        let expires = self.clock.now().plus(ttl).unix_seconds();
        Ok(self.signer.sign(key, expires, presentation))
    }
}

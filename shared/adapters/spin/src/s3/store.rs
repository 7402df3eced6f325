//! The `BlobStore` operations as S3 REST calls.

use std::time::Duration;

use emmaus_ports::blob::{clamp_range, content_etag, validate_list, validate_put, validate_ttl};
use emmaus_ports::{Blob, BlobError, BlobKey, BlobMeta, BlobPage, BlobStore, Presentation};

use super::{SpinS3BlobStore, invalid, list_page, meta, unexpected, uri_encode};

impl SpinS3BlobStore {
    async fn read(&self, key: &BlobKey, range: Option<String>) -> Result<Blob, BlobError> {
        let mut request = http::Request::get(self.object_url(key));
        if let Some(range) = range {
            request = request.header(http::header::RANGE, range);
        }
        let response = self.send(request.body(Vec::new()).map_err(invalid)?).await?;
        match response.status().as_u16() {
            200 | 206 => Ok(Blob { meta: meta(key, &response), bytes: response.into_body() }),
            404 => Err(BlobError::NotFound(key.clone())),
            _ => Err(unexpected(&response)),
        }
    }
}

#[async_trait::async_trait]
impl BlobStore for SpinS3BlobStore {
    fn adapter(&self) -> &'static str {
        "s3"
    }

    fn max_size(&self) -> u64 {
        self.max_size
    }

    async fn put(&self, key: &BlobKey, bytes: Vec<u8>, content_type: &str) -> Result<BlobMeta, BlobError> {
        let size = bytes.len() as u64;
        validate_put(content_type, size, self.max_size)?;
        let etag = content_etag(&bytes);
        let mut request = http::Request::put(self.object_url(key))
            .header(http::header::CONTENT_TYPE, content_type)
            .header("x-amz-meta-etag", &etag);
        if self.server_side_encryption {
            request = request.header("x-amz-server-side-encryption", "AES256");
        }
        let response = self.send(request.body(bytes).map_err(invalid)?).await?;
        if !response.status().is_success() {
            return Err(unexpected(&response));
        }
        Ok(BlobMeta { key: key.clone(), size, content_type: content_type.to_owned(), etag })
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        self.read(key, None).await
    }

    async fn get_range(&self, key: &BlobKey, start: u64, end: u64) -> Result<Blob, BlobError> {
        let range = clamp_range(self.head(key).await?.size, start, end)?;
        // HTTP ranges are inclusive; the port's are half-open.
        self.read(key, Some(format!("bytes={}-{}", range.start, range.end - 1))).await
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        let request = http::Request::head(self.object_url(key)).body(Vec::new()).map_err(invalid)?;
        let response = self.send(request).await?;
        match response.status().as_u16() {
            200 => Ok(meta(key, &response)),
            404 => Err(BlobError::NotFound(key.clone())),
            _ => Err(unexpected(&response)),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        let request = http::Request::delete(self.object_url(key)).body(Vec::new()).map_err(invalid)?;
        let response = self.send(request).await?;
        // S3 answers 204 for a missing key too, which is the port's idempotence; some stores say 404.
        match response.status().as_u16() {
            200..=299 | 404 => Ok(()),
            _ => Err(unexpected(&response)),
        }
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>, limit: u32) -> Result<BlobPage, BlobError> {
        validate_list(prefix, cursor, limit)?;
        let mut url =
            format!("{}?list-type=2&max-keys={limit}&prefix={}", self.bucket_url(), uri_encode(prefix, false));
        if let Some(cursor) = cursor {
            url.push_str("&start-after=");
            url.push_str(&uri_encode(cursor, false));
        }
        let response = self.send(http::Request::get(url).body(Vec::new()).map_err(invalid)?).await?;
        if response.status().as_u16() != 200 {
            return Err(unexpected(&response));
        }
        let page = std::str::from_utf8(response.body())
            .ok()
            .and_then(list_page)
            .ok_or_else(|| BlobError::Backend("S3 answered a listing that is not a ListBucketResult".into()))?;
        // The listing has sizes but neither content types nor our tags, which `BlobMeta` promises
        // like every other adapter's list; a HEAD per key fills them in.
        let mut items = Vec::with_capacity(page.keys.len());
        for listed in &page.keys {
            if let Ok(key) = BlobKey::parse(listed.as_str())
                && let Some(meta) = self.head_if_present(&key).await?
            {
                items.push(meta);
            }
        }
        // Resume after the last key S3 listed (even one skipped above), and only when more follow.
        let next = if page.truncated { page.keys.last().cloned() } else { None };
        Ok(BlobPage { items, next })
    }

    async fn signed_url(&self, key: &BlobKey, ttl: Duration, presentation: &Presentation) -> Result<String, BlobError> {
        validate_ttl(ttl)?;
        // A URL for a missing key would only ever answer 404; say so now.
        self.head(key).await?;
        self.presign(key, ttl, presentation)
    }
}

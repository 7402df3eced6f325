//! The `BlobStore` operations on the bucket.

use std::time::Duration;

use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use emmaus_ports::blob::{clamp_range, content_etag, validate_list, validate_put};
use emmaus_ports::{Blob, BlobError, BlobKey, BlobMeta, BlobPage, BlobStore, Presentation, PresignedPost};
use futures::StreamExt as _;

use crate::{ETAG_METADATA, S3BlobStore, error, meta};

/// HEAD requests in flight at once while a listing gathers metadata.
const LIST_CONCURRENCY: usize = 16;

impl S3BlobStore {
    async fn read(&self, key: &BlobKey, range: Option<String>) -> Result<Blob, BlobError> {
        let output = self.client.get_object().bucket(&self.bucket).key(key.as_str()).set_range(range).send().await;
        let output = match output {
            Ok(output) => output,
            Err(e) if e.as_service_error().is_some_and(GetObjectError::is_no_such_key) => {
                return Err(BlobError::NotFound(key.clone()));
            }
            Err(e) => return Err(error::sdk(e)),
        };
        // A ranged response's length is the range's; the whole size is after the `/` of Content-Range.
        let size = match output.content_range() {
            Some(range) => range.rsplit_once('/').and_then(|(_, total)| total.parse().ok()),
            None => output.content_length(),
        };
        let meta = meta(key, size, output.content_type(), output.metadata(), output.e_tag());
        let bytes = output.body.collect().await.map_err(|e| BlobError::Unavailable(Box::new(e)))?.into_bytes().to_vec();
        Ok(Blob { meta, bytes })
    }
}

#[async_trait::async_trait]
impl BlobStore for S3BlobStore {
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
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .server_side_encryption(ServerSideEncryption::Aes256)
            .metadata(ETAG_METADATA, &etag)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(error::sdk)?;
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
        match self.client.head_object().bucket(&self.bucket).key(key.as_str()).send().await {
            Ok(o) => Ok(meta(key, o.content_length(), o.content_type(), o.metadata(), o.e_tag())),
            Err(e) if e.as_service_error().is_some_and(HeadObjectError::is_not_found) => {
                Err(BlobError::NotFound(key.clone()))
            }
            Err(e) => Err(error::sdk(e)),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        // S3 answers 204 for a missing key too, which is the port's idempotence.
        self.client.delete_object().bucket(&self.bucket).key(key.as_str()).send().await.map_err(error::sdk)?;
        Ok(())
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>, limit: u32) -> Result<BlobPage, BlobError> {
        validate_list(prefix, cursor, limit)?;
        let output = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .set_start_after(cursor.map(str::to_owned))
            .max_keys(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(error::sdk)?;
        let listed: Vec<String> =
            output.contents().iter().filter_map(|object| object.key().map(str::to_owned)).collect();
        let keys: Vec<BlobKey> = listed.iter().filter_map(|key| BlobKey::parse(key.as_str()).ok()).collect();
        // The listing has sizes but neither content types nor our tags, which `BlobMeta` promises
        // like every other adapter's list; HEADs fill them in, a bounded number at a time.
        let heads: Vec<Result<Option<BlobMeta>, BlobError>> = futures::stream::iter(keys)
            .map(|key| async move { self.head_if_present(&key).await })
            .buffered(LIST_CONCURRENCY)
            .collect()
            .await;
        let items = heads.into_iter().filter_map(Result::transpose).collect::<Result<Vec<_>, _>>()?;
        // Resume after the last key S3 listed (even one skipped above), and only when more follow.
        let next = if output.is_truncated() == Some(true) { listed.last().cloned() } else { None };
        Ok(BlobPage { items, next })
    }

    async fn signed_url(&self, key: &BlobKey, ttl: Duration, presentation: &Presentation) -> Result<String, BlobError> {
        let presigning = self.presigning(ttl)?;
        // A URL for a missing key would only ever answer 404; say so now.
        self.head(key).await?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            // S3 answers with these instead of the stored values; both are part of the signature.
            .set_response_content_type(presentation.content_type.clone())
            .set_response_content_disposition(presentation.disposition.clone())
            .presigned(presigning)
            .await
            .map_err(error::sdk)?;
        Ok(request.uri().to_owned())
    }

    async fn presigned_post(
        &self,
        key: &BlobKey,
        content_type: &str,
        max_size: u64,
        ttl: Duration,
    ) -> Result<Option<PresignedPost>, BlobError> {
        self.post_form(key, content_type, max_size, ttl).await.map(Some)
    }
}

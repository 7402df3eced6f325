//! The blob port on one S3 bucket (or an S3-compatible store such as `MinIO` or Garage).
//!
//! Objects are stored under their key with their content type, SSE-S3 encryption, and our own
//! entity tag in the user metadata `etag` (S3's `ETag` is an MD5 for some uploads and something
//! else for multipart or SSE-KMS ones; ours must equal what every other adapter computes).
//! Downloads use presigned URLs and browser uploads presigned POST forms, whose validity starts at
//! the injected clock's time, so a test clock controls their expiry.

mod error;
mod post_policy;
mod store;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{ProvideCredentials as _, SharedCredentialsProvider};
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::operation::create_bucket::CreateBucketError;
use aws_sdk_s3::operation::head_bucket::HeadBucketError;
use aws_sdk_s3::presigning::PresigningConfig;
use emmaus_ports::blob::{validate_content_type, validate_ttl};
use emmaus_ports::{BlobError, BlobKey, BlobMeta, Clock, PresignedPost};

/// Attempts per call, the first included, before throttling or a transient failure is reported.
const MAX_ATTEMPTS: u32 = 5;
/// The user-metadata entry holding our entity tag (`x-amz-meta-etag` on the wire).
const ETAG_METADATA: &str = "etag";

/// An S3 client for `config`, optionally at another endpoint. S3-compatible stores (and local
/// emulators without wildcard DNS) need `force_path_style`: `host/bucket/key`, not `bucket.host/key`.
pub fn s3_client(config: &aws_config::SdkConfig, endpoint: Option<&str>, force_path_style: bool) -> Client {
    let mut builder = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(force_path_style)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    Client::from_conf(builder.build())
}

/// The blob store on one bucket.
#[derive(Debug, Clone)]
pub struct S3BlobStore {
    client: Client,
    bucket: String,
    max_size: u64,
    clock: Arc<dyn Clock>,
    /// What signs browser upload forms; the SDK client keeps its own out of reach.
    credentials: Option<SharedCredentialsProvider>,
}

impl S3BlobStore {
    /// A store on `bucket`. The client's retry policy is replaced by the standard one with
    /// [`MAX_ATTEMPTS`], so throttling is absorbed here whatever the caller configured.
    #[expect(clippy::needless_pass_by_value, reason = "callers hand over their client, as to any SDK constructor")]
    pub fn new(client: Client, bucket: String, max_size: u64, clock: Arc<dyn Clock>) -> Self {
        let config =
            client.config().to_builder().retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)).build();
        Self { client: Client::from_conf(config), bucket, max_size, clock, credentials: None }
    }

    /// The credentials that sign browser upload forms (`presigned_post`): the client's own, from
    /// the same `SdkConfig`. Without them the store offers no upload form.
    #[must_use]
    pub fn with_credentials(mut self, credentials: Option<SharedCredentialsProvider>) -> Self {
        self.credentials = credentials;
        self
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Creates the bucket unless it exists; for tests and local setups (deployments use the template).
    pub async fn create_bucket_if_missing(&self) -> Result<(), BlobError> {
        match self.client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => return Ok(()),
            Err(e) if e.as_service_error().is_some_and(HeadBucketError::is_not_found) => {}
            Err(e) => return Err(error::sdk(e)),
        }
        match self.client.create_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(()),
            // Created concurrently by another test process or host.
            Err(e) if e.as_service_error().is_some_and(CreateBucketError::is_bucket_already_owned_by_you) => Ok(()),
            Err(e) => Err(error::sdk(e)),
        }
    }

    /// A form through which a browser uploads `key` straight into the bucket (S3's POST Object with
    /// a signed policy): the policy fixes the key and the content type and bounds the size to
    /// `1..=max_size`, so S3 itself refuses anything else, and it expires after `ttl`.
    pub(crate) async fn post_form(
        &self,
        key: &BlobKey,
        content_type: &str,
        max_size: u64,
        ttl: Duration,
    ) -> Result<PresignedPost, BlobError> {
        validate_content_type(content_type)?;
        // A presigned request names the bucket's address as the SDK reaches it (virtual-hosted or
        // path style, a custom endpoint): the form posts to that address without the key.
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .presigned(self.presigning(ttl)?)
            .await
            .map_err(error::sdk)?;
        let uri = presigned.uri();
        let path = uri.split('?').next().unwrap_or(uri);
        let url = path.strip_suffix(key.as_str()).unwrap_or(path).to_owned();
        let region = self.client.config().region().map_or_else(|| "us-east-1".to_owned(), ToString::to_string);
        let provider = self.credentials.as_ref().ok_or_else(|| {
            BlobError::Invalid("the S3 store was given no credentials to sign browser uploads with".into())
        })?;
        let credentials = provider.provide_credentials().await.map_err(|e| BlobError::Unavailable(Box::new(e)))?;
        let now = self.clock.now();
        let form = post_policy::PostPolicy {
            bucket: &self.bucket,
            key: key.as_str(),
            content_type,
            max_size,
            region: &region,
            access_key_id: credentials.access_key_id(),
            secret_access_key: credentials.secret_access_key(),
            session_token: credentials.session_token(),
            now_unix: now.unix_seconds(),
            expires_unix: now.plus(ttl).unix_seconds(),
        };
        Ok(PresignedPost { url, fields: form.fields(), expires_at_unix: form.expires_unix })
    }

    /// Presigning valid from the clock's now for `ttl`, which must be in `(0]`.
    fn presigning(&self, ttl: Duration) -> Result<PresigningConfig, BlobError> {
        validate_ttl(ttl)?;
        let millis = u64::try_from(self.clock.now().unix_millis()).unwrap_or(0);
        let start = SystemTime::UNIX_EPOCH + Duration::from_millis(millis);
        PresigningConfig::builder()
            .start_time(start)
            .expires_in(ttl)
            .build()
            .map_err(|e| BlobError::Invalid(e.to_string()))
    }
}

/// What a response says about an object. An object uploaded through a presigned URL has no
/// `etag` metadata; S3's own tag stands in, which still changes whenever the content does.
fn meta(
    key: &BlobKey,
    size: Option<i64>,
    content_type: Option<&str>,
    metadata: Option<&HashMap<String, String>>,
    s3_etag: Option<&str>,
) -> BlobMeta {
    let etag = metadata
        .and_then(|m| m.get(ETAG_METADATA))
        .cloned()
        .or_else(|| s3_etag.map(|tag| tag.trim_matches('"').to_owned()))
        .unwrap_or_default();
    BlobMeta {
        key: key.clone(),
        size: size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
        content_type: content_type.unwrap_or("application/octet-stream").to_owned(),
        etag,
    }
}

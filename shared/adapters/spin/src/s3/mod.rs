//! The blob port on an S3-compatible store, spoken over any `HttpClient` (outbound wasi:http in a
//! Spin component, reqwest natively), with requests signed by `aws-sigv4`.
//!
//! Path-style addressing (`{endpoint}/{bucket}/{key}`), so any S3-compatible store works without
//! wildcard DNS. Like `emmaus-s3`, objects carry our own entity tag in `x-amz-meta-etag`, and a
//! listing HEADs each key for its content type and tag. Signing times, presigned URLs included,
//! come from the injected clock, so a test clock controls expiry.

mod sign;
mod store;
mod xml;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use emmaus_ports::{BlobError, BlobKey, BlobMeta, Clock, HttpClient, HttpClientError, Presentation};
use secrecy::SecretString;

pub use sign::{SignError, Signer, uri_encode};
pub use xml::{ListPage, error_code, list_page};

/// Where the store is and how to sign for it.
#[derive(Debug, Clone)]
pub struct S3Config {
    /// `scheme://host[:port]`, without the bucket (path-style addressing).
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// The largest blob `put` accepts, in bytes.
    pub max_size: u64,
    /// Send `x-amz-server-side-encryption: AES256` on puts; off for stores that refuse the header.
    pub server_side_encryption: bool,
}

/// The blob store on one bucket.
#[derive(Debug, Clone)]
pub struct SpinS3BlobStore {
    http: Arc<dyn HttpClient>,
    clock: Arc<dyn Clock>,
    endpoint: String,
    bucket: String,
    max_size: u64,
    server_side_encryption: bool,
    signer: Signer,
}

/// An answer S3 gave that the store did not expect: the status and the error document's code.
#[derive(Debug, thiserror::Error)]
#[error("S3 answered {status}{}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
pub struct S3Error {
    pub status: u16,
    pub code: Option<String>,
}

impl SpinS3BlobStore {
    pub fn new(config: S3Config, http: Arc<dyn HttpClient>, clock: Arc<dyn Clock>) -> Self {
        let signer = Signer {
            access_key_id: config.access_key_id,
            secret_access_key: config.secret_access_key,
            region: config.region,
        };
        Self {
            http,
            clock,
            endpoint: config.endpoint.trim_end_matches('/').to_owned(),
            bucket: config.bucket,
            max_size: config.max_size,
            server_side_encryption: config.server_side_encryption,
            signer,
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Creates the bucket unless it exists; for tests and local setups.
    pub async fn create_bucket_if_missing(&self) -> Result<(), BlobError> {
        let request = http::Request::put(self.bucket_url()).body(Vec::new()).map_err(invalid)?;
        let response = self.send(request).await?;
        match response.status().as_u16() {
            200..=299 => Ok(()),
            409 if code(&response).as_deref() == Some("BucketAlreadyOwnedByYou") => Ok(()),
            _ => Err(unexpected(&response)),
        }
    }

    fn bucket_url(&self) -> String {
        format!("{}/{}", self.endpoint, uri_encode(&self.bucket, false))
    }

    fn object_url(&self, key: &BlobKey) -> String {
        format!("{}/{}", self.bucket_url(), uri_encode(key.as_str(), true))
    }

    /// The clock's now as the signing time.
    fn now(&self) -> SystemTime {
        let millis = u64::try_from(self.clock.now().unix_millis()).unwrap_or(0);
        SystemTime::UNIX_EPOCH + Duration::from_millis(millis)
    }

    /// Signs and sends; a store that cannot be reached or is overloaded is `Unavailable`.
    async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, BlobError> {
        let signed = self.signer.sign(request, self.now()).map_err(BlobError::backend)?;
        let response = self.http.send(signed).await.map_err(|e| match e {
            HttpClientError::Timeout { .. } | HttpClientError::Connect { .. } => BlobError::Unavailable(Box::new(e)),
            other => BlobError::backend(other),
        })?;
        if matches!(response.status().as_u16(), 500 | 503) {
            return Err(BlobError::Unavailable(Box::new(s3_error(&response))));
        }
        Ok(response)
    }

    fn presign(&self, key: &BlobKey, ttl: Duration, presentation: &Presentation) -> Result<String, BlobError> {
        // S3 answers with these instead of the stored values; as query parameters they are signed.
        let query: Vec<String> = [
            ("response-content-disposition", &presentation.disposition),
            ("response-content-type", &presentation.content_type),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|value| format!("{name}={}", uri_encode(value, false))))
        .collect();
        let mut url = self.object_url(key);
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        let request = http::Request::get(url).body(()).map_err(invalid)?;
        self.signer.presign(request, self.now(), ttl).map_err(BlobError::backend)
    }
}

#[expect(clippy::needless_pass_by_value, reason = "used as `map_err(invalid)`")]
fn invalid(error: http::Error) -> BlobError {
    BlobError::Invalid(error.to_string())
}

fn code(response: &http::Response<Vec<u8>>) -> Option<String> {
    std::str::from_utf8(response.body()).ok().and_then(error_code)
}

fn s3_error(response: &http::Response<Vec<u8>>) -> S3Error {
    S3Error { status: response.status().as_u16(), code: code(response) }
}

fn unexpected(response: &http::Response<Vec<u8>>) -> BlobError {
    BlobError::backend(s3_error(response))
}

fn header<'a>(response: &'a http::Response<Vec<u8>>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|value| value.to_str().ok())
}

/// What a response's headers say about an object. An object uploaded without our metadata (a
/// presigned PUT) has S3's own tag stand in, which still changes whenever the content does.
fn meta(key: &BlobKey, response: &http::Response<Vec<u8>>) -> BlobMeta {
    // A ranged response's length is the range's; the whole size is after the `/` of Content-Range.
    let size = match header(response, "content-range") {
        Some(range) => range.rsplit_once('/').and_then(|(_, total)| total.parse().ok()),
        None => header(response, "content-length").and_then(|n| n.parse().ok()),
    };
    let etag = header(response, "x-amz-meta-etag")
        .or_else(|| header(response, "etag").map(|tag| tag.trim_matches('"')))
        .unwrap_or_default()
        .to_owned();
    BlobMeta {
        key: key.clone(),
        size: size.unwrap_or(response.body().len() as u64),
        content_type: header(response, "content-type").unwrap_or("application/octet-stream").to_owned(),
        etag,
    }
}

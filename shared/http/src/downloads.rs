//! Signed downloads for stores without presigning of their own (the local files, the store in
//! Spin's database): `GET /_blob/{key}?…`, checked against the URL's signature, served with the
//! content type and `Content-Disposition` the signature covers, one byte range when asked (so audio
//! and video seek), and never as a page that could run script in the app's origin.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use emmaus_app::Platform;
use emmaus_ports::{BlobError, BlobKey, SignatureError, SignedRequest, UrlSigner};

use crate::{ApiError, Problem};

/// Where signed links point; [`emmaus_ports::signed_url::SIGNED_PATH_PREFIX`] is its start.
pub const ROUTE: &str = "/_blob/{*key}";

/// What a file served from here may do when opened in a tab: nothing (a sandbox without scripts,
/// no framing), whatever its type.
pub const FILE_POLICY: &str = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'none'";

#[derive(Debug)]
struct Downloads {
    platform: Platform,
    signer: UrlSigner,
}

/// The signed-download route over the platform's blob store, for links `signer` made.
pub fn routes(platform: Platform, signer: UrlSigner) -> Router {
    Router::new().route(ROUTE, get(serve)).with_state(Arc::new(Downloads { platform, signer }))
}

async fn serve(State(downloads): State<Arc<Downloads>>, request: Request) -> Response {
    let now = downloads.platform.clock.now().unix_seconds();
    let signed = SignedRequest::parse(&request.uri().to_string())
        .and_then(|signed| downloads.signer.verify(&signed, now).map(|()| signed));
    let signed = match signed {
        Ok(signed) => signed,
        Err(SignatureError::Expired) => {
            return problem(StatusCode::GONE, "link-expired", "Link expired", "ask for a new download link");
        }
        Err(SignatureError::Invalid) => {
            return problem(StatusCode::FORBIDDEN, "bad-signature", "Forbidden", "the download link is not valid");
        }
    };
    let Ok(key) = BlobKey::parse(signed.key.as_str()) else {
        return problem(StatusCode::BAD_REQUEST, "bad-key", "Bad request", "the link names no file");
    };
    match respond(&downloads.platform, &key, &signed, request.headers()).await {
        Ok(response) => response,
        Err(BlobError::NotFound(_)) => {
            problem(StatusCode::NOT_FOUND, "not-found", "Not found", "the file no longer exists")
        }
        Err(BlobError::RangeNotSatisfiable { size }) => {
            let mut response = problem(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range-not-satisfiable",
                "Range not satisfiable",
                "the range starts past the end of the file",
            );
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            response
        }
        Err(error) => ApiError(emmaus_app::error::from_blob(error)).into_response(),
    }
}

async fn respond(
    platform: &Platform,
    key: &BlobKey,
    signed: &SignedRequest,
    request: &HeaderMap,
) -> Result<Response, BlobError> {
    let wanted = request.get(header::RANGE).and_then(|value| value.to_str().ok()).and_then(parse_range);
    let (status, blob, range) = match wanted {
        Some(range) => {
            let size = platform.blobs.head(key).await?.size;
            let (start, end) = range.resolve(size).ok_or(BlobError::RangeNotSatisfiable { size })?;
            let blob = platform.blobs.get_range(key, start, end).await?;
            (StatusCode::PARTIAL_CONTENT, blob, Some((start, end, size)))
        }
        None => (StatusCode::OK, platform.blobs.get(key).await?, None),
    };
    let content_type = signed.presentation.content_type.as_deref().unwrap_or(&blob.meta.content_type);
    let mut headers = HeaderMap::new();
    let octets = HeaderValue::from_static("application/octet-stream");
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap_or(octets));
    if let Some(disposition) = signed.presentation.disposition.as_deref()
        && let Ok(value) = HeaderValue::from_str(disposition)
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(FILE_POLICY));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", blob.meta.etag)) {
        headers.insert(header::ETAG, etag);
    }
    if let Some((start, end, size)) = range
        && let Ok(value) = HeaderValue::from_str(&format!("bytes {start}-{}/{size}", end - 1))
    {
        headers.insert(header::CONTENT_RANGE, value);
    }
    Ok((status, headers, blob.bytes).into_response())
}

fn problem(status: StatusCode, slug: &str, title: &str, detail: &str) -> Response {
    Problem::new(status, slug, title, Some(detail.to_owned())).into_response()
}

/// One byte range of a `Range` header (RFC 9110 §14.1.2), before the size is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteRange {
    /// `first-` or `first-last`.
    From { first: u64, last: Option<u64> },
    /// `-n`: the last `n` bytes.
    Suffix(u64),
}

impl ByteRange {
    /// The half-open range within a file of `size` bytes, or `None` when none of it lies there.
    fn resolve(self, size: u64) -> Option<(u64, u64)> {
        match self {
            Self::From { first, .. } if first >= size => None,
            Self::From { first, last } => Some((first, last.map_or(size, |last| last.saturating_add(1).min(size)))),
            Self::Suffix(0) => None,
            Self::Suffix(n) => (size > 0).then(|| (size.saturating_sub(n), size)),
        }
    }
}

/// A `Range` header of one byte range; anything else (several ranges, another unit, nonsense) is
/// ignored, and the whole file is served, as RFC 9110 allows.
fn parse_range(value: &str) -> Option<ByteRange> {
    let spec = value.trim().strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let number = |text: &str| text.trim().parse::<u64>().ok();
    match (first.trim().is_empty(), last.trim().is_empty()) {
        (true, false) => number(last).map(ByteRange::Suffix),
        (false, true) => number(first).map(|first| ByteRange::From { first, last: None }),
        (false, false) => {
            let (first, last) = (number(first)?, number(last)?);
            (first <= last).then_some(ByteRange::From { first, last: Some(last) })
        }
        (true, true) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_as_rfc_9110_writes_them() {
        assert_eq!(parse_range("bytes=0-99"), Some(ByteRange::From { first: 0, last: Some(99) }));
        assert_eq!(parse_range("bytes=100-"), Some(ByteRange::From { first: 100, last: None }));
        assert_eq!(parse_range("bytes=-5"), Some(ByteRange::Suffix(5)));
        for ignored in ["bytes=0-1,4-5", "items=0-1", "bytes=5-1", "bytes=-", "bytes=a-b", ""] {
            assert_eq!(parse_range(ignored), None, "{ignored}");
        }
    }

    #[test]
    fn ranges_resolve_within_the_size() {
        let from = |first, last| ByteRange::From { first, last };
        assert_eq!(from(0, Some(99)).resolve(10), Some((0, 10)));
        assert_eq!(from(3, None).resolve(10), Some((3, 10)));
        assert_eq!(from(10, None).resolve(10), None);
        assert_eq!(ByteRange::Suffix(4).resolve(10), Some((6, 10)));
        assert_eq!(ByteRange::Suffix(40).resolve(10), Some((0, 10)));
        assert_eq!(ByteRange::Suffix(4).resolve(0), None);
    }
}

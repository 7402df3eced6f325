//! The blob port: files in object storage, addressed by validated keys.
//!
//! The contract, checked by `emmaus-testkit` on every adapter:
//! - `put` stores the bytes whole or not at all, refusing more than the store's `max_size`.
//! - `get` returns the bytes and metadata; `get_range(start, end)` the half-open byte range, `end`
//!   clamped to the size, `RangeNotSatisfiable` when `start` is at or past the end.
//! - `head` returns metadata; `delete` is idempotent.
//! - `list` yields keys under a prefix in byte order, resuming strictly after its cursor.
//! - `signed_url` returns a URL that serves the blob without credentials until it expires, with
//!   the content type and `Content-Disposition` its [`Presentation`] names (signed with the URL, so
//!   nobody can turn a download into a page); ranges are honoured.
//! - `presigned_post` returns a form that uploads one blob straight to the store (key and content
//!   type fixed, size capped), or `None` where the store has no such door.
//! - Keys are `/`-separated segments of `[A-Za-z0-9._-]`, never `.` or `..`, at most
//!   [`MAX_KEY_BYTES`]; they carry the organisation and a random id, never a user's file name.

use std::time::Duration;

pub const MAX_KEY_BYTES: usize = 512;
pub const MAX_SEGMENT_BYTES: usize = 200;
pub const MAX_LIST_LIMIT: u32 = 1000;
/// Longest lifetime of a signed URL; they are for immediate downloads, not for sharing.
pub const MAX_SIGNED_URL_TTL: Duration = Duration::from_hours(1);

/// How a signed URL's response presents a blob: the content type to send instead of the stored
/// one, and the `Content-Disposition` header. Both are covered by the URL's signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presentation {
    pub content_type: Option<String>,
    pub disposition: Option<String>,
}

impl Presentation {
    /// The stored content type, no disposition.
    pub const AS_STORED: Self = Self { content_type: None, disposition: None };
}

/// A form that uploads one blob straight to the store from a browser: `POST` `url` as
/// `multipart/form-data` with `fields` in order, then the file as the field `file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedPost {
    pub url: String,
    pub fields: Vec<(String, String)>,
    pub expires_at_unix: i64,
}

/// A validated blob key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlobKey(String);

impl BlobKey {
    pub fn parse(key: impl Into<String>) -> Result<Self, BlobError> {
        let key = key.into();
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return Err(BlobError::InvalidKey(format!("a key has 1 to {MAX_KEY_BYTES} bytes")));
        }
        for segment in key.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(BlobError::InvalidKey(format!("the key {key:?} has an empty, '.' or '..' segment")));
            }
            if segment.len() > MAX_SEGMENT_BYTES {
                return Err(BlobError::InvalidKey(format!("a key segment has at most {MAX_SEGMENT_BYTES} bytes")));
            }
            if !segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
                return Err(BlobError::InvalidKey(format!("the key {key:?} has characters outside [A-Za-z0-9._-/]")));
            }
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BlobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a store knows about a blob without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    pub key: BlobKey,
    pub size: u64,
    pub content_type: String,
    /// Changes whenever the content changes.
    pub etag: String,
}

/// A blob's bytes (all of them, or the requested range) with its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub meta: BlobMeta,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlobPage {
    pub items: Vec<BlobMeta>,
    /// Present when more keys may follow; pass it back as the cursor.
    pub next: Option<String>,
}

/// Checks a content type has the `type/subtype` shape before it is stored or sent as a header.
pub fn validate_content_type(content_type: &str) -> Result<(), BlobError> {
    let ok = content_type.len() <= 255
        && content_type
            .split_once('/')
            .is_some_and(|(kind, rest)| !kind.is_empty() && !rest.is_empty() && !rest.starts_with(';'))
        && content_type.bytes().all(|b| (0x20..0x7F).contains(&b));
    if ok { Ok(()) } else { Err(BlobError::Invalid(format!("{content_type:?} is not a content type"))) }
}

/// Checks a put before any adapter stores a byte: the content type's shape and the size limit.
pub fn validate_put(content_type: &str, size: u64, max_size: u64) -> Result<(), BlobError> {
    validate_content_type(content_type)?;
    if size > max_size {
        return Err(BlobError::TooLarge { size, limit: max_size });
    }
    Ok(())
}

/// Checks a signed URL's or upload form's lifetime: more than nothing, at most [`MAX_SIGNED_URL_TTL`].
pub fn validate_ttl(ttl: Duration) -> Result<(), BlobError> {
    if ttl.is_zero() || ttl > MAX_SIGNED_URL_TTL {
        return Err(BlobError::Invalid(format!("a signed URL lives 1 s to {} s", MAX_SIGNED_URL_TTL.as_secs())));
    }
    Ok(())
}

/// Validates a list call's limit and cursor; the cursor is the last key of the previous page.
pub fn validate_list(prefix: &str, cursor: Option<&str>, limit: u32) -> Result<(), BlobError> {
    if limit == 0 || limit > MAX_LIST_LIMIT {
        return Err(BlobError::Invalid(format!("limit must be between 1 and {MAX_LIST_LIMIT}")));
    }
    if let Some(cursor) = cursor
        && (!cursor.starts_with(prefix) || BlobKey::parse(cursor).is_err())
    {
        return Err(BlobError::Invalid("the cursor is not valid for this listing".into()));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("no blob has the key {0}")]
    NotFound(BlobKey),
    #[error("invalid blob key: {0}")]
    InvalidKey(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the blob is {size} bytes; the limit is {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("the range starts at or past the end of a {size}-byte blob")]
    RangeNotSatisfiable { size: u64 },
    #[error("the blob store is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the blob store failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl BlobError {
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(error))
    }
}

#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// A short name for health reports and logs, e.g. `filesystem`.
    fn adapter(&self) -> &'static str;

    /// The largest blob `put` accepts, in bytes.
    fn max_size(&self) -> u64;

    async fn put(&self, key: &BlobKey, bytes: Vec<u8>, content_type: &str) -> Result<BlobMeta, BlobError>;

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError>;

    async fn get_range(&self, key: &BlobKey, start: u64, end: u64) -> Result<Blob, BlobError>;

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError>;

    /// The metadata, or `None` when there is no such blob (e.g. deleted since a listing named it).
    async fn head_if_present(&self, key: &BlobKey) -> Result<Option<BlobMeta>, BlobError> {
        match self.head(key).await {
            Ok(meta) => Ok(Some(meta)),
            Err(BlobError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError>;

    async fn list(&self, prefix: &str, cursor: Option<&str>, limit: u32) -> Result<BlobPage, BlobError>;

    /// A URL that downloads the blob without credentials for `ttl` (at most [`MAX_SIGNED_URL_TTL`]),
    /// presented as `presentation` says.
    async fn signed_url(&self, key: &BlobKey, ttl: Duration, presentation: &Presentation) -> Result<String, BlobError>;

    /// A form a browser posts one file to, stored at `key` with `content_type`, refused by the
    /// store when larger than `max_size`, valid for `ttl`. `None` (the default) where the store has
    /// no such door: there the bytes come through the host's own upload route.
    async fn presigned_post(
        &self,
        key: &BlobKey,
        content_type: &str,
        max_size: u64,
        ttl: Duration,
    ) -> Result<Option<PresignedPost>, BlobError> {
        let _ = (key, content_type, max_size, ttl);
        Ok(None)
    }
}

/// The entity tag of content: the first 16 bytes of its SHA-256, in hex. Every adapter that
/// computes its own tags uses this, so the same bytes carry the same tag wherever they are stored.
pub fn content_etag(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(&sha2::Sha256::digest(bytes)[..16])
}

/// Clamps a range to the blob's size; shared so every adapter answers ranges identically.
pub fn clamp_range(size: u64, start: u64, end: u64) -> Result<std::ops::Range<u64>, BlobError> {
    if start >= size || end <= start {
        return Err(BlobError::RangeNotSatisfiable { size });
    }
    Ok(start..end.min(size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_safe_paths() {
        assert!(BlobKey::parse("org/01HX/file-1.pdf").is_ok());
        for bad in ["", "/abs", "a//b", "a/../b", "a/./b", "trailing/", "spa ce", "ünï", "back\\slash"] {
            assert!(BlobKey::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(BlobKey::parse("a".repeat(MAX_KEY_BYTES + 1)).is_err());
    }

    #[test]
    fn content_types_need_a_type_and_subtype() {
        assert!(validate_content_type("text/plain; charset=utf-8").is_ok());
        for bad in ["", "text", "/plain", "text/", "text/;x", "text/pla\nin"] {
            assert!(validate_content_type(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn the_etag_is_a_truncated_sha256() {
        // The first 16 bytes of SHA-256 of nothing, the well-known e3b0c442... digest.
        assert_eq!(content_etag(b""), "e3b0c44298fc1c149afbf4c8996fb924");
        assert_ne!(content_etag(b"a"), content_etag(b"b"));
    }

    #[test]
    fn puts_are_checked_for_type_and_size() {
        assert!(validate_put("text/plain", 10, 10).is_ok());
        assert!(matches!(validate_put("text/plain", 11, 10), Err(BlobError::TooLarge { size: 11, limit: 10 })));
        assert!(matches!(validate_put("plain", 1, 10), Err(BlobError::Invalid(_))));
    }

    #[test]
    fn ranges_clamp_to_the_size() {
        assert_eq!(clamp_range(10, 2, 100).unwrap(), 2..10);
        assert!(clamp_range(10, 10, 12).is_err());
        assert!(clamp_range(10, 4, 4).is_err());
    }
}

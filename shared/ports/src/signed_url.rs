//! Signed download URLs for stores that have no presigning of their own (memory, filesystem).
//!
//! The URL is `{base}/_blob/{key}?expires={unix seconds}&signature={hex HMAC-SHA256}`, where the
//! MAC covers the key and the expiry. The local host serves that path after `verify`.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

use crate::blob::BlobKey;

pub const SIGNED_PATH_PREFIX: &str = "/_blob/";

#[derive(Debug, Clone)]
pub struct UrlSigner {
    base: String,
    secret: SecretSlice<u8>,
}

/// Why a signed URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the link has expired")]
    Expired,
    #[error("the link's signature is not valid")]
    Invalid,
}

impl UrlSigner {
    /// `base` is the public origin (empty for same-origin relative URLs); `secret` at least 32 bytes.
    pub fn new(base: impl Into<String>, secret: Vec<u8>) -> Self {
        assert!(secret.len() >= 32, "a URL signing secret needs at least 32 bytes");
        Self { base: base.into().trim_end_matches('/').to_owned(), secret: secret.into() }
    }

    pub fn sign(&self, key: &BlobKey, expires_at_unix: i64) -> String {
        let signature = hex::encode(self.mac(key.as_str(), expires_at_unix));
        format!("{}{SIGNED_PATH_PREFIX}{key}?expires={expires_at_unix}&signature={signature}", self.base)
    }

    /// Checks a presented key, expiry and signature at `now_unix`.
    pub fn verify(
        &self,
        key: &str,
        expires_at_unix: i64,
        signature_hex: &str,
        now_unix: i64,
    ) -> Result<(), SignatureError> {
        let presented = hex::decode(signature_hex).map_err(|_| SignatureError::Invalid)?;
        let mut mac = self.keyed();
        mac.update(&Self::message(key, expires_at_unix));
        // Constant-time comparison, so the check leaks nothing about the expected signature.
        mac.verify_slice(&presented).map_err(|_| SignatureError::Invalid)?;
        if now_unix >= expires_at_unix { Err(SignatureError::Expired) } else { Ok(()) }
    }

    fn keyed(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(self.secret.expose_secret()).expect("HMAC takes keys of any length")
    }

    fn mac(&self, key: &str, expires_at_unix: i64) -> Vec<u8> {
        let mut mac = self.keyed();
        mac.update(&Self::message(key, expires_at_unix));
        mac.finalize().into_bytes().to_vec()
    }

    fn message(key: &str, expires_at_unix: i64) -> Vec<u8> {
        format!("{key}\n{expires_at_unix}").into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> UrlSigner {
        UrlSigner::new("http://host/", vec![7; 32])
    }

    fn parts(url: &str) -> (String, i64, String) {
        let rest = url.strip_prefix("http://host/_blob/").unwrap();
        let (key, query) = rest.split_once('?').unwrap();
        let mut expires = 0;
        let mut signature = String::new();
        for pair in query.split('&') {
            match pair.split_once('=').unwrap() {
                ("expires", v) => expires = v.parse().unwrap(),
                ("signature", v) => signature = v.to_owned(),
                _ => panic!("unexpected parameter"),
            }
        }
        (key.to_owned(), expires, signature)
    }

    #[test]
    fn a_signed_url_verifies_until_it_expires() {
        let key = BlobKey::parse("org/a/b.bin").unwrap();
        let (k, expires, signature) = parts(&signer().sign(&key, 100));
        assert_eq!(k, "org/a/b.bin");
        assert_eq!(signer().verify(&k, expires, &signature, 99), Ok(()));
        assert_eq!(signer().verify(&k, expires, &signature, 100), Err(SignatureError::Expired));
    }

    #[test]
    fn tampering_is_refused() {
        let key = BlobKey::parse("org/a/b.bin").unwrap();
        let (k, expires, signature) = parts(&signer().sign(&key, 100));
        assert_eq!(signer().verify("org/a/c.bin", expires, &signature, 0), Err(SignatureError::Invalid));
        assert_eq!(signer().verify(&k, expires + 1, &signature, 0), Err(SignatureError::Invalid));
        assert_eq!(signer().verify(&k, expires, "zz", 0), Err(SignatureError::Invalid));
        let other = UrlSigner::new("http://host", vec![8; 32]);
        assert_eq!(other.verify(&k, expires, &signature, 0), Err(SignatureError::Invalid));
    }
}

/// The parts of a signed-URL request, parsed from its path and query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub key: String,
    pub expires: i64,
    pub signature: String,
}

impl SignedRequest {
    /// Parses `/_blob/{key}?expires=..&signature=..` (an absolute URL is accepted too).
    pub fn parse(url: &str) -> Result<Self, SignatureError> {
        let path_and_query = url.find(SIGNED_PATH_PREFIX).map(|i| &url[i..]).ok_or(SignatureError::Invalid)?;
        let (path, query) = path_and_query.split_once('?').ok_or(SignatureError::Invalid)?;
        let key = path.strip_prefix(SIGNED_PATH_PREFIX).ok_or(SignatureError::Invalid)?.to_owned();
        let (mut expires, mut signature) = (None, None);
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("expires", v)) => expires = v.parse().ok(),
                Some(("signature", v)) => signature = Some(v.to_owned()),
                _ => {}
            }
        }
        Ok(Self {
            key,
            expires: expires.ok_or(SignatureError::Invalid)?,
            signature: signature.ok_or(SignatureError::Invalid)?,
        })
    }
}

#[cfg(test)]
mod request_tests {
    use super::*;

    #[test]
    fn parses_relative_and_absolute_urls() {
        let parsed = SignedRequest::parse("http://h:1/_blob/a/b?expires=5&signature=ab").unwrap();
        assert_eq!(parsed, SignedRequest { key: "a/b".into(), expires: 5, signature: "ab".into() });
        assert!(SignedRequest::parse("/_blob/a?expires=x&signature=ab").is_err());
        assert!(SignedRequest::parse("/other/a?expires=1&signature=ab").is_err());
    }
}

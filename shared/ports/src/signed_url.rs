//! Signed download URLs for stores that have no presigning of their own (memory, filesystem).
//!
//! The URL is `{base}/_blob/{key}?expires={unix seconds}[&type=..][&disposition=..]&signature={hex
//! HMAC-SHA256}`, where `type` and `disposition` are the [`Presentation`] in unpadded URL-safe
//! base64 and the MAC covers the key, the expiry and both, so a link made to download a file cannot
//! be altered to show it as a page. The local host and the Spin `hub` component serve that path
//! after `verify`.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::blob::{BlobKey, Presentation};

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

    pub fn sign(&self, key: &BlobKey, expires_at_unix: i64, presentation: &Presentation) -> String {
        let signature = hex::encode(self.mac(key.as_str(), expires_at_unix, presentation));
        let extra: String = [("type", &presentation.content_type), ("disposition", &presentation.disposition)]
            .into_iter()
            .filter_map(|(name, value)| {
                value.as_ref().map(|value| format!("&{name}={}", URL_SAFE_NO_PAD.encode(value)))
            })
            .collect();
        format!("{}{SIGNED_PATH_PREFIX}{key}?expires={expires_at_unix}{extra}&signature={signature}", self.base)
    }

    /// Checks a parsed request's key, expiry, presentation and signature at `now_unix`.
    pub fn verify(&self, request: &SignedRequest, now_unix: i64) -> Result<(), SignatureError> {
        let presented = hex::decode(&request.signature).map_err(|_| SignatureError::Invalid)?;
        let mut mac = self.keyed();
        mac.update(&Self::message(&request.key, request.expires, &request.presentation));
        // Constant-time comparison, so the check leaks nothing about the expected signature.
        mac.verify_slice(&presented).map_err(|_| SignatureError::Invalid)?;
        if now_unix >= request.expires { Err(SignatureError::Expired) } else { Ok(()) }
    }

    fn keyed(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(self.secret.expose_secret()).expect("HMAC takes keys of any length")
    }

    fn mac(&self, key: &str, expires_at_unix: i64, presentation: &Presentation) -> Vec<u8> {
        let mut mac = self.keyed();
        mac.update(&Self::message(key, expires_at_unix, presentation));
        mac.finalize().into_bytes().to_vec()
    }

    /// What the MAC covers; a header value holds no line break, so the parts cannot run together.
    fn message(key: &str, expires_at_unix: i64, presentation: &Presentation) -> Vec<u8> {
        let part = |value: &Option<String>| value.as_deref().map_or_else(|| "-".to_owned(), |v| format!("+{v}"));
        format!("{key}\n{expires_at_unix}\n{}\n{}", part(&presentation.content_type), part(&presentation.disposition))
            .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> UrlSigner {
        UrlSigner::new("http://host/", vec![7; 32])
    }

    fn shown() -> Presentation {
        Presentation {
            content_type: Some("application/pdf".into()),
            disposition: Some("inline; filename=\"a.pdf\"".into()),
        }
    }

    #[test]
    fn a_signed_url_verifies_until_it_expires() {
        let key = BlobKey::parse("org/a/b.bin").unwrap();
        for presentation in [Presentation::AS_STORED, shown()] {
            let request = SignedRequest::parse(&signer().sign(&key, 100, &presentation)).unwrap();
            assert_eq!((request.key.as_str(), &request.presentation), ("org/a/b.bin", &presentation));
            assert_eq!(signer().verify(&request, 99), Ok(()));
            assert_eq!(signer().verify(&request, 100), Err(SignatureError::Expired));
        }
    }

    #[test]
    fn tampering_is_refused() {
        let key = BlobKey::parse("org/a/b.bin").unwrap();
        let request = SignedRequest::parse(&signer().sign(&key, 100, &shown())).unwrap();
        let tampered = |change: fn(&mut SignedRequest)| {
            let mut request = request.clone();
            change(&mut request);
            signer().verify(&request, 0)
        };
        assert_eq!(tampered(|r| r.key = "org/a/c.bin".into()), Err(SignatureError::Invalid));
        assert_eq!(tampered(|r| r.expires += 1), Err(SignatureError::Invalid));
        assert_eq!(tampered(|r| r.signature = "zz".into()), Err(SignatureError::Invalid));
        assert_eq!(tampered(|r| r.presentation.content_type = Some("text/html".into())), Err(SignatureError::Invalid));
        assert_eq!(tampered(|r| r.presentation.disposition = None), Err(SignatureError::Invalid));
        let other = UrlSigner::new("http://host", vec![8; 32]);
        assert_eq!(other.verify(&request, 0), Err(SignatureError::Invalid));
    }
}

/// The parts of a signed-URL request, parsed from its path and query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub key: String,
    pub expires: i64,
    pub presentation: Presentation,
    pub signature: String,
}

impl SignedRequest {
    /// Parses `/_blob/{key}?expires=..[&type=..][&disposition=..]&signature=..` (an absolute URL is
    /// accepted too).
    pub fn parse(url: &str) -> Result<Self, SignatureError> {
        let path_and_query = url.find(SIGNED_PATH_PREFIX).map(|i| &url[i..]).ok_or(SignatureError::Invalid)?;
        let (path, query) = path_and_query.split_once('?').ok_or(SignatureError::Invalid)?;
        let key = path.strip_prefix(SIGNED_PATH_PREFIX).ok_or(SignatureError::Invalid)?.to_owned();
        let (mut expires, mut signature, mut presentation) = (None, None, Presentation::default());
        let decoded = |v: &str| {
            let bytes = URL_SAFE_NO_PAD.decode(v).map_err(|_| SignatureError::Invalid)?;
            String::from_utf8(bytes).map(Some).map_err(|_| SignatureError::Invalid)
        };
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("expires", v)) => expires = v.parse().ok(),
                Some(("signature", v)) => signature = Some(v.to_owned()),
                Some(("type", v)) => presentation.content_type = decoded(v)?,
                Some(("disposition", v)) => presentation.disposition = decoded(v)?,
                _ => {}
            }
        }
        Ok(Self {
            key,
            expires: expires.ok_or(SignatureError::Invalid)?,
            presentation,
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
        let expected = SignedRequest {
            key: "a/b".into(),
            expires: 5,
            presentation: Presentation::default(),
            signature: "ab".into(),
        };
        assert_eq!(parsed, expected);
        assert!(SignedRequest::parse("/_blob/a?expires=1&type=%%&signature=ab").is_err());
        assert!(SignedRequest::parse("/_blob/a?expires=x&signature=ab").is_err());
        assert!(SignedRequest::parse("/other/a?expires=1&signature=ab").is_err());
    }
}

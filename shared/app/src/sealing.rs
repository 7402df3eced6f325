//! Sensitive values sealed at rest: XChaCha20-Poly1305 under the seal key ring from
//! [`KEYS_SETTING`], which is kept outside the store (like the session and audit keys), so a copy of
//! the store or a backup alone does not reveal what was sealed.
//!
//! A sealed value is text: `v1.<kid>.<base64url(nonce ‖ ciphertext ‖ tag)>`, with a fresh 192-bit
//! nonce from the ids port each time. The caller names a `context` (for example
//! `totp#<person id>`), authenticated with the value, so a sealed value copied onto another record
//! does not open there. The first key of the ring seals; every key opens, so a rotated-out key stays
//! listed for as long as values sealed with it exist.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead as _, Payload};
use chacha20poly1305::{KeyInit as _, XChaCha20Poly1305, XNonce};
use emmaus_domain::DomainError;
use emmaus_ports::{ConfigExt as _, ConfigSource, Ids};

/// The seal key ring: `kid:key,…`, each key 32 bytes of base64url; the first seals.
pub const KEYS_SETTING: &str = "EMMAUS_SEAL_KEYS";

const VERSION: &str = "v1";
const NONCE_BYTES: usize = 24;
const KEY_BYTES: usize = 32;

/// One key of the ring. Its bytes never reach `Debug`.
pub struct SealKey {
    kid: String,
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// Reads a ring; the message names the entry that is wrong, never its key.
pub fn parse_ring(text: &str) -> Result<Vec<SealKey>, String> {
    let mut ring: Vec<SealKey> = Vec::new();
    for (i, entry) in text.split(',').map(str::trim).filter(|e| !e.is_empty()).enumerate() {
        let bad = |why: &str| format!("{KEYS_SETTING}: key {} {why}", i + 1);
        let (kid, key) = entry.split_once(':').ok_or_else(|| bad("is not `kid:key`"))?;
        let kid = kid.trim();
        if kid.is_empty() || kid.len() > 64 || !kid.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)) {
            return Err(bad("has an invalid id"));
        }
        if ring.iter().any(|known| known.kid == kid) {
            return Err(bad("repeats an id"));
        }
        let bytes = URL_SAFE_NO_PAD.decode(key.trim()).map_err(|_| bad("is not base64url"))?;
        if bytes.len() != KEY_BYTES {
            return Err(bad(&format!("is not {KEY_BYTES} bytes")));
        }
        let cipher =
            XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| bad(&format!("is not {KEY_BYTES} bytes")))?;
        ring.push(SealKey { kid: kid.to_owned(), cipher });
    }
    if ring.is_empty() {
        return Err(format!("{KEYS_SETTING} holds no key"));
    }
    Ok(ring)
}

/// A ring entry for `kid` with `key` (32 random bytes), as the hosts write it.
pub fn new_key_entry(kid: &str, key: &[u8]) -> String {
    format!("{kid}:{}", URL_SAFE_NO_PAD.encode(key))
}

/// The ring from the settings; `Misconfigured` when unset or bad.
pub fn key_ring(config: &dyn ConfigSource) -> Result<Vec<SealKey>, DomainError> {
    let misconfigured = |reason: String| DomainError::Misconfigured { what: "sealed data".into(), reason };
    let text = config.required(KEYS_SETTING).map_err(|e| misconfigured(e.to_string()))?;
    parse_ring(&text).map_err(misconfigured)
}

/// Seals `plain` for `context` with the ring's first key.
pub fn seal(config: &dyn ConfigSource, ids: &dyn Ids, context: &str, plain: &[u8]) -> Result<String, DomainError> {
    let ring = key_ring(config)?;
    let key = &ring[0];
    let nonce_bytes = ids.random_bytes(NONCE_BYTES);
    let nonce = XNonce::try_from(nonce_bytes.as_slice())
        .map_err(|_| DomainError::Unavailable("the random source gave too few bytes".into()))?;
    let sealed = key
        .cipher
        .encrypt(&nonce, Payload { msg: plain, aad: context.as_bytes() })
        .map_err(|_| DomainError::Unavailable("sealing failed".into()))?;
    let mut body = nonce_bytes;
    body.extend_from_slice(&sealed);
    Ok(format!("{VERSION}.{}.{}", key.kid, URL_SAFE_NO_PAD.encode(body)))
}

/// Opens a value sealed for `context`. A value that does not open (another context, a key no
/// longer in the ring, a changed byte) is an error that says which, never what it held.
pub fn open(config: &dyn ConfigSource, context: &str, sealed: &str) -> Result<Vec<u8>, DomainError> {
    let ring = key_ring(config)?;
    let broken = |why: &str| DomainError::Unavailable(format!("a sealed value cannot be opened: {why}"));
    let mut parts = sealed.splitn(3, '.');
    let (Some(VERSION), Some(kid), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(broken("it is not a sealed value"));
    };
    let key = ring.iter().find(|key| key.kid == kid).ok_or_else(|| DomainError::Misconfigured {
        what: "sealed data".into(),
        reason: format!("{KEYS_SETTING} has no key `{kid}`"),
    })?;
    let body = URL_SAFE_NO_PAD.decode(body).map_err(|_| broken("it is not base64url"))?;
    if body.len() < NONCE_BYTES {
        return Err(broken("it is too short"));
    }
    let (nonce, ciphertext) = body.split_at(NONCE_BYTES);
    let nonce = XNonce::try_from(nonce).map_err(|_| broken("it is too short"))?;
    key.cipher
        .decrypt(&nonce, Payload { msg: ciphertext, aad: context.as_bytes() })
        .map_err(|_| broken("it was changed, or sealed for another record"))
}

#[cfg(test)]
mod tests {
    use emmaus_memory::SequentialIds;
    use emmaus_ports::MapConfig;

    use super::*;

    fn config(ring: &str) -> MapConfig {
        MapConfig::new().with(KEYS_SETTING, ring)
    }

    #[test]
    fn a_sealed_value_opens_for_its_context_only() {
        let ids = SequentialIds::default();
        let config = config(&new_key_entry("k1", &[1; 32]));
        let sealed = seal(&config, &ids, "totp#p1", b"twenty secret bytes!").unwrap();
        assert!(sealed.starts_with("v1.k1."), "{sealed}");
        assert!(!sealed.contains("twenty"), "{sealed}");
        assert_eq!(open(&config, "totp#p1", &sealed).unwrap(), b"twenty secret bytes!");
        let moved = open(&config, "totp#p2", &sealed).unwrap_err().to_string();
        assert!(moved.contains("sealed for another record"), "{moved}");
        assert_ne!(seal(&config, &ids, "totp#p1", b"same").unwrap(), seal(&config, &ids, "totp#p1", b"same").unwrap());
    }

    #[test]
    fn a_changed_byte_or_a_missing_key_is_refused() {
        let ids = SequentialIds::default();
        let old = new_key_entry("old", &[1; 32]);
        let sealed = seal(&config(&old), &ids, "c", b"value").unwrap();
        let rotated = config(&format!("{},{old}", new_key_entry("new", &[2; 32])));
        assert_eq!(open(&rotated, "c", &sealed).unwrap(), b"value", "a rotated-out key still opens");
        assert!(seal(&rotated, &ids, "c", b"value").unwrap().starts_with("v1.new."));
        let without = config(&new_key_entry("new", &[2; 32]));
        let missing = open(&without, "c", &sealed).unwrap_err();
        assert!(matches!(missing, DomainError::Misconfigured { .. }), "{missing:?}");
        let (head, body) = sealed.rsplit_once('.').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        let tampered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(bytes));
        assert!(open(&config(&old), "c", &tampered).is_err());
        for garbage in ["", "v1.old", "v2.old.AAAA", "v1.old.%%%", "v1.old.AAAA"] {
            assert!(open(&config(&old), "c", garbage).is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn rings_are_checked_without_showing_a_key() {
        assert!(parse_ring(&new_key_entry("k1", &[1; 32])).is_ok());
        for (ring, why) in [
            ("", "holds no key"),
            ("k1", "is not `kid:key`"),
            ("k 1:AAAA", "invalid id"),
            ("k1:%%secret%%", "is not base64url"),
            ("k1:c2hvcnQ", "is not 32 bytes"),
        ] {
            let error = parse_ring(ring).unwrap_err();
            assert!(error.contains(why) && !error.contains("secret%%"), "{ring:?}: {error}");
        }
        let twice = format!("{},{}", new_key_entry("k1", &[1; 32]), new_key_entry("k1", &[2; 32]));
        assert!(parse_ring(&twice).unwrap_err().contains("repeats an id"));
        let unset = key_ring(&MapConfig::new()).unwrap_err();
        assert!(matches!(unset, DomainError::Misconfigured { .. }), "{unset:?}");
    }
}

//! Access tokens: compact JWS signed with Ed25519 (`alg` EdDSA), checked strictly.
//!
//! A token's header names its key (`kid`) and type (`typ: at+jwt`, RFC 9068); the only algorithm
//! accepted is EdDSA, so `none` or an HMAC confusion cannot pass. Claims `iss`, `aud` and `exp` are
//! checked against this deployment and the clock. The key ring comes from configuration: the first
//! key signs, every key verifies, so a new key can be put first while tokens signed with the old
//! one stay valid until they expire; rotation logs nobody out.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use emmaus_domain::{DomainError, Timestamp};

pub const ALGORITHM: &str = "EdDSA";
pub const TOKEN_TYPE: &str = "at+jwt";
pub const AUDIENCE: &str = "emmaus-api";

/// The setting that holds the key ring: `kid:seed,kid:seed`, seeds 32 bytes in base64url.
pub const KEYS_SETTING: &str = "EMMAUS_SESSION_KEYS";

/// The keys this deployment signs and verifies with.
#[derive(Clone)]
pub struct KeyRing {
    signing: (String, SigningKey),
    verifying: Vec<(String, VerifyingKey)>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<&str> = self.verifying.iter().map(|(kid, _)| kid.as_str()).collect();
        f.debug_struct("KeyRing").field("signing", &self.signing.0).field("verifying", &kids).finish()
    }
}

impl KeyRing {
    /// Parses `kid:seed[,kid:seed…]`; errors name the setting, never a seed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let keys: Vec<(String, SigningKey)> =
            entries(text)?.into_iter().map(|(kid, seed)| (kid, SigningKey::from_bytes(&seed))).collect();
        let first = keys.first().cloned().ok_or_else(|| format!("{KEYS_SETTING} holds no keys"))?;
        let verifying = keys.iter().map(|(kid, key)| (kid.clone(), key.verifying_key())).collect();
        Ok(Self { signing: first, verifying })
    }

    /// Checks a ring as [`Self::parse`] would, without deriving its keys (an elliptic-curve
    /// multiplication each): the hosts' start check, which a Spin component makes on every request.
    pub fn check(text: &str) -> Result<(), String> {
        if entries(text)?.is_empty() {
            return Err(format!("{KEYS_SETTING} holds no keys"));
        }
        Ok(())
    }

    /// A new key-ring entry `kid:seed` from 32 random bytes, for first runs and rotation.
    pub fn new_entry(kid: &str, seed: &[u8]) -> String {
        format!("{kid}:{}", URL_SAFE_NO_PAD.encode(seed))
    }

    pub fn signing_kid(&self) -> &str {
        &self.signing.0
    }
}

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The person.
    pub sub: String,
    /// The session family, checked against the store on every request so revocation is immediate.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    /// SHA-256 (hex, first 32 characters) of the CSRF cookie issued with this token.
    pub csrf: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    alg: String,
    typ: String,
    kid: String,
}

/// Signs `claims` with the ring's first key.
pub fn sign(ring: &KeyRing, claims: &Claims) -> String {
    let header = Header { alg: ALGORITHM.into(), typ: TOKEN_TYPE.into(), kid: ring.signing.0.clone() };
    let encode = |value: &[u8]| URL_SAFE_NO_PAD.encode(value);
    let signing_input = format!(
        "{}.{}",
        encode(&serde_json::to_vec(&header).expect("headers serialise")),
        encode(&serde_json::to_vec(claims).expect("claims serialise"))
    );
    let signature = ring.signing.1.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", encode(&signature.to_bytes()))
}

/// The ring's entries, ids and seeds, checked; errors name the setting, never a seed.
fn entries(text: &str) -> Result<Vec<(String, [u8; 32])>, String> {
    let mut keys: Vec<(String, [u8; 32])> = Vec::new();
    for (i, entry) in text.split(',').map(str::trim).filter(|e| !e.is_empty()).enumerate() {
        let (kid, seed) =
            entry.split_once(':').ok_or_else(|| format!("{KEYS_SETTING}: key {} is not `kid:seed`", i + 1))?;
        let kid = kid.trim();
        if kid.is_empty() || kid.len() > 64 || !kid.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            return Err(format!("{KEYS_SETTING}: key {} has an invalid id", i + 1));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(seed.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| format!("{KEYS_SETTING}: key `{kid}` is not 32 bytes of base64url"))?;
        if keys.iter().any(|(k, _)| k == kid) {
            return Err(format!("{KEYS_SETTING}: the key id `{kid}` appears twice"));
        }
        keys.push((kid.to_owned(), bytes));
    }
    Ok(keys)
}

/// Checks a token completely: shape, header, algorithm, key, signature, issuer, audience, expiry.
/// Every failure is `Unauthenticated`; which check failed is only logged at debug level.
pub fn verify(ring: &KeyRing, issuer: &str, token: &str, now: Timestamp) -> Result<Claims, DomainError> {
    check(ring, issuer, token, now).map_err(|why| {
        tracing::debug!(why, "access token refused");
        DomainError::Unauthenticated
    })
}

fn check(ring: &KeyRing, issuer: &str, token: &str, now: Timestamp) -> Result<Claims, &'static str> {
    if token.len() > 4096 {
        return Err("too long");
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWS");
    };
    let header: Header =
        URL_SAFE_NO_PAD.decode(header).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or("unreadable header")?;
    if header.alg != ALGORITHM {
        return Err("algorithm not allowed");
    }
    if header.typ != TOKEN_TYPE {
        return Err("wrong token type");
    }
    let key = ring.verifying.iter().find(|(kid, _)| *kid == header.kid).map(|(_, key)| key).ok_or("unknown key")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or("unreadable signature")?;
    let signed = &token[..token.len() - token.rsplit('.').next().map_or(0, str::len) - 1];
    key.verify(signed.as_bytes(), &signature).map_err(|_| "bad signature")?;
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("unreadable claims")?;
    if claims.iss != issuer {
        return Err("wrong issuer");
    }
    if claims.aud != AUDIENCE {
        return Err("wrong audience");
    }
    if claims.exp <= now.unix_seconds() {
        return Err("expired");
    }
    // A token from the future means a broken clock or a forgery; allow a minute of skew.
    if claims.iat > now.unix_seconds() + 60 {
        return Err("issued in the future");
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(entries: &[(&str, u8)]) -> KeyRing {
        let text: Vec<String> = entries.iter().map(|(kid, b)| KeyRing::new_entry(kid, &[*b; 32])).collect();
        KeyRing::parse(&text.join(",")).unwrap()
    }

    fn claims(exp: i64) -> Claims {
        Claims {
            iss: "https://emmaus.test".into(),
            aud: AUDIENCE.into(),
            sub: "p1".into(),
            sid: "s1".into(),
            iat: 0,
            exp,
            csrf: "c".into(),
        }
    }

    const NOW: Timestamp = Timestamp::from_unix_seconds(100);

    #[test]
    fn a_signed_token_verifies_and_expires() {
        let ring = ring(&[("k1", 1)]);
        let token = sign(&ring, &claims(200));
        assert_eq!(verify(&ring, "https://emmaus.test", &token, NOW).unwrap().sub, "p1");
        assert!(verify(&ring, "https://emmaus.test", &token, Timestamp::from_unix_seconds(200)).is_err());
        assert!(verify(&ring, "https://other.test", &token, NOW).is_err());
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_and_drops_removed_keys() {
        let old = ring(&[("k1", 1)]);
        let token = sign(&old, &claims(200));
        let rotated = ring(&[("k2", 2), ("k1", 1)]);
        assert_eq!(rotated.signing_kid(), "k2");
        assert!(verify(&rotated, "https://emmaus.test", &token, NOW).is_ok());
        assert!(verify(&ring(&[("k2", 2)]), "https://emmaus.test", &token, NOW).is_err());
    }

    #[test]
    fn forged_headers_and_payloads_are_refused() {
        let ring = ring(&[("k1", 1)]);
        let token = sign(&ring, &claims(200));
        let parts: Vec<&str> = token.split('.').collect();
        let forge = |header: &str| {
            let header = URL_SAFE_NO_PAD.encode(header);
            format!("{header}.{}.{}", parts[1], parts[2])
        };
        for header in [
            r#"{"alg":"none","typ":"at+jwt","kid":"k1"}"#,
            r#"{"alg":"HS256","typ":"at+jwt","kid":"k1"}"#,
            r#"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#,
            r#"{"alg":"EdDSA","typ":"at+jwt","kid":"k9"}"#,
        ] {
            assert!(check(&ring, "https://emmaus.test", &forge(header), NOW).is_err(), "{header}");
        }
        let other_claims =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&Claims { sub: "admin".into(), ..claims(200) }).unwrap());
        let swapped = format!("{}.{other_claims}.{}", parts[0], parts[2]);
        assert_eq!(check(&ring, "https://emmaus.test", &swapped, NOW), Err("bad signature"));
        assert!(check(&ring, "https://emmaus.test", &format!("{token}.x"), NOW).is_err());
        assert!(check(&ring, "https://emmaus.test", "", NOW).is_err());
    }

    #[test]
    fn key_rings_reject_bad_settings_without_echoing_seeds() {
        for bad in [
            "",
            "k1",
            "k1:short",
            "k 1:AAAA",
            "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            let error = KeyRing::parse(bad).unwrap_err();
            assert!(error.starts_with(KEYS_SETTING), "{error}");
            assert!(!error.contains("AAAA"), "{error}");
            assert_eq!(KeyRing::check(bad), Err(error), "the start check refuses what parsing refuses");
        }
        let good = KeyRing::new_entry("k1", &[7; 32]);
        assert!(KeyRing::check(&good).is_ok() && KeyRing::parse(&good).is_ok());
    }
}

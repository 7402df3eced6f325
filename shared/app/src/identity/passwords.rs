//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane).
//!
//! Verifying an unknown account still spends one full hash on a fixed dummy, so a sign-in takes
//! the same time whether or not the account exists.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use emmaus_domain::DomainError;

/// OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("the OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of `password` with a 16-byte `salt`.
pub fn hash(password: &str, salt: &[u8]) -> Result<String, DomainError> {
    let salt =
        SaltString::encode_b64(salt).map_err(|e| DomainError::unexpected(std::io::Error::other(e.to_string())))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::unexpected(std::io::Error::other(e.to_string())))
}

/// Whether `password` matches `stored`. `None` (no such account, or an SSO-only one) hashes a
/// dummy and answers false, taking as long as a real check.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let parsed = stored.and_then(|s| PasswordHash::new(s).ok());
    if let Some(hash) = parsed {
        // The cost comes from the stored string, so hashes made with older parameters still verify.
        Argon2::default().verify_password(password.as_bytes(), &hash).is_ok()
    } else {
        let dummy = PasswordHash::new(DUMMY).expect("the dummy hash parses");
        let _ = hasher().verify_password(password.as_bytes(), &dummy);
        false
    }
}

/// Whether a stored hash was made with weaker parameters than today's, and should be redone at
/// the next successful sign-in.
pub fn needs_rehash(stored: &str) -> bool {
    PasswordHash::new(stored).map_or(true, |hash| {
        hash.algorithm.as_str() != "argon2id"
            || Params::try_from(&hash).map_or(true, |p| p.m_cost() < MEMORY_KIB || p.t_cost() < PASSES)
    })
}

/// A hash of a password nobody knows, at today's cost.
const DUMMY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXlzYWx0$1Ti3WNJcG5nxRKqG2hjUVq8n1CLNUrYSJzFzbOsZQ/Q";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_use_owasp_cost() {
        let stored = hash("correct horse battery", &[7; 16]).unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse batterY", Some(&stored)));
        assert!(!needs_rehash(&stored));
    }

    #[test]
    fn unknown_accounts_never_verify() {
        assert!(!verify("anything", None));
        assert!(!verify("anything", Some("not a phc string")));
        assert!(PasswordHash::new(DUMMY).is_ok());
    }

    #[test]
    fn weaker_hashes_ask_to_be_redone() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"pw", &SaltString::encode_b64(&[1; 16]).unwrap())
            .unwrap()
            .to_string();
        assert!(verify("pw", Some(&weak)));
        assert!(needs_rehash(&weak));
    }
}

//! Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane).
//!
//! Verifying an unknown account still spends one full hash on a fixed dummy, so a sign-in takes
//! the same time whether or not the account exists. Each hash holds 19 MiB while it runs, so at
//! most [`MAX_CONCURRENT_HASHES`] run at once in a process; the rest wait their turn, and a burst of
//! attempts costs time, never memory.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use emmaus_domain::DomainError;

/// How many hashes may run at once in one process: 4 × 19 MiB at the most.
pub const MAX_CONCURRENT_HASHES: usize = 4;

static HASHES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_CONCURRENT_HASHES);

/// OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("the OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Runs `work` while holding one of the [`MAX_CONCURRENT_HASHES`] places.
async fn limited<T>(work: impl FnOnce() -> T) -> T {
    // The semaphore is never closed, so acquiring only waits.
    let _permit = HASHES.acquire().await.expect("the hash semaphore is never closed");
    work()
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of `password` with a 16-byte `salt`.
pub async fn hash(password: &str, salt: &[u8]) -> Result<String, DomainError> {
    limited(|| hash_now(password, salt)).await
}

fn hash_now(password: &str, salt: &[u8]) -> Result<String, DomainError> {
    let salt =
        SaltString::encode_b64(salt).map_err(|e| DomainError::unexpected(std::io::Error::other(e.to_string())))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::unexpected(std::io::Error::other(e.to_string())))
}

/// Whether `password` matches `stored`. `None` (no such account, or an SSO-only one) hashes a
/// dummy and answers false, taking as long as a real check.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    limited(|| verify_now(password, stored)).await
}

fn verify_now(password: &str, stored: Option<&str>) -> bool {
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

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_cost() {
        let stored = hash("correct horse battery", &[7; 16]).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("correct horse battery", Some(&stored)).await);
        assert!(!verify("correct horse batterY", Some(&stored)).await);
        assert!(!needs_rehash(&stored));
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        assert!(!verify("anything", None).await);
        assert!(!verify("anything", Some("not a phc string")).await);
        assert!(PasswordHash::new(DUMMY).is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 8)]
    async fn no_more_than_the_cap_hash_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static PEAK: AtomicUsize = AtomicUsize::new(0);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                tokio::spawn(limited(|| {
                    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                    PEAK.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let peak = PEAK.load(Ordering::SeqCst);
        assert!(peak > 1, "the tasks ran one at a time ({peak}), so the test proves nothing");
        assert!(peak <= MAX_CONCURRENT_HASHES, "{peak} hashes ran at once");
    }

    #[test]
    fn weaker_hashes_ask_to_be_redone() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"pw", &SaltString::encode_b64(&[1; 16]).unwrap())
            .unwrap()
            .to_string();
        assert!(verify_now("pw", Some(&weak)));
        assert!(needs_rehash(&weak));
    }
}

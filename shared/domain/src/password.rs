//! The rules a new password must meet (OWASP ASVS 2.1): length, not the email, not a blocklisted one.
//!
//! Hashing is the application layer's (argon2id); this module only judges the text.

use crate::error::DomainError;

pub const MIN_CHARS: usize = 12;
/// Long enough for any passphrase, short enough that hashing cannot be used to burn CPU.
pub const MAX_CHARS: usize = 128;

/// Passwords seen so often in breaches that length alone does not make them safe.
const COMMON: &[&str] = &[
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "passwordpassword",
    "iloveyou1234",
    "welcome12345",
    "letmein12345",
    "administrator",
    "changeme1234",
    "jesuslovesme",
    "godisgood123",
];

/// Accepts a password for `email`, or says what is wrong with it on the `field`.
pub fn check_new(field: &str, password: &str, email: &str) -> Result<(), DomainError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(DomainError::invalid(field, format!("must be at least {MIN_CHARS} characters")));
    }
    if chars > MAX_CHARS {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_CHARS} characters")));
    }
    let lowered = password.to_lowercase();
    if lowered == email.to_lowercase() || lowered == email.split('@').next().unwrap_or_default().to_lowercase() {
        return Err(DomainError::invalid(field, "must not be your email address"));
    }
    if COMMON.contains(&lowered.as_str()) || password.chars().all(|c| password.starts_with(c)) {
        return Err(DomainError::invalid(field, "is too easy to guess; choose another"));
    }
    Ok(())
}

/// A password presented at sign-in: only bounded, so a huge body cannot make hashing slow.
pub fn check_presented(field: &str, password: &str) -> Result<(), DomainError> {
    if password.is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if password.chars().count() > MAX_CHARS {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_CHARS} characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_new_passwords() {
        assert!(check_new("password", "correct horse battery", "ada@example.org").is_ok());
        for bad in ["short", "aaaaaaaaaaaaaaaa", "Password1234", "ada@example.org", &"x1".repeat(65)] {
            assert!(check_new("password", bad, "ada@example.org").is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn presented_passwords_are_only_bounded() {
        assert!(check_presented("password", "x").is_ok());
        assert!(check_presented("password", "").is_err());
        assert!(check_presented("password", &"x".repeat(129)).is_err());
    }
}

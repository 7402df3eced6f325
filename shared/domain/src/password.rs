//! The rules a new password must meet (OWASP ASVS 2.1): length, and hard enough to guess as judged
//! by the zxcvbn estimator, which knows common passwords, words, names, dates, keyboard rows and
//! l33t, and is told the person's own address and name so a password built from them scores low.
//!
//! Hashing is the application layer's (argon2id); this module only judges the text. zxcvbn times
//! itself with the monotonic clock; that figure is not read, so the judgement stays deterministic.

use crate::error::DomainError;

pub const MIN_CHARS: usize = 12;
/// Long enough for any passphrase, short enough that hashing cannot be used to burn CPU.
pub const MAX_CHARS: usize = 128;
/// zxcvbn's scale runs 0 to 4; below 3 means guessable within about 10^8 tries offline
/// ("safely unguessable" starts at 3 in the estimator's own terms).
pub const MIN_SCORE: u8 = 3;

/// Accepts a password for the person with `email` (and `name`, when known), or says what is
/// wrong with it on the `field`, with the estimator's advice when it has some.
pub fn check_new(field: &str, password: &str, email: &str, name: Option<&str>) -> Result<(), DomainError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(DomainError::invalid(field, format!("must be at least {MIN_CHARS} characters")));
    }
    if chars > MAX_CHARS {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_CHARS} characters")));
    }
    let lowered = password.to_lowercase();
    let local_part = email.split('@').next().unwrap_or_default();
    if lowered == email.to_lowercase() || lowered == local_part.to_lowercase() {
        return Err(DomainError::invalid(field, "must not be your email address"));
    }
    let mut known: Vec<&str> = vec![email, local_part];
    known.extend(name.into_iter().flat_map(str::split_whitespace));
    // An empty password was refused above, the only input zxcvbn declines to judge.
    let Ok(estimate) = zxcvbn::zxcvbn(password, &known) else {
        return Err(DomainError::invalid(field, "is required"));
    };
    if estimate.score() < MIN_SCORE {
        let advice = estimate.feedback().as_ref().map(advice).unwrap_or_default();
        return Err(DomainError::invalid(field, format!("is too easy to guess; choose another.{advice}")));
    }
    Ok(())
}

/// The estimator's warning and suggestions as sentences after our own, or nothing.
fn advice(feedback: &zxcvbn::feedback::Feedback) -> String {
    let warning = feedback.warning().map(|w| w.to_string());
    let suggestions = feedback.suggestions().iter().map(ToString::to_string);
    warning.into_iter().chain(suggestions).fold(String::new(), |advice, sentence| advice + " " + &sentence)
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
        for good in ["correct horse battery", "the right passphrase", "Imaginative-Say-Shoulder-Dish-0"] {
            assert!(check_new("password", good, "ada@example.org", Some("Ada Lovelace")).is_ok(), "{good:?} refused");
        }
        let blocked = [
            "short",
            "aaaaaaaaaaaaaaaa",
            "Password1234",
            "qwertyuiopasdf",
            "jesuslovesme",
            "ada@example.org",
            &"x1".repeat(65),
        ];
        for bad in blocked {
            assert!(check_new("password", bad, "ada@example.org", Some("Ada Lovelace")).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_guessable_password_is_refused_with_the_estimators_advice() {
        let refusal = check_new("password", "Password1234", "ada@example.org", None).unwrap_err();
        let DomainError::Validation(errors) = &refusal else { panic!("{refusal:?}") };
        let (field, reason) = (&errors[0].field, &errors[0].message);
        assert_eq!(field, "password");
        assert!(reason.starts_with("is too easy to guess; choose another."), "{reason}");
        assert!(reason.contains("commonly used password"), "the warning is passed on: {reason}");
    }

    #[test]
    fn the_persons_own_name_counts_against_the_password() {
        let with_name = "Lovelace.Ada.";
        assert!(check_new("password", with_name, "x@example.org", None).is_ok());
        assert!(check_new("password", with_name, "x@example.org", Some("Ada Lovelace")).is_err());
    }

    #[test]
    fn presented_passwords_are_only_bounded() {
        assert!(check_presented("password", "x").is_ok());
        assert!(check_presented("password", "").is_err());
        assert!(check_presented("password", &"x".repeat(129)).is_err());
    }
}

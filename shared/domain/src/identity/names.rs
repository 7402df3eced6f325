//! Validated names: email addresses, organisation slugs and display names.

use crate::error::DomainError;

/// An email address, trimmed and lower-cased so one person has one address whatever they type.
///
/// The check is deliberately modest (one `@`, a dotted domain, no spaces or control characters,
/// at most 254 bytes): the only proof an address works is a message that arrives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
crate::validation::checked_text!(Email, DomainError);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let email = raw.trim().to_lowercase();
        let invalid = |why: &str| DomainError::invalid("email", why);
        if email.is_empty() {
            return Err(invalid("is required"));
        }
        if email.len() > 254 {
            return Err(invalid("must be at most 254 characters"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid("must be an email address such as name@example.org"));
        };
        let bad_char = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"');
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || email.chars().any(bad_char)
        {
            return Err(invalid("must be an email address such as name@example.org"));
        }
        Ok(Self(email))
    }
}

/// An organisation's short name in links: 2 to 40 of `a-z`, `0-9` and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgSlug(String);
crate::validation::checked_text!(OrgSlug, DomainError);

impl OrgSlug {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let slug = raw.trim().to_ascii_lowercase();
        let ok_chars = slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !(2..=40).contains(&slug.len()) || !ok_chars || slug.starts_with('-') || slug.ends_with('-') {
            return Err(DomainError::invalid(
                "slug",
                "must be 2 to 40 lowercase letters, digits or hyphens, not starting or ending with a hyphen",
            ));
        }
        Ok(Self(slug))
    }
}

/// A person's or organisation's display name: trimmed, inner runs of whitespace made single,
/// 1 to 100 characters, no control characters.
pub fn normalise_display_name(field: &str, raw: &str) -> Result<String, DomainError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if name.chars().count() > 100 {
        return Err(DomainError::invalid(field, "must be at most 100 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid(field, "must not contain control characters"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ada@Example.ORG ").unwrap().as_str(), "ada@example.org");
        for bad in
            ["", "ada", "ada@", "@example.org", "ada@example", "a b@example.org", "a@b@c.org", "a@.org", "a@x..org"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Email::parse(&format!("{}@example.org", "a".repeat(250))).is_err());
    }

    #[test]
    fn slugs_are_short_and_plain() {
        assert_eq!(OrgSlug::parse("Grace-Church").unwrap().as_str(), "grace-church");
        for bad in ["a", "-abc", "abc-", "grace church", "grâce", &"a".repeat(41)] {
            assert!(OrgSlug::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn display_names_collapse_whitespace() {
        assert_eq!(normalise_display_name("name", "  Ada \t Lovelace ").unwrap(), "Ada Lovelace");
        assert!(normalise_display_name("name", "   ").is_err());
        assert!(normalise_display_name("name", &"x".repeat(101)).is_err());
    }
}

//! Small, reusable input rules; each returns the field errors it finds so callers can collect them.

use crate::error::{DomainError, FieldError};

/// The glue of a text type checked by its own `parse(&str) -> Result<Self, E>` and holding the
/// checked text: read from a `String` through `parse` (so serde's `try_from = "String"` checks
/// every stored or received value), written back as that `String`, lent out by `as_str`, and
/// shown as the text itself.
macro_rules! checked_text {
    ($type:ident, $error:ty) => {
        impl $type {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $type {
            type Error = $error;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$type> for String {
            fn from(value: $type) -> Self {
                value.0
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use checked_text;

/// Collects field errors across several checks and turns them into one `Validation` error.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error for `field` when `ok` is false.
    pub fn check(&mut self, ok: bool, field: &str, message: &str) -> &mut Self {
        if !ok {
            self.errors.push(FieldError::new(field, message));
        }
        self
    }

    /// Requires a trimmed, non-empty text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.errors.push(FieldError::new(field, "is required"));
        } else if trimmed.chars().count() > max {
            self.errors.push(FieldError::new(field, format!("must be at most {max} characters")));
        }
        self
    }

    /// Ends validation: `Ok` when nothing was recorded.
    pub fn finish(&mut self) -> Result<(), DomainError> {
        if self.errors.is_empty() { Ok(()) } else { Err(DomainError::Validation(std::mem::take(&mut self.errors))) }
    }
}

/// Whether a text could be one of our ids (a record's, a provider's): 1 to 64 ASCII letters,
/// digits, `-` or `_`. Anything else names nothing, and is answered as an id that names nothing
/// before it reaches the store as a malformed key.
pub fn plausible_id(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_failure() {
        let result = Validator::new()
            .text("title", "   ", 10)
            .text("summary", "far too long a summary", 5)
            .check(false, "when", "must be in the future")
            .finish();
        let Err(DomainError::Validation(errors)) = result else {
            panic!("expected validation errors");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "summary", "when"]);
        assert_eq!(errors[1].message, "must be at most 5 characters");
    }

    #[test]
    fn passes_good_input() {
        assert!(Validator::new().text("title", " Romans ", 10).finish().is_ok());
    }
}

//! Small, reusable input rules; each returns the field errors it finds so callers can collect them.

use crate::error::{DomainError, FieldError};

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

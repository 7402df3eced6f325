//! The one error type of the domain and application layers.
//!
//! Policy: every variant says what went wrong in words a user may read, except `Unexpected`, whose
//! message stays on the server (the HTTP layer logs the chain and answers with an opaque 500).

use std::time::Duration;

/// One rejected input field, reported to the client so a form can show it beside the field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// Dotted path of the field in the request, e.g. `email` or `blocks.3.title`.
    pub field: String,
    /// What is wrong, readable by a person.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// What a use case can fail with. The HTTP layer maps each variant to one status, in one place.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("the request is not valid")]
    Validation(Vec<FieldError>),
    #[error("{0} was not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("you may not do this")]
    Forbidden,
    /// A write named the version it edits (`If-Match`) and the record has moved on since; the
    /// message says what changed, and nothing was written.
    #[error("{0}")]
    Stale(String),
    /// The organisation requires a second factor of the caller (one of its admins) who has none
    /// yet; the message says where to set one up.
    #[error("{0}")]
    NeedsSecondFactor(String),
    #[error("sign-in is required")]
    Unauthenticated,
    /// Credentials or a single-use token were refused; the message never says which part was wrong.
    #[error("{0}")]
    Refused(String),
    #[error("{what} is larger than the limit of {limit} bytes")]
    TooLarge { what: String, limit: u64 },
    #[error("too many requests; try again later")]
    RateLimited { retry_after: Duration },
    #[error("a service this request needs is unavailable: {0}")]
    Unavailable(String),
    /// Something the operator must set is missing or wrong. `reason` names settings and formats:
    /// it goes to the log, never to the caller, who hears only that `what` is not set up.
    #[error("{what} is not set up on this server")]
    Misconfigured { what: String, reason: String },
    #[error("an unexpected error occurred")]
    Unexpected(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl DomainError {
    /// A validation failure on a single field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// Wraps any error as `Unexpected`, keeping its source chain for the log.
    pub fn unexpected(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unexpected(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_builds_one_field_error() {
        let DomainError::Validation(errors) = DomainError::invalid("email", "is required") else {
            panic!("expected a validation error");
        };
        assert_eq!(errors, vec![FieldError::new("email", "is required")]);
    }

    #[test]
    fn unexpected_keeps_the_source_but_not_in_its_message() {
        let inner = std::io::Error::other("disk on fire");
        let error = DomainError::unexpected(inner);
        assert_eq!(error.to_string(), "an unexpected error occurred");
        let source = std::error::Error::source(&error).expect("source kept");
        assert_eq!(source.to_string(), "disk on fire");
    }
}

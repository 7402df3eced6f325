//! How port failures become domain errors: the one conversion every use case relies on.

use emmaus_domain::DomainError;
use emmaus_ports::{BlobError, KvError};

/// Converts a key-value failure. Conflicts and bad input are the caller's to explain; anything
/// else is an unexpected failure whose source stays in the log.
pub fn from_kv(error: KvError) -> DomainError {
    match error {
        KvError::Conflict(_) => {
            DomainError::Conflict("the record was changed by someone else; reload and try again".into())
        }
        KvError::InvalidCursor => DomainError::invalid("cursor", "is not valid for this list"),
        KvError::Invalid(message) => DomainError::invalid("key", message),
        KvError::TooLarge { limit, .. } => DomainError::TooLarge { what: "the record".into(), limit: limit as u64 },
        KvError::Unavailable(_) => DomainError::Unavailable("the database".into()),
        KvError::Backend(_) => DomainError::unexpected(error),
    }
}

/// Converts a blob failure, in the same spirit as [`from_kv`].
pub fn from_blob(error: BlobError) -> DomainError {
    match error {
        BlobError::NotFound(key) => DomainError::NotFound(format!("the file {key}")),
        BlobError::InvalidKey(message) | BlobError::Invalid(message) => DomainError::invalid("file", message),
        BlobError::TooLarge { limit, .. } => DomainError::TooLarge { what: "the file".into(), limit },
        BlobError::RangeNotSatisfiable { size } => DomainError::invalid("range", format!("the file has {size} bytes")),
        BlobError::Unavailable(_) => DomainError::Unavailable("file storage".into()),
        BlobError::Backend(_) => DomainError::unexpected(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_failures_stay_opaque_but_keep_their_source() {
        let error = from_kv(KvError::backend(std::io::Error::other("disk I/O error")));
        assert!(matches!(error, DomainError::Unexpected(_)));
        assert_eq!(error.to_string(), "an unexpected error occurred");
    }

    #[test]
    fn conflicts_and_limits_keep_their_meaning() {
        assert!(matches!(from_kv(KvError::Conflict(emmaus_ports::Key::new("p", "s"))), DomainError::Conflict(_)));
        assert!(matches!(from_blob(BlobError::TooLarge { size: 9, limit: 8 }), DomainError::TooLarge { limit: 8, .. }));
    }
}

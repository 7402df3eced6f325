//! How `SQLite` failures become port errors, so callers can tell "try again" from "broken".

use emmaus_ports::{KvError, SearchError};
use rusqlite::ErrorCode;

/// Busy and locked mean another connection holds the lock past the busy timeout: transient, so
/// `Unavailable`. Everything else is `Backend`. The rusqlite error stays as the source either way.
pub(crate) fn db_error(error: rusqlite::Error) -> KvError {
    if is_transient(&error) { KvError::Unavailable(Box::new(error)) } else { KvError::Backend(Box::new(error)) }
}

/// The same split for the search port's errors.
pub(crate) fn search_error(error: &rusqlite::Error) -> SearchError {
    if is_transient(error) {
        SearchError::Unavailable(error.to_string())
    } else {
        SearchError::Backend(error.to_string())
    }
}

fn is_transient(error: &rusqlite::Error) -> bool {
    matches!(error.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// A failure while opening the database that `SQLite` would describe too vaguely on its own.
pub(crate) fn setup_error(kind: std::io::ErrorKind, message: String) -> KvError {
    KvError::Backend(Box::new(std::io::Error::new(kind, message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn busy_and_locked_are_transient() {
        assert!(matches!(db_error(failure(rusqlite::ffi::SQLITE_BUSY)), KvError::Unavailable(_)));
        assert!(matches!(db_error(failure(rusqlite::ffi::SQLITE_LOCKED)), KvError::Unavailable(_)));
        assert!(matches!(db_error(failure(rusqlite::ffi::SQLITE_CORRUPT)), KvError::Backend(_)));
        assert!(matches!(db_error(rusqlite::Error::InvalidQuery), KvError::Backend(_)));
    }
}

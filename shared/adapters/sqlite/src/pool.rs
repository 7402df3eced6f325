//! Idle read-only connections to one SQLite file, kept for the next read: the key-value store and
//! the search index read through one each, beside their single writer.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::Connection;

use crate::schema;

#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Idle connections kept at most; more are opened under load and closed when returned.
    kept: usize,
}

impl Readers {
    pub(crate) fn new(path: PathBuf, kept: usize) -> Self {
        Self { path, idle: Mutex::default(), kept }
    }

    /// Runs `job` on an idle connection, or on a new one when none is idle, and keeps it after.
    pub(crate) fn with<T, E>(
        &self,
        error: impl FnOnce(rusqlite::Error) -> E,
        job: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.take().map_err(error)?;
        let result = job(&conn);
        self.give_back(conn);
        result
    }

    /// An idle connection, or a new one when none is idle. It must not be inside a transaction
    /// when given back.
    pub(crate) fn take(&self) -> rusqlite::Result<Connection> {
        let pooled = self.idle.lock().expect("a reader pool's lock is poisoned").pop();
        match pooled {
            Some(conn) => Ok(conn),
            None => schema::read_only(&self.path),
        }
    }

    /// Keeps `conn` for the next read, or closes it when enough are idle.
    pub(crate) fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().expect("a reader pool's lock is poisoned");
        if idle.len() < self.kept {
            idle.push(conn);
        }
    }
}

//! One read transaction per request: inside [`one_snapshot`] every key-value read a task makes
//! runs on one pooled connection, in one SQLite read transaction, until the task writes or ends.
//!
//! Why: in WAL mode each statement outside a transaction opens and closes a read transaction of
//! its own, and that begin/end (the shared-memory read mark, its mutex and `fcntl` locks) was a
//! fifth of an authenticated request's CPU in `scripts/bench/http`, where a signed-in page reads
//! five times. Reads that share one snapshot are also consistent with each other (a page of a
//! listing and the next never see half of a concurrent change).
//!
//! Reads never see stale data of their own making: any write through the same store ends the
//! snapshot, so the next read starts a new one that includes it (a retry after a conflict reads
//! what the winner wrote). Outside a scope, reads work as before, one statement at a time.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use rusqlite::Connection;

use crate::pool::Readers;

tokio::task_local! {
    static SCOPE: Scope;
}

/// Runs `work` with its key-value reads in one snapshot per database (see the module's notes).
/// The connection goes back to its pool when `work` ends or is dropped.
pub async fn one_snapshot<F: Future>(work: F) -> F::Output {
    SCOPE.scope(Scope::default(), work).await
}

/// The connections a scope holds, one per database it read.
#[derive(Default)]
struct Scope {
    held: RefCell<Vec<Held>>,
}

/// A connection taken from a pool, maybe inside a read transaction.
struct Held {
    readers: Arc<Readers>,
    conn: Option<Connection>,
    in_transaction: bool,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // A connection that cannot end its transaction is not given back: it would keep an
            // old snapshot for its next user.
            if !self.in_transaction || run(&conn, "COMMIT").is_ok() {
                self.readers.give_back(conn);
            }
        }
    }
}

/// Whether the running task is inside [`one_snapshot`].
pub(crate) fn active() -> bool {
    SCOPE.try_with(|_| ()).is_ok()
}

/// Runs `job` on the scope's connection to `readers`' database, inside its read transaction
/// (begun by the first read). `None` when the task is not inside a scope.
pub(crate) fn read<T, E>(
    readers: &Arc<Readers>,
    error: impl Fn(rusqlite::Error) -> E,
    job: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E> {
    SCOPE.with(|scope| {
        let mut held = scope.held.borrow_mut();
        let found = held.iter().position(|h| Arc::ptr_eq(&h.readers, readers));
        let index = if let Some(index) = found {
            index
        } else {
            let conn = readers.take().map_err(&error)?;
            held.push(Held { readers: readers.clone(), conn: Some(conn), in_transaction: false });
            held.len() - 1
        };
        let entry = &mut held[index];
        let conn = entry.conn.as_ref().expect("a held connection is present until dropped");
        if !entry.in_transaction {
            // Deferred: the read transaction (the snapshot) starts with the first statement.
            run(conn, "BEGIN").map_err(&error)?;
            entry.in_transaction = true;
        }
        job(conn)
    })
}

/// Ends the scope's snapshot of `readers`' database, if it has one, so the next read sees what
/// was just written. Does nothing outside a scope.
pub(crate) fn after_write(readers: &Arc<Readers>) {
    let _ = SCOPE.try_with(|scope| {
        let mut held = scope.held.borrow_mut();
        if let Some(index) = held.iter().position(|h| Arc::ptr_eq(&h.readers, readers)) {
            let entry = &mut held[index];
            let ended = !entry.in_transaction || entry.conn.as_ref().is_some_and(|conn| run(conn, "COMMIT").is_ok());
            if ended {
                entry.in_transaction = false;
            } else {
                // Dropped without being given back (see `Held`'s drop); the next read takes another.
                entry.in_transaction = true;
                held.swap_remove(index);
            }
        }
    });
}

/// Runs `BEGIN` or `COMMIT` from the connection's statement cache: every request runs both, and
/// `execute_batch` compiled them again each time.
fn run(conn: &Connection, statement: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(statement)?.execute([]).map(drop)
}

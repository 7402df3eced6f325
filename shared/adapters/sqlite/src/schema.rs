//! Opening connections: the pragmas every connection needs, and the schema migrations.

use std::io::ErrorKind;
use std::path::Path;
use std::time::Duration;

use emmaus_ports::KvError;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{db_error, setup_error};

/// The schema version this build writes, kept in `PRAGMA user_version`; the steps are
/// `emmaus_kv_sql::MIGRATIONS`, shared with Spin's store.
pub const SCHEMA_VERSION: i64 = emmaus_kv_sql::SCHEMA_VERSION;

/// Long enough to ride out another process's checkpoint or write, short enough to surface a stuck
/// lock as `Unavailable` rather than hang a request.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens the single writing connection: checks the directory, turns on WAL, migrates the schema.
pub(crate) fn open_writer(path: &Path) -> Result<Connection, KvError> {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        // SQLite would only say "unable to open database file"; the caller owns the directory.
        return Err(setup_error(
            ErrorKind::NotFound,
            format!("cannot open the database {}: the directory {} does not exist", path.display(), dir.display()),
        ));
    }
    let mut conn = Connection::open(path).map_err(db_error)?;
    configure(&conn).map_err(db_error)?;
    // WAL lets the readers keep reading while the writer commits; the mode is stored in the file.
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(db_error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(setup_error(
            ErrorKind::Unsupported,
            format!("the database {} refused WAL mode (it is in {mode} mode)", path.display()),
        ));
    }
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// A configured read-only connection to any of our SQLite files (the store, a search index):
/// read-only, so a bug cannot write around the writer's lock.
pub(crate) fn read_only(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn)?;
    Ok(conn)
}

/// Compiled statements each connection keeps.
const STATEMENTS_KEPT: usize = 128;

/// Settings that live on the connection, not in the file, so every connection sets them.
pub(crate) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Compiled statements kept per connection (rusqlite keeps 16): the modules' reads are more
    // shapes than that (each page size is its own statement), and a statement pushed out is
    // compiled again on its next use.
    conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
    // In WAL mode NORMAL is durable across application crashes and may lose only the last commits
    // on power loss, at a fraction of FULL's fsyncs.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")
}

/// Brings the schema up to [`SCHEMA_VERSION`] in one immediate transaction, so two processes
/// opening the same new file cannot both create the table.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), KvError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    let current: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(db_error)?;
    // A newer version means a newer build wrote the file; running against it could corrupt data.
    let Some(applied) = usize::try_from(current).ok().filter(|&n| n <= emmaus_kv_sql::MIGRATIONS.len()) else {
        return Err(setup_error(
            ErrorKind::Unsupported,
            format!(
                "the database {} has schema version {current}; this build knows versions 0 to {SCHEMA_VERSION}",
                path.display()
            ),
        ));
    };
    for step in &emmaus_kv_sql::MIGRATIONS[applied..] {
        for statement in *step {
            tx.execute_batch(statement).map_err(db_error)?;
        }
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(db_error)?;
    // The version table too, so Spin's store (which reads no PRAGMA) can open this file.
    tx.execute_batch(emmaus_kv_sql::VERSION_TABLE).map_err(db_error)?;
    tx.execute(emmaus_kv_sql::CLEAR_VERSION, []).map_err(db_error)?;
    tx.execute(emmaus_kv_sql::RECORD_VERSION, [SCHEMA_VERSION]).map_err(db_error)?;
    tx.commit().map_err(db_error)
}

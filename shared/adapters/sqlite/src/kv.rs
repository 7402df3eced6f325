//! `SqliteKv`: one writing connection behind a mutex and a small pool of readers, so reads go on
//! while a write commits (WAL), and each blocking call runs off the async runtime.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use emmaus_ports::kv::validate_batch;
use emmaus_ports::{Clock, Item, Key, KvError, KvStore, Page, Query, Write};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::error::db_error;
use crate::{query, schema};

/// Idle reader connections kept open; more are opened under load and closed when returned.
const POOLED_READERS: usize = 4;

#[derive(Debug)]
pub struct SqliteKv {
    clock: Arc<dyn Clock>,
    db: Arc<Db>,
}

#[derive(Debug)]
struct Db {
    path: PathBuf,
    // SQLite allows one writer at a time anyway; a mutex makes writers queue here instead of
    // spinning on SQLITE_BUSY.
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl Db {
    fn read<T>(&self, job: impl FnOnce(&Connection) -> Result<T, KvError>) -> Result<T, KvError> {
        let pooled = self.readers.lock().expect("the reader pool's lock is poisoned").pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => schema::open_reader(&self.path)?,
        };
        let result = job(&conn);
        let mut readers = self.readers.lock().expect("the reader pool's lock is poisoned");
        if readers.len() < POOLED_READERS {
            readers.push(conn);
        }
        result
    }

    fn write<T>(&self, job: impl FnOnce(&mut Connection) -> Result<T, KvError>) -> Result<T, KvError> {
        job(&mut self.writer.lock().expect("the writer's lock is poisoned"))
    }
}

impl SqliteKv {
    /// Opens (creating if needed) the database file at `path` and migrates its schema. The
    /// directory must exist: where data lives is the caller's decision, not a side effect.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self, KvError> {
        let writer = schema::open_writer(path)?;
        let db = Db { path: path.to_owned(), writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) };
        Ok(Self { clock, db: Arc::new(db) })
    }

    /// Deletes every expired item, returning how many. Reads already ignore them; this only
    /// reclaims space, so it can run whenever is convenient.
    pub async fn purge_expired(&self) -> Result<u64, KvError> {
        let now = self.now();
        self.run(move |db| {
            db.write(|conn| {
                conn.execute("DELETE FROM kv WHERE expires_at <= ?1", [now]).map(|n| n as u64).map_err(db_error)
            })
        })
        .await
    }

    fn now(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Db) -> Result<T, KvError> + Send + 'static,
    ) -> Result<T, KvError> {
        let db = self.db.clone();
        match tokio::task::spawn_blocking(move || job(&db)).await {
            Ok(result) => result,
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(join) => Err(KvError::backend(join)),
        }
    }
}

/// Versions are `u64` in the port and `INTEGER` (i64) here; real versions never come near the top.
fn to_sql_version(version: u64) -> Option<i64> {
    i64::try_from(version).ok()
}

/// The version of the live item at `key`, if any.
fn live_version(tx: &Transaction<'_>, key: &Key, now: i64) -> Result<Option<i64>, KvError> {
    tx.prepare_cached("SELECT version FROM kv WHERE pk = ?1 AND sk = ?2 AND (expires_at IS NULL OR expires_at > ?3)")
        .and_then(|mut statement| {
            statement.query_row(params![key.partition, key.sort, now], |row| row.get(0)).optional()
        })
        .map_err(db_error)
}

fn apply_batch(conn: &mut Connection, writes: Vec<Write>, now: i64) -> Result<(), KvError> {
    // IMMEDIATE takes the write lock up front, so no other process can change a row between our
    // condition checks and our writes.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    for write in &writes {
        let current = live_version(&tx, write.key(), now)?;
        let holds = match write {
            Write::PutIfAbsent { .. } => current.is_none(),
            Write::PutIfVersion { expected, .. } | Write::DeleteIfVersion { expected, .. } => {
                current.is_some() && current == to_sql_version(*expected)
            }
        };
        if !holds {
            // Dropping the transaction rolls it back; nothing has been written yet anyway.
            return Err(KvError::Conflict(write.key().clone()));
        }
    }
    for write in writes {
        let version = to_sql_version(write.resulting_version()).unwrap_or(i64::MAX);
        match write {
            // The upsert also replaces an expired row, which `PutIfAbsent` is allowed to reuse.
            Write::PutIfAbsent { key, value, expires_at } | Write::PutIfVersion { key, value, expires_at, .. } => tx
                .prepare_cached(
                    "INSERT INTO kv (pk, sk, version, value, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (pk, sk) DO UPDATE SET
                       version = excluded.version, value = excluded.value, expires_at = excluded.expires_at",
                )
                .and_then(|mut statement| {
                    statement.execute(params![key.partition, key.sort, version, value, expires_at])
                }),
            Write::DeleteIfVersion { key, .. } => tx
                .prepare_cached("DELETE FROM kv WHERE pk = ?1 AND sk = ?2")
                .and_then(|mut statement| statement.execute(params![key.partition, key.sort])),
        }
        .map_err(db_error)?;
    }
    tx.commit().map_err(db_error)
}

#[async_trait::async_trait]
impl KvStore for SqliteKv {
    fn adapter(&self) -> &'static str {
        "sqlite"
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        key.validate()?;
        let now = self.now();
        let key = key.clone();
        self.run(move |db| {
            db.read(|conn| {
                let found = conn
                    .prepare_cached(
                        "SELECT value, version, expires_at FROM kv
                         WHERE pk = ?1 AND sk = ?2 AND (expires_at IS NULL OR expires_at > ?3)",
                    )
                    .and_then(|mut statement| {
                        statement
                            .query_row(params![key.partition, key.sort, now], |row| {
                                Ok((row.get(0)?, row.get::<_, i64>(1)?, row.get(2)?))
                            })
                            .optional()
                    })
                    .map_err(db_error)?;
                Ok(found.map(|(value, version, expires_at)| Item { key, value, version: version as u64, expires_at }))
            })
        })
        .await
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        let start_after = query.start_after()?;
        let now = self.now();
        let query = query.clone();
        self.run(move |db| db.read(|conn| query::run(conn, &query, start_after, now))).await
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        validate_batch(&writes)?;
        let now = self.now();
        self.run(move |db| db.write(|conn| apply_batch(conn, writes, now))).await
    }
}

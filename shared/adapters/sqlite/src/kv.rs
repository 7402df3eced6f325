//! `SqliteKv`: one writing connection behind a mutex and a pool of readers, so reads go on while a
//! write commits (WAL).
//!
//! Writes run on the blocking pool: they may wait for the write lock (another process, a
//! checkpoint) up to the busy timeout. Reads run in place, on the calling task: in WAL mode a
//! reader never waits for the writer, and a read from the page cache takes microseconds, less than
//! the hop to a blocking thread and back, which cost authenticated requests about a third of their
//! throughput (`scripts/bench/http`).

use std::path::Path;
use std::sync::{Arc, Mutex};

use emmaus_kv_sql::{self as sql, Arg, Cell, CellRef};
use emmaus_ports::kv::{in_key_order, validate_batch, validate_keys};
use emmaus_ports::{Clock, Item, Key, KvError, KvStore, Page, Query, Write};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, ToSql, Transaction, TransactionBehavior, params_from_iter};

use crate::error::db_error;
use crate::pool::Readers;
use crate::{schema, snapshot_reads};

/// Idle reader connections kept open; more are opened under load and closed when returned. Sized
/// for a busy server's concurrent reads (each connection's page cache fills only as it reads):
/// with 4, sixteen concurrent requests opened and closed a connection on most reads.
const POOLED_READERS: usize = 16;

#[derive(Debug)]
pub struct SqliteKv {
    clock: Arc<dyn Clock>,
    db: Arc<Db>,
}

#[derive(Debug)]
struct Db {
    // SQLite allows one writer at a time anyway; a mutex makes writers queue here instead of
    // spinning on SQLITE_BUSY.
    writer: Mutex<Connection>,
    readers: Arc<Readers>,
}

impl Db {
    /// Reads in the request's snapshot when there is one ([`crate::one_snapshot`]), else alone.
    fn read<T>(&self, job: impl FnOnce(&Connection) -> Result<T, KvError>) -> Result<T, KvError> {
        if snapshot_reads::active() {
            snapshot_reads::read(&self.readers, db_error, job)
        } else {
            self.readers.with(db_error, job)
        }
    }

    fn write<T>(&self, job: impl FnOnce(&mut Connection) -> Result<T, KvError>) -> Result<T, KvError> {
        let mut writer = self.writer.lock().expect("the writer's lock is poisoned");
        self.readers.writing(|| job(&mut writer))
    }
}

impl SqliteKv {
    /// Opens (creating if needed) the database file at `path` and migrates its schema. The
    /// directory must exist: where data lives is the caller's decision, not a side effect.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self, KvError> {
        let writer = schema::open_writer(path)?;
        let db = Db { writer: Mutex::new(writer), readers: Arc::new(Readers::new(path.to_owned(), POOLED_READERS)) };
        db.readers.anchor();
        Ok(Self { clock, db: Arc::new(db) })
    }

    /// Deletes every expired item, returning how many. Reads already ignore them; this only
    /// reclaims space, so it can run whenever is convenient.
    pub async fn purge_expired(&self) -> Result<u64, KvError> {
        let now = self.now();
        self.run(move |db| db.write(|conn| conn.execute(sql::PURGE_EXPIRED, [now]).map(|n| n as u64).map_err(db_error)))
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

pub(crate) fn cell(value: Value) -> Cell {
    match value {
        Value::Null => Cell::Null,
        Value::Integer(n) => Cell::Integer(n),
        Value::Real(x) => Cell::Real(x),
        Value::Text(text) => Cell::Text(text),
        Value::Blob(bytes) => Cell::Blob(bytes),
    }
}

/// An argument bound as it is, without a copy: SQLite copies bound text and blobs itself.
pub(crate) struct Bound<'a>(pub(crate) &'a Arg);

impl ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Arg::Null => ValueRef::Null,
            Arg::Integer(n) => ValueRef::Integer(*n),
            Arg::Text(text) => ValueRef::Text(text.as_bytes()),
            Arg::Blob(bytes) => ValueRef::Blob(bytes),
        }))
    }
}

fn lent(value: ValueRef<'_>) -> CellRef<'_> {
    match value {
        ValueRef::Null => CellRef::Null,
        ValueRef::Integer(n) => CellRef::Integer(n),
        ValueRef::Real(x) => CellRef::Real(x),
        ValueRef::Text(text) => CellRef::Text(text),
        ValueRef::Blob(bytes) => CellRef::Blob(bytes),
    }
}

/// The items a statement selecting the item columns lists. Each row is decoded from the values
/// SQLite lends, with no owned copy of the row before the item's own: outside SQLite's execution,
/// a members list's three statements cost 21,000 instructions with that copy and 16,000 without
/// (`scripts/bench/instructions`, ADR 0015).
fn items(conn: &Connection, sql: &str, args: &[Arg]) -> Result<Vec<Item>, KvError> {
    let mut statement = conn.prepare_cached(sql).map_err(db_error)?;
    // One cell more than an item has: a statement with more columns is refused as a malformed
    // row rather than cut to fit.
    let columns = statement.column_count().min(sql::ITEM_COLUMN_COUNT + 1);
    let mut rows = statement.query(params_from_iter(args.iter().map(Bound))).map_err(db_error)?;
    let mut found = Vec::new();
    while let Some(row) = rows.next().map_err(db_error)? {
        let mut cells = [CellRef::Null; sql::ITEM_COLUMN_COUNT + 1];
        for (at, cell) in cells[..columns].iter_mut().enumerate() {
            *cell = lent(row.get_ref(at).map_err(db_error)?);
        }
        found.push(sql::decode(&cells[..columns])?);
    }
    Ok(found)
}

/// The version of the live item at `key`, if any.
fn live_version(tx: &Transaction<'_>, key: &Key, now: i64) -> Result<Option<u64>, KvError> {
    tx.prepare_cached(sql::LIVE_VERSION)
        .and_then(|mut statement| {
            statement
                .query_row(params_from_iter(sql::get_args(key, now).iter().map(Bound)), |row| row.get::<_, i64>(0))
                .optional()
        })
        .map_err(db_error)
        .map(|version| version.and_then(|v| u64::try_from(v).ok()))
}

fn apply_batch(conn: &mut Connection, writes: Vec<Write>, now: i64) -> Result<(), KvError> {
    // IMMEDIATE takes the write lock up front, so no other process can change a row between our
    // condition checks and our writes.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_error)?;
    for write in &writes {
        if !write.holds(live_version(&tx, write.key(), now)?) {
            // Dropping the transaction rolls it back; nothing has been written yet anyway.
            return Err(KvError::Conflict(write.key().clone()));
        }
    }
    for write in writes {
        let version = write.resulting_version();
        let (statement, args) = match write {
            Write::PutIfAbsent { key, value, expires_at, index }
            | Write::PutIfVersion { key, value, expires_at, index, .. } => {
                (sql::UPSERT, sql::upsert_args(&key, value, version, expires_at, &index))
            }
            Write::DeleteIfVersion { key, .. } => (sql::DELETE, vec![Arg::Text(key.partition), Arg::Text(key.sort)]),
            Write::Check { .. } => continue,
        };
        tx.prepare_cached(statement)
            .and_then(|mut prepared| prepared.execute(params_from_iter(args.iter().map(Bound))))
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
        let args = sql::get_args(key, self.now());
        self.db.read(|conn| items(conn, sql::GET, &args)).map(|found| found.into_iter().next())
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, KvError> {
        validate_keys(keys)?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (statement, args) = sql::get_many(keys, self.now());
        let found = self.db.read(|conn| items(conn, &statement, &args))?;
        Ok(in_key_order(keys, found))
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        let start_after = query.start_after()?;
        let (statement, args) = sql::page_query(query, start_after.as_ref(), self.now());
        let found = self.db.read(|conn| items(conn, &statement, &args))?;
        Ok(Page::from_lookahead(found, query))
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        validate_batch(&writes)?;
        let now = self.now();
        let written = self.run(move |db| db.write(|conn| apply_batch(conn, writes, now))).await;
        // Failed or not, the next read in this request must see the store as it now is.
        snapshot_reads::after_write(&self.db.readers);
        written
    }
}

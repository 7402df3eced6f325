//! `SpinSqliteKv`: the key-value port on Spin's SQLite API (`fermyon:spin/sqlite@2.0.0`).
//!
//! Spin calls are synchronous host calls, so each port call completes within one poll and the
//! futures are trivially `Send`; a component serves one request at a time, so statements of two
//! calls never interleave. Batches still run inside `BEGIN IMMEDIATE` so another instance of the
//! component (Spin runs several) cannot change a row between our checks and our writes.

use std::sync::Arc;

use emmaus_kv_sql::{self as sql, Arg, Cell, CellRef};
use emmaus_ports::kv::{in_key_order, validate_batch, validate_keys};
use emmaus_ports::{Clock, Item, Key, KvError, KvStore, Page, Query, Write};
use spin_sdk::sqlite::{Connection, Error, QueryResult, Value};

use crate::schema::{self, Schema};

pub struct SpinSqliteKv {
    /// Shared with the search index of the same database ([`Self::connection`]), so a request
    /// that searches does not open the database twice.
    conn: Arc<Connection>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SpinSqliteKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpinSqliteKv").finish_non_exhaustive()
    }
}

#[expect(clippy::needless_pass_by_value, reason = "used as `map_err(db_error)`")]
fn db_error(error: Error) -> KvError {
    if schema::is_transient(&error) {
        KvError::Unavailable(format!("Spin SQLite: {error:?}").into())
    } else {
        KvError::Backend(format!("Spin SQLite: {error:?}").into())
    }
}

const SCHEMA: Schema = Schema {
    what: "the database",
    migrations: sql::MIGRATIONS,
    version_table: sql::VERSION_TABLE,
    read_version: sql::READ_VERSION,
    clear_version: sql::CLEAR_VERSION,
    record_version: sql::RECORD_VERSION,
};

pub(crate) fn to_value(arg: Arg) -> Value {
    match arg {
        Arg::Null => Value::Null,
        Arg::Integer(n) => Value::Integer(n),
        Arg::Text(text) => Value::Text(text),
        Arg::Blob(bytes) => Value::Blob(bytes),
    }
}

/// A value of a row the host returned, moved rather than copied (search rows).
pub(crate) fn cell(value: Value) -> Cell {
    match value {
        Value::Null => Cell::Null,
        Value::Integer(n) => Cell::Integer(n),
        Value::Real(x) => Cell::Real(x),
        Value::Text(text) => Cell::Text(text),
        Value::Blob(bytes) => Cell::Blob(bytes),
    }
}

/// A value of an item's row as the host returned it, lent to `emmaus_kv_sql::decode`.
fn lent(value: &Value) -> CellRef<'_> {
    match value {
        Value::Null => CellRef::Null,
        Value::Integer(n) => CellRef::Integer(*n),
        Value::Real(x) => CellRef::Real(*x),
        Value::Text(text) => CellRef::Text(text.as_bytes()),
        Value::Blob(bytes) => CellRef::Blob(bytes),
    }
}

impl SpinSqliteKv {
    /// Opens the Spin database `name` (`default` unless the manifest grants others) and brings its
    /// schema up to date; refuses a database a newer build has written.
    pub fn open(name: &str, clock: Arc<dyn Clock>) -> Result<Self, KvError> {
        let conn = Arc::new(Connection::open(name).map_err(db_error)?);
        let store = Self { conn, clock };
        store.migrate()?;
        Ok(store)
    }

    /// The open connection, for [`crate::SpinSqliteSearch::sharing`]. Sharing is safe: each port
    /// call, transactions included, completes within one synchronous host call, so the two never
    /// interleave statements.
    pub fn connection(&self) -> Arc<Connection> {
        self.conn.clone()
    }

    fn run(&self, statement: &str, args: Vec<Arg>) -> Result<QueryResult, KvError> {
        let args: Vec<Value> = args.into_iter().map(to_value).collect();
        self.conn.execute(statement, &args).map_err(db_error)
    }

    fn items(&self, statement: &str, args: Vec<Arg>) -> Result<Vec<Item>, KvError> {
        let found = self.run(statement, args)?;
        found.rows.iter().map(|row| sql::decode(&row.values.iter().map(lent).collect::<Vec<_>>())).collect()
    }

    /// The schema's version lives in a table of its own (`emmaus_kv_sql::VERSION_TABLE`), which
    /// the native store keeps too.
    fn migrate(&self) -> Result<(), KvError> {
        schema::migrate(&self.conn, &SCHEMA, db_error, |refusal| KvError::Backend(refusal.into()))
    }

    fn transaction(&self, work: impl FnOnce(&Self) -> Result<(), KvError>) -> Result<(), KvError> {
        schema::transaction(&self.conn, db_error, || work(self))
    }

    fn now(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    /// The version of the live item at `key`, if any.
    fn live_version(&self, key: &Key, now: i64) -> Result<Option<u64>, KvError> {
        let found = self.run(sql::LIVE_VERSION, sql::get_args(key, now))?;
        Ok(found.rows.first().and_then(|row| match row.values.first() {
            Some(Value::Integer(version)) => u64::try_from(*version).ok(),
            _ => None,
        }))
    }

    fn apply(&self, writes: Vec<Write>, now: i64) -> Result<(), KvError> {
        for write in &writes {
            if !write.holds(self.live_version(write.key(), now)?) {
                return Err(KvError::Conflict(write.key().clone()));
            }
        }
        for write in writes {
            let version = write.resulting_version();
            match write {
                Write::PutIfAbsent { key, value, expires_at, index }
                | Write::PutIfVersion { key, value, expires_at, index, .. } => {
                    self.run(sql::UPSERT, sql::upsert_args(&key, value, version, expires_at, &index))?
                }
                Write::DeleteIfVersion { key, .. } => {
                    self.run(sql::DELETE, vec![Arg::Text(key.partition), Arg::Text(key.sort)])?
                }
                Write::Check { .. } => continue,
            };
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl KvStore for SpinSqliteKv {
    fn adapter(&self) -> &'static str {
        "spin-sqlite"
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        key.validate()?;
        Ok(self.items(sql::GET, sql::get_args(key, self.now()))?.into_iter().next())
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, KvError> {
        validate_keys(keys)?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (statement, args) = sql::get_many(keys, self.now());
        Ok(in_key_order(keys, self.items(&statement, args)?))
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        let start_after = query.start_after()?;
        let (statement, args) = sql::page_query(query, start_after.as_ref(), self.now());
        Ok(Page::from_lookahead(self.items(&statement, args)?, query))
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        validate_batch(&writes)?;
        let now = self.now();
        // Nothing was written when a condition failed; the rollback ends the transaction.
        self.transaction(|store| store.apply(writes, now))
    }
}

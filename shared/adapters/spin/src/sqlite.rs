//! `SpinSqliteKv`: the key-value port on Spin's SQLite API (`fermyon:spin/sqlite@2.0.0`).
//!
//! Spin calls are synchronous host calls, so each port call completes within one poll and the
//! futures are trivially `Send`; a component serves one request at a time, so statements of two
//! calls never interleave. Batches still run inside `BEGIN IMMEDIATE` so another instance of the
//! component (Spin runs several) cannot change a row between our checks and our writes.

use std::sync::Arc;

use emmaus_kv_sql::{self as sql, Arg, Cell, MIGRATIONS, SCHEMA_VERSION};
use emmaus_ports::kv::{in_key_order, validate_batch, validate_keys};
use emmaus_ports::{Clock, Item, Key, KvError, KvStore, Page, Query, Write};
use spin_sdk::sqlite::{Connection, Error, QueryResult, Value};

pub struct SpinSqliteKv {
    conn: Connection,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SpinSqliteKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpinSqliteKv").finish_non_exhaustive()
    }
}

#[expect(clippy::needless_pass_by_value, reason = "used as `map_err(db_error)`")]
fn db_error(error: Error) -> KvError {
    match &error {
        // Another instance holds the write lock: transient.
        Error::Io(message) if message.contains("locked") || message.contains("busy") => {
            KvError::Unavailable(format!("Spin SQLite: {message}").into())
        }
        other => KvError::Backend(format!("Spin SQLite: {other:?}").into()),
    }
}

pub(crate) fn to_value(arg: Arg) -> Value {
    match arg {
        Arg::Null => Value::Null,
        Arg::Integer(n) => Value::Integer(n),
        Arg::Text(text) => Value::Text(text),
        Arg::Blob(bytes) => Value::Blob(bytes),
    }
}

pub(crate) fn cell(value: &Value) -> Cell {
    match value {
        Value::Null => Cell::Null,
        Value::Integer(n) => Cell::Integer(*n),
        Value::Real(x) => Cell::Real(*x),
        Value::Text(text) => Cell::Text(text.clone()),
        Value::Blob(bytes) => Cell::Blob(bytes.clone()),
    }
}

impl SpinSqliteKv {
    /// Opens the Spin database `name` (`default` unless the manifest grants others) and brings its
    /// schema up to date; refuses a database a newer build has written.
    pub fn open(name: &str, clock: Arc<dyn Clock>) -> Result<Self, KvError> {
        let conn = Connection::open(name).map_err(db_error)?;
        let store = Self { conn, clock };
        store.migrate()?;
        Ok(store)
    }

    fn run(&self, statement: &str, args: Vec<Arg>) -> Result<QueryResult, KvError> {
        let args: Vec<Value> = args.into_iter().map(to_value).collect();
        self.conn.execute(statement, &args).map_err(db_error)
    }

    fn items(&self, statement: &str, args: Vec<Arg>) -> Result<Vec<Item>, KvError> {
        let found = self.run(statement, args)?;
        found.rows.iter().map(|row| sql::decode(row.values.iter().map(cell).collect())).collect()
    }

    /// The schema's version lives in a table of its own (`emmaus_kv_sql::VERSION_TABLE`), which
    /// the native store keeps too. The steps run inside `BEGIN IMMEDIATE`, so two instances starting
    /// at once migrate once.
    fn migrate(&self) -> Result<(), KvError> {
        // Every request is a new instance, so this runs per request: one read when the schema is
        // current, and the version table made only when that read finds none.
        let current = if let Ok(version) = self.version() {
            version
        } else {
            self.run(sql::VERSION_TABLE, Vec::new())?;
            0
        };
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        self.transaction(|store| {
            let current = store.version()?;
            let Some(applied) = usize::try_from(current).ok().filter(|&n| n <= MIGRATIONS.len()) else {
                return Err(KvError::Backend(
                    format!("the database has schema version {current}; this build knows 0 to {SCHEMA_VERSION}").into(),
                ));
            };
            for statement in MIGRATIONS[applied..].iter().flat_map(|step| step.iter()) {
                store.run(statement, Vec::new())?;
            }
            store.run(sql::CLEAR_VERSION, Vec::new())?;
            store.run(sql::RECORD_VERSION, vec![Arg::Integer(SCHEMA_VERSION)]).map(drop)
        })
    }

    fn version(&self) -> Result<i64, KvError> {
        let found = self.run(sql::READ_VERSION, Vec::new())?;
        Ok(match found.rows.first().and_then(|row| row.values.first()) {
            Some(Value::Integer(version)) => *version,
            _ => 0,
        })
    }

    /// Runs `work` inside `BEGIN IMMEDIATE`, so another instance of the component (Spin runs
    /// several) cannot change a row between our reads and our writes; all or nothing.
    fn transaction(&self, work: impl FnOnce(&Self) -> Result<(), KvError>) -> Result<(), KvError> {
        self.run("BEGIN IMMEDIATE", Vec::new())?;
        match work(self) {
            Ok(()) => self.run("COMMIT", Vec::new()).map(drop).inspect_err(|_| {
                let _ = self.run("ROLLBACK", Vec::new());
            }),
            Err(error) => {
                let _ = self.run("ROLLBACK", Vec::new());
                Err(error)
            }
        }
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

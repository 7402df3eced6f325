//! `SpinSqliteKv`: the key-value port on Spin's SQLite API (`fermyon:spin/sqlite@2.0.0`).
//!
//! Spin calls are synchronous host calls, so each port call completes within one poll and the
//! futures are trivially `Send`; a component serves one request at a time, so statements of two
//! calls never interleave. Batches still run inside `BEGIN IMMEDIATE` so another instance of the
//! component (Spin runs several) cannot change a row between our checks and our writes.

use std::sync::Arc;

use emmaus_ports::kv::validate_batch;
use emmaus_ports::{Clock, Item, Key, KvError, KvStore, Page, Query, Write};
use spin_sdk::sqlite::{Connection, Error, QueryResult, Value};

use crate::sql::{self, Arg, SCHEMA, SCHEMA_VERSION};

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

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

fn expiry(expires_at: Option<i64>) -> Value {
    expires_at.map_or(Value::Null, Value::Integer)
}

impl SpinSqliteKv {
    /// Opens the Spin database `name` (`default` unless the manifest grants others) and creates
    /// the schema if it is missing; refuses a database a newer build has written.
    pub fn open(name: &str, clock: Arc<dyn Clock>) -> Result<Self, KvError> {
        let conn = Connection::open(name).map_err(db_error)?;
        let store = Self { conn, clock };
        store.migrate()?;
        Ok(store)
    }

    fn run(&self, statement: &str, args: &[Value]) -> Result<QueryResult, KvError> {
        self.conn.execute(statement, args).map_err(db_error)
    }

    fn migrate(&self) -> Result<(), KvError> {
        for statement in SCHEMA {
            self.run(statement, &[])?;
        }
        let found = self.run("SELECT MAX(version) FROM schema_version", &[])?;
        match found.rows.first().and_then(|row| row.values.first()) {
            Some(Value::Integer(version)) if *version > SCHEMA_VERSION => Err(KvError::Backend(
                format!("the database has schema version {version}; this build knows 1 to {SCHEMA_VERSION}").into(),
            )),
            Some(Value::Integer(_)) => Ok(()),
            _ => {
                self.run("INSERT INTO schema_version (version) VALUES (?)", &[Value::Integer(SCHEMA_VERSION)]).map(drop)
            }
        }
    }

    fn now(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    /// The version of the live item at `key`, if any.
    fn live_version(&self, key: &Key, now: i64) -> Result<Option<i64>, KvError> {
        let found = self.run(
            "SELECT version FROM kv WHERE pk = ? AND sk = ? AND (expires_at IS NULL OR expires_at > ?)",
            &[text(&key.partition), text(&key.sort), Value::Integer(now)],
        )?;
        Ok(found.rows.first().and_then(|row| match row.values.first() {
            Some(Value::Integer(version)) => Some(*version),
            _ => None,
        }))
    }

    fn apply(&self, writes: Vec<Write>, now: i64) -> Result<(), KvError> {
        for write in &writes {
            let current = self.live_version(write.key(), now)?;
            let holds = match write {
                Write::PutIfAbsent { .. } => current.is_none(),
                Write::PutIfVersion { expected, .. } | Write::DeleteIfVersion { expected, .. } => {
                    current.is_some() && current == i64::try_from(*expected).ok()
                }
            };
            if !holds {
                return Err(KvError::Conflict(write.key().clone()));
            }
        }
        for write in writes {
            let version = i64::try_from(write.resulting_version()).unwrap_or(i64::MAX);
            match write {
                // The upsert also replaces an expired row, which `PutIfAbsent` is allowed to reuse.
                Write::PutIfAbsent { key, value, expires_at } | Write::PutIfVersion { key, value, expires_at, .. } => {
                    self.run(
                        "INSERT INTO kv (pk, sk, version, value, expires_at) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (pk, sk) DO UPDATE SET
                       version = excluded.version, value = excluded.value, expires_at = excluded.expires_at",
                        &[
                            text(&key.partition),
                            text(&key.sort),
                            Value::Integer(version),
                            Value::Blob(value),
                            expiry(expires_at),
                        ],
                    )?
                }
                Write::DeleteIfVersion { key, .. } => {
                    self.run("DELETE FROM kv WHERE pk = ? AND sk = ?", &[text(&key.partition), text(&key.sort)])?
                }
            };
        }
        Ok(())
    }
}

/// An item from a row of `sk, value, version, expires_at`.
fn item(partition: &str, values: &[Value]) -> Result<Item, KvError> {
    match values {
        [Value::Text(sort), value, Value::Integer(version), expires_at] => Ok(Item {
            key: Key::new(partition, sort.clone()),
            value: match value {
                Value::Blob(bytes) => bytes.clone(),
                // SQLite hands back an empty BLOB as such, but be lenient with text written by hand.
                Value::Text(text) => text.clone().into_bytes(),
                _ => Vec::new(),
            },
            version: *version as u64,
            expires_at: match expires_at {
                Value::Integer(at) => Some(*at),
                _ => None,
            },
        }),
        _ => Err(KvError::Backend("Spin SQLite returned a row of an unexpected shape".into())),
    }
}

#[async_trait::async_trait]
impl KvStore for SpinSqliteKv {
    fn adapter(&self) -> &'static str {
        "spin-sqlite"
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        key.validate()?;
        let found = self.run(
            "SELECT sk, value, version, expires_at FROM kv
             WHERE pk = ? AND sk = ? AND (expires_at IS NULL OR expires_at > ?)",
            &[text(&key.partition), text(&key.sort), Value::Integer(self.now())],
        )?;
        found.rows.first().map(|row| item(&key.partition, &row.values)).transpose()
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        let start_after = query.start_after()?;
        let (statement, args) = sql::page_query(query, start_after, self.now());
        let args: Vec<Value> = args
            .into_iter()
            .map(|arg| match arg {
                Arg::Text(text) => Value::Text(text),
                Arg::Integer(n) => Value::Integer(n),
            })
            .collect();
        let found = self.run(&statement, &args)?;
        let items = found.rows.iter().map(|row| item(&query.partition, &row.values)).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_lookahead(items, query.limit as usize))
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        validate_batch(&writes)?;
        let now = self.now();
        self.run("BEGIN IMMEDIATE", &[])?;
        match self.apply(writes, now) {
            Ok(()) => self.run("COMMIT", &[]).map(drop).inspect_err(|_| {
                let _ = self.run("ROLLBACK", &[]);
            }),
            Err(error) => {
                // Nothing was written when a condition failed; the rollback ends the transaction.
                let _ = self.run("ROLLBACK", &[]);
                Err(error)
            }
        }
    }
}

//! `SqliteSearch`: the search port on SQLite FTS5 in one file (or in memory, for tests), with the
//! statements of `emmaus-search-sql`. The local host keeps it beside the key-value file, so
//! indexing never waits for the key-value store's writer; the Lambda snapshots
//! (`crate::snapshot`) are files of this kind.
//!
//! Index writes run on the blocking pool (a batch of long documents takes a while); so do queries,
//! which at tens of thousands of documents take milliseconds, too long to hold an async worker.

use std::path::Path;
use std::sync::{Arc, Mutex};

use emmaus_ports::search::{validate_batch, validate_ids, validate_org};
use emmaus_ports::{SearchDoc, SearchError, SearchIndex, SearchQuery, SearchResults};
use emmaus_search_sql::{self as sql, Arg, Cell};
use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior, params_from_iter};

use crate::error::search_error;
use crate::kv::{Bound, cell};
use crate::pool::Readers;
use crate::schema;

/// Idle reading connections kept open: as many as concurrent searches on a busy server (queries
/// run on the blocking pool, so more than the async workers), since opening one reads the schema
/// again; with 8, sixteen concurrent health probes opened and closed a connection on most reads.
const POOLED_READERS: usize = 32;

#[derive(Debug, Clone)]
pub struct SqliteSearch {
    db: Arc<SearchDb>,
}

#[derive(Debug)]
struct SearchDb {
    writer: Mutex<Connection>,
    /// Reading connections to the file; `None` in memory, where the writer also reads.
    readers: Option<Readers>,
}

impl SqliteSearch {
    /// Opens (creating if needed) the index file at `path`, in WAL mode, and migrates its schema.
    pub fn open(path: &Path) -> Result<Self, SearchError> {
        let writer = Connection::open(path).map_err(|e| search_error(&e))?;
        schema::configure(&writer).map_err(|e| search_error(&e))?;
        writer.pragma_update(None, "journal_mode", "WAL").map_err(|e| search_error(&e))?;
        let readers = Some(Readers::new(path.to_owned(), POOLED_READERS));
        let db = SearchDb { writer: Mutex::new(migrated(writer)?), readers };
        if let Some(readers) = &db.readers {
            readers.anchor();
        }
        Ok(Self { db: Arc::new(db) })
    }

    /// An index in memory, gone when dropped: for tests and for building a snapshot.
    pub fn in_memory() -> Result<Self, SearchError> {
        let writer = Connection::open_in_memory().map_err(|e| search_error(&e))?;
        let db = SearchDb { writer: Mutex::new(migrated(writer)?), readers: None };
        Ok(Self { db: Arc::new(db) })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce(&SearchDb) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let db = self.db.clone();
        match tokio::task::spawn_blocking(move || job(&db)).await {
            Ok(result) => result,
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(join) => Err(SearchError::Backend(join.to_string())),
        }
    }
}

impl SearchDb {
    fn write<T>(&self, job: impl FnOnce(&mut Connection) -> Result<T, SearchError>) -> Result<T, SearchError> {
        let mut writer = self.writer.lock().expect("the search writer's lock is poisoned");
        match &self.readers {
            Some(readers) => readers.writing(|| job(&mut writer)),
            None => job(&mut writer),
        }
    }

    fn read<T>(&self, job: impl FnOnce(&Connection) -> Result<T, SearchError>) -> Result<T, SearchError> {
        match &self.readers {
            Some(readers) => readers.with(|e| search_error(&e), job),
            None => job(&self.writer.lock().expect("the search writer's lock is poisoned")),
        }
    }
}

/// A reading connection to an index file (a snapshot, or the local index's readers).
pub(crate) fn open_read_only(path: &Path) -> Result<Connection, SearchError> {
    schema::read_only(path).map_err(|e| search_error(&e))
}

/// Brings the search schema up to date in one immediate transaction; refuses a newer one.
pub(crate) fn migrated(mut conn: Connection) -> Result<Connection, SearchError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| search_error(&e))?;
    tx.execute_batch(sql::VERSION_TABLE).map_err(|e| search_error(&e))?;
    let current: Option<i64> = tx.query_row(sql::READ_VERSION, [], |row| row.get(0)).map_err(|e| search_error(&e))?;
    let current = current.unwrap_or(0);
    let Some(applied) = usize::try_from(current).ok().filter(|&n| n <= sql::MIGRATIONS.len()) else {
        return Err(SearchError::Backend(format!(
            "the search index has schema version {current}; this build knows 0 to {}",
            sql::SCHEMA_VERSION
        )));
    };
    for statement in sql::MIGRATIONS[applied..].iter().flat_map(|step| step.iter()) {
        tx.execute_batch(statement).map_err(|e| search_error(&e))?;
    }
    tx.execute(sql::CLEAR_VERSION, []).map_err(|e| search_error(&e))?;
    tx.execute(sql::RECORD_VERSION, [sql::SCHEMA_VERSION]).map_err(|e| search_error(&e))?;
    tx.commit().map_err(|e| search_error(&e))?;
    Ok(conn)
}

fn execute(conn: &Connection, statement: &str, args: &[Arg]) -> Result<(), SearchError> {
    let mut prepared = conn.prepare_cached(statement).map_err(|e| search_error(&e))?;
    prepared.execute(params_from_iter(args.iter().map(Bound))).map(drop).map_err(|e| search_error(&e))
}

fn rows(conn: &Connection, statement: &str, args: &[Arg]) -> Result<Vec<Vec<Cell>>, SearchError> {
    let mut prepared = conn.prepare_cached(statement).map_err(|e| search_error(&e))?;
    let columns = prepared.column_count();
    let found = prepared
        .query_map(params_from_iter(args.iter().map(Bound)), |row| {
            (0..columns).map(|i| row.get::<_, Value>(i).map(cell)).collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| search_error(&e))?;
    found.map(|row| row.map_err(|e| search_error(&e))).collect()
}

/// Indexes a batch in one transaction (validated by the caller).
pub(crate) fn apply_index(conn: &mut Connection, org: &str, docs: &[SearchDoc]) -> Result<(), SearchError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| search_error(&e))?;
    for doc in docs {
        let number = match rows(&tx, sql::UPSERT_DOC, &sql::org_id_args(org, &doc.id))?.first().and_then(|r| r.first())
        {
            Some(Cell::Integer(number)) => *number,
            other => return Err(SearchError::Backend(format!("a document number came back as {other:?}"))),
        };
        for statement in sql::CLEAR_DOC {
            execute(&tx, statement, &[Arg::Integer(number)])?;
        }
        for (statement, args) in sql::fill_doc(org, number, doc) {
            execute(&tx, &statement, &args)?;
        }
    }
    tx.commit().map_err(|e| search_error(&e))
}

/// Deletes documents in one transaction (validated by the caller).
pub(crate) fn apply_delete(conn: &mut Connection, org: &str, ids: &[String]) -> Result<(), SearchError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| search_error(&e))?;
    for id in ids {
        let Some(Cell::Integer(number)) =
            rows(&tx, sql::FIND_DOC, &sql::org_id_args(org, id))?.first().and_then(|r| r.first()).cloned()
        else {
            continue;
        };
        for statement in sql::CLEAR_DOC.iter().chain([&sql::DELETE_DOC]) {
            execute(&tx, statement, &[Arg::Integer(number)])?;
        }
    }
    tx.commit().map_err(|e| search_error(&e))
}

/// Answers a query (validated by [`sql::plan`]).
pub(crate) fn run_search(conn: &Connection, org: &str, query: &SearchQuery) -> Result<SearchResults, SearchError> {
    let plan = sql::plan(org, query)?;
    let page = rows(conn, &plan.page.0, &plan.page.1)?;
    let total =
        if sql::page_is_whole(query, page.len()) { None } else { Some(rows(conn, &plan.total.0, &plan.total.1)?) };
    let facets = match plan.facets {
        Some((statement, args)) => rows(conn, &statement, &args)?,
        None => Vec::new(),
    };
    sql::results(query, page, total, facets)
}

#[async_trait::async_trait]
impl SearchIndex for SqliteSearch {
    fn adapter(&self) -> &'static str {
        "sqlite-fts5"
    }

    async fn index(&self, org: &str, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_batch(&docs)?;
        let org = org.to_owned();
        self.blocking(move |db| db.write(|conn| apply_index(conn, &org, &docs))).await
    }

    async fn delete(&self, org: &str, ids: &[String]) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_ids(ids)?;
        let (org, ids) = (org.to_owned(), ids.to_vec());
        self.blocking(move |db| db.write(|conn| apply_delete(conn, &org, &ids))).await
    }

    async fn search(&self, org: &str, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        validate_org(org)?;
        // The query is checked by `emmaus_search_sql::plan`, as on every SQLite store.
        let (org, query) = (org.to_owned(), query.clone());
        self.blocking(move |db| db.read(|conn| run_search(conn, &org, &query))).await
    }

    async fn refresh(&self) -> Result<(), SearchError> {
        // Written changes are committed, so already searchable.
        Ok(())
    }
}

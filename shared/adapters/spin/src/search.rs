//! `SpinSqliteSearch`: the search port on Spin's SQLite API, with the FTS5 statements of
//! `emmaus-search-sql`. FTS5 is compiled into Spin's host-side SQLite (it cannot be compiled into
//! the component), so the index lives in the same database as the key-value table, in tables of
//! its own with their own schema version.
//!
//! Spin calls are synchronous host calls, as for `SpinSqliteKv`; each index or delete call runs in
//! one `BEGIN IMMEDIATE` transaction, so a batch is searchable whole or not at all.

use std::sync::Arc;

use emmaus_ports::search::{validate_batch, validate_ids, validate_org};
use emmaus_ports::{SearchDoc, SearchError, SearchIndex, SearchQuery, SearchResults};
use emmaus_search_sql::{self as sql, Arg, Cell};
use spin_sdk::sqlite::{Connection, Value};

use crate::schema::{self, Schema};
use crate::sqlite::{cell, to_value};

pub struct SpinSqliteSearch {
    source: Source,
    /// The connection in use, its search schema checked on first use: a component instance serves
    /// one request, and most requests never search, so they pay nothing for the index.
    conn: std::sync::OnceLock<Arc<Connection>>,
}

/// Where the index's connection comes from.
enum Source {
    /// Opened by the database's name on first use.
    Named(String),
    /// Already open on the same database (the key-value store's).
    Shared(Arc<Connection>),
}

impl std::fmt::Debug for SpinSqliteSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpinSqliteSearch").finish_non_exhaustive()
    }
}

#[expect(clippy::needless_pass_by_value, reason = "used as `map_err(search_error)`")]
fn search_error(error: spin_sdk::sqlite::Error) -> SearchError {
    if schema::is_transient(&error) {
        SearchError::Unavailable(format!("Spin SQLite: {error:?}"))
    } else {
        SearchError::Backend(format!("Spin SQLite: {error:?}"))
    }
}

const SCHEMA: Schema = Schema {
    what: "the search index",
    migrations: sql::MIGRATIONS,
    version_table: sql::VERSION_TABLE,
    read_version: sql::READ_VERSION,
    clear_version: sql::CLEAR_VERSION,
    record_version: sql::RECORD_VERSION,
};

impl SpinSqliteSearch {
    /// The index in the Spin database `name`, opened on first use.
    pub fn new(name: &str) -> Self {
        Self { source: Source::Named(name.to_owned()), conn: std::sync::OnceLock::new() }
    }

    /// The index in the database `conn` is open on (the key-value store's, from
    /// [`crate::SpinSqliteKv::connection`]); its schema is checked on first use.
    pub fn sharing(conn: Arc<Connection>) -> Self {
        Self { source: Source::Shared(conn), conn: std::sync::OnceLock::new() }
    }

    fn conn(&self) -> Result<&Connection, SearchError> {
        if let Some(conn) = self.conn.get() {
            return Ok(conn);
        }
        let conn = match &self.source {
            Source::Shared(conn) => conn.clone(),
            Source::Named(name) => Arc::new(Connection::open(name).map_err(search_error)?),
        };
        schema::migrate(&conn, &SCHEMA, search_error, SearchError::Backend)?;
        Ok(self.conn.get_or_init(|| conn))
    }

    fn rows(&self, statement: &str, args: Vec<Arg>) -> Result<Vec<Vec<Cell>>, SearchError> {
        rows(self.conn()?, statement, args)
    }

    fn transaction(&self, work: impl FnOnce(&Self) -> Result<(), SearchError>) -> Result<(), SearchError> {
        schema::transaction(self.conn()?, search_error, || work(self))
    }

    fn number(&self, statement: &str, org: &str, id: &str) -> Result<Option<i64>, SearchError> {
        Ok(match self.rows(statement, sql::org_id_args(org, id))?.first().and_then(|row| row.first()) {
            Some(Cell::Integer(number)) => Some(*number),
            _ => None,
        })
    }
}

fn rows(conn: &Connection, statement: &str, args: Vec<Arg>) -> Result<Vec<Vec<Cell>>, SearchError> {
    let args: Vec<Value> = args.into_iter().map(to_value).collect();
    let found = conn.execute(statement, &args).map_err(search_error)?;
    Ok(found.rows.into_iter().map(|row| row.values.into_iter().map(cell).collect()).collect())
}

#[async_trait::async_trait]
impl SearchIndex for SpinSqliteSearch {
    fn adapter(&self) -> &'static str {
        "spin-sqlite-fts5"
    }

    async fn index(&self, org: &str, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_batch(&docs)?;
        self.transaction(|index| {
            for doc in &docs {
                let Some(number) = index.number(sql::UPSERT_DOC, org, &doc.id)? else {
                    return Err(SearchError::Backend("the document upsert returned no number".to_owned()));
                };
                for statement in sql::CLEAR_DOC {
                    index.rows(statement, vec![Arg::Integer(number)])?;
                }
                for (statement, args) in sql::fill_doc(org, number, doc) {
                    index.rows(&statement, args)?;
                }
            }
            Ok(())
        })
    }

    async fn delete(&self, org: &str, ids: &[String]) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_ids(ids)?;
        self.transaction(|index| {
            for id in ids {
                let Some(number) = index.number(sql::FIND_DOC, org, id)? else { continue };
                for statement in sql::CLEAR_DOC.iter().chain([&sql::DELETE_DOC]) {
                    index.rows(statement, vec![Arg::Integer(number)])?;
                }
            }
            Ok(())
        })
    }

    async fn search(&self, org: &str, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        validate_org(org)?;
        let plan = sql::plan(org, query)?;
        let page = self.rows(&plan.page.0, plan.page.1)?;
        let total =
            if sql::page_is_whole(query, page.len()) { None } else { Some(self.rows(&plan.total.0, plan.total.1)?) };
        let facets = match plan.facets {
            Some((statement, args)) => self.rows(&statement, args)?,
            None => Vec::new(),
        };
        sql::results(query, page, total, facets)
    }

    async fn refresh(&self) -> Result<(), SearchError> {
        // Each call committed its transaction, so its changes are already searchable.
        Ok(())
    }
}

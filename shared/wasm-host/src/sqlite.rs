//! `fermyon:spin/sqlite@2.0.0` on SQLite files, following Spin's in-process implementation:
//! one rusqlite connection per `open`, one prepared statement per `execute`, errors as `io(text)`.

use std::time::Duration;

use rusqlite::types::{Value as SqlValue, ValueRef};
use wasmtime::component::Resource;

use crate::spin::sqlite::{Error, Host, HostConnection, QueryResult, RowResult, Value};
use crate::state::State;

/// The only label a component is granted here, as `sqlite_databases = ["default"]` grants in Spin.
const DEFAULT: &str = "default";
/// The file name Spin gives the default database under `.spin/`.
const DEFAULT_FILE: &str = "sqlite_db.db";

/// What a `connection` resource holds.
pub struct Connection(rusqlite::Connection);

impl Host for State {}

impl HostConnection for State {
    fn open(&mut self, database: String) -> wasmtime::Result<Result<Resource<Connection>, Error>> {
        let opened = match &self.options.sqlite_dir {
            Some(dir) if database == DEFAULT => open_file(&dir.join(DEFAULT_FILE)),
            // Spin answers `access-denied` for a label the component was not granted, before
            // asking whether it exists.
            _ => Err(Error::AccessDenied),
        };
        Ok(match opened {
            Ok(connection) => Ok(self.table.push(Connection(connection))?),
            Err(error) => Err(error),
        })
    }

    fn execute(
        &mut self,
        connection: Resource<Connection>,
        statement: String,
        parameters: Vec<Value>,
    ) -> wasmtime::Result<Result<QueryResult, Error>> {
        let Ok(Connection(connection)) = self.table.get(&connection) else {
            return Ok(Err(Error::InvalidConnection));
        };
        Ok(query(connection, &statement, parameters).map_err(|e| Error::Io(e.to_string())))
    }

    fn drop(&mut self, connection: Resource<Connection>) -> wasmtime::Result<()> {
        self.table.delete(connection)?;
        Ok(())
    }
}

fn open_file(path: &std::path::Path) -> Result<rusqlite::Connection, Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    let connection = rusqlite::Connection::open(path).map_err(|e| Error::Io(e.to_string()))?;
    // Requests run concurrently, each on its own connection; waiting for a lock beats failing
    // a test with "database is locked" under load.
    connection.busy_timeout(Duration::from_secs(5)).map_err(|e| Error::Io(e.to_string()))?;
    Ok(connection)
}

fn query(connection: &rusqlite::Connection, statement: &str, parameters: Vec<Value>) -> rusqlite::Result<QueryResult> {
    let mut prepared = connection.prepare(statement)?;
    let columns: Vec<String> = prepared.column_names().into_iter().map(str::to_owned).collect();
    let count = columns.len();
    let parameters = parameters.into_iter().map(to_sql);
    let rows = prepared.query_map(rusqlite::params_from_iter(parameters), |row| {
        (0..count).map(|i| row.get_ref(i).map(from_sql)).collect::<rusqlite::Result<Vec<_>>>()
    })?;
    let rows = rows.map(|values| values.map(|values| RowResult { values })).collect::<rusqlite::Result<_>>()?;
    Ok(QueryResult { columns, rows })
}

fn to_sql(value: Value) -> SqlValue {
    match value {
        Value::Integer(i) => SqlValue::Integer(i),
        Value::Real(r) => SqlValue::Real(r),
        Value::Text(t) => SqlValue::Text(t),
        Value::Blob(b) => SqlValue::Blob(b),
        Value::Null => SqlValue::Null,
    }
}

fn from_sql(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        ValueRef::Null => Value::Null,
    }
}

//! What the two Spin SQLite adapters (key-value and search) do alike: tell a lock held by another
//! instance from a real failure, run work in one transaction, and bring their schema up to date.

use spin_sdk::sqlite::{Connection, Error, Value};

/// A schema's steps and the statements that keep its version (`emmaus_kv_sql`, `emmaus_search_sql`).
pub(crate) struct Schema {
    /// What the version belongs to, for the refusal of a newer one ("the database").
    pub what: &'static str,
    pub migrations: &'static [&'static [&'static str]],
    pub version_table: &'static str,
    pub read_version: &'static str,
    pub clear_version: &'static str,
    pub record_version: &'static str,
}

/// Another instance holds the write lock: try again.
pub(crate) fn is_transient(error: &Error) -> bool {
    matches!(error, Error::Io(message) if message.contains("locked") || message.contains("busy"))
}

/// Runs `work` inside `BEGIN IMMEDIATE`, so another instance of the component (Spin runs several)
/// cannot change a row between our reads and our writes; all or nothing.
pub(crate) fn transaction<E>(
    conn: &Connection,
    map: fn(Error) -> E,
    work: impl FnOnce() -> Result<(), E>,
) -> Result<(), E> {
    conn.execute("BEGIN IMMEDIATE", &[]).map_err(map)?;
    match work() {
        Ok(()) => conn.execute("COMMIT", &[]).map(drop).map_err(map).inspect_err(|_| {
            let _ = conn.execute("ROLLBACK", &[]);
        }),
        Err(error) => {
            let _ = conn.execute("ROLLBACK", &[]);
            Err(error)
        }
    }
}

/// Brings `schema` up to date, refusing a version a newer build wrote. Every request is a new
/// instance, so this runs per request: one read when the schema is current, the version table made
/// only when that read finds none, and the steps inside `BEGIN IMMEDIATE`, so two instances
/// starting at once migrate once.
pub(crate) fn migrate<E>(
    conn: &Connection,
    schema: &Schema,
    map: fn(Error) -> E,
    refuse: fn(String) -> E,
) -> Result<(), E> {
    let latest = i64::try_from(schema.migrations.len()).unwrap_or(i64::MAX);
    let current = if let Ok(current) = version(conn, schema) {
        current
    } else {
        conn.execute(schema.version_table, &[]).map_err(map)?;
        0
    };
    if current == latest {
        return Ok(());
    }
    transaction(conn, map, || {
        let current = version(conn, schema).map_err(map)?;
        let Some(applied) = usize::try_from(current).ok().filter(|&n| n <= schema.migrations.len()) else {
            return Err(refuse(format!(
                "{} has schema version {current}; this build knows 0 to {latest}",
                schema.what
            )));
        };
        for statement in schema.migrations[applied..].iter().flat_map(|step| step.iter()) {
            conn.execute(statement, &[]).map_err(map)?;
        }
        conn.execute(schema.clear_version, &[]).map_err(map)?;
        conn.execute(schema.record_version, &[Value::Integer(latest)]).map(drop).map_err(map)
    })
}

fn version(conn: &Connection, schema: &Schema) -> Result<i64, Error> {
    let found = conn.execute(schema.read_version, &[])?;
    Ok(match found.rows.first().and_then(|row| row.values.first()) {
        Some(Value::Integer(version)) => *version,
        _ => 0,
    })
}

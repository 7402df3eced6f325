//! Prefix queries as one index range scan over `(pk, sk)`.

use emmaus_ports::kv::prefix_upper_bound;
use emmaus_ports::{Item, Key, KvError, Page, Query};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::error::db_error;

/// Runs a validated query; `start_after` is the sort key its cursor decoded to.
pub(crate) fn run(conn: &Connection, query: &Query, start_after: Option<String>, now: i64) -> Result<Page, KvError> {
    let mut sql = String::from(
        "SELECT sk, value, version, expires_at FROM kv WHERE pk = ? AND (expires_at IS NULL OR expires_at > ?)",
    );
    let mut args = vec![Value::Text(query.partition.clone()), Value::Integer(now)];
    // Bounds rather than `LIKE` (case-insensitive, with `%` and `_` wildcards) or `substr` (no
    // index use): every key with the prefix lies in [prefix, upper), and nothing else does.
    if !query.prefix.is_empty() {
        sql.push_str(" AND sk >= ?");
        args.push(Value::Text(query.prefix.clone()));
        if let Some(upper) = prefix_upper_bound(&query.prefix) {
            sql.push_str(" AND sk < ?");
            args.push(Value::Text(upper));
        }
    }
    if let Some(after) = start_after {
        sql.push_str(if query.descending { " AND sk < ?" } else { " AND sk > ?" });
        args.push(Value::Text(after));
    }
    sql.push_str(if query.descending { " ORDER BY sk DESC" } else { " ORDER BY sk ASC" });
    // One row beyond the page tells whether a next page exists without a second query.
    sql.push_str(" LIMIT ?");
    let limit = query.limit as usize;
    args.push(Value::Integer(i64::from(query.limit) + 1));

    // At most sixteen distinct statements come out of the branches above, so caching pays.
    let mut statement = conn.prepare_cached(&sql).map_err(db_error)?;
    let rows = statement
        .query_map(params_from_iter(args), |row| {
            Ok(Item {
                key: Key::new(query.partition.clone(), row.get::<_, String>(0)?),
                value: row.get(1)?,
                version: row.get::<_, i64>(2)? as u64,
                expires_at: row.get(3)?,
            })
        })
        .map_err(db_error)?;
    let items = rows.collect::<Result<Vec<_>, _>>().map_err(db_error)?;
    Ok(Page::from_lookahead(items, limit))
}

//! The SQL of the Spin SQLite key-value store, built without Spin types so it is tested natively.
//!
//! Same table as `emmaus-sqlite`: TEXT keys compare by bytes under the default BINARY collation
//! (the order the port promises), and `WITHOUT ROWID` clusters rows by key so a query is one range
//! scan. Spin's SQLite may refuse PRAGMAs, so the schema version lives in a table of its own.

use emmaus_ports::Query;
use emmaus_ports::kv::prefix_upper_bound;

/// Statements that bring an empty database to [`SCHEMA_VERSION`]; each is idempotent.
pub(crate) const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS kv (
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        version INTEGER NOT NULL,
        value BLOB NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (pk, sk)
    ) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
];

/// The schema version this build writes, the same numbering as `emmaus_sqlite::SCHEMA_VERSION`.
pub(crate) const SCHEMA_VERSION: i64 = 1;

/// A statement argument, mapped to Spin's `Value` by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    Text(String),
    Integer(i64),
}

/// The statement listing a query's page (one row beyond the limit tells whether more follow);
/// columns `sk, value, version, expires_at`.
pub(crate) fn page_query(query: &Query, start_after: Option<String>, now: i64) -> (String, Vec<Arg>) {
    let mut sql = String::from(
        "SELECT sk, value, version, expires_at FROM kv WHERE pk = ? AND (expires_at IS NULL OR expires_at > ?)",
    );
    let mut args = vec![Arg::Text(query.partition.clone()), Arg::Integer(now)];
    // Bounds rather than `LIKE` (case-insensitive, with `%` and `_` wildcards): every key with the
    // prefix lies in [prefix, upper), and nothing else does.
    if !query.prefix.is_empty() {
        sql.push_str(" AND sk >= ?");
        args.push(Arg::Text(query.prefix.clone()));
        if let Some(upper) = prefix_upper_bound(&query.prefix) {
            sql.push_str(" AND sk < ?");
            args.push(Arg::Text(upper));
        }
    }
    if let Some(after) = start_after {
        sql.push_str(if query.descending { " AND sk < ?" } else { " AND sk > ?" });
        args.push(Arg::Text(after));
    }
    sql.push_str(if query.descending { " ORDER BY sk DESC LIMIT ?" } else { " ORDER BY sk ASC LIMIT ?" });
    args.push(Arg::Integer(i64::from(query.limit) + 1));
    (sql, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_become_byte_ranges_never_like() {
        let query = Query::new("p", "a#", 10);
        let (sql, args) = page_query(&query, Some("a#1".into()), 5);
        assert!(!sql.contains("LIKE"));
        assert!(sql.ends_with("AND sk >= ? AND sk < ? AND sk > ? ORDER BY sk ASC LIMIT ?"), "{sql}");
        let texts = [Arg::Text("p".into()), Arg::Integer(5), Arg::Text("a#".into()), Arg::Text("a$".into())];
        assert_eq!(args[..4], texts);
        assert_eq!(args[4..], [Arg::Text("a#1".into()), Arg::Integer(11)]);
        let (sql, args) = page_query(&Query::new("p", "", 3).descending(), None, 0);
        assert!(sql.ends_with("(expires_at IS NULL OR expires_at > ?) ORDER BY sk DESC LIMIT ?"), "{sql}");
        assert_eq!(args.len(), 3);
    }
}

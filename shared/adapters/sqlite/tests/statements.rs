//! The statements the stores run over and over are compiled once: a statement SQLite has to
//! compile again on every use (as one with `LIMIT ?` was, because SQLite plans with the limit's
//! value) cost a sixth of an authenticated request's time.

use rusqlite::types::Value;
use rusqlite::{Connection, StatementStatus, params_from_iter};

fn values(args: Vec<emmaus_kv_sql::Arg>) -> Vec<Value> {
    args.into_iter()
        .map(|arg| match arg {
            emmaus_kv_sql::Arg::Null => Value::Null,
            emmaus_kv_sql::Arg::Integer(n) => Value::Integer(n),
            emmaus_kv_sql::Arg::Text(text) => Value::Text(text),
            emmaus_kv_sql::Arg::Blob(bytes) => Value::Blob(bytes),
        })
        .collect()
}

#[test]
fn a_page_query_runs_again_with_new_values_without_being_compiled_again() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("kv.db");
    drop(emmaus_sqlite::SqliteKv::open(&path, std::sync::Arc::new(emmaus_memory::ManualClock::default())).unwrap());
    let conn = Connection::open(&path).unwrap();
    let shapes = [
        emmaus_ports::Query::new("person#1", "session#", 200),
        emmaus_ports::Query::new("org#1#members", "", 50).range(Some("a".into()), Some("m".into())).descending(),
        emmaus_ports::Query::on_index(emmaus_ports::Index::One, "org#1#tag", "", 20),
    ];
    for shape in shapes {
        // The same shape with other values, other limits among them, as requests ask it.
        for n in 0..6_i64 {
            let mut query = shape.clone();
            query.partition = format!("{}{n}", shape.partition);
            query.limit = if n % 2 == 0 { 20 } else { 200 };
            let (sql, args) = emmaus_kv_sql::page_query(&query, None, 1_700_000_000 + n);
            let mut statement = conn.prepare_cached(&sql).unwrap();
            let mut rows = statement.query(params_from_iter(values(args))).unwrap();
            while rows.next().unwrap().is_some() {}
            drop(rows);
            assert_eq!(statement.get_status(StatementStatus::RePrepare), 0, "compiled again: {sql}");
        }
    }
}

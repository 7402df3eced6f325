//! The statements the stores run over and over are compiled once: a statement SQLite has to
//! compile again on every use (as one with `LIMIT ?` was, because SQLite plans with the limit's
//! value) cost a sixth of an authenticated request's time. And each is planned as lookups and
//! range scans of the key or an index, never a scan or sort of the whole table, which would grow
//! with the store (older SQLite releases plan `(pk, sk) IN (VALUES …)` as such a scan).

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

/// A new store's database in a temporary folder (kept while the folder lives), opened directly.
fn fresh_database() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("kv.db");
    drop(emmaus_sqlite::SqliteKv::open(&path, std::sync::Arc::new(emmaus_memory::ManualClock::default())).unwrap());
    let conn = Connection::open(&path).unwrap();
    (dir, conn)
}

#[test]
fn a_page_query_runs_again_with_new_values_without_being_compiled_again() {
    let (_dir, conn) = fresh_database();
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

/// SQLite's plan for `sql`, one line per step.
fn plan(conn: &Connection, sql: &str, args: Vec<emmaus_kv_sql::Arg>) -> Vec<String> {
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows = statement.query_map(params_from_iter(values(args)), |row| row.get::<_, String>(3)).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn every_read_is_planned_as_lookups_and_range_scans_of_a_key_or_index() {
    let (_dir, conn) = fresh_database();
    // Planned on a table with rows and no statistics, as our databases are (nothing runs ANALYZE).
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
         INSERT INTO kv (pk, sk, version, value, i1pk, i1sk) SELECT 'p' || (i % 50), 's' || i, 1, x'00',
         CASE WHEN i % 3 = 0 THEN 'x' || (i % 7) END, 'y' || i FROM n;
         ",
    )
    .unwrap();
    let key = |p: &str, s: &str| emmaus_ports::Key::new(p, s);
    let table = emmaus_ports::Query::new("p1", "s", 20);
    let index = emmaus_ports::Query::on_index(emmaus_ports::Index::One, "x1", "y", 20);
    let mut statements = vec![
        ("get".to_owned(), emmaus_kv_sql::GET.to_owned(), emmaus_kv_sql::get_args(&key("p1", "s1"), 9)),
        ("version".to_owned(), emmaus_kv_sql::LIVE_VERSION.to_owned(), emmaus_kv_sql::get_args(&key("p1", "s1"), 9)),
    ];
    for n in [1, 3, 100] {
        let keys: Vec<_> = (0..n).map(|i| key(&format!("p{i}"), &format!("s{i}"))).collect();
        let (sql, args) = emmaus_kv_sql::get_many(&keys, 9);
        statements.push((format!("get_many of {n}"), sql.into_owned(), args));
    }
    let shapes = [
        ("table", table.clone()),
        ("table, range", table.clone().range(Some("s10".into()), Some("s20".into())).descending()),
        ("index", index.clone()),
        ("index, range", index.clone().range(Some("y1".into()), None).descending()),
    ];
    for (name, query) in shapes {
        let (sql, args) = emmaus_kv_sql::page_query(&query, None, 9);
        statements.push((name.to_owned(), sql, args));
        let cursor = match query.index {
            Some(_) => emmaus_ports::Cursor::after_indexed("y30", &key("p3", "s30")),
            None => emmaus_ports::Cursor::after("s15"),
        };
        let after = query.clone().after(Some(cursor)).start_after().unwrap().unwrap();
        let (sql, args) = emmaus_kv_sql::page_query(&query, Some(&after), 9);
        statements.push((format!("{name}, after a cursor"), sql, args));
    }
    for (name, sql, args) in statements {
        let steps = plan(&conn, &sql, args);
        for step in &steps {
            let whole_table = step.starts_with("SCAN kv") || step.contains("TEMP B-TREE");
            assert!(!whole_table, "{name} scans or sorts the whole table: {steps:?}\n{sql}");
            // A list of keys is read one by one, not gathered into a temporary index first.
            assert!(!step.contains("LIST SUBQUERY") && !step.contains("BLOOM"), "{name}: {steps:?}\n{sql}");
        }
        assert!(steps.iter().any(|s| s.starts_with("SEARCH kv")), "{name} looks nothing up: {steps:?}");
    }
}

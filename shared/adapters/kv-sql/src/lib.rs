//! The SQL of the key-value port on SQLite, written once for the two stores that speak it: the
//! native one (`emmaus-sqlite`, rusqlite) and Spin's (`emmaus-spin`, the host's SQLite). Each
//! store runs these statements with its own driver, mapping [`Arg`] to its value type and lending
//! an item's row as [`CellRef`]s to [`decode`]; the rules (bounds, cursors, index order,
//! conditions) live here and in the port.
//!
//! The table: TEXT keys compare by bytes under the default BINARY collation, the order the port
//! promises; `WITHOUT ROWID` clusters rows by key, so a table query is one range scan. Each
//! secondary index is two nullable columns (`i1pk`, `i1sk`, …) with a partial index over them and
//! the item's key, so an index query is one range scan too, and the index is written in the same
//! statement, so the same transaction, as the item.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

use emmaus_ports::kv::MAX_BATCH_GET;
use emmaus_ports::{After, Index, IndexKeys, Item, Key, KvError, Query};

/// The schema, one step per entry: step `n` takes a database from version `n` to `n + 1`. Append;
/// never edit a shipped step, since databases already past it will not run it again. A step's
/// statements run one by one (Spin's API takes one statement per call), in one transaction.
pub const MIGRATIONS: &[&[&str]] = &[
    // 1: the key-value table.
    &["CREATE TABLE IF NOT EXISTS kv (
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        version INTEGER NOT NULL,
        value BLOB NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (pk, sk)
    ) WITHOUT ROWID"],
    // 2: the two secondary indexes; sparse, so only rows that carry a key are in them.
    &[
        "ALTER TABLE kv ADD COLUMN i1pk TEXT",
        "ALTER TABLE kv ADD COLUMN i1sk TEXT",
        "ALTER TABLE kv ADD COLUMN i2pk TEXT",
        "ALTER TABLE kv ADD COLUMN i2sk TEXT",
        "CREATE INDEX kv_i1 ON kv (i1pk, i1sk, pk, sk) WHERE i1pk IS NOT NULL",
        "CREATE INDEX kv_i2 ON kv (i2pk, i2sk, pk, sk) WHERE i2pk IS NOT NULL",
    ],
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Where the schema version is kept, by both stores, so either can open a file the other wrote
/// (Spin's SQLite may refuse PRAGMAs, so not `user_version` alone).
pub const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
/// The recorded version, or NULL before any.
pub const READ_VERSION: &str = "SELECT MAX(version) FROM schema_version";
pub const CLEAR_VERSION: &str = "DELETE FROM schema_version";
/// Records a version (argument: the version).
pub const RECORD_VERSION: &str = "INSERT INTO schema_version (version) VALUES (?)";

/// A statement argument; each store maps it to its driver's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Null,
    Integer(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// A value read from a row that is not an item (the search index's); each store maps its
/// driver's value to it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// The columns every item read selects, in the order [`decode`] reads them.
const ITEM_COLUMNS: &str = "pk, sk, value, version, expires_at, i1pk, i1sk, i2pk, i2sk";

const LIVE: &str = "(expires_at IS NULL OR expires_at > ?)";

/// Reads one live item by key.
pub const GET: &str = "SELECT pk, sk, value, version, expires_at, i1pk, i1sk, i2pk, i2sk FROM kv
     WHERE pk = ? AND sk = ? AND (expires_at IS NULL OR expires_at > ?)";

pub fn get_args(key: &Key, now: i64) -> Vec<Arg> {
    vec![Arg::Text(key.partition.clone()), Arg::Text(key.sort.clone()), Arg::Integer(now)]
}

/// The version of the live item at a key (arguments as [`get_args`]).
pub const LIVE_VERSION: &str =
    "SELECT version FROM kv WHERE pk = ? AND sk = ? AND (expires_at IS NULL OR expires_at > ?)";

/// Writes a whole item, its index columns included. The upsert also replaces an expired row, which
/// `PutIfAbsent` is allowed to reuse.
pub const UPSERT: &str = "INSERT INTO kv (pk, sk, version, value, expires_at, i1pk, i1sk, i2pk, i2sk)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (pk, sk) DO UPDATE SET
       version = excluded.version, value = excluded.value, expires_at = excluded.expires_at,
       i1pk = excluded.i1pk, i1sk = excluded.i1sk, i2pk = excluded.i2pk, i2sk = excluded.i2sk";

pub fn upsert_args(key: &Key, value: Vec<u8>, version: u64, expires_at: Option<i64>, index: &IndexKeys) -> Vec<Arg> {
    let mut args = vec![
        Arg::Text(key.partition.clone()),
        Arg::Text(key.sort.clone()),
        Arg::Integer(to_sql_version(version)),
        Arg::Blob(value),
        expires_at.map_or(Arg::Null, Arg::Integer),
    ];
    for which in Index::ALL {
        match index.get(which) {
            Some(key) => args.extend([Arg::Text(key.partition.clone()), Arg::Text(key.sort.clone())]),
            None => args.extend([Arg::Null, Arg::Null]),
        }
    }
    args
}

/// Deletes an item (arguments: partition, sort).
pub const DELETE: &str = "DELETE FROM kv WHERE pk = ? AND sk = ?";

/// Deletes every expired item (argument: now).
pub const PURGE_EXPIRED: &str = "DELETE FROM kv WHERE expires_at <= ?";

/// Versions are `u64` in the port and `INTEGER` (i64) in SQLite; real versions never come near the
/// top, and one that did would compare unequal rather than wrap.
pub fn to_sql_version(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// Reads the live items at `keys` (validated, at least one) in one statement; rows come back in
/// any order, so the store puts them in the order asked with `emmaus_ports::kv::in_key_order`.
///
/// The keys are a list of values joined to `kv` by its primary key, one lookup each. The shorter
/// `(pk, sk) IN (VALUES …)` made SQLite build a temporary index and a Bloom filter of the keys on
/// every read (a signed-in page's batch read of two keys cost three times a single get), and older
/// SQLite releases plan it as a scan of the whole table; `CROSS JOIN` keeps the list as the outer
/// loop. `tests/statements.rs` in `emmaus-sqlite` checks the plans.
///
/// The text depends only on how many keys there are, so each is written once and kept: it is also
/// the key of the stores' statement caches, and writing it on every read was a measurable part of
/// a signed-in request.
pub fn get_many(keys: &[Key], now: i64) -> (Cow<'static, str>, Vec<Arg>) {
    static BY_COUNT: [OnceLock<String>; MAX_BATCH_GET + 1] = [const { OnceLock::new() }; MAX_BATCH_GET + 1];
    let sql = match BY_COUNT.get(keys.len()) {
        Some(kept) => Cow::Borrowed(kept.get_or_init(|| get_many_text(keys.len())).as_str()),
        None => Cow::Owned(get_many_text(keys.len())),
    };
    let mut args: Vec<Arg> =
        keys.iter().flat_map(|key| [Arg::Text(key.partition.clone()), Arg::Text(key.sort.clone())]).collect();
    args.push(Arg::Integer(now));
    (sql, args)
}

fn get_many_text(count: usize) -> String {
    let pairs = vec!["(?, ?)"; count].join(", ");
    format!(
        "SELECT {ITEM_COLUMNS} FROM (VALUES {pairs}) AS wanted CROSS JOIN kv \
         ON kv.pk = wanted.column1 AND kv.sk = wanted.column2 WHERE {LIVE}"
    )
}

/// The statement listing a query's page: one row beyond the limit tells whether more follow.
/// `start_after` is what the query's cursor decoded to.
pub fn page_query(query: &Query, start_after: Option<&After>, now: i64) -> (String, Vec<Arg>) {
    // In an index the listed sort key is the index's (its columns are `pk` and `sk` after the
    // index's name), and the item's own key breaks ties.
    let index = query.index.map_or("", Index::name);
    // One buffer, written in place with plain appends: the statement is built on every query, and
    // `write!` cost several times as much for the same text.
    let mut sql = String::with_capacity(320);
    let mut push = |parts: &[&str]| parts.iter().for_each(|part| sql.push_str(part));
    push(&["SELECT ", ITEM_COLUMNS, " FROM kv WHERE ", index, "pk = ? AND ", LIVE]);
    let mut args = vec![Arg::Text(query.partition.clone()), Arg::Integer(now)];
    // Bounds rather than `LIKE` (case-insensitive, with `%` and `_` wildcards) or `substr` (no
    // index use): every listed key lies in [lower, upper), and nothing else does.
    let (lower, upper) = query.bounds();
    if let Some(lower) = lower {
        push(&[" AND ", index, "sk >= ?"]);
        args.push(Arg::Text(lower));
    }
    if let Some(upper) = upper {
        push(&[" AND ", index, "sk < ?"]);
        args.push(Arg::Text(upper));
    }
    if let Some(after) = start_after {
        let comparison = if query.descending { "<" } else { ">" };
        if let Some(key) = &after.key {
            // A row value comparison: the index sort key, then the item's key, as ordered.
            push(&[" AND (", index, "sk, pk, sk) ", comparison, " (?, ?, ?)"]);
            args.extend([Arg::Text(after.sort.clone()), Arg::Text(key.partition.clone()), Arg::Text(key.sort.clone())]);
        } else {
            push(&[" AND ", index, "sk ", comparison, " ?"]);
            args.push(Arg::Text(after.sort.clone()));
        }
    }
    let direction = if query.descending { "DESC" } else { "ASC" };
    push(&[" ORDER BY ", index, "sk ", direction]);
    if query.index.is_some() {
        push(&[", pk ", direction, ", sk ", direction]);
    }
    // The limit is written into the statement, not bound: SQLite plans with a bound LIMIT's value,
    // so a statement with `LIMIT ?` was compiled again on every use (a sixth of an authenticated
    // request's time in `scripts/bench/http`'s profile). A number cannot inject anything, and
    // callers use few distinct limits, so the statement cache still holds them.
    let _ = write!(sql, " LIMIT {}", u64::from(query.limit) + 1);
    (sql, args)
}

/// A value a driver lends from the row it is reading, for [`decode`]: an item is made from the
/// row without an owned copy of it in between. Text comes as the driver's bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

/// How many columns an item read selects ([`ITEM_COLUMNS`]).
pub const ITEM_COLUMN_COUNT: usize = 9;

/// An item from a row of the item columns, as the store's driver lends it: each text and blob is
/// copied once, into the item.
pub fn decode(row: &[CellRef<'_>]) -> Result<Item, KvError> {
    let [partition, sort, value, version, expires_at, one_partition, one_sort, two_partition, two_sort]: [CellRef<'_>;
        ITEM_COLUMN_COUNT] = row.try_into().map_err(|_| malformed("row shape"))?;
    let text = |cell: CellRef<'_>, what: &str| match cell {
        CellRef::Text(bytes) => std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| malformed(what)),
        _ => Err(malformed(what)),
    };
    let index_key = |partition: CellRef<'_>, sort: CellRef<'_>, what: &str| match partition {
        CellRef::Null => Ok(None),
        _ => Ok(Some(Key::new(text(partition, what)?, text(sort, what)?))),
    };
    Ok(Item {
        key: Key::new(text(partition, "pk")?, text(sort, "sk")?),
        value: match value {
            // SQLite hands back an empty BLOB as such, but be lenient with text written by hand.
            CellRef::Blob(bytes) | CellRef::Text(bytes) => bytes.to_vec(),
            _ => return Err(malformed("value")),
        },
        version: match version {
            CellRef::Integer(version) => u64::try_from(version).map_err(|_| malformed("version"))?,
            _ => return Err(malformed("version")),
        },
        expires_at: match expires_at {
            CellRef::Integer(at) => Some(at),
            CellRef::Null => None,
            _ => return Err(malformed("expires_at")),
        },
        index: IndexKeys {
            one: index_key(one_partition, one_sort, "i1")?,
            two: index_key(two_partition, two_sort, "i2")?,
        },
    })
}

fn malformed(what: &str) -> KvError {
    KvError::Backend(format!("a stored row has a malformed `{what}`").into())
}

#[cfg(test)]
mod tests {
    use emmaus_ports::Cursor;

    use super::*;

    fn text(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }

    #[test]
    fn prefixes_become_byte_ranges_never_like() {
        let query = Query::new("p", "a#", 10);
        let after = After { sort: "a#1".into(), key: None };
        let (sql, args) = page_query(&query, Some(&after), 5);
        assert!(!sql.contains("LIKE"));
        assert!(sql.ends_with("AND sk >= ? AND sk < ? AND sk > ? ORDER BY sk ASC LIMIT 11"), "{sql}");
        assert_eq!(args, [text("p"), Arg::Integer(5), text("a#"), text("a$"), text("a#1")]);
        let (sql, args) = page_query(&Query::new("p", "", 3).descending(), None, 0);
        assert!(sql.ends_with("(expires_at IS NULL OR expires_at > ?) ORDER BY sk DESC LIMIT 4"), "{sql}");
        assert_eq!(args.len(), 2);
    }

    #[test]
    fn ranges_narrow_the_prefix() {
        let query = Query::new("p", "d#", 10).range(Some("d#2026-03".into()), Some("d#2026-04".into()));
        let (sql, args) = page_query(&query, None, 0);
        assert!(sql.contains("AND sk >= ? AND sk < ?"), "{sql}");
        assert_eq!(args[2..4], [text("d#2026-03"), text("d#2026-04")]);
    }

    #[test]
    fn index_queries_read_the_index_columns_and_break_ties_by_key() {
        let key = Key::new("org#1", "doc#9");
        let query =
            Query::on_index(Index::Two, "tag#x", "", 5).descending().after(Some(Cursor::after_indexed("b", &key)));
        let after = query.start_after().unwrap();
        let (sql, args) = page_query(&query, after.as_ref(), 7);
        assert!(sql.contains("WHERE i2pk = ?"), "{sql}");
        assert!(sql.contains("AND (i2sk, pk, sk) < (?, ?, ?)"), "{sql}");
        assert!(sql.ends_with("ORDER BY i2sk DESC, pk DESC, sk DESC LIMIT 6"), "{sql}");
        assert_eq!(args[2..5], [text("b"), text("org#1"), text("doc#9")]);
    }

    #[test]
    fn rows_decode_with_their_index_keys() {
        let row = [
            CellRef::Text(b"p"),
            CellRef::Text(b"s"),
            CellRef::Blob(&[1, 2]),
            CellRef::Integer(3),
            CellRef::Null,
            CellRef::Text(b"ip"),
            CellRef::Text(b"is"),
            CellRef::Null,
            CellRef::Null,
        ];
        let item = decode(&row).unwrap();
        assert_eq!(item.index.one, Some(Key::new("ip", "is")));
        assert_eq!(item.index.two, None);
        assert_eq!((item.version, item.expires_at, item.value), (3, None, vec![1, 2]));
        assert!(decode(&[CellRef::Null]).is_err());
    }

    #[test]
    fn malformed_rows_are_refused_with_the_column_named() {
        let row = [
            CellRef::Text(b"p"),
            CellRef::Text(b"s"),
            CellRef::Blob(&[1, 2]),
            CellRef::Integer(3),
            CellRef::Integer(9),
            CellRef::Null,
            CellRef::Null,
            CellRef::Text(b"ip"),
            CellRef::Text(b"is"),
        ];
        let item = decode(&row).unwrap();
        assert_eq!(item.key, Key::new("p", "s"));
        assert_eq!((item.index.one, item.index.two), (None, Some(Key::new("ip", "is"))));
        assert_eq!((item.version, item.expires_at, item.value), (3, Some(9), vec![1, 2]));
        let broken = |at: usize, cell: CellRef<'static>| {
            let mut row = row;
            row[at] = cell;
            reason(decode(&row).unwrap_err())
        };
        assert!(broken(0, CellRef::Text(&[0xff])).contains("`pk`"), "text that is not UTF-8");
        assert!(broken(3, CellRef::Integer(-1)).contains("`version`"));
        assert!(broken(4, CellRef::Text(b"soon")).contains("`expires_at`"));
        assert!(broken(8, CellRef::Null).contains("`i2`"), "an index partition without its sort key");
        assert!(reason(decode(&row[..8]).unwrap_err()).contains("row shape"));
    }

    fn reason(error: KvError) -> String {
        match error {
            KvError::Backend(reason) => reason.to_string(),
            other => panic!("not a malformed row: {other}"),
        }
    }

    #[test]
    fn upserts_carry_both_indexes_or_nulls() {
        let index = IndexKeys::NONE.with(Index::Two, Key::new("a", "b"));
        let args = upsert_args(&Key::new("p", "s"), vec![], 1, None, &index);
        assert_eq!(args[5..], [Arg::Null, Arg::Null, text("a"), text("b")]);
    }

    #[test]
    fn get_many_reads_every_key_in_one_statement() {
        let keys = [Key::new("p", "b"), Key::new("p", "x"), Key::new("p", "a")];
        let (sql, args) = get_many(&keys, 9);
        assert!(sql.contains("(VALUES (?, ?), (?, ?), (?, ?)) AS wanted CROSS JOIN kv"), "{sql}");
        assert_eq!(args.len(), 7);
    }
}

//! What the conformance suite cannot see: the file on disk, its settings, and housekeeping.

use std::sync::Arc;
use std::time::Duration;

use emmaus_memory::ManualClock;
use emmaus_ports::{Clock, Index, IndexKeys, Key, KvError, KvStore, Query, Write};
use emmaus_sqlite::{SCHEMA_VERSION, SqliteKv};

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::default())
}

#[tokio::test]
async fn data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kv.sqlite3");
    let key = Key::new("org#1", "goal#1");
    {
        let kv = SqliteKv::open(&path, clock()).unwrap();
        kv.put_if_absent(key.clone(), b"v1".to_vec(), None).await.unwrap();
        kv.put_if_version(key.clone(), b"v2".to_vec(), 1, None).await.unwrap();
    }
    let kv = SqliteKv::open(&path, clock()).unwrap();
    let item = kv.get(&key).await.unwrap().expect("the item is still there");
    assert_eq!((item.value.as_slice(), item.version), (&b"v2"[..], 2));
    assert_eq!(kv.query(&Query::new("org#1", "goal#", 10)).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn the_file_is_in_wal_mode_at_the_current_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kv.sqlite3");
    let _kv = SqliteKv::open(&path, clock()).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

/// A database written before the secondary indexes existed (schema version 1, exactly the table it
/// had) opens, keeps its items, and takes index keys from then on.
#[tokio::test]
async fn a_file_at_schema_version_one_is_migrated_and_keeps_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kv.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE kv (pk TEXT NOT NULL, sk TEXT NOT NULL, version INTEGER NOT NULL, value BLOB NOT NULL,
               expires_at INTEGER, PRIMARY KEY (pk, sk)) WITHOUT ROWID;
             INSERT INTO kv VALUES ('org#1', 'goal#1', 3, x'7631', NULL);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let kv = SqliteKv::open(&path, clock()).unwrap();
    let old = kv.get(&Key::new("org#1", "goal#1")).await.unwrap().expect("the old item is kept");
    assert_eq!((old.value.as_slice(), old.version, old.index.clone()), (&b"v1"[..], 3, IndexKeys::NONE));
    let listed = IndexKeys::NONE.with(Index::One, Key::new("org#1#due", "2026-05-01"));
    let write = Write::PutIfVersion {
        key: old.key.clone(),
        value: b"v2".to_vec(),
        expected: 3,
        expires_at: None,
        index: listed,
    };
    kv.batch(vec![write]).await.unwrap();
    let due = kv.query(&Query::on_index(Index::One, "org#1#due", "", 10)).await.unwrap();
    assert_eq!(due.items.len(), 1);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[tokio::test]
async fn a_file_from_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kv.sqlite3");
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    let error = SqliteKv::open(&path, clock()).unwrap_err();
    let source = std::error::Error::source(&error).expect("the reason is attached").to_string();
    assert!(source.contains("schema version"), "{source}");
}

#[tokio::test]
async fn purge_removes_only_expired_items() {
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let kv = SqliteKv::open(&dir.path().join("kv.sqlite3"), clock.clone()).unwrap();
    let start = clock.now();
    let now = start.unix_seconds();
    for (sort, expires_at) in
        [("gone-1", Some(now + 5)), ("gone-2", Some(now + 10)), ("later", Some(now + 11)), ("kept", None)]
    {
        kv.put_if_absent(Key::new("p", sort), vec![1], expires_at).await.unwrap();
    }
    assert_eq!(kv.purge_expired().await.unwrap(), 0, "nothing has expired yet");
    clock.advance(Duration::from_secs(10));
    assert_eq!(kv.purge_expired().await.unwrap(), 2);
    clock.set(start);
    let left = kv.query(&Query::new("p", "", 10)).await.unwrap();
    let sorts: Vec<_> = left.items.iter().map(|item| item.key.sort.as_str()).collect();
    assert_eq!(sorts, ["kept", "later"], "with the clock turned back, only the purged items stay gone");
}

#[tokio::test]
async fn a_missing_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("kv.sqlite3");
    let error = SqliteKv::open(&path, clock()).unwrap_err();
    assert!(matches!(error, KvError::Backend(_)), "{error:?}");
    let source = std::error::Error::source(&error).expect("the reason is attached").to_string();
    assert!(source.contains("does not exist") && source.contains("no-such-dir"), "{source}");
    assert!(!path.parent().unwrap().exists(), "opening creates no directories");
}

#[tokio::test]
async fn reads_go_on_while_another_process_writes_and_writes_wait_then_give_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kv.sqlite3");
    let kv = SqliteKv::open(&path, clock()).unwrap();
    let key = Key::new("p", "doc");
    kv.put_if_absent(key.clone(), b"v1".to_vec(), None).await.unwrap();

    // Another process holding the write lock, as a long transaction would.
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert_eq!(kv.get(&key).await.unwrap().unwrap().value, b"v1");
    assert_eq!(kv.query(&Query::new("p", "", 10)).await.unwrap().items.len(), 1);
    let started = std::time::Instant::now();
    let blocked = kv.put_if_version(key.clone(), b"v2".to_vec(), 1, None).await;
    assert!(matches!(blocked, Err(KvError::Unavailable(_))), "{blocked:?}");
    assert!(started.elapsed() >= Duration::from_secs(4), "the busy timeout was waited out");

    other.execute_batch("ROLLBACK").unwrap();
    kv.put_if_version(key.clone(), b"v2".to_vec(), 1, None).await.unwrap();
}

//! `one_snapshot`: a request's reads share one read transaction, see their own writes at once,
//! and give the snapshot up when the request ends, however it ends.

use std::path::Path;
use std::sync::Arc;

use emmaus_memory::ManualClock;
use emmaus_ports::{IndexKeys, Key, KvStore, Write};
use emmaus_sqlite::{SqliteKv, one_snapshot};

fn put(key: &Key, value: &str, expected: u64) -> Write {
    let (value, index) = (value.as_bytes().to_vec(), IndexKeys::default());
    if expected == 0 {
        Write::PutIfAbsent { key: key.clone(), value, expires_at: None, index }
    } else {
        Write::PutIfVersion { key: key.clone(), value, expected, expires_at: None, index }
    }
}

async fn value(kv: &SqliteKv, key: &Key) -> String {
    let item = kv.get(key).await.expect("a read").expect("the item");
    String::from_utf8(item.value).expect("text")
}

/// Whether a checkpoint that must reach the end of the log is held back by a reader's snapshot
/// older than the newest. (The store's anchor holds the newest snapshot, which never holds a
/// checkpoint back; a `TRUNCATE` checkpoint would wait for it too.)
fn a_snapshot_holds_the_log(path: &Path) -> bool {
    let conn = rusqlite::Connection::open(path).expect("a connection");
    conn.busy_timeout(std::time::Duration::ZERO).expect("no waiting");
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(FULL)", [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .expect("a checkpoint");
    busy != 0
}

fn store(dir: &tempfile::TempDir) -> (Arc<SqliteKv>, std::path::PathBuf) {
    let path = dir.path().join("kv.db");
    let kv = SqliteKv::open(&path, Arc::new(ManualClock::default())).expect("a store");
    (Arc::new(kv), path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_in_a_scope_share_a_snapshot_and_see_their_own_writes() {
    let dir = tempfile::tempdir().expect("a folder");
    let (kv, _) = store(&dir);
    let (a, b) = (Key::new("p", "a"), Key::new("p", "b"));
    kv.batch(vec![put(&a, "a1", 0), put(&b, "b1", 0)]).await.expect("seeded");

    let scoped = kv.clone();
    let outside = a.clone();
    one_snapshot(async move {
        assert_eq!(value(&scoped, &a).await, "a1");
        // Another request (a task outside this scope) changes `a` meanwhile.
        let other = scoped.clone();
        let key = a.clone();
        tokio::spawn(async move { other.batch(vec![put(&key, "a2", 1)]).await }).await.unwrap().unwrap();
        assert_eq!(value(&scoped, &a).await, "a1", "the second read is of the same snapshot");

        // This request's own write ends the snapshot: what follows sees both changes.
        scoped.batch(vec![put(&b, "b2", 1)]).await.expect("written");
        assert_eq!(value(&scoped, &b).await, "b2");
        assert_eq!(value(&scoped, &a).await, "a2");

        // A write that loses its condition also ends it, so a retry reads what the winner wrote.
        let other = scoped.clone();
        let key = a.clone();
        tokio::spawn(async move { other.batch(vec![put(&key, "a3", 2)]).await }).await.unwrap().unwrap();
        assert!(scoped.batch(vec![put(&a, "lost", 2)]).await.is_err(), "a stale version is refused");
        let fresh = scoped.get(&a).await.unwrap().unwrap();
        assert_eq!((fresh.version, fresh.value), (3, b"a3".to_vec()));
    })
    .await;
    assert_eq!(value(&kv, &outside).await, "a3", "outside a scope reads are current");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_gives_its_snapshot_up_when_it_ends_or_is_dropped() {
    let dir = tempfile::tempdir().expect("a folder");
    let (kv, path) = store(&dir);
    let a = Key::new("p", "a");
    kv.batch(vec![put(&a, "a1", 0)]).await.expect("seeded");
    assert!(!a_snapshot_holds_the_log(&path));

    let scoped = kv.clone();
    let key = a.clone();
    let held = path.clone();
    one_snapshot(async move {
        // The snapshot begins with the first read; a write by another request then lands in the
        // log beyond it, and a checkpoint cannot pass a reader still inside it.
        value(&scoped, &key).await;
        let other = scoped.clone();
        let again = key.clone();
        tokio::spawn(async move { other.batch(vec![put(&again, "a2", 1)]).await }).await.unwrap().unwrap();
        assert!(a_snapshot_holds_the_log(&held), "the open snapshot holds the log");
    })
    .await;
    assert!(!a_snapshot_holds_the_log(&path), "an ended scope holds nothing");

    // A request dropped mid-way (a client that went away) gives its snapshot up too.
    let (started, wait) = tokio::sync::oneshot::channel();
    let scoped = kv.clone();
    let key = a.clone();
    let request = tokio::spawn(one_snapshot(async move {
        value(&scoped, &key).await;
        started.send(()).unwrap();
        std::future::pending::<()>().await;
    }));
    wait.await.unwrap();
    kv.batch(vec![put(&a, "a3", 2)]).await.expect("written");
    assert!(a_snapshot_holds_the_log(&path), "the pending request holds its snapshot");
    request.abort();
    assert!(request.await.unwrap_err().is_cancelled());
    assert!(!a_snapshot_holds_the_log(&path), "a dropped scope holds nothing");
    assert_eq!(value(&kv, &a).await, "a3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_scopes_at_once_read_current_values() {
    let dir = tempfile::tempdir().expect("a folder");
    let (kv, path) = store(&dir);
    let key = Key::new("p", "counter");
    kv.batch(vec![put(&key, "0", 0)]).await.expect("seeded");
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let kv = kv.clone();
        let key = key.clone();
        // Each adds one: read, write at the version read, and on a conflict read again and retry.
        tasks.push(tokio::spawn(one_snapshot(async move {
            for _ in 0..1000 {
                let item = kv.get(&key).await.unwrap().unwrap();
                let next: u64 = String::from_utf8(item.value).unwrap().parse::<u64>().unwrap() + 1;
                if kv.batch(vec![put(&key, &next.to_string(), item.version)]).await.is_ok() {
                    return;
                }
            }
            panic!("a thousand retries read a stale version");
        })));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(value(&kv, &key).await, "32", "no increment was lost to a stale snapshot");
    assert!(!a_snapshot_holds_the_log(&path));
}

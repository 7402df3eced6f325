//! The `SQLite` adapter against the key-value conformance suite, one fresh database file per case.

use std::sync::Arc;

use emmaus_memory::ManualClock;
use emmaus_ports::{Item, Key, KvError, KvStore, Page, Query, Write};
use emmaus_sqlite::SqliteKv;
use emmaus_testkit::kv::KvHarness;
use emmaus_testkit::{kv_conformance_tests, unique_namespace};
use tempfile::TempDir;

/// The store with the directory holding its file, so the directory lives exactly as long as the
/// harness's last handle on the store and is removed after the case, not before.
#[derive(Debug)]
struct InTempDir {
    kv: SqliteKv,
    _dir: TempDir,
}

#[async_trait::async_trait]
impl KvStore for InTempDir {
    fn adapter(&self) -> &'static str {
        self.kv.adapter()
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        self.kv.get(key).await
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        self.kv.query(query).await
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        self.kv.batch(writes).await
    }
}

async fn kv() -> KvHarness {
    let clock = Arc::new(ManualClock::default());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kv = SqliteKv::open(&dir.path().join("kv.sqlite3"), clock.clone()).expect("the database opens");
    assert_eq!(kv.adapter(), "sqlite");
    KvHarness { store: Arc::new(InTempDir { kv, _dir: dir }), clock, namespace: unique_namespace("sqlite") }
}

kv_conformance_tests!(kv);

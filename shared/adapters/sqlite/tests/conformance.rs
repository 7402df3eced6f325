//! The SQLite adapter against the key-value conformance suite, one fresh database file per case.

use std::sync::Arc;

use emmaus_memory::ManualClock;
use emmaus_ports::KvStore;
use emmaus_sqlite::SqliteKv;
use emmaus_testkit::kv::KvHarness;
use emmaus_testkit::kv_conformance_tests;

async fn kv() -> KvHarness {
    let clock = Arc::new(ManualClock::default());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kv = SqliteKv::open(&dir.path().join("kv.sqlite3"), clock.clone()).expect("the database opens");
    assert_eq!(kv.adapter(), "sqlite");
    // The folder is removed when the harness, and with it the case, is done.
    KvHarness::new(Arc::new(kv), clock, "sqlite").guarding(dir)
}

kv_conformance_tests!(kv);

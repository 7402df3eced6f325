//! The search conformance suite on `SqliteSearch`: in a file (WAL, pooled readers) and in memory.

use std::sync::Arc;

use emmaus_sqlite::SqliteSearch;
use emmaus_testkit::search::SearchHarness;

mod file {
    use super::*;

    async fn harness() -> SearchHarness {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let index = SqliteSearch::open(&dir.path().join("search.db")).expect("the index opens");
        SearchHarness::new(Arc::new(index), "sqlite-search").guarding(dir)
    }

    emmaus_testkit::search_conformance_tests!(harness);
}

mod memory {
    use super::*;

    async fn harness() -> SearchHarness {
        SearchHarness::new(Arc::new(SqliteSearch::in_memory().expect("the index opens")), "memory-search")
    }

    emmaus_testkit::search_conformance_tests!(harness);
}

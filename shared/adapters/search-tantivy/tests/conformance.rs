//! The search conformance suite on tantivy, in folders on disk and in memory.

use std::sync::Arc;

use emmaus_search_tantivy::TantivySearch;
use emmaus_testkit::search::SearchHarness;

mod folders {
    use super::*;

    async fn harness() -> SearchHarness {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let index = TantivySearch::open(dir.path().join("search")).expect("the index opens");
        SearchHarness::new(Arc::new(index), "tantivy-search").guarding(dir)
    }

    emmaus_testkit::search_conformance_tests!(harness);
}

mod memory {
    use super::*;

    async fn harness() -> SearchHarness {
        SearchHarness::new(Arc::new(TantivySearch::in_memory()), "tantivy-memory")
    }

    emmaus_testkit::search_conformance_tests!(harness);
}

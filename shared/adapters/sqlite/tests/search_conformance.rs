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

/// The Lambda host's snapshots, over the in-memory key-value and blob stores (the same suite runs
/// on DynamoDB and S3 in `emmaus-host-lambda`'s tests).
mod snapshots {
    use emmaus_memory::{ManualClock, MemoryBlobStore, MemoryKv, SequentialIds};
    use emmaus_ports::{SearchDoc, SearchIndex as _, SearchQuery, UrlSigner};
    use emmaus_sqlite::SnapshotSearch;

    use super::*;

    fn snapshots(dir: &std::path::Path) -> SnapshotSearch {
        let clock = Arc::new(ManualClock::default());
        let kv = Arc::new(MemoryKv::new(clock.clone()));
        // Small parts, so every snapshot of the suite is stored in several.
        let blobs = Arc::new(MemoryBlobStore::new(16 * 1024, clock.clone(), UrlSigner::new("", vec![0; 32])));
        let ids = Arc::new(SequentialIds::default());
        SnapshotSearch::new(kv, blobs, ids, clock, dir).expect("the cache folder is made")
    }

    /// A library indexed elsewhere (a rebuild) becomes the snapshot, and later changes apply on top.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_file_built_elsewhere_is_published_and_changes_apply_on_top() {
        let dir = tempfile::tempdir().unwrap();
        let built = dir.path().join("rebuilt.db");
        let rebuild = SqliteSearch::open(&built).unwrap();
        rebuild.index("org1", vec![doc("old", "rebuilt library")]).await.unwrap();
        drop(rebuild);
        let index = snapshots(&dir.path().join("cache"));
        index.index("org1", vec![doc("new", "journaled library")]).await.unwrap();
        index.publish_file("org1", &built).await.expect("the file is published");
        let query = SearchQuery::new("library", vec!["all".to_owned()]);
        let ids = |found: emmaus_ports::SearchResults| found.hits.into_iter().map(|hit| hit.id).collect::<Vec<_>>();
        assert_eq!(ids(index.search("org1", &query).await.unwrap()), ["old"]);
        index.refresh().await.unwrap();
        assert_eq!(ids(index.search("org1", &query).await.unwrap()), ["new", "old"]);
    }

    /// What `refresh` promises holds while another instance (another Lambda's job) refreshes the
    /// same stores all along: a change made before a refresh is found when it returns.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_refresh_publishes_while_another_instance_refreshes_too() {
        let (dir, other_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let clock = Arc::new(ManualClock::default());
        let kv = Arc::new(MemoryKv::new(clock.clone()));
        let blobs = Arc::new(MemoryBlobStore::new(16 * 1024, clock.clone(), UrlSigner::new("", vec![0; 32])));
        let ids = Arc::new(emmaus_ports::RandomIds::new(Arc::new(emmaus_ports::SystemClock)));
        let mine = SnapshotSearch::new(kv.clone(), blobs.clone(), ids.clone(), clock.clone(), dir.path()).unwrap();
        let other = Arc::new(SnapshotSearch::new(kv, blobs, ids, clock, other_dir.path()).unwrap());
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let background = {
            let (other, done) = (other.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    other.refresh().await.expect("the other refresh succeeds");
                    tokio::task::yield_now().await;
                }
            })
        };
        for n in 0..30 {
            let id = format!("d{n}");
            mine.index("org1", vec![doc(&id, &format!("word{n}"))]).await.expect("indexing succeeds");
            mine.refresh().await.expect("the refresh succeeds");
            let query = SearchQuery::new(format!("word{n}"), vec!["all".to_owned()]);
            let found = mine.search("org1", &query).await.expect("searching succeeds");
            assert_eq!(
                found.hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
                [id.as_str()],
                "after refresh {n}"
            );
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        background.await.unwrap();
    }

    /// A store that holds a query of one partition, once, after it has read: the test learns that
    /// the query was made and says when its answer may go back, so two publishers can be
    /// interleaved exactly.
    #[derive(Debug)]
    struct Holding {
        inner: Arc<dyn emmaus_ports::KvStore>,
        holds: std::sync::Mutex<Vec<Hold>>,
    }

    #[derive(Debug)]
    struct Hold {
        partition: String,
        reached: tokio::sync::oneshot::Sender<()>,
        resume: tokio::sync::oneshot::Receiver<()>,
    }

    impl Holding {
        /// Holds the next query of `partition`; returns (query made, let it go).
        fn hold(&self, partition: &str) -> (tokio::sync::oneshot::Receiver<()>, tokio::sync::oneshot::Sender<()>) {
            let (reached, made) = tokio::sync::oneshot::channel();
            let (go, resume) = tokio::sync::oneshot::channel();
            self.holds.lock().unwrap().push(Hold { partition: partition.to_owned(), reached, resume });
            (made, go)
        }
    }

    #[async_trait::async_trait]
    impl emmaus_ports::KvStore for Holding {
        fn adapter(&self) -> &'static str {
            "holding"
        }
        async fn get(&self, key: &emmaus_ports::Key) -> Result<Option<emmaus_ports::Item>, emmaus_ports::KvError> {
            self.inner.get(key).await
        }
        async fn query(&self, query: &emmaus_ports::Query) -> Result<emmaus_ports::Page, emmaus_ports::KvError> {
            let page = self.inner.query(query).await;
            let hold = {
                let mut holds = self.holds.lock().unwrap();
                holds.iter().position(|h| h.partition == query.partition).map(|at| holds.remove(at))
            };
            if let Some(hold) = hold {
                let _ = hold.reached.send(());
                let _ = hold.resume.await;
            }
            page
        }
        async fn batch(&self, writes: Vec<emmaus_ports::Write>) -> Result<(), emmaus_ports::KvError> {
            self.inner.batch(writes).await
        }
    }

    /// A publisher that read an organisation's mark, then found nothing left to publish, must not
    /// clear the mark a writer set after it read the journal: the writer's change would never be
    /// published. (The mark once went by deletion at the version read, and a mark deleted and
    /// written again was back at that same version.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_publisher_cannot_clear_a_mark_set_after_it_read_the_journal() {
        let (dir, other_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let clock = Arc::new(ManualClock::default());
        let kv: Arc<dyn emmaus_ports::KvStore> = Arc::new(MemoryKv::new(clock.clone()));
        let blobs = Arc::new(MemoryBlobStore::new(16 * 1024, clock.clone(), UrlSigner::new("", vec![0; 32])));
        let ids = Arc::new(SequentialIds::default());
        let mine = SnapshotSearch::new(kv.clone(), blobs.clone(), ids.clone(), clock.clone(), dir.path()).unwrap();
        let holding = Arc::new(Holding { inner: kv, holds: std::sync::Mutex::default() });
        let other = Arc::new(SnapshotSearch::new(holding.clone(), blobs, ids, clock, other_dir.path()).unwrap());
        let found = |query: &str| {
            let query = SearchQuery::new(query, vec!["all".to_owned()]);
            let mine = &mine;
            async move {
                let results = mine.search("org1", &query).await.expect("searching succeeds");
                results.hits.into_iter().map(|hit| hit.id).collect::<Vec<_>>()
            }
        };

        mine.index("org1", vec![doc("first", "first")]).await.unwrap();
        // The other publisher reads the mark set for "first", and waits there.
        let (marks_read, go_on) = holding.hold("search-pending");
        let (journal_read, go_on_after_journal) = holding.hold("org#org1#search-journal");
        let slow = tokio::spawn({
            let other = other.clone();
            async move { other.refresh().await }
        });
        marks_read.await.unwrap();
        // Meanwhile "first" is published here, and the other finds the journal empty.
        mine.refresh().await.unwrap();
        assert_eq!(found("first").await, ["first"]);
        go_on.send(()).unwrap();
        journal_read.await.unwrap();
        // Before it settles the mark, a second change is journaled and marks the organisation.
        mine.index("org1", vec![doc("second", "second")]).await.unwrap();
        go_on_after_journal.send(()).unwrap();
        slow.await.unwrap().expect("the slow refresh succeeds");

        mine.refresh().await.unwrap();
        assert_eq!(found("second").await, ["second"], "the change marked after the slow publisher read is published");
    }

    async fn harness() -> SearchHarness {
        let dir = tempfile::tempdir().expect("a temporary folder");
        SearchHarness::new(Arc::new(snapshots(dir.path())), "snapshot-search").guarding(dir)
    }

    fn doc(id: &str, text: &str) -> SearchDoc {
        SearchDoc { id: id.to_owned(), title: text.to_owned(), readers: vec!["all".to_owned()], ..SearchDoc::default() }
    }

    /// Writers and publishers at once: every document ends up searchable in its last state, however
    /// the refreshes interleave with the writes and with each other.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writes_and_refreshes_lose_nothing() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let index = Arc::new(snapshots(dir.path()));
        let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let publishers: Vec<_> = (0..2)
            .map(|_| {
                let (index, writing) = (index.clone(), writing.clone());
                tokio::spawn(async move {
                    while writing.load(std::sync::atomic::Ordering::SeqCst) {
                        index.refresh().await.expect("a refresh succeeds");
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let index = index.clone();
                tokio::spawn(async move {
                    for d in 0..10 {
                        let id = format!("w{w}-d{d}");
                        index.index("org1", vec![doc(&id, "draft")]).await.expect("indexing succeeds");
                        index.index("org1", vec![doc(&id, "final")]).await.expect("indexing succeeds");
                        if d % 3 == 0 {
                            index.delete("org1", &[format!("w{w}-gone")]).await.expect("deleting succeeds");
                        }
                    }
                    index.index("org1", vec![doc(&format!("w{w}-gone"), "final")]).await.expect("indexing succeeds");
                    index.delete("org1", &[format!("w{w}-gone")]).await.expect("deleting succeeds");
                })
            })
            .collect();
        for writer in writers {
            writer.await.expect("a writer finishes");
        }
        writing.store(false, std::sync::atomic::Ordering::SeqCst);
        for publisher in publishers {
            publisher.await.expect("a publisher finishes");
        }
        index.refresh().await.expect("the last refresh succeeds");
        let query = SearchQuery::new("", vec!["all".to_owned()]).page(0, 100);
        let found = index.search("org1", &query).await.expect("searching succeeds");
        assert_eq!(found.total, 40, "{:?}", found.hits.iter().map(|h| &h.id).collect::<Vec<_>>());
        assert!(found.hits.iter().all(|hit| emmaus_ports::search::plain(&hit.title) == "final"));
        assert!(found.hits.iter().all(|hit| !hit.id.ends_with("gone")));
        let drafts = index.search("org1", &SearchQuery::new("draft", vec!["all".to_owned()])).await.unwrap();
        assert_eq!(drafts.total, 0);
    }

    emmaus_testkit::search_conformance_tests!(harness);
}

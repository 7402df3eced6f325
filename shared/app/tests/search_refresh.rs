//! The outbox job makes indexed documents searchable on a host whose index publishes snapshots
//! (Lambda's), where an index write alone is not yet visible.

use std::sync::Arc;

use emmaus_app::Platform;
use emmaus_app::jobs::{APPLY_OUTBOX, Outcome};
use emmaus_ports::{SearchDoc, SearchQuery};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_job_publishes_what_was_indexed() {
    let (mut platform, _clock) = Platform::in_memory("lambda");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let snapshots = emmaus_sqlite::SnapshotSearch::new(
        platform.kv.clone(),
        platform.blobs.clone(),
        platform.ids.clone(),
        platform.clock.clone(),
        dir.path(),
    )
    .expect("the cache folder is made");
    platform.search = Arc::new(snapshots);
    let doc = SearchDoc {
        id: "r1".into(),
        title: "Lectio divina".into(),
        readers: vec!["org".into()],
        ..SearchDoc::default()
    };
    platform.search.index("org1", vec![doc]).await.expect("indexing succeeds");
    let query = SearchQuery::new("lectio", vec!["org".into()]);
    assert_eq!(platform.search.search("org1", &query).await.unwrap().total, 0, "not yet published");
    let outcome = (APPLY_OUTBOX.run)(platform.clone(), platform.clock.now()).await;
    assert!(matches!(outcome, Outcome::Idle | Outcome::Done(_)), "{outcome:?}");
    let found = platform.search.search("org1", &query).await.expect("searching succeeds");
    assert_eq!(found.hits.iter().map(|hit| hit.id.as_str()).collect::<Vec<_>>(), ["r1"]);
}

//! Two handles on one folder, as the server and an `emmaus reindex` beside it are: the second
//! takes the index's lock once the first has let it go (`refresh`), a writer waits for a lock that
//! stays taken only a few seconds before it says so, and each sees the other's changes.

use std::time::{Duration, Instant};

use emmaus_ports::{SearchDoc, SearchError, SearchIndex as _, SearchQuery};
use emmaus_search_tantivy::TantivySearch;

fn doc(id: &str, body: &str) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        title: id.into(),
        body: body.into(),
        readers: vec!["org".into()],
        ..SearchDoc::default()
    }
}

async fn ids(index: &TantivySearch, text: &str) -> Vec<String> {
    let query = SearchQuery::new(text, vec!["org".into()]);
    index.search("org-1", &query).await.unwrap().hits.into_iter().map(|hit| hit.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_writer_waits_for_the_first_to_let_go_and_both_see_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let server = TantivySearch::open(dir.path().join("search")).unwrap();
    let command = TantivySearch::open(dir.path().join("search")).unwrap();
    server.index("org-1", vec![doc("a", "mustard seed")]).await.unwrap();

    // The server still holds the writer: the command waits, then says why it gave up.
    let started = Instant::now();
    let refused = command.index("org-1", vec![doc("b", "lost sheep")]).await;
    assert!(
        matches!(&refused, Err(SearchError::Unavailable(message)) if message.contains("another emmaus process")),
        "{refused:?}"
    );
    assert!(started.elapsed() >= Duration::from_secs(4), "it waited for the lock");

    // Once the server's outbox run has refreshed, the lock is free.
    server.refresh().await.unwrap();
    command.index("org-1", vec![doc("b", "lost sheep")]).await.unwrap();
    assert_eq!(ids(&command, "mustard").await, ["a"], "the command reads the server's change");
    command.refresh().await.unwrap();

    // The server's reader follows the other handle's commits by itself, within a second or two.
    let deadline = Instant::now() + Duration::from_secs(10);
    while ids(&server, "sheep").await.is_empty() {
        assert!(Instant::now() < deadline, "the server never saw the command's change");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // And the server writes again after the command let go.
    server.index("org-1", vec![doc("c", "the sower")]).await.unwrap();
    assert_eq!(ids(&server, "sower").await, ["c"]);
}

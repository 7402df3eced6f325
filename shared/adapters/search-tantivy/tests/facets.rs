//! Facets are counted two ways (from the column for a narrow search, from the postings for a broad
//! one; `collect.rs`): both must give the same counts, whichever a search takes.

use std::collections::BTreeMap;

use emmaus_ports::{SearchDoc, SearchIndex as _, SearchQuery};
use emmaus_search_tantivy::TantivySearch;

const KINDS: [&str; 3] = ["audio", "book", "clip"];

fn library() -> Vec<SearchDoc> {
    (0..96)
        .map(|i| {
            let mut doc = SearchDoc {
                id: format!("d{i:02}"),
                title: format!("Item {i}"),
                // Every document says "common"; the first six "sixfold"; each its own "only{i}".
                body: format!("common only{i} {}", if i < 6 { "sixfold" } else { "" }),
                readers: vec!["org".into()],
                ..SearchDoc::default()
            };
            doc.keywords.insert("kind".into(), vec![KINDS[i % 3].into()]);
            doc.paths.insert("tags".into(), vec![format!("topic/t{}", i % 4)]);
            doc
        })
        .collect()
}

fn expected(matching: impl Fn(usize) -> bool) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let (mut kinds, mut tags) = (BTreeMap::new(), BTreeMap::new());
    for i in (0..96).filter(|i| matching(*i)) {
        *kinds.entry(KINDS[i % 3].to_owned()).or_default() += 1;
        *tags.entry("topic".to_owned()).or_default() += 1;
        *tags.entry(format!("topic/t{}", i % 4)).or_default() += 1;
    }
    (kinds, tags)
}

async fn counted(index: &TantivySearch, text: &str) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let query = SearchQuery::new(text, vec!["org".into()]).facet("kind").facet("tags");
    let results = index.search("org-1", &query).await.unwrap();
    let map = |field: &str| results.facets[field].iter().map(|c| (c.value.clone(), c.count)).collect();
    (map("kind"), map("tags"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrow_and_broad_searches_count_the_same_facets() {
    let index = TantivySearch::in_memory();
    for chunk in library().chunks(48) {
        index.index("org-1", chunk.to_vec()).await.unwrap();
    }
    index.refresh().await.unwrap();
    // One match in 96 is narrow (the column), six in 96 and all of them are broad (the postings).
    assert_eq!(counted(&index, "only17").await, expected(|i| i == 17), "narrow");
    assert_eq!(counted(&index, "sixfold").await, expected(|i| i < 6), "broad");
    assert_eq!(counted(&index, "common").await, expected(|_| true), "everything");
    assert_eq!(counted(&index, "nothing").await, (BTreeMap::new(), BTreeMap::new()), "no match counts nothing");
}

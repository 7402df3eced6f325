//! The search conformance suite: the `SearchIndex` contract of `emmaus_ports::search`, case by case.

pub mod corpus;

use std::collections::BTreeMap;
use std::sync::Arc;

use emmaus_ports::search::{MAX_INDEX_BATCH, plain};
use emmaus_ports::{Filter, SearchDoc, SearchError, SearchIndex, SearchQuery, SearchResults, Sort, Weights};

/// An index under test and a namespace that keeps cases apart (organisation ids start with it).
pub struct SearchHarness {
    pub index: Arc<dyn SearchIndex>,
    pub namespace: String,
    /// Whatever must outlive the case (a temporary folder, a server), dropped after it.
    pub guard: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for SearchHarness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchHarness")
            .field("index", &self.index)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl SearchHarness {
    pub fn new(index: Arc<dyn SearchIndex>, label: &str) -> Self {
        Self { index, namespace: crate::unique_namespace(label), guard: None }
    }

    #[must_use]
    pub fn guarding(mut self, guard: impl std::any::Any + Send + Sync) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }

    fn org(&self, name: &str) -> String {
        format!("{}-{name}", self.namespace)
    }

    /// Indexes into organisation `org` and makes it searchable.
    async fn put(&self, org: &str, docs: Vec<SearchDoc>) {
        self.index.index(&self.org(org), docs).await.expect("indexing succeeds");
        self.index.refresh().await.expect("refresh succeeds");
    }

    async fn remove(&self, org: &str, ids: &[&str]) {
        let ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
        self.index.delete(&self.org(org), &ids).await.expect("deleting succeeds");
        self.index.refresh().await.expect("refresh succeeds");
    }

    async fn find(&self, org: &str, query: SearchQuery) -> SearchResults {
        self.index.search(&self.org(org), &query).await.unwrap_or_else(|e| panic!("{query:?} failed: {e:?}"))
    }

    /// The ids a query finds in `org`, in order, for the reader `everyone`.
    async fn ids(&self, org: &str, query: SearchQuery) -> Vec<String> {
        self.find(org, query).await.hits.into_iter().map(|hit| hit.id).collect()
    }
}

/// A document readable by `everyone`.
fn doc(id: &str, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        id: id.to_owned(),
        title: title.to_owned(),
        body: body.to_owned(),
        readers: vec!["everyone".to_owned()],
        ..SearchDoc::default()
    }
}

fn with_keyword(mut doc: SearchDoc, field: &str, values: &[&str]) -> SearchDoc {
    doc.keywords.insert(field.to_owned(), values.iter().map(|v| (*v).to_owned()).collect());
    doc
}

fn with_path(mut doc: SearchDoc, field: &str, values: &[&str]) -> SearchDoc {
    doc.paths.insert(field.to_owned(), values.iter().map(|v| (*v).to_owned()).collect());
    doc
}

fn with_date(mut doc: SearchDoc, field: &str, value: i64) -> SearchDoc {
    doc.dates.insert(field.to_owned(), value);
    doc
}

fn q(text: &str) -> SearchQuery {
    SearchQuery::new(text, vec!["everyone".to_owned()])
}

fn facet_map(results: &SearchResults, field: &str) -> BTreeMap<String, u64> {
    results
        .facets
        .get(field)
        .map(|counts| counts.iter().map(|c| (c.value.clone(), c.count)).collect())
        .unwrap_or_default()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn must_be_invalid<T: std::fmt::Debug>(result: &Result<T, SearchError>, what: &str) {
    assert!(matches!(result, Err(SearchError::Invalid(_))), "{what}: expected Invalid, got {result:?}");
}

/// Expands to one `#[tokio::test]` per case, each calling `$make().await` for a fresh harness.
#[macro_export]
macro_rules! search_conformance_tests {
    ($make:path) => {
        $crate::__search_cases!(@tests $make);
    };
    // For indexes behind a server the run may not have: `$make` returns `Option<Harness>`.
    (optional $make:path) => {
        $crate::__search_cases!(@optional $make);
    };
}

/// The one list of cases, expanded as tests (`@tests make`) or as the table of [`search_cases`] (`@table`).
#[doc(hidden)]
#[macro_export]
macro_rules! __search_cases {
    (@expand [@tests $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::search::$case($make().await).await;
            }
        )*
    };
    (@expand [@optional $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                if let Some(harness) = $make().await {
                    $crate::search::$case(harness).await;
                }
            }
        )*
    };
    (@expand [@table] $($case:ident),* $(,)?) => {
        vec![$((
            stringify!($case),
            (|h: $crate::search::SearchHarness| -> $crate::CaseFuture { Box::pin($crate::search::$case(h)) }) as $crate::search::SearchCase,
        )),*]
    };
    ($($mode:tt)*) => {
        $crate::__search_cases! { @expand [$($mode)*]
            a_document_is_found_by_a_word_of_each_text_field,
            every_term_must_match_and_matches_as_a_prefix,
            case_and_diacritics_are_ignored,
            a_quoted_phrase_matches_words_in_order,
            title_words_outrank_body_words_by_their_weights,
            a_word_used_more_often_ranks_higher,
            reindexing_replaces_a_document_and_is_idempotent,
            deleted_documents_are_gone_and_unknown_ids_are_ignored,
            keyword_filters_admit_any_of_their_values,
            path_filters_admit_the_path_and_what_is_below_it,
            date_filters_are_half_open,
            the_permission_filter_holds_for_hits_totals_and_facets,
            organisations_are_strictly_separate,
            sorting_by_a_date_or_keyword_field_in_both_directions,
            facets_count_values_and_path_ancestors_of_the_matches,
            snippets_mark_the_matching_words_and_cannot_be_forged,
            paging_covers_every_match_exactly_once,
            an_empty_text_lists_every_visible_document,
            query_syntax_in_the_text_is_taken_as_words,
            greek_hebrew_and_korean_words_are_found,
            invalid_requests_are_refused,
        }
    };
}

/// One case of the suite: takes a fresh harness, panics when the adapter breaks the contract.
pub type SearchCase = fn(SearchHarness) -> crate::CaseFuture;

/// Every case by name, the same list the tests macro expands.
pub fn search_cases() -> Vec<(&'static str, SearchCase)> {
    crate::__search_cases!(@table)
}

pub async fn a_document_is_found_by_a_word_of_each_text_field(h: SearchHarness) {
    let mut note = doc("n1", "Sermon on grace", "The prodigal son comes home");
    "A teaching for the spring retreat".clone_into(&mut note.summary);
    h.put("a", vec![note, doc("n2", "Budget", "Numbers for the treasurer")]).await;
    for word in ["sermon", "retreat", "prodigal"] {
        assert_eq!(h.ids("a", q(word)).await, ["n1"], "searching {word}");
    }
    assert!(h.ids("a", q("unrelated")).await.is_empty());
}

pub async fn every_term_must_match_and_matches_as_a_prefix(h: SearchHarness) {
    h.put("a", vec![doc("d1", "Grace and truth", "John one"), doc("d2", "Grace alone", "Romans")]).await;
    assert_eq!(sorted(h.ids("a", q("grac")).await), ["d1", "d2"]);
    assert_eq!(h.ids("a", q("grace tru")).await, ["d1"]);
    assert!(h.ids("a", q("grace zebra")).await.is_empty(), "every term must match");
    assert!(h.ids("a", q("race")).await.is_empty(), "a term matches the start of a word only");
}

pub async fn case_and_diacritics_are_ignored(h: SearchHarness) {
    h.put("a", vec![doc("d1", "L'Église et la Pâque", "Über den Glauben")]).await;
    for word in ["eglise", "ÉGLISE", "paque", "uber", "GLAUBEN"] {
        assert_eq!(h.ids("a", q(word)).await, ["d1"], "searching {word}");
    }
}

pub async fn a_quoted_phrase_matches_words_in_order(h: SearchHarness) {
    h.put("a", vec![doc("d1", "Living water", "John four"), doc("d2", "Water for the living", "A psalm")]).await;
    assert_eq!(h.ids("a", q("\"living water\"")).await, ["d1"]);
    assert_eq!(sorted(h.ids("a", q("living water")).await), ["d1", "d2"]);
}

pub async fn title_words_outrank_body_words_by_their_weights(h: SearchHarness) {
    let filler = "and so the evening went on with songs and prayer";
    h.put(
        "a",
        vec![
            doc("in-body", "Evening notes", &format!("{filler} about forgiveness")),
            doc("in-title", "Forgiveness", filler),
        ],
    )
    .await;
    assert_eq!(h.ids("a", q("forgiveness")).await, ["in-title", "in-body"]);
    let mut body_first = q("forgiveness");
    body_first.weights = Weights { title: 0.0, summary: 0.0, body: 10.0 };
    assert_eq!(h.ids("a", body_first).await.first().map(String::as_str), Some("in-body"));
    let scores: Vec<f64> = h.find("a", q("forgiveness")).await.hits.iter().map(|hit| hit.score).collect();
    assert!(scores[0] > scores[1], "scores are larger for better hits: {scores:?}");
}

pub async fn a_word_used_more_often_ranks_higher(h: SearchHarness) {
    h.put(
        "a",
        vec![
            doc("once", "Notes", "hope came to the village with the dawn and rain"),
            doc("thrice", "Notes", "hope came to the village hope with the dawn hope"),
            doc("never", "Notes", "nothing came to the village with the dawn and rain"),
        ],
    )
    .await;
    assert_eq!(h.ids("a", q("hope")).await, ["thrice", "once"]);
}

pub async fn reindexing_replaces_a_document_and_is_idempotent(h: SearchHarness) {
    let first = with_keyword(doc("d1", "Old title", "Body"), "kind", &["note"]);
    h.put("a", vec![first.clone()]).await;
    h.put("a", vec![first]).await;
    let all = h.find("a", q("").facet("kind")).await;
    assert_eq!(all.total, 1, "indexing the same document twice keeps one");
    assert_eq!(facet_map(&all, "kind"), BTreeMap::from([("note".to_owned(), 1)]));
    h.put("a", vec![with_keyword(doc("d1", "New heading", "Body"), "kind", &["link"])]).await;
    assert!(h.ids("a", q("old")).await.is_empty(), "the old text is gone");
    assert_eq!(h.ids("a", q("heading")).await, ["d1"]);
    let kinds = h.find("a", q("").facet("kind")).await;
    assert_eq!(facet_map(&kinds, "kind"), BTreeMap::from([("link".to_owned(), 1)]), "the old keyword is gone");
}

pub async fn deleted_documents_are_gone_and_unknown_ids_are_ignored(h: SearchHarness) {
    h.put("a", vec![doc("d1", "Advent", "Waiting"), doc("d2", "Advent wreath", "Candles")]).await;
    h.remove("a", &["d1", "never-indexed"]).await;
    assert_eq!(h.ids("a", q("advent")).await, ["d2"]);
    assert_eq!(h.find("a", q("")).await.total, 1);
    h.remove("a", &["d1"]).await;
    assert_eq!(h.ids("a", q("advent")).await, ["d2"], "deleting twice is harmless");
}

pub async fn keyword_filters_admit_any_of_their_values(h: SearchHarness) {
    h.put(
        "a",
        vec![
            with_keyword(doc("n", "Psalm notes", "x"), "kind", &["note"]),
            with_keyword(doc("f", "Psalm slides", "x"), "kind", &["file"]),
            with_keyword(doc("l", "Psalm link", "x"), "kind", &["link"]),
            doc("none", "Psalm bare", "x"),
        ],
    )
    .await;
    let kinds = |values: &[&str]| Filter::Keyword {
        field: "kind".to_owned(),
        any_of: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    assert_eq!(h.ids("a", q("psalm").filter(kinds(&["note"]))).await, ["n"]);
    assert_eq!(sorted(h.ids("a", q("psalm").filter(kinds(&["note", "link"]))).await), ["l", "n"]);
    assert!(h.ids("a", q("psalm").filter(kinds(&["video"]))).await.is_empty());
    let two_filters = q("").filter(kinds(&["note", "file"])).filter(kinds(&["file"]));
    assert_eq!(h.ids("a", two_filters).await, ["f"], "every filter must hold");
}

pub async fn path_filters_admit_the_path_and_what_is_below_it(h: SearchHarness) {
    h.put(
        "a",
        vec![
            with_path(doc("grace", "One", "x"), "tags", &["theology/grace"]),
            with_path(doc("law", "Two", "x"), "tags", &["theology/law", "ethics"]),
            with_path(doc("top", "Three", "x"), "tags", &["theology"]),
            with_path(doc("grace-deep", "Four", "x"), "tags", &["theology/grace/sola"]),
            with_path(doc("other", "Five", "x"), "tags", &["theologyx/grace"]),
        ],
    )
    .await;
    let under = |path: &str| Filter::Path { field: "tags".to_owned(), under: path.to_owned() };
    assert_eq!(sorted(h.ids("a", q("").filter(under("theology"))).await), ["grace", "grace-deep", "law", "top"]);
    assert_eq!(sorted(h.ids("a", q("").filter(under("theology/grace"))).await), ["grace", "grace-deep"]);
    assert!(h.ids("a", q("").filter(under("theology/gr"))).await.is_empty(), "a path is not a string prefix");
    assert_eq!(h.ids("a", q("").filter(under("ethics"))).await, ["law"]);
}

pub async fn date_filters_are_half_open(h: SearchHarness) {
    h.put(
        "a",
        vec![
            with_date(doc("jan", "Meeting", "x"), "held", 1_000),
            with_date(doc("feb", "Meeting", "x"), "held", 2_000),
            with_date(doc("mar", "Meeting", "x"), "held", 3_000),
            doc("undated", "Meeting", "x"),
        ],
    )
    .await;
    let held = |from: Option<i64>, to: Option<i64>| Filter::Date { field: "held".to_owned(), from, to };
    assert_eq!(sorted(h.ids("a", q("meeting").filter(held(Some(1_000), Some(3_000)))).await), ["feb", "jan"]);
    assert_eq!(sorted(h.ids("a", q("meeting").filter(held(Some(2_000), None))).await), ["feb", "mar"]);
    assert_eq!(h.ids("a", q("meeting").filter(held(None, Some(1_001)))).await, ["jan"]);
    assert!(h.ids("a", q("meeting").filter(held(Some(3_001), None))).await.is_empty());
}

pub async fn the_permission_filter_holds_for_hits_totals_and_facets(h: SearchHarness) {
    let mut mine = with_keyword(doc("mine", "Private journal", "prayer"), "kind", &["note"]);
    mine.readers = vec!["person:ann".to_owned()];
    let mut group = with_keyword(doc("group", "Group notes", "prayer"), "kind", &["file"]);
    group.readers = vec!["group:youth".to_owned(), "role:admin".to_owned()];
    let open = with_keyword(doc("open", "Open notes", "prayer"), "kind", &["link"]);
    h.put("a", vec![mine, group, open]).await;
    let as_readers =
        |readers: &[&str]| SearchQuery::new("prayer", readers.iter().map(|r| (*r).to_owned()).collect()).facet("kind");
    let bob = h.find("a", as_readers(&["person:bob", "everyone"])).await;
    assert_eq!(bob.hits.iter().map(|hit| hit.id.as_str()).collect::<Vec<_>>(), ["open"]);
    assert_eq!(bob.total, 1, "the total counts only what the reader may see");
    assert_eq!(facet_map(&bob, "kind"), BTreeMap::from([("link".to_owned(), 1)]), "so do the facets");
    let ann = h.find("a", as_readers(&["person:ann", "group:youth", "everyone"])).await;
    assert_eq!(ann.total, 3);
    assert_eq!(sorted(ann.hits.into_iter().map(|hit| hit.id).collect()), ["group", "mine", "open"]);
    let admin = h.find("a", as_readers(&["role:admin"])).await;
    assert_eq!(admin.hits.iter().map(|hit| hit.id.as_str()).collect::<Vec<_>>(), ["group"]);
}

pub async fn organisations_are_strictly_separate(h: SearchHarness) {
    h.put("a", vec![with_keyword(doc("same-id", "Alpha's psalm", "shared word"), "kind", &["note"])]).await;
    h.put("b", vec![with_keyword(doc("same-id", "Beta's psalm", "shared word"), "kind", &["file"])]).await;
    h.put("b", vec![doc("b-only", "Beta only", "shared word")]).await;
    let in_a = h.find("a", q("shared").facet("kind")).await;
    assert_eq!(in_a.total, 1);
    assert_eq!(plain(&in_a.hits[0].title), "Alpha's psalm");
    assert_eq!(facet_map(&in_a, "kind"), BTreeMap::from([("note".to_owned(), 1)]));
    assert!(h.ids("a", q("beta")).await.is_empty());
    h.remove("a", &["same-id", "b-only"]).await;
    assert!(h.ids("a", q("shared")).await.is_empty());
    assert_eq!(sorted(h.ids("b", q("shared")).await), ["b-only", "same-id"], "deleting in one leaves the other");
    assert!(h.ids("c", q("shared")).await.is_empty(), "an organisation with nothing indexed finds nothing");
}

pub async fn sorting_by_a_date_or_keyword_field_in_both_directions(h: SearchHarness) {
    h.put(
        "a",
        vec![
            with_keyword(with_date(doc("b", "Hymn", "x"), "updated", 20), "title_key", &["beta"]),
            with_keyword(with_date(doc("a", "Hymn", "x"), "updated", 30), "title_key", &["alpha"]),
            with_keyword(with_date(doc("c", "Hymn", "x"), "updated", 10), "title_key", &["gamma"]),
            doc("z", "Hymn", "x"),
        ],
    )
    .await;
    let by_date = |descending| q("hymn").sorted(Sort::Date { field: "updated".to_owned(), descending });
    assert_eq!(h.ids("a", by_date(false)).await, ["c", "b", "a", "z"], "without the field comes last");
    assert_eq!(h.ids("a", by_date(true)).await, ["a", "b", "c", "z"]);
    let by_key = |descending| q("").sorted(Sort::Keyword { field: "title_key".to_owned(), descending });
    assert_eq!(h.ids("a", by_key(false)).await, ["a", "b", "c", "z"]);
    assert_eq!(h.ids("a", by_key(true)).await, ["c", "b", "a", "z"]);
}

pub async fn facets_count_values_and_path_ancestors_of_the_matches(h: SearchHarness) {
    h.put(
        "a",
        vec![
            with_path(with_keyword(doc("1", "Lent study", "x"), "kind", &["note"]), "tags", &["theology/grace"]),
            with_path(with_keyword(doc("2", "Lent slides", "x"), "kind", &["file"]), "tags", &["theology/law"]),
            with_path(with_keyword(doc("3", "Lent notes", "x"), "kind", &["note"]), "tags", &["ethics"]),
            with_path(with_keyword(doc("4", "Easter", "x"), "kind", &["note"]), "tags", &["theology/grace"]),
        ],
    )
    .await;
    let results = h.find("a", q("lent").facet("kind").facet("tags")).await;
    assert_eq!(results.total, 3);
    assert_eq!(facet_map(&results, "kind"), BTreeMap::from([("file".to_owned(), 1), ("note".to_owned(), 2)]));
    let tags = facet_map(&results, "tags");
    let expected = [("ethics", 1), ("theology", 2), ("theology/grace", 1), ("theology/law", 1)];
    assert_eq!(tags, expected.into_iter().map(|(v, n)| (v.to_owned(), n)).collect());
    let kinds: Vec<u64> = results.facets["kind"].iter().map(|c| c.count).collect();
    assert_eq!(kinds, [2, 1], "most frequent first");
    let missing = h.find("a", q("lent").facet("colour")).await;
    assert!(missing.facets.get("colour").is_none_or(Vec::is_empty), "a field nobody has counts nothing");
}

pub async fn snippets_mark_the_matching_words_and_cannot_be_forged(h: SearchHarness) {
    let long = "word ".repeat(200);
    let body = format!("{long} the shepherd leaves the ninety-nine {long}");
    let forged = format!("A \u{E000}forged\u{E001} mark about the shepherd {long}");
    h.put("a", vec![doc("d1", "The good shepherd", &body), doc("d2", "Other", &forged)]).await;
    let results = h.find("a", q("shepherd")).await;
    let first = results.hits.iter().find(|hit| hit.id == "d1").expect("d1 found");
    assert_eq!(plain(&first.title), "The good shepherd");
    let marked: Vec<&str> = first.title.iter().filter(|s| s.hit).map(|s| s.text.as_str()).collect();
    assert_eq!(marked, ["shepherd"]);
    let snippet = plain(&first.snippet);
    assert!(snippet.contains("shepherd"), "{snippet}");
    assert!(snippet.len() < body.len() / 4, "a snippet is a passage, not the body: {} bytes", snippet.len());
    assert!(first.snippet.iter().any(|s| s.hit && s.text.eq_ignore_ascii_case("shepherd")));
    let second = results.hits.iter().find(|hit| hit.id == "d2").expect("d2 found");
    for segment in second.title.iter().chain(&second.snippet) {
        assert!(!segment.hit || segment.text.eq_ignore_ascii_case("shepherd"), "forged mark in {segment:?}");
        assert!(!segment.text.contains(['\u{E000}', '\u{E001}']));
    }
    let browse = h.find("a", q("")).await;
    assert!(browse.hits.iter().all(|hit| hit.snippet.is_empty() && hit.title.iter().all(|s| !s.hit)));
}

pub async fn paging_covers_every_match_exactly_once(h: SearchHarness) {
    let docs: Vec<SearchDoc> =
        (0..25).map(|i| doc(&format!("d{i:02}"), "Psalm", &"praise ".repeat(i % 5 + 1))).collect();
    h.put("a", docs).await;
    let mut seen = Vec::new();
    for offset in [0, 10, 20] {
        let page = h.find("a", q("praise").page(offset, 10)).await;
        assert_eq!(page.total, 25);
        seen.extend(page.hits.into_iter().map(|hit| hit.id));
    }
    assert_eq!(seen.len(), 25);
    let expected: Vec<String> = (0..25).map(|i| format!("d{i:02}")).collect();
    assert_eq!(sorted(seen), expected);
    assert!(h.find("a", q("praise").page(30, 10)).await.hits.is_empty());
}

pub async fn an_empty_text_lists_every_visible_document(h: SearchHarness) {
    let mut hidden = doc("hidden", "Hidden", "x");
    hidden.readers = vec!["someone-else".to_owned()];
    h.put("a", vec![doc("b", "Second", "x"), doc("a", "First", "x"), hidden]).await;
    let all = h.find("a", q("  ")).await;
    assert_eq!(all.total, 2);
    assert_eq!(all.hits.iter().map(|hit| hit.id.as_str()).collect::<Vec<_>>(), ["a", "b"], "by id without text");
    assert_eq!(plain(&all.hits[0].title), "First");
}

pub async fn query_syntax_in_the_text_is_taken_as_words(h: SearchHarness) {
    h.put("a", vec![doc("d1", "Near the cross", "title: or not")]).await;
    for text in ["NEAR(cross the)", "cross OR zebra", "\"unbalanced", "title:near", "*", "cross -the", "(", "AND"] {
        let results = h.index.search(&h.org("a"), &q(text)).await;
        assert!(results.is_ok(), "{text:?} must not be a syntax error: {results:?}");
    }
    assert!(h.ids("a", q("cross OR zebra")).await.is_empty(), "OR is a word, so zebra must match too");
    assert_eq!(h.ids("a", q("title: near")).await, ["d1"]);
}

pub async fn greek_hebrew_and_korean_words_are_found(h: SearchHarness) {
    h.put(
        "a",
        vec![
            doc("el", "Η χάρις του Θεού", "κατά Ιωάννην"),
            doc("he", "בְּרֵאשִׁית בָּרָא", "תורה"),
            doc("ko", "하나님의 은혜", "요한복음 공부"),
        ],
    )
    .await;
    assert_eq!(h.ids("a", q("χάρις")).await, ["el"]);
    assert_eq!(h.ids("a", q("ΧΆΡΙΣ")).await, ["el"], "Greek case is folded");
    assert_eq!(h.ids("a", q("תורה")).await, ["he"]);
    assert_eq!(h.ids("a", q("은혜")).await, ["ko"]);
    assert_eq!(h.ids("a", q("요한")).await, ["ko"], "a Korean word matches by its beginning");
}

pub async fn invalid_requests_are_refused(h: SearchHarness) {
    let org = h.org("a");
    let too_many: Vec<SearchDoc> = (0..=MAX_INDEX_BATCH).map(|i| doc(&format!("d{i}"), "t", "b")).collect();
    must_be_invalid(&h.index.index(&org, too_many).await, "too many documents");
    let mut no_readers = doc("d1", "t", "b");
    no_readers.readers.clear();
    must_be_invalid(&h.index.index(&org, vec![no_readers]).await, "no readers");
    must_be_invalid(
        &h.index.index(&org, vec![with_keyword(doc("d1", "t", "b"), "Bad Name", &["x"])]).await,
        "field name",
    );
    must_be_invalid(&h.index.index(&org, vec![doc("", "t", "b")]).await, "empty id");
    must_be_invalid(&h.index.index("", vec![doc("d1", "t", "b")]).await, "empty organisation");
    must_be_invalid(&h.index.search(&org, &q("x").page(0, 0)).await, "page size 0");
    must_be_invalid(&h.index.search(&org, &SearchQuery::new("x", Vec::new())).await, "no readers in a query");
    h.index.refresh().await.expect("refresh succeeds");
    assert!(h.ids("a", q("")).await.is_empty(), "a refused batch writes nothing");
}

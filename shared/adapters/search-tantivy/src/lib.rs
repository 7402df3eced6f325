//! `TantivySearch`: the search port on tantivy, for the local host: one index folder per
//! organisation (so organisations are apart on disk, and one's size never slows another's
//! searches), or indexes in memory for tests. Why the local host searches with tantivy and the
//! other hosts with SQLite FTS5: ADR 0020.
//!
//! An organisation's index is opened on its first search or change and kept open (its reader is
//! a snapshot of the last commit, its writer a single indexing thread). Every `index` and
//! `delete` call commits and reloads the reader, so a change is searchable when the call returns.
//! `refresh` (after every outbox run) waits for merges and lets the writers go, so another process
//! (an `emmaus reindex` beside the server) can take an index's lock; a writer waits a few seconds
//! for it, and the server sees the other process's commits within a second (each reader watches
//! its index's meta file).

mod collect;
mod query;
mod schema;
mod text;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use emmaus_ports::search::{FacetCount, Hit, MAX_FACET_VALUES, validate_batch, validate_ids, validate_org};
use emmaus_ports::{SearchDoc, SearchError, SearchIndex, SearchQuery, SearchResults};
use tantivy::directory::MmapDirectory;
use tantivy::indexer::LogMergePolicy;
use tantivy::schema::Value as _;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

use crate::collect::Pass;
use crate::schema::Fields;
use crate::text::Marker;

/// The writer's memory before it flushes a segment: one indexing thread, tantivy's least budget
/// and then some (a batch is at most 100 documents of at most 300 KiB).
const WRITER_MEMORY: usize = 50_000_000;

/// How long a change waits for another process's writer to let the index go (the server lets
/// its writers go after every outbox run; a change that cannot wait is applied by the outbox
/// later).
const LOCK_WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct TantivySearch {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The folder holding one index folder per organisation; `None` keeps them in memory.
    root: Option<PathBuf>,
    orgs: Mutex<HashMap<String, Arc<OrgIndex>>>,
}

struct OrgIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    analyzer: TextAnalyzer,
}

impl std::fmt::Debug for OrgIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgIndex").finish_non_exhaustive()
    }
}

impl TantivySearch {
    /// Indexes in folders under `root` (created when needed).
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, SearchError> {
        let root = root.into();
        std::fs::create_dir_all(&root)
            .map_err(|e| SearchError::Unavailable(format!("cannot create {}: {e}", root.display())))?;
        Ok(Self::with_root(Some(root)))
    }

    /// Indexes in memory, gone when dropped: for tests.
    pub fn in_memory() -> Self {
        Self::with_root(None)
    }

    fn with_root(root: Option<PathBuf>) -> Self {
        Self { inner: Arc::new(Inner { root, orgs: Mutex::new(HashMap::new()) }) }
    }

    /// Waits until the merges of every open index are done, and lets their writers go (they are
    /// opened again by the next change): after a bulk build, so that searches meet few segments,
    /// and before a process that built an index exits.
    pub async fn settle(&self) -> Result<(), SearchError> {
        self.blocking(|inner| {
            let orgs: Vec<Arc<OrgIndex>> =
                inner.orgs.lock().expect("the search index map's lock is poisoned").values().cloned().collect();
            for org in orgs {
                let writer = org.writer.lock().expect("the search writer's lock is poisoned").take();
                // An index nobody wrote since the last settle has no merges to wait for, and its
                // reader follows other processes' commits by itself: nothing to read again (this
                // runs after every outbox run, every two seconds locally).
                if let Some(writer) = writer {
                    writer.wait_merging_threads().map_err(|e| backend(&e))?;
                    org.reader.reload().map_err(|e| backend(&e))?;
                }
            }
            Ok(())
        })
        .await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Inner) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let inner = self.inner.clone();
        match tokio::task::spawn_blocking(move || job(&inner)).await {
            Ok(result) => result,
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(join) => Err(SearchError::Backend(join.to_string())),
        }
    }
}

impl Inner {
    /// The organisation's index: the open one, the one on disk, or (when `create`) a new one;
    /// `None` when it has none and `create` is false (nothing was ever indexed there).
    fn org(&self, org: &str, create: bool) -> Result<Option<Arc<OrgIndex>>, SearchError> {
        let mut orgs = self.orgs.lock().expect("the search index map's lock is poisoned");
        if let Some(open) = orgs.get(org) {
            return Ok(Some(open.clone()));
        }
        let (schema, fields) = schema::schema();
        let index = match &self.root {
            Some(root) => {
                let folder = root.join(folder_name(org));
                if !folder.join("meta.json").exists() && !create {
                    return Ok(None);
                }
                std::fs::create_dir_all(&folder)
                    .map_err(|e| SearchError::Unavailable(format!("cannot create {}: {e}", folder.display())))?;
                let directory = MmapDirectory::open(&folder).map_err(|e| unavailable(&e))?;
                index_builder(schema).open_or_create(directory).map_err(|e| backend(&e))?
            }
            None if create => index_builder(schema).create_in_ram().map_err(|e| backend(&e))?,
            None => return Ok(None),
        };
        index.tokenizers().register(text::ANALYZER, text::analyzer());
        index.tokenizers().register(text::PAIRS, text::pair_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| backend(&e))?;
        let opened = Arc::new(OrgIndex { index, reader, writer: Mutex::new(None), fields, analyzer: text::analyzer() });
        orgs.insert(org.to_owned(), opened.clone());
        Ok(Some(opened))
    }
}

/// The stored text (read back for the page's passages) in blocks of 4 KiB, about one document
/// each: every hit decompresses its block, and tantivy's 16 KiB made that a tenth of a search.
fn index_builder(schema: tantivy::schema::Schema) -> tantivy::IndexBuilder {
    let settings = tantivy::IndexSettings { docstore_blocksize: 4096, ..tantivy::IndexSettings::default() };
    Index::builder().schema(schema).settings(settings)
}

/// Segments merged as soon as two of a size are there (tantivy's default waits for eight): a
/// search visits every segment and turns each one's ordinals back into ids and values, so few
/// segments keep searches fast, at the price of more merging while indexing (in the background).
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_num_segments(2);
    policy
}

/// An organisation's folder: its id in hex, so any id is one safe name; an id too long for a
/// file name (over 100 bytes) by the hex of its SHA-256, marked apart by a leading `h`.
fn folder_name(org: &str) -> String {
    use sha2::Digest as _;
    let hex = |bytes: &[u8]| {
        use std::fmt::Write as _;
        bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut name, byte| {
            let _ = write!(name, "{byte:02x}");
            name
        })
    };
    if org.len() <= 100 { hex(org.as_bytes()) } else { format!("h{}", hex(&sha2::Sha256::digest(org.as_bytes()))) }
}

fn backend(error: &TantivyError) -> SearchError {
    SearchError::Backend(error.to_string())
}

fn unavailable(error: &dyn std::fmt::Display) -> SearchError {
    SearchError::Unavailable(error.to_string())
}

impl OrgIndex {
    /// Runs `change` with the writer, commits, and makes the change searchable.
    fn write(&self, change: impl FnOnce(&IndexWriter) -> Result<(), SearchError>) -> Result<(), SearchError> {
        let mut slot = self.writer.lock().expect("the search writer's lock is poisoned");
        if slot.is_none() {
            *slot = Some(self.acquire_writer()?);
        }
        let writer = slot.as_mut().expect("the writer was just opened");
        let committed = match change(writer) {
            Ok(()) => writer.commit().map(|_| ()).map_err(|e| backend(&e)),
            Err(error) => writer.rollback().map_err(|e| backend(&e)).and(Err(error)),
        };
        if committed.is_err() {
            // A writer that failed (a full disk, say) is not trusted with the next change: the
            // next one opens a new writer, which starts from the last commit.
            *slot = None;
        }
        committed?;
        self.reader.reload().map_err(|e| backend(&e))
    }

    /// The index's writer, waiting while another process holds it.
    fn acquire_writer(&self) -> Result<IndexWriter, SearchError> {
        let started = Instant::now();
        loop {
            match self.index.writer_with_num_threads(1, WRITER_MEMORY) {
                Ok(writer) => {
                    writer.set_merge_policy(Box::new(merge_policy()));
                    return Ok(writer);
                }
                Err(TantivyError::LockFailure(..)) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TantivyError::LockFailure(..)) => {
                    return Err(SearchError::Unavailable(
                        "another emmaus process is writing this organisation's search index".to_owned(),
                    ));
                }
                Err(error) => return Err(backend(&error)),
            }
        }
    }

    fn index(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        self.write(|writer| {
            for doc in docs {
                writer.delete_term(Term::from_field_text(self.fields.id, &doc.id));
                writer.add_document(schema::document(&self.fields, doc)).map_err(|e| backend(&e))?;
            }
            Ok(())
        })
    }

    fn delete(&self, ids: &[String]) -> Result<(), SearchError> {
        self.write(|writer| {
            for id in ids {
                writer.delete_term(Term::from_field_text(self.fields.id, id));
            }
            Ok(())
        })
    }

    fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let mut analyzer = self.analyzer.clone();
        let compiled = query::compile(&searcher, &self.fields, &mut analyzer, query).map_err(|e| backend(&e))?;
        let pass = Pass {
            order: query.sort.clone(),
            dates: compiled.dates,
            facets: query.facets.clone(),
            offset: query.offset as usize,
            limit: query.limit as usize,
        };
        let answer = searcher.search(compiled.query.as_ref(), &pass).map_err(|e| backend(&e))?;

        let mut hits = Vec::with_capacity(answer.page.len());
        for ranked in answer.page {
            let doc: TantivyDocument = searcher.doc(ranked.address).map_err(|e| backend(&e))?;
            let stored = |field| doc.get_first(field).and_then(|value| value.as_str()).unwrap_or_default().to_owned();
            let (title, summary, body) =
                (stored(self.fields.title), stored(self.fields.summary), stored(self.fields.body));
            let score = if compiled.has_text { f64::from(ranked.score) } else { 0.0 };
            hits.push(hit(ranked.id, score, &compiled.marker, &mut analyzer, &title, &summary, &body));
        }
        let facets = query
            .facets
            .iter()
            .zip(answer.facets)
            .map(|(field, counts)| {
                let counts = counts
                    .into_iter()
                    .take(MAX_FACET_VALUES)
                    .map(|(value, count)| FacetCount { value, count })
                    .collect();
                (field.clone(), counts)
            })
            .collect();
        Ok(SearchResults { total: answer.total, hits, facets })
    }
}

/// A hit with its title marked and a passage: the body's best, else the summary's, else the
/// body's beginning (as FTS5's snippets on the other hosts). Without text nothing is marked and
/// there is no passage.
fn hit(
    id: String,
    score: f64,
    marker: &Marker,
    analyzer: &mut TextAnalyzer,
    title: &str,
    summary: &str,
    body: &str,
) -> Hit {
    if marker.is_empty() {
        let title = if title.is_empty() { Vec::new() } else { Marker::default().highlight(analyzer, title) };
        return Hit { id, score, title, snippet: Vec::new() };
    }
    let snippet = marker
        .passage(analyzer, body)
        .or_else(|| marker.passage(analyzer, summary))
        .unwrap_or_else(|| Marker::beginning(analyzer, if body.is_empty() { summary } else { body }));
    Hit { id, score, title: marker.highlight(analyzer, title), snippet }
}

#[async_trait::async_trait]
impl SearchIndex for TantivySearch {
    fn adapter(&self) -> &'static str {
        "tantivy"
    }

    async fn index(&self, org: &str, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_batch(&docs)?;
        if docs.is_empty() {
            return Ok(());
        }
        let org = org.to_owned();
        self.blocking(move |inner| inner.org(&org, true)?.expect("created when missing").index(&docs)).await
    }

    async fn delete(&self, org: &str, ids: &[String]) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_ids(ids)?;
        if ids.is_empty() {
            return Ok(());
        }
        let (org, ids) = (org.to_owned(), ids.to_vec());
        self.blocking(move |inner| match inner.org(&org, false)? {
            Some(index) => index.delete(&ids),
            None => Ok(()),
        })
        .await
    }

    async fn search(&self, org: &str, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        validate_org(org)?;
        query.validate()?;
        let (org, query) = (org.to_owned(), query.clone());
        self.blocking(move |inner| match inner.org(&org, false)? {
            Some(index) => index.search(&query),
            None => Ok(SearchResults {
                facets: query.facets.iter().map(|field| (field.clone(), Vec::new())).collect(),
                ..SearchResults::default()
            }),
        })
        .await
    }

    async fn refresh(&self) -> Result<(), SearchError> {
        // Every change was committed and its reader reloaded before its call returned; what is
        // left is to finish merging and let the writers go, so that another process (an
        // `emmaus reindex` beside the server) can take an index's lock. The outbox job calls
        // this after every run, so the server holds a writer only seconds after a change.
        self.settle().await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_organisation_id_is_one_safe_file_name() {
        assert_eq!(super::folder_name("org-1"), "6f72672d31");
        let long = super::folder_name(&"x".repeat(256));
        assert!(long.starts_with('h') && long.len() == 65, "{long}");
        assert_ne!(super::folder_name(&"x".repeat(101)), super::folder_name(&"x".repeat(102)));
        assert!(super::folder_name("../..").chars().all(|c| c.is_ascii_hexdigit()));
    }
}

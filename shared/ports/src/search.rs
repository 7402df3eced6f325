//! The search port: full-text search over an organisation's documents, with filters, facets and
//! a permission filter, the same on every host.
//!
//! The contract, which `emmaus-testkit`'s search suite checks on every adapter:
//! - **Documents** belong to one organisation and have an id unique within it. `index` replaces a
//!   document whole (indexing the same document twice leaves the index as after once); `delete`
//!   removes documents and ignores ids that are not there. Nothing written under one organisation
//!   is ever found, counted or removed through another.
//! - **Visibility.** Changes are searchable once `refresh` has returned. The embedded stores make
//!   them searchable at once (`refresh` does nothing there); a store that publishes snapshots (the
//!   Lambda one) makes them searchable when `refresh` publishes. Callers that write then search
//!   call `refresh` between; the outbox job calls it after every run.
//! - **Text.** Three weighted text fields, `title`, `summary` and `body`. The query's text is split
//!   on white space into terms (a `"quoted phrase"` stays one term); a document matches when it
//!   holds every term, each term matching as a **prefix** of a word (`grac` finds "grace"), case
//!   ignored in every script and diacritics on Latin letters ignored (`eglise` finds "Église"). Ranking is BM25 with per-field weights ([`Weights`]; by default a title
//!   word counts ten times a body word). An empty text matches every document the filters admit.
//! - **Filters**, all of which must hold: a keyword field holding any of the given values; a path
//!   field at or under a path (`theology` admits `theology/grace`; paths are `/`-separated); a
//!   date field (Unix seconds) in `[from, to)`.
//! - **Permission.** Every query names the readers it acts for (the person's principals: their id,
//!   their groups, their role in the organisation); a document is found only when one of its
//!   readers is among them. This holds inside the query, so totals, facets and pages count only
//!   what the reader may see.
//! - **Order.** By relevance (best first; equal scores, and every document when there is no text,
//!   by id), or by a date or keyword field in either direction (a keyword field by its smallest
//!   value; documents without the field last; ties by id). `offset` and `limit` page through it.
//! - **Facets.** For each keyword or path field asked, how many matching documents hold each value
//!   (a path counts under each of its ancestors), most frequent first, at most [`MAX_FACET_VALUES`].
//! - **Snippets.** With text, each hit carries its title and a short passage with the matching words
//!   marked, as [`Segment`]s (never markup, so nothing a document holds can inject any).
//!
//! Limits (checked by [`SearchDoc::validate`] and [`SearchQuery::validate`], the same everywhere):
//! [`MAX_INDEX_BATCH`] documents per call, [`MAX_TEXT_BYTES`] of text and [`MAX_DOC_BYTES`] in all
//! per document, field names of
//! `[a-z0-9_]`, up to [`MAX_VALUES`] values of at most [`MAX_VALUE_BYTES`] per field.

use std::collections::BTreeMap;

pub const MAX_INDEX_BATCH: usize = 100;
pub const MAX_ID_BYTES: usize = 256;
/// Text per document (title, summary and body together): a long book's first 256 KiB. Modules
/// index a longer text's beginning and say so.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Everything a document holds (text, values, readers), so a stored change fits one key-value item.
pub const MAX_DOC_BYTES: usize = 300 * 1024;
pub const MAX_FIELDS: usize = 16;
pub const MAX_FIELD_NAME_BYTES: usize = 32;
pub const MAX_VALUES: usize = 64;
pub const MAX_VALUE_BYTES: usize = 256;
pub const MAX_READERS: usize = 64;
pub const MAX_QUERY_BYTES: usize = 512;
pub const MAX_QUERY_TERMS: usize = 16;
pub const MAX_LIMIT: u32 = 100;
/// How deep paging goes: a search is for finding, not for walking the whole library.
pub const MAX_OFFSET: u32 = 10_000;
pub const MAX_FACET_VALUES: usize = 50;

/// One document as the index holds it. Modules build it from their records (the hub from a
/// resource, with `readers` from its visibility).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchDoc {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// Exact values to filter, facet and sort on (`kind: ["note"]`, `tag_exact: [...]`).
    pub keywords: BTreeMap<String, Vec<String>>,
    /// Hierarchical values (`tags: ["theology/grace"]`): filters and facets see every ancestor.
    pub paths: BTreeMap<String, Vec<String>>,
    /// Times in Unix seconds (`updated`, `created`).
    pub dates: BTreeMap<String, i64>,
    /// The principals that may find this document (at least one).
    pub readers: Vec<String>,
}

/// How much a word counts in each text field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub title: f64,
    pub summary: f64,
    pub body: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self { title: 10.0, summary: 4.0, body: 1.0 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// The field holds any of these values.
    Keyword { field: String, any_of: Vec<String> },
    /// The field holds this path or one below it.
    Path { field: String, under: String },
    /// The date field is in `[from, to)`; an open end is unbounded.
    Date { field: String, from: Option<i64>, to: Option<i64> },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Date {
        field: String,
        descending: bool,
    },
    Keyword {
        field: String,
        descending: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    pub text: String,
    pub filters: Vec<Filter>,
    /// The principals the search acts for; a document is found only if it names one of them.
    pub readers: Vec<String>,
    pub sort: Sort,
    /// Keyword or path fields to count values of.
    pub facets: Vec<String>,
    pub weights: Weights,
    pub offset: u32,
    pub limit: u32,
}

impl SearchQuery {
    /// A relevance search for `text` on behalf of `readers`, first page of 20.
    pub fn new(text: impl Into<String>, readers: Vec<String>) -> Self {
        Self {
            text: text.into(),
            filters: Vec::new(),
            readers,
            sort: Sort::Relevance,
            facets: Vec::new(),
            weights: Weights::default(),
            offset: 0,
            limit: 20,
        }
    }

    #[must_use]
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    #[must_use]
    pub fn sorted(mut self, sort: Sort) -> Self {
        self.sort = sort;
        self
    }

    #[must_use]
    pub fn facet(mut self, field: impl Into<String>) -> Self {
        self.facets.push(field.into());
        self
    }

    #[must_use]
    pub fn page(mut self, offset: u32, limit: u32) -> Self {
        self.offset = offset;
        self.limit = limit;
        self
    }

    /// The query's terms: phrases in double quotes, other words split on white space, at most
    /// [`MAX_QUERY_TERMS`]; a term with no letter or digit is dropped (it could match nothing).
    pub fn terms(&self) -> Vec<String> {
        let mut terms = Vec::new();
        // Control characters separate words like white space: no document's words hold one, and
        // an engine may read a NUL as the end of the text it is given.
        let words = |part: &str| -> Vec<String> {
            part.split(|c: char| c.is_whitespace() || c.is_control())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        };
        for (i, part) in self.text.split('"').enumerate() {
            if i % 2 == 1 {
                terms.push(words(part).join(" "));
            } else {
                terms.extend(words(part));
            }
        }
        terms.retain(|term| term.chars().any(char::is_alphanumeric));
        terms.truncate(MAX_QUERY_TERMS);
        terms
    }

    pub fn validate(&self) -> Result<(), SearchError> {
        if self.text.len() > MAX_QUERY_BYTES {
            return Err(invalid(format!(
                "the search text is {} bytes; the limit is {MAX_QUERY_BYTES}",
                self.text.len()
            )));
        }
        validate_readers(&self.readers, "a search")?;
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(invalid(format!("the page size is {}; it must be 1 to {MAX_LIMIT}", self.limit)));
        }
        if self.offset > MAX_OFFSET {
            return Err(invalid(format!("the offset is {}; results go {MAX_OFFSET} deep", self.offset)));
        }
        for filter in &self.filters {
            match filter {
                Filter::Keyword { field, any_of } => {
                    validate_field(field)?;
                    if any_of.is_empty() || any_of.len() > MAX_VALUES {
                        return Err(invalid(format!("the filter on {field} needs 1 to {MAX_VALUES} values")));
                    }
                    any_of.iter().try_for_each(|value| validate_value(field, value))?;
                }
                Filter::Path { field, under } => {
                    validate_field(field)?;
                    validate_path(field, under)?;
                }
                Filter::Date { field, .. } => validate_field(field)?,
            }
        }
        match &self.sort {
            Sort::Relevance => {}
            Sort::Date { field, .. } | Sort::Keyword { field, .. } => validate_field(field)?,
        }
        if self.facets.len() > MAX_FIELDS {
            return Err(invalid(format!("at most {MAX_FIELDS} facets")));
        }
        self.facets.iter().try_for_each(|field| validate_field(field))?;
        let Weights { title, summary, body } = self.weights;
        if ![title, summary, body].iter().all(|w| w.is_finite() && *w >= 0.0) {
            return Err(invalid("field weights are finite and not negative"));
        }
        Ok(())
    }
}

/// A run of text in a title or snippet; `hit` marks the words the query matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// Plain text from segments (for tests and logs).
pub fn plain(segments: &[Segment]) -> String {
    segments.iter().map(|segment| segment.text.as_str()).collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    /// Larger is better; comparable only within one result list. Zero without text.
    pub score: f64,
    /// The title with matches marked (the plain title without text).
    pub title: Vec<Segment>,
    /// A short passage with matches marked; empty without text.
    pub snippet: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// How many documents match in all (visible to the readers), not just this page.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Per asked field, values by count descending, then value.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The request breaks the contract's rules; the message says which, for the caller's user.
    #[error("invalid search request: {0}")]
    Invalid(String),
    /// Transient: try again later.
    #[error("the search index is unavailable: {0}")]
    Unavailable(String),
    #[error("search index error: {0}")]
    Backend(String),
}

fn invalid(message: impl Into<String>) -> SearchError {
    SearchError::Invalid(message.into())
}

impl SearchDoc {
    pub fn validate(&self) -> Result<(), SearchError> {
        validate_id(&self.id)?;
        let text = self.title.len() + self.summary.len() + self.body.len();
        if text > MAX_TEXT_BYTES {
            return Err(invalid(format!(
                "document {} has {text} bytes of text; the limit is {MAX_TEXT_BYTES}",
                self.id
            )));
        }
        if self.keywords.len() + self.paths.len() + self.dates.len() > MAX_FIELDS {
            return Err(invalid(format!("document {} has more than {MAX_FIELDS} fields", self.id)));
        }
        for (field, values) in &self.keywords {
            validate_field(field)?;
            validate_count(field, values.len())?;
            values.iter().try_for_each(|value| validate_value(field, value))?;
        }
        for (field, paths) in &self.paths {
            validate_field(field)?;
            validate_count(field, paths.len())?;
            paths.iter().try_for_each(|path| validate_path(field, path))?;
        }
        self.dates.keys().try_for_each(|field| validate_field(field))?;
        validate_readers(&self.readers, &format!("document {}", self.id))?;
        if self.size() > MAX_DOC_BYTES {
            return Err(invalid(format!(
                "document {} holds {} bytes; the limit is {MAX_DOC_BYTES}",
                self.id,
                self.size()
            )));
        }
        Ok(())
    }

    /// The bytes of every string the document holds, and eight per date.
    pub fn size(&self) -> usize {
        let values = |map: &BTreeMap<String, Vec<String>>| -> usize {
            map.iter().map(|(field, values)| field.len() + values.iter().map(String::len).sum::<usize>()).sum()
        };
        self.id.len()
            + self.title.len()
            + self.summary.len()
            + self.body.len()
            + values(&self.keywords)
            + values(&self.paths)
            + self.dates.keys().map(|field| field.len() + 8).sum::<usize>()
            + self.readers.iter().map(String::len).sum::<usize>()
    }

    /// Every value a keyword or path field holds, paths with their ancestors, each once.
    pub fn terms(&self) -> Vec<(String, String)> {
        let mut terms: Vec<(String, String)> = Vec::new();
        for (field, values) in &self.keywords {
            terms.extend(values.iter().map(|value| (field.clone(), value.clone())));
        }
        for (field, paths) in &self.paths {
            terms.extend(paths.iter().flat_map(|path| ancestors(path)).map(|path| (field.clone(), path)));
        }
        terms.sort();
        terms.dedup();
        terms
    }
}

/// A path and each path above it: `a/b/c` → `a`, `a/b`, `a/b/c`.
pub fn ancestors(path: &str) -> Vec<String> {
    path.match_indices('/').map(|(at, _)| path[..at].to_owned()).chain([path.to_owned()]).collect()
}

/// Organisation ids as the key-value port's partitions carry them.
pub fn validate_org(org: &str) -> Result<(), SearchError> {
    if org.is_empty() || org.len() > MAX_ID_BYTES {
        return Err(invalid(format!("an organisation id has 1 to {MAX_ID_BYTES} bytes")));
    }
    Ok(())
}

pub fn validate_id(id: &str) -> Result<(), SearchError> {
    if id.is_empty() || id.len() > MAX_ID_BYTES {
        return Err(invalid(format!("a document id has 1 to {MAX_ID_BYTES} bytes")));
    }
    Ok(())
}

/// Checks a batch for `index`: size, each document, and no id twice.
pub fn validate_batch(docs: &[SearchDoc]) -> Result<(), SearchError> {
    if docs.len() > MAX_INDEX_BATCH {
        return Err(invalid(format!("{} documents in one call; the limit is {MAX_INDEX_BATCH}", docs.len())));
    }
    docs.iter().try_for_each(SearchDoc::validate)?;
    let mut ids: Vec<&str> = docs.iter().map(|doc| doc.id.as_str()).collect();
    ids.sort_unstable();
    if let Some([twice, ..]) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(invalid(format!("document {twice} appears twice in one call")));
    }
    Ok(())
}

/// Checks the ids given to `delete`.
pub fn validate_ids(ids: &[String]) -> Result<(), SearchError> {
    if ids.len() > MAX_INDEX_BATCH {
        return Err(invalid(format!("{} ids in one call; the limit is {MAX_INDEX_BATCH}", ids.len())));
    }
    ids.iter().try_for_each(|id| validate_id(id))
}

fn validate_field(field: &str) -> Result<(), SearchError> {
    let shaped = !field.is_empty()
        && field.len() <= MAX_FIELD_NAME_BYTES
        && field.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !shaped {
        return Err(invalid(format!("the field name {field:?} is not 1 to {MAX_FIELD_NAME_BYTES} of [a-z0-9_]")));
    }
    Ok(())
}

fn validate_count(field: &str, count: usize) -> Result<(), SearchError> {
    if count > MAX_VALUES {
        return Err(invalid(format!("the field {field} has {count} values; the limit is {MAX_VALUES}")));
    }
    Ok(())
}

fn validate_value(field: &str, value: &str) -> Result<(), SearchError> {
    if value.is_empty() || value.len() > MAX_VALUE_BYTES {
        return Err(invalid(format!("a value of {field} has 1 to {MAX_VALUE_BYTES} bytes")));
    }
    Ok(())
}

fn validate_path(field: &str, path: &str) -> Result<(), SearchError> {
    validate_value(field, path)?;
    if path.split('/').any(str::is_empty) {
        return Err(invalid(format!("the path {path:?} of {field} has an empty segment")));
    }
    Ok(())
}

fn validate_readers(readers: &[String], what: &str) -> Result<(), SearchError> {
    if readers.is_empty() || readers.len() > MAX_READERS {
        return Err(invalid(format!("{what} needs 1 to {MAX_READERS} readers")));
    }
    readers.iter().try_for_each(|reader| validate_value("readers", reader))
}

/// The search index of one deployment (see the module documentation for the contract).
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync + std::fmt::Debug {
    /// The adapter's name, for health reports and test output.
    fn adapter(&self) -> &'static str;
    /// Adds or replaces documents of an organisation.
    async fn index(&self, org: &str, docs: Vec<SearchDoc>) -> Result<(), SearchError>;
    /// Removes documents of an organisation; ids not indexed are ignored.
    async fn delete(&self, org: &str, ids: &[String]) -> Result<(), SearchError>;
    /// Answers a query within one organisation.
    async fn search(&self, org: &str, query: &SearchQuery) -> Result<SearchResults, SearchError>;
    /// Makes every change accepted so far searchable.
    async fn refresh(&self) -> Result<(), SearchError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_keep_phrases_and_drop_punctuation() {
        let query = SearchQuery::new(r#"grace "living  water" - ; faith"#, vec!["r".into()]);
        assert_eq!(query.terms(), vec!["grace", "living water", "faith"]);
        let control = SearchQuery::new("gra\u{0}ce \"living\u{7}water\" \u{0}", vec!["r".into()]);
        assert_eq!(control.terms(), vec!["gra", "ce", "living water"], "control characters separate words");
    }

    #[test]
    fn paths_count_under_each_ancestor() {
        assert_eq!(ancestors("a/b/c"), vec!["a", "a/b", "a/b/c"]);
        assert_eq!(ancestors("a"), vec!["a"]);
    }

    #[test]
    fn documents_and_queries_are_checked() {
        let doc = SearchDoc { id: "d1".into(), readers: vec!["org".into()], ..SearchDoc::default() };
        assert!(doc.validate().is_ok());
        let no_readers = SearchDoc { readers: Vec::new(), ..doc.clone() };
        assert!(matches!(no_readers.validate(), Err(SearchError::Invalid(m)) if m.contains("readers")));
        let mut bad_field = doc.clone();
        bad_field.keywords.insert("Kind".into(), vec!["note".into()]);
        assert!(bad_field.validate().is_err());
        let mut bad_path = doc.clone();
        bad_path.paths.insert("tags".into(), vec!["a//b".into()]);
        assert!(bad_path.validate().is_err());
        assert!(validate_batch(&[doc.clone(), doc]).is_err());
        let query = SearchQuery::new("x", vec!["org".into()]);
        assert!(query.validate().is_ok());
        assert!(query.clone().page(0, 0).validate().is_err());
        assert!(query.clone().page(MAX_OFFSET + 1, 10).validate().is_err());
        assert!(SearchQuery::new("x", Vec::new()).validate().is_err());
        assert!(query.filter(Filter::Keyword { field: "kind".into(), any_of: Vec::new() }).validate().is_err());
    }
}

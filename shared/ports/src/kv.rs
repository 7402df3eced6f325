//! The key-value port: versioned documents under `(partition, sort)` keys.
//!
//! The contract, which `emmaus-testkit`'s conformance suite checks on every adapter:
//! - `get` returns the live item or `None`. An item whose `expires_at` (Unix seconds) is at or
//!   before the store's clock is not live: reads skip it and `put_if_absent` may replace it.
//! - Every write is conditional. `PutIfAbsent` creates version 1; `PutIfVersion { expected }` and
//!   `DeleteIfVersion { expected }` apply only to the live item at exactly that version, the put
//!   producing `expected + 1`. A failed condition is `KvError::Conflict` naming the key.
//! - `batch` applies up to [`MAX_BATCH`] writes to distinct keys atomically: all or none.
//! - `query` lists a partition's live items whose sort key starts with a prefix, ordered by the
//!   sort key's bytes (ascending, or descending on request), at most `limit` at a time. The
//!   returned cursor resumes strictly after the last item returned, so paging never skips or
//!   repeats an item that exists throughout.
//! - Keys are non-empty and at most [`MAX_KEY_BYTES`]; values at most [`MAX_VALUE_BYTES`] (chosen to
//!   fit a DynamoDB item with its attributes).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const MAX_KEY_BYTES: usize = 1024;
pub const MAX_VALUE_BYTES: usize = 350 * 1024;
pub const MAX_BATCH: usize = 25;
pub const MAX_QUERY_LIMIT: u32 = 1000;

/// Where a document lives. Tenancy is part of every partition (`org#<id>#...`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub partition: String,
    pub sort: String,
}

impl Key {
    pub fn new(partition: impl Into<String>, sort: impl Into<String>) -> Self {
        Self { partition: partition.into(), sort: sort.into() }
    }

    pub fn validate(&self) -> Result<(), KvError> {
        validate_key_part("partition", &self.partition)?;
        validate_key_part("sort", &self.sort)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "({}, {})", self.partition, self.sort)
    }
}

fn validate_key_part(name: &str, value: &str) -> Result<(), KvError> {
    if value.is_empty() {
        return Err(KvError::Invalid(format!("the {name} key is empty")));
    }
    if value.len() > MAX_KEY_BYTES {
        return Err(KvError::Invalid(format!("the {name} key is {} bytes; the limit is {MAX_KEY_BYTES}", value.len())));
    }
    Ok(())
}

/// A stored document with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub key: Key,
    pub value: Vec<u8>,
    pub version: u64,
    /// Unix seconds after which the item is gone; `None` keeps it forever.
    pub expires_at: Option<i64>,
}

/// One conditional write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    PutIfAbsent { key: Key, value: Vec<u8>, expires_at: Option<i64> },
    PutIfVersion { key: Key, value: Vec<u8>, expected: u64, expires_at: Option<i64> },
    DeleteIfVersion { key: Key, expected: u64 },
}

impl Write {
    pub fn key(&self) -> &Key {
        match self {
            Self::PutIfAbsent { key, .. } | Self::PutIfVersion { key, .. } | Self::DeleteIfVersion { key, .. } => key,
        }
    }

    /// The version the key has once this write applies (0 for a deletion).
    pub fn resulting_version(&self) -> u64 {
        match self {
            Self::PutIfAbsent { .. } => 1,
            Self::PutIfVersion { expected, .. } => expected + 1,
            Self::DeleteIfVersion { .. } => 0,
        }
    }

    fn validate(&self) -> Result<(), KvError> {
        self.key().validate()?;
        match self {
            Self::PutIfAbsent { value, .. } | Self::PutIfVersion { value, .. } if value.len() > MAX_VALUE_BYTES => {
                Err(KvError::TooLarge { size: value.len(), limit: MAX_VALUE_BYTES })
            }
            _ => Ok(()),
        }
    }
}

/// Checks a batch before any adapter touches storage, so every adapter rejects the same batches.
pub fn validate_batch(writes: &[Write]) -> Result<(), KvError> {
    if writes.is_empty() {
        return Err(KvError::Invalid("a batch needs at least one write".into()));
    }
    if writes.len() > MAX_BATCH {
        return Err(KvError::Invalid(format!("a batch holds at most {MAX_BATCH} writes, not {}", writes.len())));
    }
    let mut seen = std::collections::BTreeSet::new();
    for write in writes {
        write.validate()?;
        if !seen.insert(write.key()) {
            return Err(KvError::Invalid(format!("the key {} appears twice in one batch", write.key())));
        }
    }
    Ok(())
}

/// An opaque position in a query's results, safe to hand to clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor that resumes after the item with this sort key.
    pub fn after(sort: &str) -> Self {
        Self(URL_SAFE_NO_PAD.encode(sort.as_bytes()))
    }

    /// Accepts a cursor string from a client; its meaning is checked by [`Query::start_after`].
    pub fn from_token(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn token(&self) -> &str {
        &self.0
    }
}

/// A prefix query over one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub partition: String,
    pub prefix: String,
    pub limit: u32,
    pub cursor: Option<Cursor>,
    pub descending: bool,
}

impl Query {
    pub fn new(partition: impl Into<String>, prefix: impl Into<String>, limit: u32) -> Self {
        Self { partition: partition.into(), prefix: prefix.into(), limit, cursor: None, descending: false }
    }

    #[must_use]
    pub fn after(mut self, cursor: Option<Cursor>) -> Self {
        self.cursor = cursor;
        self
    }

    #[must_use]
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// Validates the query and decodes its cursor: the sort key to resume strictly after.
    pub fn start_after(&self) -> Result<Option<String>, KvError> {
        validate_key_part("partition", &self.partition)?;
        if self.prefix.len() > MAX_KEY_BYTES {
            return Err(KvError::Invalid(format!("the prefix is longer than {MAX_KEY_BYTES} bytes")));
        }
        if self.limit == 0 || self.limit > MAX_QUERY_LIMIT {
            return Err(KvError::Invalid(format!("limit must be between 1 and {MAX_QUERY_LIMIT}")));
        }
        let Some(cursor) = &self.cursor else { return Ok(None) };
        let sort = URL_SAFE_NO_PAD
            .decode(cursor.token())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .filter(|sort| !sort.is_empty() && sort.starts_with(&self.prefix))
            .ok_or(KvError::InvalidCursor)?;
        Ok(Some(sort))
    }
}

/// The least string above every string that starts with `prefix`, or `None` when no such string
/// exists (the prefix is all `char::MAX`). UTF-8 byte order is code point order, so incrementing
/// the last code point that can be incremented gives the bound. SQL adapters query a prefix as
/// `sk >= prefix AND sk < bound`, a range over the key index (never `LIKE`, which ignores case).
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            // Surrogates are not chars; the next scalar value after U+D7FF is U+E000.
            '\u{D7FF}' => Some('\u{E000}'),
            other => char::from_u32(u32::from(other) + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// One page of query results.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// Present when more items may follow.
    pub next: Option<Cursor>,
}

impl Page {
    /// Builds a page from up to `limit + 1` items in query order: adapters fetch one item more than
    /// asked, and that extra item, never returned, is what proves a next page exists, so an exact
    /// last page carries no cursor.
    pub fn from_lookahead(mut items: Vec<Item>, limit: usize) -> Self {
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| Cursor::after(&last.key.sort))
        } else {
            None
        };
        Self { items, next }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KvError {
    #[error("the write's condition failed for key {0}")]
    Conflict(Key),
    #[error("{0}")]
    Invalid(String),
    #[error("the value is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("the cursor is not valid for this query")]
    InvalidCursor,
    #[error("the store is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the store failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl KvError {
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(error))
    }
}

#[async_trait::async_trait]
pub trait KvStore: Send + Sync + std::fmt::Debug {
    /// A short name for health reports and logs, e.g. `sqlite`.
    fn adapter(&self) -> &'static str;

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError>;

    async fn query(&self, query: &Query) -> Result<Page, KvError>;

    /// Applies the writes atomically; implementations call [`validate_batch`] first.
    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError>;

    /// Creates the item at version 1; `Conflict` when a live item exists.
    async fn put_if_absent(&self, key: Key, value: Vec<u8>, expires_at: Option<i64>) -> Result<u64, KvError> {
        self.batch(vec![Write::PutIfAbsent { key, value, expires_at }]).await.map(|()| 1)
    }

    /// Replaces the live item at `expected`, returning the new version.
    async fn put_if_version(
        &self,
        key: Key,
        value: Vec<u8>,
        expected: u64,
        expires_at: Option<i64>,
    ) -> Result<u64, KvError> {
        self.batch(vec![Write::PutIfVersion { key, value, expected, expires_at }]).await.map(|()| expected + 1)
    }

    /// Deletes the live item at `expected`.
    async fn delete_if_version(&self, key: Key, expected: u64) -> Result<(), KvError> {
        self.batch(vec![Write::DeleteIfVersion { key, expected }]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_is_bound_to_the_prefix() {
        let query = Query::new("p", "goal#", 10).after(Some(Cursor::after("goal#7")));
        assert_eq!(query.start_after().unwrap().as_deref(), Some("goal#7"));
        let foreign = Query::new("p", "task#", 10).after(Some(Cursor::after("goal#7")));
        assert!(matches!(foreign.start_after(), Err(KvError::InvalidCursor)));
        let garbage = Query::new("p", "", 10).after(Some(Cursor::from_token("!!")));
        assert!(matches!(garbage.start_after(), Err(KvError::InvalidCursor)));
    }

    #[test]
    fn batches_are_checked_before_storage() {
        let put = |sort: &str| Write::PutIfAbsent { key: Key::new("p", sort), value: vec![], expires_at: None };
        assert!(validate_batch(&[]).is_err());
        assert!(validate_batch(&[put("a"), put("a")]).is_err());
        assert!(validate_batch(&(0..26).map(|i| put(&i.to_string())).collect::<Vec<_>>()).is_err());
        assert!(validate_batch(&(0..25).map(|i| put(&i.to_string())).collect::<Vec<_>>()).is_ok());
        let big = Write::PutIfAbsent { key: Key::new("p", "s"), value: vec![0; MAX_VALUE_BYTES + 1], expires_at: None };
        assert!(matches!(validate_batch(&[big]), Err(KvError::TooLarge { .. })));
    }

    #[test]
    fn the_upper_bound_is_just_past_the_prefix() {
        assert_eq!(prefix_upper_bound("a#").as_deref(), Some("a$"));
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
        assert_eq!(prefix_upper_bound("\u{10FFFF}\u{10FFFF}"), None);
    }

    #[test]
    fn every_key_with_the_prefix_sorts_below_the_bound() {
        for (prefix, key) in
            [("a", "a\u{10FFFF}\u{10FFFF}"), ("a\u{10FFFF}", "a\u{10FFFF}\u{10FFFF}x"), ("\u{7F}", "\u{7F}\u{80}")]
        {
            let upper = prefix_upper_bound(prefix).unwrap();
            assert!(key.as_bytes() < upper.as_bytes(), "{key:?} < {upper:?}");
            assert!(prefix.as_bytes() < upper.as_bytes());
        }
        assert!("a%".as_bytes() < prefix_upper_bound("a%").unwrap().as_bytes());
        assert!("b".as_bytes() >= prefix_upper_bound("a").unwrap().as_bytes(), "keys past the prefix are excluded");
    }

    #[test]
    fn a_lookahead_item_makes_a_cursor_and_is_not_returned() {
        let item = |sort: &str| Item { key: Key::new("p", sort), value: vec![], version: 1, expires_at: None };
        let page = Page::from_lookahead(vec![item("a"), item("b"), item("c")], 2);
        assert_eq!(page.items, vec![item("a"), item("b")]);
        assert_eq!(page.next, Some(Cursor::after("b")));
        assert_eq!(Page::from_lookahead(vec![item("a"), item("b")], 2).next, None);
    }

    #[test]
    fn queries_reject_limits_out_of_range() {
        assert!(Query::new("p", "", 0).start_after().is_err());
        assert!(Query::new("p", "", MAX_QUERY_LIMIT + 1).start_after().is_err());
        assert!(Query::new("", "", 5).start_after().is_err());
    }
}

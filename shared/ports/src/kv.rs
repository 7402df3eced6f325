//! The key-value port: versioned documents under `(partition, sort)` keys.
//!
//! The contract, which `emmaus-testkit`'s conformance suite checks on every adapter:
//! - `get` returns the live item or `None`. An item whose `expires_at` (Unix seconds) is at or
//!   before the store's clock is not live: reads skip it and `put_if_absent` may replace it.
//! - Every write is conditional. `PutIfAbsent` creates version 1; `PutIfVersion { expected }` and
//!   `DeleteIfVersion { expected }` apply only to the live item at exactly that version, the put
//!   producing `expected + 1`. A failed condition is `KvError::Conflict` naming the key.
//! - A [`Write::Check`] writes nothing: the batch applies only while the key's live item is at
//!   exactly that version (0: no live item), so an invariant over items a batch does not change
//!   (the last admin, a parent that must still exist) holds under concurrency.
//! - `batch` applies up to [`MAX_BATCH`] writes and checks to distinct keys atomically: all or none.
//! - `get_many` reads up to [`MAX_BATCH_GET`] distinct keys at once, answering in the order asked.
//! - `query` lists a partition's live items whose sort key starts with a prefix and, when given,
//!   lies in `[from, to)`, ordered by the sort key's bytes (ascending, or descending on request),
//!   at most `limit` at a time. The returned cursor resumes strictly after the last item
//!   returned, so paging never skips or repeats an item that exists throughout.
//! - **Secondary indexes.** Two are declared, [`Index::One`] and [`Index::Two`]. A put may carry a
//!   key in each ([`IndexKeys`]); the item is then also listed under that key in that index, and
//!   leaves it when a later put carries none there or the item is deleted (the indexes are
//!   sparse). A query with `index` set reads the index: its partition and sort are the index
//!   key's, ordered by the index sort key, with the same prefix, range, direction and cursor
//!   rules; items with equal index sort keys come in an order of the store's choosing, and paging
//!   through them never skips or repeats one. **Index reads may lag**: on DynamoDB they are eventually
//!   consistent (a global secondary index), so a write just made may be missing from them, or an
//!   item may still show under a key it just left, for a moment; every item they return is a
//!   whole item as it was written. Callers that must not act on a stale listing re-read the item
//!   by its key (or `get_many`) and use its version. The embedded stores write the index in the
//!   same transaction as the item.
//! - Keys are non-empty and at most [`MAX_KEY_BYTES`]; values at most [`MAX_VALUE_BYTES`] (chosen to
//!   fit a DynamoDB item with its attributes).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const MAX_KEY_BYTES: usize = 1024;
pub const MAX_VALUE_BYTES: usize = 350 * 1024;
pub const MAX_BATCH: usize = 25;
pub const MAX_BATCH_GET: usize = 100;
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

/// The declared secondary indexes (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Index {
    One,
    Two,
}

impl Index {
    pub const ALL: [Self; 2] = [Self::One, Self::Two];

    /// The index's name in storage: the prefix of its DynamoDB attributes and SQLite columns.
    pub fn name(self) -> &'static str {
        match self {
            Self::One => "i1",
            Self::Two => "i2",
        }
    }
}

/// Where a put lists its item in the secondary indexes; `None` keeps it out of that index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexKeys {
    pub one: Option<Key>,
    pub two: Option<Key>,
}

impl IndexKeys {
    pub const NONE: Self = Self { one: None, two: None };

    pub fn get(&self, index: Index) -> Option<&Key> {
        match index {
            Index::One => self.one.as_ref(),
            Index::Two => self.two.as_ref(),
        }
    }

    #[must_use]
    pub fn with(mut self, index: Index, key: Key) -> Self {
        match index {
            Index::One => self.one = Some(key),
            Index::Two => self.two = Some(key),
        }
        self
    }

    fn validate(&self) -> Result<(), KvError> {
        Index::ALL.into_iter().filter_map(|index| self.get(index)).try_for_each(Key::validate)
    }
}

/// A stored document with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub key: Key,
    pub value: Vec<u8>,
    pub version: u64,
    /// Unix seconds after which the item is gone; `None` keeps it forever.
    pub expires_at: Option<i64>,
    /// Where the item is listed in the secondary indexes, as its last put said.
    pub index: IndexKeys,
}

/// One entry of a batch: a conditional write, or a condition on a key the batch does not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    PutIfAbsent {
        key: Key,
        value: Vec<u8>,
        expires_at: Option<i64>,
        index: IndexKeys,
    },
    PutIfVersion {
        key: Key,
        value: Vec<u8>,
        expected: u64,
        expires_at: Option<i64>,
        index: IndexKeys,
    },
    DeleteIfVersion {
        key: Key,
        expected: u64,
    },
    /// Writes nothing: the batch applies only while the live item at `key` is at exactly
    /// `expected`, or while there is none when `expected` is 0.
    Check {
        key: Key,
        expected: u64,
    },
}

impl Write {
    pub fn key(&self) -> &Key {
        match self {
            Self::PutIfAbsent { key, .. }
            | Self::PutIfVersion { key, .. }
            | Self::DeleteIfVersion { key, .. }
            | Self::Check { key, .. } => key,
        }
    }

    /// The version the key has once this write applies (0 for a deletion; a check leaves it).
    pub fn resulting_version(&self) -> u64 {
        match self {
            Self::PutIfAbsent { .. } => 1,
            Self::PutIfVersion { expected, .. } => expected + 1,
            Self::DeleteIfVersion { .. } => 0,
            Self::Check { expected, .. } => *expected,
        }
    }

    /// Whether this entry's condition holds when the key's live item is at `current` (`None`: no
    /// live item). Adapters that check conditions themselves all ask this, so they agree.
    pub fn holds(&self, current: Option<u64>) -> bool {
        match self {
            Self::PutIfAbsent { .. } | Self::Check { expected: 0, .. } => current.is_none(),
            Self::PutIfVersion { expected, .. }
            | Self::DeleteIfVersion { expected, .. }
            | Self::Check { expected, .. } => current == Some(*expected),
        }
    }

    fn validate(&self) -> Result<(), KvError> {
        self.key().validate()?;
        match self {
            Self::PutIfAbsent { value, index, .. } | Self::PutIfVersion { value, index, .. } => {
                if value.len() > MAX_VALUE_BYTES {
                    return Err(KvError::TooLarge { size: value.len(), limit: MAX_VALUE_BYTES });
                }
                index.validate()
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
    if writes.iter().all(|w| matches!(w, Write::Check { .. })) {
        return Err(KvError::Invalid("a batch of checks alone writes nothing; read the items instead".into()));
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

/// Checks the keys of a `get_many` before any adapter reads.
pub fn validate_keys(keys: &[Key]) -> Result<(), KvError> {
    if keys.len() > MAX_BATCH_GET {
        return Err(KvError::Invalid(format!("at most {MAX_BATCH_GET} keys are read at once, not {}", keys.len())));
    }
    let mut seen = std::collections::BTreeSet::new();
    for key in keys {
        key.validate()?;
        if !seen.insert(key) {
            return Err(KvError::Invalid(format!("the key {key} appears twice in one read")));
        }
    }
    Ok(())
}

/// The answer of a `get_many`: the items found (in any order, as a batch read returns them) put in
/// the order of `keys`, `None` where none was.
pub fn in_key_order(keys: &[Key], mut found: Vec<Item>) -> Vec<Option<Item>> {
    // Most batches are a few keys (every signed-in request reads two), where looking along the
    // list costs less than hashing every key twice.
    if keys.len() <= 8 {
        return keys
            .iter()
            .map(|key| found.iter().position(|item| item.key == *key).map(|at| found.swap_remove(at)))
            .collect();
    }
    let mut by_key: std::collections::HashMap<Key, Item> =
        found.into_iter().map(|item| (item.key.clone(), item)).collect();
    keys.iter().map(|key| by_key.remove(key)).collect()
}

/// An opaque position in a query's results, safe to hand to clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor that resumes after the item with this sort key.
    pub fn after(sort: &str) -> Self {
        Self(URL_SAFE_NO_PAD.encode(sort.as_bytes()))
    }

    /// The cursor that resumes after this item in an index: its index sort key, then its own key
    /// (index sort keys need not be unique). Each part is length-prefixed, so any bytes survive.
    pub fn after_indexed(index_sort: &str, key: &Key) -> Self {
        let mut text = String::new();
        for part in [index_sort, &key.partition, &key.sort] {
            text.push_str(&part.len().to_string());
            text.push(':');
            text.push_str(part);
        }
        Self(URL_SAFE_NO_PAD.encode(text.as_bytes()))
    }

    /// The cursor after the last item of a page of `query`.
    pub fn after_item(query: &Query, item: &Item) -> Self {
        match query.index.and_then(|index| item.index.get(index)) {
            Some(index_key) => Self::after_indexed(&index_key.sort, &item.key),
            None => Self::after(&item.key.sort),
        }
    }

    /// Accepts a cursor string from a client; its meaning is checked by [`Query::start_after`].
    pub fn from_token(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn token(&self) -> &str {
        &self.0
    }
}

/// A query over one partition of the table or of an index: a prefix, optionally narrowed to a
/// range of sort keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The table's partition, or the index key's partition when `index` is set.
    pub partition: String,
    pub prefix: String,
    /// The least sort key listed (inclusive).
    pub from: Option<String>,
    /// The sort key the listing stops before (exclusive).
    pub to: Option<String>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
    pub descending: bool,
    /// Read this secondary index instead of the table.
    pub index: Option<Index>,
}

/// Where a page resumes: strictly after this sort key and, in an index, this item's own key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub sort: String,
    pub key: Option<Key>,
}

impl Query {
    pub fn new(partition: impl Into<String>, prefix: impl Into<String>, limit: u32) -> Self {
        Self {
            partition: partition.into(),
            prefix: prefix.into(),
            from: None,
            to: None,
            limit,
            cursor: None,
            descending: false,
            index: None,
        }
    }

    /// A query of `index` under the index partition `partition`.
    pub fn on_index(index: Index, partition: impl Into<String>, prefix: impl Into<String>, limit: u32) -> Self {
        Self { index: Some(index), ..Self::new(partition, prefix, limit) }
    }

    /// Narrows the listing to sort keys in `[from, to)`; either end may be open.
    #[must_use]
    pub fn range(mut self, from: Option<String>, to: Option<String>) -> Self {
        self.from = from;
        self.to = to;
        self
    }

    #[must_use]
    pub fn after(mut self, cursor: Option<Cursor>) -> Self {
        self.cursor = cursor;
        self
    }

    #[must_use]
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    #[must_use]
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// Validates the query and decodes its cursor: where to resume, strictly after.
    pub fn start_after(&self) -> Result<Option<After>, KvError> {
        validate_key_part("partition", &self.partition)?;
        for (name, part) in [("prefix", Some(&self.prefix)), ("from", self.from.as_ref()), ("to", self.to.as_ref())] {
            if part.is_some_and(|p| p.len() > MAX_KEY_BYTES) {
                return Err(KvError::Invalid(format!("the {name} bound is longer than {MAX_KEY_BYTES} bytes")));
            }
        }
        if self.limit == 0 || self.limit > MAX_QUERY_LIMIT {
            return Err(KvError::Invalid(format!("limit must be between 1 and {MAX_QUERY_LIMIT}")));
        }
        let Some(cursor) = &self.cursor else { return Ok(None) };
        let text = URL_SAFE_NO_PAD
            .decode(cursor.token())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or(KvError::InvalidCursor)?;
        let after = if self.index.is_some() {
            let [sort, partition, key_sort] = split_length_prefixed(&text).ok_or(KvError::InvalidCursor)?;
            let key = Key::new(partition, key_sort);
            key.validate().map_err(|_| KvError::InvalidCursor)?;
            After { sort, key: Some(key) }
        } else {
            After { sort: text, key: None }
        };
        if after.sort.is_empty() || !after.sort.starts_with(&self.prefix) {
            return Err(KvError::InvalidCursor);
        }
        Ok(Some(after))
    }

    /// The sort keys this query may list, as `[lower, upper)`: the prefix and the range together.
    /// `None` leaves that end open. An empty range (lower at or past upper) lists nothing.
    pub fn bounds(&self) -> (Option<String>, Option<String>) {
        let mut lower = (!self.prefix.is_empty()).then(|| self.prefix.clone());
        if let Some(from) = &self.from
            && lower.as_ref().is_none_or(|l| from > l)
        {
            lower = Some(from.clone());
        }
        let mut upper = if self.prefix.is_empty() { None } else { prefix_upper_bound(&self.prefix) };
        if let Some(to) = &self.to
            && upper.as_ref().is_none_or(|u| to < u)
        {
            upper = Some(to.clone());
        }
        (lower, upper)
    }

    /// Whether `sort` is inside this query's prefix and range (adapters that filter in memory).
    pub fn admits(&self, sort: &str) -> bool {
        let (lower, upper) = self.bounds();
        sort.starts_with(&self.prefix)
            && lower.is_none_or(|l| sort >= l.as_str())
            && upper.is_none_or(|u| sort < u.as_str())
    }
}

/// Reads `<len>:<text>` three times; `None` when the text is not exactly that.
fn split_length_prefixed(text: &str) -> Option<[String; 3]> {
    let mut rest = text;
    let mut parts = Vec::with_capacity(3);
    for _ in 0..3 {
        let (length, tail) = rest.split_once(':')?;
        let length: usize = length.parse().ok()?;
        let part = tail.get(..length)?;
        parts.push(part.to_owned());
        rest = &tail[length..];
    }
    rest.is_empty().then_some(())?;
    parts.try_into().ok()
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
    /// Builds a page of `query` from up to `limit + 1` items in query order: adapters fetch one
    /// item more than asked, and that extra item, never returned, is what proves a next page
    /// exists, so an exact last page carries no cursor.
    pub fn from_lookahead(mut items: Vec<Item>, query: &Query) -> Self {
        let limit = query.limit as usize;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| Cursor::after_item(query, last))
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

    /// The live items at `keys` (at most [`MAX_BATCH_GET`], distinct), in the order asked. The
    /// default reads them one by one; stores with a batch read override it.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, KvError> {
        validate_keys(keys)?;
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            found.push(self.get(key).await?);
        }
        Ok(found)
    }

    /// Applies the writes atomically; implementations call [`validate_batch`] first.
    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError>;

    /// Creates the item at version 1; `Conflict` when a live item exists.
    async fn put_if_absent(&self, key: Key, value: Vec<u8>, expires_at: Option<i64>) -> Result<u64, KvError> {
        self.batch(vec![Write::PutIfAbsent { key, value, expires_at, index: IndexKeys::NONE }]).await.map(|()| 1)
    }

    /// Replaces the live item at `expected`, returning the new version.
    async fn put_if_version(
        &self,
        key: Key,
        value: Vec<u8>,
        expected: u64,
        expires_at: Option<i64>,
    ) -> Result<u64, KvError> {
        self.batch(vec![Write::PutIfVersion { key, value, expected, expires_at, index: IndexKeys::NONE }])
            .await
            .map(|()| expected + 1)
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
        assert_eq!(query.start_after().unwrap(), Some(After { sort: "goal#7".into(), key: None }));
        let foreign = Query::new("p", "task#", 10).after(Some(Cursor::after("goal#7")));
        assert!(matches!(foreign.start_after(), Err(KvError::InvalidCursor)));
        let garbage = Query::new("p", "", 10).after(Some(Cursor::from_token("!!")));
        assert!(matches!(garbage.start_after(), Err(KvError::InvalidCursor)));
    }

    #[test]
    fn batches_are_checked_before_storage() {
        let put = |sort: &str| Write::PutIfAbsent {
            key: Key::new("p", sort),
            value: vec![],
            expires_at: None,
            index: IndexKeys::NONE,
        };
        assert!(validate_batch(&[]).is_err());
        assert!(validate_batch(&[Write::Check { key: Key::new("p", "c"), expected: 1 }]).is_err(), "checks alone");
        assert!(validate_batch(&[Write::Check { key: Key::new("p", "a"), expected: 1 }, put("a")]).is_err());
        assert!(validate_batch(&[Write::Check { key: Key::new("p", "c"), expected: 0 }, put("a")]).is_ok());
        let badly_indexed = Write::PutIfAbsent {
            key: Key::new("p", "s"),
            value: vec![],
            expires_at: None,
            index: IndexKeys::NONE.with(Index::Two, Key::new("", "x")),
        };
        assert!(validate_batch(&[badly_indexed]).is_err(), "index keys are keys too");
        assert!(validate_batch(&[put("a"), put("a")]).is_err());
        assert!(validate_batch(&(0..26).map(|i| put(&i.to_string())).collect::<Vec<_>>()).is_err());
        assert!(validate_batch(&(0..25).map(|i| put(&i.to_string())).collect::<Vec<_>>()).is_ok());
        let big = Write::PutIfAbsent {
            key: Key::new("p", "s"),
            value: vec![0; MAX_VALUE_BYTES + 1],
            expires_at: None,
            index: IndexKeys::NONE,
        };
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
        let item = |sort: &str| Item {
            key: Key::new("p", sort),
            value: vec![],
            version: 1,
            expires_at: None,
            index: IndexKeys::NONE,
        };
        let query = Query::new("p", "", 2);
        let page = Page::from_lookahead(vec![item("a"), item("b"), item("c")], &query);
        assert_eq!(page.items, vec![item("a"), item("b")]);
        assert_eq!(page.next, Some(Cursor::after("b")));
        assert_eq!(Page::from_lookahead(vec![item("a"), item("b")], &query).next, None);
    }

    #[test]
    fn index_cursors_carry_the_item_key_and_survive_any_bytes() {
        let key = Key::new("org#1:x", "doc#7:9");
        let query =
            Query::on_index(Index::One, "tag#a", "2026-", 10).after(Some(Cursor::after_indexed("2026-01:", &key)));
        assert_eq!(query.start_after().unwrap(), Some(After { sort: "2026-01:".into(), key: Some(key.clone()) }));
        let plain = Query::on_index(Index::One, "tag#a", "", 10).after(Some(Cursor::after("2026-01")));
        assert!(matches!(plain.start_after(), Err(KvError::InvalidCursor)), "a table cursor is not an index cursor");
        let outside = Query::on_index(Index::One, "tag#a", "2027", 10).after(Some(Cursor::after_indexed("2026", &key)));
        assert!(matches!(outside.start_after(), Err(KvError::InvalidCursor)));
    }

    #[test]
    fn bounds_join_the_prefix_and_the_range() {
        let q = |prefix: &str, from: Option<&str>, to: Option<&str>| {
            Query::new("p", prefix, 1).range(from.map(str::to_owned), to.map(str::to_owned)).bounds()
        };
        assert_eq!(q("", None, None), (None, None));
        assert_eq!(q("d#", None, None), (Some("d#".into()), Some("d$".into())));
        assert_eq!(q("d#", Some("d#2026-03"), Some("d#2026-04")), (Some("d#2026-03".into()), Some("d#2026-04".into())));
        assert_eq!(q("d#", Some("a"), Some("z")), (Some("d#".into()), Some("d$".into())), "the prefix is narrower");
        assert_eq!(q("", Some("b"), None), (Some("b".into()), None));
        let query = Query::new("p", "d#", 1).range(Some("d#2".into()), Some("d#4".into()));
        assert!(query.admits("d#2") && query.admits("d#3zz") && !query.admits("d#4") && !query.admits("d#1"));
    }

    #[test]
    fn get_many_answers_in_the_order_asked() {
        let item = |sort: &str| Item {
            key: Key::new("p", sort),
            value: vec![],
            version: 1,
            expires_at: None,
            index: IndexKeys::NONE,
        };
        let keys = [Key::new("p", "b"), Key::new("p", "x"), Key::new("p", "a")];
        let ordered = in_key_order(&keys, vec![item("a"), item("b")]);
        assert_eq!(ordered, vec![Some(item("b")), None, Some(item("a"))]);
    }

    #[test]
    fn get_many_keys_are_checked() {
        let keys: Vec<Key> = (0..=MAX_BATCH_GET).map(|i| Key::new("p", i.to_string())).collect();
        assert!(validate_keys(&keys[..MAX_BATCH_GET]).is_ok());
        assert!(validate_keys(&keys).is_err());
        assert!(validate_keys(&[Key::new("p", "a"), Key::new("p", "a")]).is_err());
        assert!(validate_keys(&[]).is_ok());
    }

    #[test]
    fn checks_hold_on_the_version_or_on_absence() {
        let check = |expected| Write::Check { key: Key::new("p", "s"), expected };
        assert!(check(0).holds(None) && !check(0).holds(Some(1)));
        assert!(check(2).holds(Some(2)) && !check(2).holds(Some(3)) && !check(2).holds(None));
    }

    #[test]
    fn queries_reject_limits_out_of_range() {
        assert!(Query::new("p", "", 0).start_after().is_err());
        assert!(Query::new("p", "", MAX_QUERY_LIMIT + 1).start_after().is_err());
        assert!(Query::new("", "", 5).start_after().is_err());
    }
}

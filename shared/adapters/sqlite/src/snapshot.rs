//! `SnapshotSearch`: the search port for hosts with no database of their own to hold an index
//! (AWS Lambda): each organisation's index is an SQLite FTS5 file (the same schema and statements
//! as [`crate::SqliteSearch`]) kept in object storage and cached by readers in a local folder
//! (`/tmp` on Lambda), over the key-value and blob ports only.
//!
//! - **Writes** (`index`, `delete`) are cheap: each records the document's latest state in the
//!   organisation's journal (`org#<org>#search-journal`, one item per document, so the last write
//!   wins in the store's own order) and then sets the organisation's mark in `search-pending` to
//!   pending, as a new version of it.
//! - **`refresh`** publishes: for each organisation marked pending it reads the journal, applies it
//!   to a copy of the current snapshot, uploads the new file in parts, and moves the pointer
//!   (`org#<org>#search`, `snapshot`) with a conditional write; then it removes the journal
//!   entries it applied and sets the mark to published, each only if unchanged since it read
//!   them. A mark is never deleted, so its versions only grow: a publisher holding an old version
//!   cannot mistake a mark written since for the one it read, as it could if the mark were
//!   deleted and created again at version 1. Two refreshes at
//!   once cannot both move a pointer from one version: the one that loses builds again on top of
//!   the winner's snapshot, so when `refresh` returns, every change journaled before it began is
//!   published.
//! - **Reads** check the pointer (one key-value read) and query the cached file of that version,
//!   downloading it first when the cache holds none. Results are as fresh as the last publish.
//!
//! A refresh publishes an organisation while holding its lease (`org#<org>#search`, `lease`, an
//! expiring item), so overlapping job runs wait for each other instead of building the same file.
//! The writer marks after it writes the journal, and the publisher removes a mark only at the
//! version it saw before reading the journal, so a change is either in the journal the publisher
//! read or under a mark that stays.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use emmaus_ports::kv::MAX_BATCH;
use emmaus_ports::search::{validate_batch, validate_ids, validate_org};
use emmaus_ports::{
    BlobError, BlobKey, BlobStore, Clock, Cursor, Ids, IndexKeys, Item, Key, KvError, KvStore, Query, SearchDoc,
    SearchError, SearchIndex, SearchQuery, SearchResults, Write,
};
use rusqlite::Connection;

use crate::error::search_error;
use crate::search::{apply_delete, apply_index, migrated, open_read_only, run_search};

/// The global partition of organisations' marks (sort key: the organisation), one per organisation
/// that ever indexed, each [`MARK_PENDING`] or [`MARK_PUBLISHED`].
const PENDING: &str = "search-pending";
/// A mark's value while changes wait to be published (an empty value, as earlier versions wrote, too).
const MARK_PENDING: &[u8] = b"pending";
/// A mark's value once what it marked was published.
const MARK_PUBLISHED: &[u8] = b"published";
/// The largest part a snapshot is uploaded in (or the blob store's limit, if smaller).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Organisations whose snapshots a reader keeps open at once.
const CACHED_ORGS: usize = 16;
/// Builds one refresh makes of an organisation when it loses the race for the pointer.
const PUBLISH_ATTEMPTS: usize = 5;
/// How long a publisher's lease lasts: past the longest publish, so only a crashed holder's runs out.
const LEASE_SECONDS: i64 = 300;
/// How long a refresh waits for another's lease before it gives up for this run.
const LEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(90);
const LEASE_POLL: std::time::Duration = std::time::Duration::from_millis(200);
/// Documents applied per transaction while building a snapshot.
const APPLY_CHUNK: usize = 500;

fn journal(org: &str) -> String {
    format!("org#{org}#search-journal")
}

fn pointer_key(org: &str) -> Key {
    Key::new(format!("org#{org}#search"), "snapshot")
}

fn lease_key(org: &str) -> Key {
    Key::new(format!("org#{org}#search"), "lease")
}

/// A part of a snapshot; each build has its own id, so a build that loses the race to publish
/// removes only its own parts.
fn part_key(org: &str, build: &str, part: u32) -> Result<BlobKey, SearchError> {
    BlobKey::parse(format!("search/{org}/{build}/part-{part:05}"))
        .map_err(|e| SearchError::Invalid(format!("the organisation id cannot name a snapshot: {e}")))
}

#[derive(Clone)]
pub struct SnapshotSearch {
    kv: Arc<dyn KvStore>,
    blobs: Arc<dyn BlobStore>,
    ids: Arc<dyn Ids>,
    clock: Arc<dyn Clock>,
    dir: PathBuf,
    cache: Arc<Mutex<HashMap<String, Cached>>>,
}

impl std::fmt::Debug for SnapshotSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotSearch").field("dir", &self.dir).finish_non_exhaustive()
    }
}

/// An organisation's snapshot file, open for reading.
struct Cached {
    version: u64,
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    used: u64,
}

/// Where an organisation's current snapshot is: the pointer item's version, and the build's id
/// and number of parts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pointer {
    version: u64,
    build: String,
    parts: u32,
}

impl Pointer {
    fn encode(&self, bytes: u64) -> Vec<u8> {
        format!("v1 {} {} {bytes}", self.build, self.parts).into_bytes()
    }

    fn decode(item: &Item) -> Result<Self, SearchError> {
        let text = std::str::from_utf8(&item.value).unwrap_or_default();
        let mut words = text.split(' ');
        match (words.next(), words.next(), words.next().and_then(|n| n.parse().ok())) {
            (Some("v1"), Some(build), Some(parts)) => {
                Ok(Self { version: item.version, build: build.to_owned(), parts })
            }
            _ => Err(SearchError::Backend(format!("unreadable search snapshot pointer {text:?}"))),
        }
    }
}

fn kv_error(error: KvError) -> SearchError {
    match error {
        KvError::Unavailable(e) => SearchError::Unavailable(e.to_string()),
        KvError::Invalid(message) => SearchError::Invalid(message),
        other => SearchError::Backend(other.to_string()),
    }
}

fn blob_error(error: BlobError) -> SearchError {
    match error {
        BlobError::Unavailable(e) => SearchError::Unavailable(e.to_string()),
        other => SearchError::Backend(other.to_string()),
    }
}

impl SnapshotSearch {
    /// Snapshots in `blobs`, pointers and journals in `kv`, cached files in `dir` (created).
    pub fn new(
        kv: Arc<dyn KvStore>,
        blobs: Arc<dyn BlobStore>,
        ids: Arc<dyn Ids>,
        clock: Arc<dyn Clock>,
        dir: &Path,
    ) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Backend(format!("cannot create the search cache {}: {e}", dir.display())))?;
        Ok(Self { kv, blobs, ids, clock, dir: dir.to_owned(), cache: Arc::default() })
    }

    /// Records changes in the journal, then marks the organisation pending.
    async fn record(&self, org: &str, changes: Vec<(String, Vec<u8>)>) -> Result<(), SearchError> {
        let partition = journal(org);
        for chunk in changes.chunks(MAX_BATCH) {
            let keys: Vec<Key> = chunk.iter().map(|(id, _)| Key::new(partition.clone(), id.clone())).collect();
            let current = self.kv.get_many(&keys).await.map_err(kv_error)?;
            let writes = keys
                .iter()
                .zip(chunk)
                .zip(&current)
                .map(|((key, (_, value)), found)| {
                    put_at(key.clone(), value.clone(), found.as_ref().map(|item| item.version))
                })
                .collect();
            // One batch for the usual case; when another writer got in between, entry by entry.
            match self.kv.batch(writes).await {
                Ok(()) => {}
                Err(KvError::Conflict(_)) => {
                    for ((key, (_, value)), found) in keys.into_iter().zip(chunk).zip(current) {
                        self.put_latest(key, value.clone(), found).await?;
                    }
                }
                Err(other) => return Err(kv_error(other)),
            }
        }
        // A new version of the mark, so a publisher that read the journal before these changes
        // cannot set it to published with them.
        let mark = Key::new(PENDING, org);
        let found = self.kv.get(&mark).await.map_err(kv_error)?;
        self.put_latest(mark, MARK_PENDING.to_vec(), found).await
    }

    /// Writes an item (a journal entry, a mark) over whatever version is there, retrying when
    /// another writer got in between (the later write wins, as it should).
    async fn put_latest(&self, key: Key, value: Vec<u8>, mut found: Option<Item>) -> Result<(), SearchError> {
        for _ in 0..16 {
            let write = put_at(key.clone(), value.clone(), found.as_ref().map(|item| item.version));
            match self.kv.batch(vec![write]).await {
                Ok(()) => return Ok(()),
                Err(KvError::Conflict(_)) => found = self.kv.get(&key).await.map_err(kv_error)?,
                Err(other) => return Err(kv_error(other)),
            }
        }
        Err(SearchError::Unavailable(format!("the search journal item {key} kept changing; try again")))
    }

    /// Publishes one organisation's journal as it is now, holding the organisation's lease so
    /// refreshes elsewhere (overlapping job runs) wait rather than build the same snapshot twice;
    /// what was journaled before this call is published when it returns.
    async fn publish(&self, org: &str) -> Result<(), SearchError> {
        let lease = self.acquire_lease(org).await?;
        let mut outcome = Err(SearchError::Unavailable(format!("{org}'s index kept changing hands; try again")));
        for _ in 0..PUBLISH_ATTEMPTS {
            match self.publish_once(org).await {
                // Lost only when a lease ran out under a slow build; the next attempt builds on the winner's.
                Ok(false) => {}
                done => {
                    outcome = done.map(drop);
                    break;
                }
            }
        }
        self.release_lease(org, &lease).await;
        outcome
    }

    /// Takes the organisation's lease, waiting while another refresh holds it (at most
    /// [`LEASE_WAIT`]); a lease outlives a crashed holder by at most [`LEASE_SECONDS`].
    async fn acquire_lease(&self, org: &str) -> Result<String, SearchError> {
        let holder = self.ids.new_id();
        let started = std::time::Instant::now();
        loop {
            let expires_at = self.clock.now().unix_seconds() + LEASE_SECONDS;
            match self.kv.put_if_absent(lease_key(org), holder.clone().into_bytes(), Some(expires_at)).await {
                Ok(_) => return Ok(holder),
                Err(KvError::Conflict(_)) if started.elapsed() < LEASE_WAIT => {
                    tokio::time::sleep(LEASE_POLL).await;
                }
                Err(KvError::Conflict(_)) => {
                    return Err(SearchError::Unavailable(format!("another refresh is publishing {org}'s index")));
                }
                Err(other) => return Err(kv_error(other)),
            }
        }
    }

    async fn release_lease(&self, org: &str, holder: &str) {
        if let Ok(Some(lease)) = self.kv.get(&lease_key(org)).await
            && lease.value == holder.as_bytes()
        {
            let _ = self.kv.delete_if_version(lease.key, lease.version).await;
        }
    }

    /// One attempt of [`Self::publish`]: `Ok(false)` when another refresh moved the pointer first.
    async fn publish_once(&self, org: &str) -> Result<bool, SearchError> {
        let entries = self.journal_entries(org).await?;
        if entries.is_empty() {
            return Ok(true);
        }
        let pointer = self.pointer(org).await?;
        let building = self.dir.join(format!("build-{}.sqlite", self.ids.new_id()));
        let result = self.build_and_upload(org, pointer.clone(), &entries, &building).await;
        let _ = std::fs::remove_file(&building);
        if result?.is_none() {
            return Ok(false);
        }
        // The pointer moved: the previous snapshot's readers re-read it, and the applied entries go,
        // each only if no newer change replaced it meanwhile.
        if let Some(previous) = pointer {
            self.delete_parts(org, &previous).await;
        }
        for chunk in entries.chunks(MAX_BATCH) {
            let deletes: Vec<Write> = chunk
                .iter()
                .map(|entry| Write::DeleteIfVersion { key: entry.key.clone(), expected: entry.version })
                .collect();
            if let Err(KvError::Conflict(_)) = self.kv.batch(deletes).await {
                // One of them changed since it was read; the others still go.
                for entry in chunk {
                    let _ = self.kv.delete_if_version(entry.key.clone(), entry.version).await;
                }
            }
        }
        Ok(true)
    }

    async fn build_and_upload(
        &self,
        org: &str,
        pointer: Option<Pointer>,
        entries: &[Item],
        building: &Path,
    ) -> Result<Option<Pointer>, SearchError> {
        match &pointer {
            Some(pointer) => {
                // Gone: another refresh published meanwhile, and ours is redone on top of it.
                if !self.download(org, pointer, building).await? {
                    return Ok(None);
                }
            }
            None => {
                let _ = std::fs::remove_file(building);
            }
        }
        let changes =
            entries.iter().map(|entry| decode_change(&entry.key.sort, &entry.value)).collect::<Result<Vec<_>, _>>()?;
        let (path, org_owned) = (building.to_owned(), org.to_owned());
        let size = tokio::task::spawn_blocking(move || apply_changes(&path, &org_owned, changes))
            .await
            .map_err(|e| SearchError::Backend(e.to_string()))??;
        self.upload(org, pointer.as_ref(), building, size).await
    }

    /// Uploads the file at `path` as the next snapshot after `pointer` and moves the pointer;
    /// `None` (and the parts removed) when another publisher moved it first.
    async fn upload(
        &self,
        org: &str,
        pointer: Option<&Pointer>,
        path: &Path,
        size: u64,
    ) -> Result<Option<Pointer>, SearchError> {
        let version = pointer.map_or(1, |p| p.version + 1);
        let build = self.ids.new_id();
        // Part by part from the file, so memory holds one part, not the whole index.
        let part_size = self.blobs.max_size().clamp(1, MAX_PART_BYTES);
        let mut file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
        let mut count = 0u32;
        loop {
            let mut part = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, part_size), &mut part)
                .map_err(|e| io_error(path, &e))?;
            if part.is_empty() && count > 0 {
                break;
            }
            self.blobs
                .put(&part_key(org, &build, count)?, part, "application/vnd.sqlite3")
                .await
                .map_err(blob_error)?;
            count += 1;
        }
        let published = Pointer { version, build, parts: count };
        let value = published.encode(size);
        match self.kv.batch(vec![put_at(pointer_key(org), value, pointer.map(|p| p.version))]).await {
            Ok(()) => Ok(Some(published)),
            Err(KvError::Conflict(_)) => {
                // Another refresh published first; ours is redone on top of it next time.
                self.delete_parts(org, &published).await;
                Ok(None)
            }
            Err(other) => Err(kv_error(other)),
        }
    }

    /// Publishes an index file built elsewhere for this organisation with [`crate::SqliteSearch`]
    /// (a rebuild of the whole library, say) as its snapshot, replacing the current one; changes
    /// still in the journal are applied by the next refresh on top of it. The file is switched to
    /// a self-contained journal mode first, so it must not be open elsewhere.
    pub async fn publish_file(&self, org: &str, file: &Path) -> Result<(), SearchError> {
        validate_org(org)?;
        part_key(org, "build", 0)?;
        let path = file.to_owned();
        let size = tokio::task::spawn_blocking(move || {
            let conn = Connection::open(&path).map_err(|e| search_error(&e))?;
            conn.pragma_update(None, "journal_mode", "DELETE").map_err(|e| search_error(&e))?;
            drop(migrated(conn)?);
            std::fs::metadata(&path).map(|meta| meta.len()).map_err(|e| io_error(&path, &e))
        })
        .await
        .map_err(|e| SearchError::Backend(e.to_string()))??;
        let lease = self.acquire_lease(org).await?;
        let outcome = async {
            let pointer = self.pointer(org).await?;
            match self.upload(org, pointer.as_ref(), file, size).await? {
                Some(_) => {
                    if let Some(previous) = &pointer {
                        self.delete_parts(org, previous).await;
                    }
                    Ok(())
                }
                None => {
                    Err(SearchError::Unavailable(format!("{org}'s index changed while it was published; try again")))
                }
            }
        }
        .await;
        self.release_lease(org, &lease).await;
        outcome
    }

    async fn delete_parts(&self, org: &str, pointer: &Pointer) {
        for part in 0..pointer.parts {
            if let Ok(key) = part_key(org, &pointer.build, part) {
                let _ = self.blobs.delete(&key).await;
            }
        }
    }

    async fn journal_entries(&self, org: &str) -> Result<Vec<Item>, SearchError> {
        let mut entries = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let query = Query::new(journal(org), "", emmaus_ports::kv::MAX_QUERY_LIMIT).after(cursor);
            let page = self.kv.query(&query).await.map_err(kv_error)?;
            entries.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(entries),
            }
        }
    }

    async fn pointer(&self, org: &str) -> Result<Option<Pointer>, SearchError> {
        self.kv.get(&pointer_key(org)).await.map_err(kv_error)?.as_ref().map(Pointer::decode).transpose()
    }

    /// Writes a snapshot to `path` part by part; `false` when a part is gone, which means a newer
    /// snapshot replaced it.
    async fn download(&self, org: &str, pointer: &Pointer, path: &Path) -> Result<bool, SearchError> {
        let mut file = std::fs::File::create(path).map_err(|e| io_error(path, &e))?;
        for part in 0..pointer.parts {
            match self.blobs.get(&part_key(org, &pointer.build, part)?).await {
                Ok(blob) => std::io::Write::write_all(&mut file, &blob.bytes).map_err(|e| io_error(path, &e))?,
                Err(BlobError::NotFound(_)) => return Ok(false),
                Err(other) => return Err(blob_error(other)),
            }
        }
        file.sync_all().map_err(|e| io_error(path, &e))?;
        Ok(true)
    }

    /// The open snapshot of `pointer`'s version, downloading it unless cached; `None` when it was
    /// replaced before it could be downloaded.
    async fn open(&self, org: &str, pointer: &Pointer) -> Result<Option<Arc<Mutex<Connection>>>, SearchError> {
        if let Some(cached) = self.cache.lock().expect("the search cache's lock is poisoned").get_mut(org)
            && cached.version == pointer.version
        {
            cached.used = next_use();
            return Ok(Some(cached.conn.clone()));
        }
        let path = self.dir.join(format!("{}.sqlite", self.ids.new_id()));
        if !self.download(org, pointer, &path).await? {
            let _ = std::fs::remove_file(&path);
            return Ok(None);
        }
        let conn = Arc::new(Mutex::new(open_read_only(&path)?));
        let mut cache = self.cache.lock().expect("the search cache's lock is poisoned");
        let replaced = cache
            .insert(org.to_owned(), Cached { version: pointer.version, path, conn: conn.clone(), used: next_use() });
        if let Some(old) = replaced {
            let _ = std::fs::remove_file(old.path);
        }
        while cache.len() > CACHED_ORGS {
            let Some(oldest) = cache.iter().min_by_key(|(_, c)| c.used).map(|(org, _)| org.clone()) else { break };
            if let Some(evicted) = cache.remove(&oldest) {
                let _ = std::fs::remove_file(evicted.path);
            }
        }
        Ok(Some(conn))
    }
}

/// The put that replaces the item at the version found, or creates it when none was.
fn put_at(key: Key, value: Vec<u8>, found: Option<u64>) -> Write {
    match found {
        Some(expected) => Write::PutIfVersion { key, value, expected, expires_at: None, index: IndexKeys::NONE },
        None => Write::PutIfAbsent { key, value, expires_at: None, index: IndexKeys::NONE },
    }
}

fn next_use() -> u64 {
    static USES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    USES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn io_error(path: &Path, error: &std::io::Error) -> SearchError {
    SearchError::Backend(format!("{}: {error}", path.display()))
}

/// A journal change: the document's new state, or its removal.
enum Change {
    Index(SearchDoc),
    Delete(String),
}

/// Applies changes to the file at `path` (created when missing) and returns its size: a
/// rollback-journal file, self-contained (no WAL beside it).
fn apply_changes(path: &Path, org: &str, changes: Vec<Change>) -> Result<u64, SearchError> {
    let conn = Connection::open(path).map_err(|e| search_error(&e))?;
    conn.pragma_update(None, "journal_mode", "DELETE").map_err(|e| search_error(&e))?;
    let mut conn = migrated(conn)?;
    let mut docs = Vec::new();
    let mut deletes = Vec::new();
    for change in changes {
        match change {
            Change::Index(doc) => docs.push(doc),
            Change::Delete(id) => deletes.push(id),
        }
    }
    // Each entry is one document's latest state, so the order between documents does not matter.
    for chunk in docs.chunks(APPLY_CHUNK) {
        apply_index(&mut conn, org, chunk)?;
    }
    for chunk in deletes.chunks(APPLY_CHUNK) {
        apply_delete(&mut conn, org, chunk)?;
    }
    drop(conn);
    std::fs::metadata(path).map(|meta| meta.len()).map_err(|e| io_error(path, &e))
}

#[async_trait::async_trait]
impl SearchIndex for SnapshotSearch {
    fn adapter(&self) -> &'static str {
        "snapshot-fts5"
    }

    async fn index(&self, org: &str, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_batch(&docs)?;
        part_key(org, "build", 0)?;
        let changes = docs.iter().map(|doc| (doc.id.clone(), codec::encode(Some(doc)))).collect();
        self.record(org, changes).await
    }

    async fn delete(&self, org: &str, ids: &[String]) -> Result<(), SearchError> {
        validate_org(org)?;
        validate_ids(ids)?;
        part_key(org, "build", 0)?;
        self.record(org, ids.iter().map(|id| (id.clone(), codec::encode(None))).collect()).await
    }

    async fn search(&self, org: &str, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        validate_org(org)?;
        query.validate()?;
        // A snapshot deleted between reading its pointer and downloading it was replaced: read again.
        for _ in 0..3 {
            let Some(pointer) = self.pointer(org).await? else {
                return Ok(SearchResults {
                    facets: query.facets.iter().map(|field| (field.clone(), Vec::new())).collect(),
                    ..SearchResults::default()
                });
            };
            let Some(conn) = self.open(org, &pointer).await? else { continue };
            let (org, query) = (org.to_owned(), query.clone());
            return tokio::task::spawn_blocking(move || {
                run_search(&conn.lock().expect("a snapshot connection's lock is poisoned"), &org, &query)
            })
            .await
            .map_err(|e| SearchError::Backend(e.to_string()))?;
        }
        Err(SearchError::Unavailable("the search snapshot kept changing; try again".to_owned()))
    }

    async fn refresh(&self) -> Result<(), SearchError> {
        let mut first_error = None;
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = self.kv.query(&Query::new(PENDING, "", 100).after(cursor)).await.map_err(kv_error)?;
            for mark in page.items.into_iter().filter(|mark| mark.value != MARK_PUBLISHED) {
                match self.publish(&mark.key.sort).await {
                    // Published only at the version read: a writer that marked since keeps it pending.
                    Ok(()) => {
                        match self.kv.put_if_version(mark.key, MARK_PUBLISHED.to_vec(), mark.version, None).await {
                            Ok(_) | Err(KvError::Conflict(_)) => {}
                            Err(other) => return Err(kv_error(other)),
                        }
                    }
                    Err(error) => {
                        first_error.get_or_insert(error);
                    }
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// The journal's encoding of a change: a tag byte, then length-prefixed strings. Compact (a
/// document at the port's size limit fits a key-value item) and exact (no escaping).
mod codec {
    use std::collections::BTreeMap;

    use emmaus_ports::{SearchDoc, SearchError};

    const DELETE: u8 = 0;
    const INDEX_V1: u8 = 1;

    pub(super) fn encode(doc: Option<&SearchDoc>) -> Vec<u8> {
        let Some(doc) = doc else { return vec![DELETE] };
        let mut out = vec![INDEX_V1];
        for text in [&doc.id, &doc.title, &doc.summary, &doc.body] {
            string(&mut out, text);
        }
        for map in [&doc.keywords, &doc.paths] {
            count(&mut out, map.len());
            for (field, values) in map {
                string(&mut out, field);
                count(&mut out, values.len());
                for value in values {
                    string(&mut out, value);
                }
            }
        }
        count(&mut out, doc.dates.len());
        for (field, value) in &doc.dates {
            string(&mut out, field);
            out.extend(value.to_be_bytes());
        }
        count(&mut out, doc.readers.len());
        for reader in &doc.readers {
            string(&mut out, reader);
        }
        out
    }

    fn count(out: &mut Vec<u8>, n: usize) {
        out.extend(u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes());
    }

    fn string(out: &mut Vec<u8>, text: &str) {
        count(out, text.len());
        out.extend(text.as_bytes());
    }

    pub(super) fn decode(bytes: &[u8]) -> Result<Option<SearchDoc>, SearchError> {
        let mut reader = Reader { bytes, at: 0 };
        match reader.take(1)?.first() {
            Some(&DELETE) => return Ok(None),
            Some(&INDEX_V1) => {}
            other => return Err(corrupt(&format!("unknown tag {other:?}"))),
        }
        let mut doc = SearchDoc {
            id: reader.string()?,
            title: reader.string()?,
            summary: reader.string()?,
            body: reader.string()?,
            ..SearchDoc::default()
        };
        for which in 0..2 {
            let mut map = BTreeMap::new();
            for _ in 0..reader.count()? {
                let field = reader.string()?;
                let values = (0..reader.count()?).map(|_| reader.string()).collect::<Result<_, _>>()?;
                map.insert(field, values);
            }
            if which == 0 { doc.keywords = map } else { doc.paths = map }
        }
        for _ in 0..reader.count()? {
            let field = reader.string()?;
            let value = i64::from_be_bytes(reader.take(8)?.try_into().map_err(|_| corrupt("a short date"))?);
            doc.dates.insert(field, value);
        }
        doc.readers = (0..reader.count()?).map(|_| reader.string()).collect::<Result<_, _>>()?;
        Ok(Some(doc))
    }

    fn corrupt(what: &str) -> SearchError {
        SearchError::Backend(format!("a search journal entry is unreadable: {what}"))
    }

    struct Reader<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl<'a> Reader<'a> {
        fn take(&mut self, n: usize) -> Result<&'a [u8], SearchError> {
            let end = self
                .at
                .checked_add(n)
                .filter(|&end| end <= self.bytes.len())
                .ok_or_else(|| corrupt("it ends early"))?;
            let taken = &self.bytes[self.at..end];
            self.at = end;
            Ok(taken)
        }

        fn count(&mut self) -> Result<usize, SearchError> {
            let bytes: [u8; 4] = self.take(4)?.try_into().map_err(|_| corrupt("a short count"))?;
            usize::try_from(u32::from_be_bytes(bytes)).map_err(|_| corrupt("a count too large"))
        }

        fn string(&mut self) -> Result<String, SearchError> {
            let n = self.count()?;
            String::from_utf8(self.take(n)?.to_vec()).map_err(|_| corrupt("text that is not UTF-8"))
        }
    }
}

fn decode_change(id: &str, bytes: &[u8]) -> Result<Change, SearchError> {
    Ok(match codec::decode(bytes)? {
        Some(doc) => Change::Index(doc),
        None => Change::Delete(id.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_codec_round_trips_every_field() {
        let mut doc = SearchDoc {
            id: "d1".into(),
            title: "Grâce".into(),
            summary: "s".into(),
            body: "b\"\\\n".into(),
            readers: vec!["a".into(), "b".into()],
            ..SearchDoc::default()
        };
        doc.keywords.insert("kind".into(), vec!["note".into()]);
        doc.paths.insert("tags".into(), vec!["x/y".into(), "z".into()]);
        doc.dates.insert("updated".into(), -5);
        let encoded = codec::encode(Some(&doc));
        assert_eq!(codec::decode(&encoded).unwrap(), Some(doc));
        assert_eq!(codec::decode(&codec::encode(None)).unwrap(), None);
        assert!(codec::decode(&encoded[..encoded.len() - 1]).is_err());
        assert!(codec::decode(&[9]).is_err());
    }
}

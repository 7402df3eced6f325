//! The hub's derived data, through the outbox: the search index entry of each resource
//! (`hub.index`).
//!
//! The task is idempotent: it reads the resource as it is now and writes its whole entry (or
//! removes it for a resource deleted or gone), so applying it twice, or an older task after a
//! newer one, leaves the index as the store says.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use emmaus_app::Platform;
use emmaus_app::docs;
use emmaus_app::outbox::{self, Failure, Handlers};
use emmaus_domain::DomainError;
use emmaus_domain::hub::audience;
use emmaus_ports::search::MAX_TEXT_BYTES;
use emmaus_ports::{SearchDoc, SearchError, Write};

use crate::model::Resource;
use crate::{keys, markdown, notes};

/// Indexes one resource: `{"org": …, "id": …}`.
pub const TASK: &str = "hub.index";

/// The hub's task handlers, added to a host's.
pub fn handlers(handlers: Handlers) -> Handlers {
    handlers.with(TASK, handle)
}

/// The handler of [`TASK`], as the outbox calls it.
fn handle(p: Platform, payload: serde_json::Value) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + Send>> {
    Box::pin(async move { index_task(&p, &payload).await })
}

/// The write that enqueues indexing `id` of `org`.
pub(crate) fn task(p: &Platform, org: &str, id: &str) -> Result<Write, DomainError> {
    outbox::enqueue(p, TASK, serde_json::json!({ "org": org, "id": id }))
}

/// Applies an indexing task just committed, so the person who made the change finds it at once;
/// on any failure the task stays for the outbox job.
pub(crate) async fn apply_now(p: &Platform, task: &Write) {
    outbox::apply_now(p, task, handle).await;
}

async fn index_task(p: &Platform, payload: &serde_json::Value) -> Result<(), Failure> {
    let (org, id) = (outbox::payload_text(payload, "org")?, outbox::payload_text(payload, "id")?);
    reindex(p, &org, &id).await.map_err(|error| match error {
        DomainError::NotFound(_) => Failure::Permanent(error.to_string()),
        other => Failure::from(other),
    })
}

/// Brings the index entry of `id` in line with the store.
pub async fn reindex(p: &Platform, org: &str, id: &str) -> Result<(), DomainError> {
    let doc: Option<docs::Doc<Resource>> = docs::get(p.kv.as_ref(), keys::resource(org, id)).await?;
    match doc {
        Some(doc) if doc.value.searchable() => {
            let entry = entry(p, &doc.value).await?;
            p.search.index(org, vec![entry]).await.map_err(from_search)
        }
        _ => p.search.delete(org, &[id.to_owned()]).await.map_err(from_search),
    }
}

/// Applies the indexing tasks an import committed (and reindexes `also`, resources whose links
/// may lead elsewhere now), a hundred entries per call of the search port rather than one commit
/// each, then takes the applied tasks off the queue. What fails stays for the outbox job, which
/// applies the tasks again; nothing here is lost.
pub(crate) async fn apply_imported(p: &Platform, org: &str, tasks: &[(String, Write)], also: &[String]) {
    let ids: Vec<&str> = tasks.iter().map(|(id, _)| id.as_str()).chain(also.iter().map(String::as_str)).collect();
    for chunk in ids.chunks(REBUILD_CHUNK) {
        if let Err(error) = reindex_many(p, org, chunk).await {
            tracing::warn!(%error, "indexing an import failed; the outbox job indexes it");
            return;
        }
    }
    for (_, task) in tasks {
        // Version 1 is the task as enqueued; one the job claimed meanwhile is the job's.
        let _ = p.kv.delete_if_version(task.key().clone(), 1).await;
    }
}

/// Brings the entries of `ids` in line with the store, in one call of the search port each for
/// what is indexed and what is removed.
async fn reindex_many(p: &Platform, org: &str, ids: &[&str]) -> Result<(), DomainError> {
    let keys: Vec<emmaus_ports::Key> = ids.iter().map(|id| keys::resource(org, id)).collect();
    let found = p.kv.get_many(&keys).await.map_err(emmaus_app::error::from_kv)?;
    let mut entries = Vec::new();
    let mut gone = Vec::new();
    for (id, item) in ids.iter().zip(found) {
        let doc: Option<docs::Doc<Resource>> = item.map(docs::from_item).transpose()?;
        match doc {
            Some(doc) if doc.value.searchable() => entries.push(entry(p, &doc.value).await?),
            _ => gone.push((*id).to_owned()),
        }
    }
    if !entries.is_empty() {
        p.search.index(org, entries).await.map_err(from_search)?;
    }
    if !gone.is_empty() {
        p.search.delete(org, &gone).await.map_err(from_search)?;
    }
    Ok(())
}

pub(crate) fn from_search(error: SearchError) -> DomainError {
    match error {
        SearchError::Invalid(message) => DomainError::invalid("search", message),
        SearchError::Unavailable(_) => DomainError::Unavailable("search".into()),
        SearchError::Backend(_) => DomainError::unexpected(error),
    }
}

/// Sort keys for titles: lower case, within the search port's value limit.
pub(crate) fn title_key(title: &str) -> String {
    let lowered = title.to_lowercase();
    let mut end = lowered.len().min(emmaus_ports::search::MAX_VALUE_BYTES);
    while !lowered.is_char_boundary(end) {
        end -= 1;
    }
    let key = lowered[..end].trim().to_owned();
    if key.is_empty() { "-".to_owned() } else { key }
}

/// The index entry of a live resource.
async fn entry(p: &Platform, resource: &Resource) -> Result<SearchDoc, DomainError> {
    let mut links = Vec::new();
    let mut body = match (&resource.note, &resource.link, &resource.file) {
        (Some(_), _, _) => {
            let text = notes::text(p, resource).await?;
            links = markdown::linked_resources(&text, emmaus_ports::search::MAX_VALUES);
            if resource.vault.is_some() {
                // A vault note's wikilinks and embeds, resolved in its vault, are links too; its
                // frontmatter is not words of its text.
                let room = emmaus_ports::search::MAX_VALUES.saturating_sub(links.len());
                for id in crate::vault::render::linked_ids(p, resource, &text, room).await? {
                    if !links.contains(&id) {
                        links.push(id);
                    }
                }
                markdown::plain_text(emmaus_obsidian::frontmatter::split(&text).body)
            } else {
                markdown::plain_text(&text)
            }
        }
        (None, Some(link), _) => link.url.clone(),
        // A file is found by its name, and by what is inside it once that has been read.
        (None, None, Some(file)) => {
            let mut words = file.name.replace(['.', '_', '-'], " ");
            if let Some(text) = crate::ingest::text_of(p, resource).await? {
                words.push('\n');
                words.push_str(&text);
            }
            words
        }
        (None, None, None) => String::new(),
    };
    // Tags count as words of the summary, so `grace` finds what is tagged `theology/grace`.
    let tag_words: Vec<String> = resource.tags.iter().map(|t| t.as_str().replace(['/', '-', '_'], " ")).collect();
    let summary = [resource.description.clone(), tag_words.join(" ")].join("\n").trim().to_owned();
    let room = MAX_TEXT_BYTES.saturating_sub(resource.title.len() + summary.len());
    if body.len() > room {
        let mut end = room;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body.truncate(end);
    }
    let mut keywords = BTreeMap::from([
        ("kind".to_owned(), vec![serde_name(&resource.kind)]),
        ("author".to_owned(), vec![resource.author_id.clone()]),
        ("source".to_owned(), vec![serde_name(&resource.source)]),
        ("title".to_owned(), vec![title_key(&resource.title)]),
    ]);
    if !links.is_empty() {
        // The resources this note links to, so each can list the notes that link to it.
        keywords.insert("links".to_owned(), links);
    }
    keywords.retain(|_, values| values.iter().all(|v| !v.is_empty()));
    let mut paths = BTreeMap::new();
    if !resource.tags.is_empty() {
        paths.insert("tags".to_owned(), resource.tags.iter().map(|t| t.as_str().to_owned()).collect());
    }
    if let Some(collection) = &resource.collection {
        paths.insert("collection".to_owned(), vec![collection.as_str().to_owned()]);
    }
    Ok(SearchDoc {
        id: resource.id.clone(),
        title: resource.title.clone(),
        summary,
        body,
        keywords,
        paths,
        dates: BTreeMap::from([
            ("created".to_owned(), resource.created_at.unix_seconds()),
            ("updated".to_owned(), resource.updated_at.unix_seconds()),
        ]),
        readers: audience::audience(&resource.visibility, &resource.author_id),
    })
}

/// A unit enum's name as it is written in JSON (`note`, `one_drive`).
pub(crate) fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// What a rebuild of an organisation's index did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Live resources written to the index.
    pub indexed: u64,
    /// Resources in the trash (or files not yet accepted), taken out of it.
    pub removed: u64,
}

/// Resources indexed per call of the search port (its limit).
const REBUILD_CHUNK: usize = emmaus_ports::search::MAX_INDEX_BATCH;

/// Rebuilds the search index of `org` from the store (`emmaus reindex`): every live resource's
/// entry is written whole and every resource in the trash is taken out, then the index is
/// refreshed (published, on Lambda). `progress` hears `(done, total)` after each step of at most
/// 100 resources. What the purge removed, it already took out of the index itself.
pub async fn rebuild(p: &Platform, org: &str, mut progress: impl FnMut(u64, u64)) -> Result<Rebuilt, DomainError> {
    let mut live = Vec::new();
    let mut trashed = Vec::new();
    let mut cursor = None;
    loop {
        let query = emmaus_ports::Query::new(keys::library(org), "res#", 500).after(cursor);
        let page = p.kv.query(&query).await.map_err(emmaus_app::error::from_kv)?;
        for item in page.items {
            let doc: docs::Doc<Resource> = docs::from_item(item)?;
            if doc.value.searchable() { live.push(doc.value) } else { trashed.push(doc.value.id) }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let total = (live.len() + trashed.len()) as u64;
    let mut done = Rebuilt::default();
    progress(0, total);
    for chunk in live.chunks(REBUILD_CHUNK) {
        let mut entries = Vec::with_capacity(chunk.len());
        for resource in chunk {
            entries.push(entry(p, resource).await?);
        }
        p.search.index(org, entries).await.map_err(from_search)?;
        done.indexed += chunk.len() as u64;
        progress(done.indexed + done.removed, total);
    }
    for chunk in trashed.chunks(REBUILD_CHUNK) {
        p.search.delete(org, chunk).await.map_err(from_search)?;
        done.removed += chunk.len() as u64;
        progress(done.indexed + done.removed, total);
    }
    p.search.refresh().await.map_err(from_search)?;
    Ok(done)
}

//! The library's resources: adding notes and links, reading one, changing it under its version
//! (`If-Match`), and the trash (delete, restore).
//!
//! Every change writes the resource and an indexing task (`crate::index`) in one batch, so the
//! search index follows every change at least once; the task is then applied at once, and left to
//! the outbox job if that fails. A note's text is a version record beside it (`crate::notes`).

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;
use emmaus_domain::DomainError;
use emmaus_domain::hub::collections::parse_collection;
use emmaus_domain::hub::resources::{self as rules, check_note, check_text, link_url, restorable};
use emmaus_domain::hub::tags::parse_tags;
use emmaus_domain::hub::{ResourceKind, Source, Visibility};
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;
use emmaus_ports::{KvError, Write};

use crate::access::{Reader, not_found};
use crate::model::{Deletion, FileStatus, LinkState, Preview, Resource};
use crate::{index, keys, notes};

/// What describes a new resource, as the person wrote it.
#[derive(Debug, Clone, Default)]
pub struct Described {
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    pub collection: Option<String>,
    pub visibility: Option<Visibility>,
}

/// What a new resource holds.
#[derive(Debug, Clone)]
pub enum Content {
    Note { body: String },
    Link { url: String },
}

/// A resource as a reader gets it: the record, its version (the `ETag`), a note's text, what the
/// reader may do with it, and the tags the organisation's rules suggest (for those who may change it).
#[derive(Debug, Clone)]
pub struct ResourceView {
    pub resource: Resource,
    pub version: u64,
    pub body: Option<String>,
    /// A note's text as HTML for this reader (a vault note's links resolved for their eyes).
    pub html: Option<String>,
    pub may_change: bool,
    pub suggestions: Vec<emmaus_domain::hub::tagging::Suggestion>,
}

/// A change to a resource: each field present replaces what is there.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    /// `Some(None)` or `Some(Some(""))` takes the resource out of its collection.
    pub collection: Option<Option<String>>,
    pub visibility: Option<Visibility>,
    /// A note's new text.
    pub body: Option<String>,
    /// A link's new address.
    pub url: Option<String>,
}

pub(crate) async fn load(p: &Platform, org: &str, id: &str) -> Result<Doc<Resource>, DomainError> {
    docs::get(p.kv.as_ref(), keys::resource(org, id)).await?.ok_or_else(not_found)
}

/// The live (not deleted) resource `id`, visible to `reader`.
pub(crate) async fn visible(p: &Platform, reader: &Reader, id: &str) -> Result<Doc<Resource>, DomainError> {
    let doc = load(p, reader.org(), id).await?;
    if shown_to(reader, &doc.value) { Ok(doc) } else { Err(not_found()) }
}

/// Whether `reader` sees `resource`: it is not in the trash and its visibility admits them. A
/// file whose bytes are awaited is its uploader's alone, and one quarantined is its uploader's
/// and the admins' (to remove it).
pub fn shown_to(reader: &Reader, resource: &Resource) -> bool {
    if resource.deleted.is_some() || !reader.may_see(resource) {
        return false;
    }
    let own = resource.author_id == reader.id();
    match resource.file.as_ref().map(|file| &file.status) {
        Some(FileStatus::Uploading { .. }) => own,
        Some(FileStatus::Quarantined { .. }) => own || reader.is_admin(),
        _ => true,
    }
}

/// The resources among `ids` that `reader` sees, by id: one batch read per hundred, for a list
/// that points into the library (a study queue) and must show only what its reader may see.
pub async fn shown_among(
    p: &Platform,
    reader: &Reader,
    ids: &[String],
) -> Result<std::collections::BTreeMap<String, Resource>, DomainError> {
    let mut out = std::collections::BTreeMap::new();
    // Each id once: a list may name one resource twice, and a batch read names each key once.
    let ids: Vec<&String> = ids
        .iter()
        .filter(|id| emmaus_domain::validation::plausible_id(id))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let keys: Vec<emmaus_ports::Key> = ids.iter().map(|id| keys::resource(reader.org(), id)).collect();
    for item in docs::get_items(p.kv.as_ref(), &keys).await?.into_iter().flatten() {
        let doc: Doc<Resource> = docs::from_item(item)?;
        if shown_to(reader, &doc.value) {
            out.insert(doc.value.id.clone(), doc.value);
        }
    }
    Ok(out)
}

/// A batch's failed condition means the resource moved on after it was read.
pub(crate) fn stale_on_conflict(error: KvError) -> DomainError {
    match error {
        KvError::Conflict(_) => stale(),
        other => from_kv(other),
    }
}

pub(crate) fn stale() -> DomainError {
    DomainError::Stale(
        "the resource was changed since you read it; reload it to see the change, then apply yours again".into(),
    )
}

/// Checks the version a write names against the one read.
pub(crate) fn expect_version(doc: &Doc<Resource>, expected: u64) -> Result<(), DomainError> {
    if doc.version == expected { Ok(()) } else { Err(stale()) }
}

/// Adds a note or a link to the library.
pub async fn create(
    p: &Platform,
    actor: &Actor,
    described: Described,
    content: Content,
) -> Result<ResourceView, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let visibility = described.visibility.clone().unwrap_or(Visibility::Organisation);
    reader.check_visibility(p, &visibility).await?;
    let (kind, link, body) = match &content {
        Content::Note { body } => {
            check_note(body)?;
            (ResourceKind::Note, None, Some(body.clone()))
        }
        Content::Link { url } => {
            let url = link_url("url", url)?;
            (ResourceKind::Link, Some(LinkState { url: url.to_string(), preview: Preview::Pending }), None)
        }
    };
    let title = match (described.title.trim(), &link) {
        // A link may come without a title: its host stands in until its page says more.
        ("", Some(link)) => url_host(&link.url),
        (title, _) => title.to_owned(),
    };
    let mut resource = Resource { link, ..new_resource(p, &reader, kind, &title, &described, visibility)? };
    let mut writes = Vec::new();
    if let Some(body) = &body {
        writes = notes::save(p, &mut resource, body, reader.id()).await?;
    }
    writes.insert(0, docs::create_write(keys::resource(&resource.org_id, &resource.id), &resource, None));
    if let Some(link) = &resource.link {
        // Its page's title, description and image are fetched by the `ingest` job.
        writes.push(crate::preview::task(p, &resource.org_id, &resource.id, &link.url)?);
    }
    commit(p, &resource.org_id, &resource.id, writes, from_kv).await?;
    let suggestions = crate::tagging::suggestions(p, &resource, body.as_deref()).await?;
    let html = crate::vault::render::note_html(p, &reader, &resource, body.as_deref()).await?;
    Ok(ResourceView { resource, version: 1, body, html, may_change: true, suggestions })
}

/// A new resource of `kind` by the reader, titled `title` and described as the person wrote it,
/// checked here; what it holds (a note, a link, a file) is the caller's to add.
pub(crate) fn new_resource(
    p: &Platform,
    reader: &Reader,
    kind: ResourceKind,
    title: &str,
    described: &Described,
    visibility: Visibility,
) -> Result<Resource, DomainError> {
    check_text(title, &described.description)?;
    let now = p.clock.now();
    Ok(Resource {
        id: p.ids.new_id(),
        org_id: reader.org().to_owned(),
        kind,
        title: title.trim().to_owned(),
        description: described.description.trim().to_owned(),
        tags: parse_tags("tags", &described.tags)?,
        collection: parse_collection("collection", described.collection.as_deref())?,
        author_id: reader.id().to_owned(),
        source: Source::Direct,
        visibility,
        created_at: now,
        updated_at: now,
        updated_by: reader.id().to_owned(),
        deleted: None,
        note: None,
        link: None,
        file: None,
        vault: None,
    })
}

pub(crate) fn url_host(url: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_else(|| url.to_owned())
}

/// One resource with a note's text, for a reader who may see it.
pub async fn read(p: &Platform, actor: &Actor, id: &str) -> Result<ResourceView, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = visible(p, &reader, id).await?;
    reader.check(Action::HubRead, &doc.value)?;
    let body = notes::body(p, &doc.value).await?;
    let may_change = reader.allowed(Action::HubChange, &doc.value);
    let suggestions = if may_change {
        // A file's rules match the text read from it, as a note's match its markdown.
        let text = match &body {
            Some(body) => Some(body.clone()),
            None => crate::ingest::text_of(p, &doc.value).await?,
        };
        crate::tagging::suggestions(p, &doc.value, text.as_deref()).await?
    } else {
        Vec::new()
    };
    let html = crate::vault::render::note_html(p, &reader, &doc.value, body.as_deref()).await?;
    Ok(ResourceView { resource: doc.value, version: doc.version, body, html, may_change, suggestions })
}

/// Changes a resource read at version `expected`; `Stale` when it has changed since.
pub async fn update(
    p: &Platform,
    actor: &Actor,
    id: &str,
    expected: u64,
    change: Change,
) -> Result<ResourceView, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = visible(p, &reader, id).await?;
    reader.check(Action::HubChange, &doc.value)?;
    expect_version(&doc, expected)?;
    apply_change(p, &reader, doc, change).await
}

/// Applies `change` to `doc`, which the reader may change and which is at the version they read.
pub(crate) async fn apply_change(
    p: &Platform,
    reader: &Reader,
    mut doc: Doc<Resource>,
    change: Change,
) -> Result<ResourceView, DomainError> {
    let resource = &mut doc.value;
    if change.body.is_some() && resource.kind != ResourceKind::Note {
        return Err(DomainError::invalid("body", "only a note has a text"));
    }
    if change.url.is_some() && resource.kind != ResourceKind::Link {
        return Err(DomainError::invalid("url", "only a link has an address"));
    }
    if let Some(title) = &change.title {
        title.trim().clone_into(&mut resource.title);
    }
    if let Some(description) = &change.description {
        description.trim().clone_into(&mut resource.description);
    }
    check_text(&resource.title, &resource.description)?;
    if let Some(tags) = &change.tags {
        resource.tags = parse_tags("tags", tags)?;
    }
    if let Some(collection) = &change.collection {
        resource.collection = parse_collection("collection", collection.as_deref())?;
    }
    if let Some(visibility) = &change.visibility
        && *visibility != resource.visibility
    {
        reader.check_visibility(p, visibility).await?;
        if *visibility == Visibility::Private && resource.author_id != reader.id() {
            // Private is its author's alone: making it so would hide it from the one who wrote it.
            return Err(DomainError::invalid("visibility", "only its author can make a resource private"));
        }
        resource.visibility = visibility.clone();
    }
    let mut new_address = None;
    if let Some(url) = &change.url {
        let url = link_url("url", url)?.to_string();
        if resource.link.as_ref().is_none_or(|link| link.url != url) {
            new_address = Some(url.clone());
            resource.link = Some(LinkState { url, preview: Preview::Pending });
        }
    }
    resource.updated_at = p.clock.now();
    reader.id().clone_into(&mut resource.updated_by);
    let mut body = notes::body(p, &doc.value).await?;
    let mut saves = Vec::new();
    if let Some(text) = &change.body {
        check_note(text)?;
        if body.as_ref() != Some(text) {
            saves = notes::save(p, &mut doc.value, text, reader.id()).await?;
            body = Some(text.clone());
        }
    }
    let mut writes = vec![put_with_index(&doc)];
    writes.extend(saves);
    if let Some(url) = &new_address {
        writes.push(crate::preview::task(p, reader.org(), &doc.value.id, url)?);
    }
    commit(p, reader.org(), &doc.value.id, writes, stale_on_conflict).await?;
    let suggestions = crate::tagging::suggestions(p, &doc.value, body.as_deref()).await?;
    let html = crate::vault::render::note_html(p, reader, &doc.value, body.as_deref()).await?;
    Ok(ResourceView { resource: doc.value, version: doc.version + 1, body, html, may_change: true, suggestions })
}

/// Moves a resource read at version `expected` to the trash, restorable for 30 days.
pub async fn delete(p: &Platform, actor: &Actor, id: &str, expected: u64) -> Result<(), DomainError> {
    let reader = Reader::of(p, actor).await?;
    let mut doc = visible(p, &reader, id).await?;
    reader.check(Action::HubChange, &doc.value)?;
    expect_version(&doc, expected)?;
    doc.value.deleted = Some(Deletion { at: p.clock.now(), by: reader.id().to_owned() });
    commit(p, reader.org(), id, vec![put_with_index(&doc)], stale_on_conflict).await
}

/// Writes a change of the resource `id` with its indexing task in one batch (a failure mapped by
/// `failed`), then applies the task at once.
pub(crate) async fn commit(
    p: &Platform,
    org: &str,
    id: &str,
    writes: Vec<Write>,
    failed: fn(KvError) -> DomainError,
) -> Result<(), DomainError> {
    commit_keeping_conflicts(p, org, id, writes).await.map_err(failed)
}

/// Writes what a background job learnt of resource `id` onto the resource as it is now (a person
/// may change it meanwhile: the write is tried again on the fresh record), then brings its search
/// entry up to date. `learn` changes the record and says whether it still applies; a resource
/// gone, or one `learn` declines, is left as it is.
pub(crate) async fn record_derived(
    p: &Platform,
    org: &str,
    id: &str,
    mut learn: impl FnMut(&mut Resource) -> bool,
) -> Result<(), DomainError> {
    const ATTEMPTS: usize = 4;
    for _ in 0..ATTEMPTS {
        let Some(mut doc) = docs::get::<Resource>(p.kv.as_ref(), keys::resource(org, id)).await? else { return Ok(()) };
        if !learn(&mut doc.value) {
            return Ok(());
        }
        match docs::replace(p.kv.as_ref(), &doc, None).await {
            Ok(_) => return index::reindex(p, org, id).await,
            Err(DomainError::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Err(DomainError::Unavailable("the resource kept changing while a job recorded what it found".into()))
}

/// [`commit`] for a caller that tells a conflict's causes apart itself: the store's error is
/// answered as it is (the task applied at once only after a batch that committed).
pub(crate) async fn commit_keeping_conflicts(
    p: &Platform,
    org: &str,
    id: &str,
    mut writes: Vec<Write>,
) -> Result<(), KvError> {
    // The task's kind is a constant the outbox accepts; it cannot fail but says so as a store would.
    let task = index::task(p, org, id).map_err(|error| KvError::Invalid(error.to_string()))?;
    writes.push(task.clone());
    p.kv.batch(writes).await?;
    index::apply_now(p, &task).await;
    Ok(())
}

/// The write of `doc` at its version, listed where its state puts it in the indexes (nowhere while
/// it is live; the trash and the purge schedule once deleted).
pub(crate) fn put_with_index(doc: &Doc<Resource>) -> Write {
    Write::PutIfVersion {
        key: doc.key.clone(),
        value: docs::encode(&doc.value),
        expected: doc.version,
        expires_at: None,
        index: doc.value.index_keys(),
    }
}

/// A resource in the trash, as its list shows it.
#[derive(Debug, Clone)]
pub struct Trashed {
    pub resource: Resource,
    pub version: u64,
    /// When the purge job removes it for good.
    pub purge_at: emmaus_domain::Timestamp,
}

/// The trash the reader may restore from, most recently deleted first: their own resources, and
/// for admins every one they can see.
pub async fn trash(
    p: &Platform,
    actor: &Actor,
    cursor: Option<emmaus_ports::Cursor>,
    limit: u32,
) -> Result<(Vec<Trashed>, Option<emmaus_ports::Cursor>), DomainError> {
    let reader = Reader::of(p, actor).await?;
    let query = emmaus_ports::Query::on_index(emmaus_ports::Index::One, keys::trash(reader.org()), "", limit)
        .descending()
        .after(cursor);
    let page = p.kv.query(&query).await.map_err(from_kv)?;
    let now = p.clock.now();
    let mut out = Vec::new();
    for item in page.items {
        let doc: Doc<Resource> = docs::from_item(item)?;
        let (resource, version) = (doc.value, doc.version);
        // The index may lag a restore: only what is still deleted, and still restorable, shows.
        let Some(deletion) = &resource.deleted else { continue };
        if !restorable(deletion.at, now) || !reader.may_see(&resource) || !reader.allowed(Action::HubChange, &resource)
        {
            continue;
        }
        let purge_at = rules::purge_due(deletion.at);
        out.push(Trashed { resource, version, purge_at });
    }
    Ok((out, page.next))
}

/// Takes a resource out of the trash, as it was.
pub async fn restore(p: &Platform, actor: &Actor, id: &str) -> Result<ResourceView, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let mut doc = load(p, reader.org(), id).await?;
    let Some(deletion) = &doc.value.deleted else {
        return Err(DomainError::NotFound("the resource in the trash".into()));
    };
    if !reader.may_see(&doc.value) || !restorable(deletion.at, p.clock.now()) {
        return Err(DomainError::NotFound("the resource in the trash".into()));
    }
    reader.check(Action::HubChange, &doc.value)?;
    doc.value.deleted = None;
    commit(p, reader.org(), id, vec![put_with_index(&doc)], stale_on_conflict).await?;
    let version = doc.version + 1;
    let body = notes::body(p, &doc.value).await?;
    let suggestions = crate::tagging::suggestions(p, &doc.value, body.as_deref()).await?;
    let html = crate::vault::render::note_html(p, &reader, &doc.value, body.as_deref()).await?;
    Ok(ResourceView { resource: doc.value, version, body, html, may_change: true, suggestions })
}

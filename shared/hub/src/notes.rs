//! A note's text and its versions: every save is a version record holding the text, the last
//! [`NOTE_VERSIONS_KEPT`] earlier ones are kept, and a person may read or restore any of them.
//!
//! A note is a record, not a file: its text lives in the key-value store beside the resource,
//! written in the same batch, so a save is atomic on every host and a read needs no object
//! storage. The versions a save drops lose their records in that batch.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;
use emmaus_domain::DomainError;
use emmaus_domain::hub::ResourceKind;
use emmaus_domain::hub::resources::{MAX_NOTE_BYTES, NOTE_VERSIONS_KEPT, versions_to_drop};
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;
use emmaus_ports::kv::MAX_VALUE_BYTES;
use emmaus_ports::{Query, Write};

use crate::access::Reader;
use crate::keys;
use crate::model::{NoteState, NoteVersion, Resource};
use crate::resources::{Change, ResourceView, apply_change, expect_version, visible};

/// Records `text` as the note's next version and updates `resource.note`: the writes to put in
/// the batch that writes the resource (the new version, and the removal of those no longer kept).
pub(crate) async fn save(
    p: &Platform,
    resource: &mut Resource,
    text: &str,
    saved_by: &str,
) -> Result<Vec<Write>, DomainError> {
    let (number, mut oldest_kept) = match &resource.note {
        Some(note) => (note.number + 1, note.oldest_kept),
        None => (1, 1),
    };
    let version = NoteVersion {
        number,
        title: resource.title.clone(),
        bytes: text.len() as u64,
        saved_at: p.clock.now(),
        saved_by: saved_by.to_owned(),
        text: text.to_owned(),
    };
    let record = docs::encode(&version);
    if record.len() > MAX_VALUE_BYTES {
        // Escaping can grow a text of many control characters past what one record holds.
        return Err(DomainError::TooLarge { what: "the note".into(), limit: MAX_NOTE_BYTES as u64 });
    }
    let key = keys::version(&resource.org_id, &resource.id, number);
    let mut writes =
        vec![Write::PutIfAbsent { key, value: record, expires_at: None, index: emmaus_ports::IndexKeys::NONE }];
    // Versions before the current one beyond the number kept are dropped, oldest first.
    let drop = versions_to_drop((number - oldest_kept) as usize) as u32;
    for old in oldest_kept..oldest_kept + drop {
        let key = keys::version(&resource.org_id, &resource.id, old);
        if let Some(item) = p.kv.get(&key).await.map_err(from_kv)? {
            writes.push(Write::DeleteIfVersion { key, expected: item.version });
        }
    }
    oldest_kept += drop;
    resource.note = Some(NoteState { number, oldest_kept, bytes: text.len() as u64 });
    Ok(writes)
}

/// The current text of a note; `None` for a resource that is not a note.
pub(crate) async fn body(p: &Platform, resource: &Resource) -> Result<Option<String>, DomainError> {
    match resource.kind {
        ResourceKind::Note => Ok(Some(text(p, resource).await?)),
        _ => Ok(None),
    }
}

/// The current text of a note someone has already been shown (`resources::shown_among`), for a
/// module that quotes it (a session's excerpt); empty for a resource that is not a note.
pub async fn current_text(p: &Platform, resource: &Resource) -> Result<String, DomainError> {
    text(p, resource).await
}

/// The note's current text (empty for a resource that is not a note).
pub(crate) async fn text(p: &Platform, resource: &Resource) -> Result<String, DomainError> {
    let Some(note) = &resource.note else { return Ok(String::new()) };
    Ok(load_version(p, resource, note.number).await?.text)
}

/// A note the reader may see, with its version; `NotFound` for anything else.
async fn note(p: &Platform, reader: &Reader, id: &str) -> Result<Doc<Resource>, DomainError> {
    let doc = visible(p, reader, id).await?;
    if doc.value.kind != ResourceKind::Note {
        return Err(DomainError::NotFound("a note with versions".into()));
    }
    reader.check(Action::HubRead, &doc.value)?;
    Ok(doc)
}

/// The note's kept versions, newest first (the current one first of all), without their texts.
pub async fn versions(p: &Platform, actor: &Actor, id: &str) -> Result<Vec<NoteVersion>, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = note(p, &reader, id).await?;
    let query =
        Query::new(keys::versions(reader.org(), &doc.value.id), "v#", NOTE_VERSIONS_KEPT as u32 + 1).descending();
    let page = p.kv.query(&query).await.map_err(from_kv)?;
    page.items
        .into_iter()
        .map(|item| docs::from_item(item).map(|d: Doc<NoteVersion>| NoteVersion { text: String::new(), ..d.value }))
        .collect()
}

/// One kept version, with its text.
pub async fn version(p: &Platform, actor: &Actor, id: &str, number: u32) -> Result<NoteVersion, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = note(p, &reader, id).await?;
    load_version(p, &doc.value, number).await
}

async fn load_version(p: &Platform, resource: &Resource, number: u32) -> Result<NoteVersion, DomainError> {
    docs::get::<NoteVersion>(p.kv.as_ref(), keys::version(&resource.org_id, &resource.id, number))
        .await?
        .map(|doc| doc.value)
        .ok_or_else(|| DomainError::NotFound(format!("version {number} of the note")))
}

/// Makes an earlier version's text the note's current one, as a new version (nothing is lost: the
/// text it replaces stays a version too). `expected` is the note's version as read.
pub async fn restore(
    p: &Platform,
    actor: &Actor,
    id: &str,
    number: u32,
    expected: u64,
) -> Result<ResourceView, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let doc = note(p, &reader, id).await?;
    reader.check(Action::HubChange, &doc.value)?;
    expect_version(&doc, expected)?;
    let version = load_version(p, &doc.value, number).await?;
    apply_change(p, &reader, doc, Change { body: Some(version.text), ..Change::default() }).await
}

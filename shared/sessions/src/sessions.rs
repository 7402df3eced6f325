//! Sessions: made from a template or blank, with a date and time in their creator's zone, an
//! audience, facilitators and a status; their outline of blocks saved whole under its version
//! (autosave sends every change with `If-Match`, and a stale one writes nothing), each save keeping
//! the outline it replaced as a revision; shared with their audience; removed with their revisions
//! and private links.

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;
use emmaus_domain::permissions::{self, Action};
use emmaus_domain::{DomainError, Timestamp};
use emmaus_identity::Actor;
use emmaus_ports::{Cursor, Index, IndexKeys, KvError, Query, Write};

use crate::access::{self, Caller};
use crate::embeds::{self, Shown};
use crate::keys;
use crate::model::{self, Audience, Block, BlockInput, MAX_FACILITATORS, MAX_REVISIONS, Revision, Session, Status};
use crate::templates;

pub(crate) fn not_found() -> DomainError {
    DomainError::NotFound("the session".into())
}

fn stale() -> DomainError {
    DomainError::Stale(
        "the session was changed since you read it; reload it to see the change, then apply yours again".into(),
    )
}

fn stale_on_conflict(error: KvError) -> DomainError {
    match error {
        KvError::Conflict(_) => stale(),
        other => from_kv(other),
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub title: String,
    /// `YYYY-MM-DD`, in the creator's zone.
    pub date: String,
    /// `HH:MM`; none for a session not yet given a time.
    pub time: Option<String>,
    pub audience: Audience,
    /// Other leaders who prepare and run it with its creator.
    pub facilitators: Vec<String>,
    /// The template its blocks start from; blank without one.
    pub template_id: Option<String>,
    /// Its planned length; a template's total when it is made from one and none is given.
    pub planned_minutes: Option<u32>,
}

/// A change: each field present replaces what is there.
#[derive(Debug, Clone, Default)]
pub struct SessionChange {
    pub title: Option<String>,
    pub date: Option<String>,
    /// `Some(None)` takes the time away.
    pub time: Option<Option<String>>,
    pub audience: Option<Audience>,
    /// Every facilitator, in order.
    pub facilitators: Option<Vec<String>>,
    pub status: Option<Status>,
    /// `Some(None)` takes the limit away.
    pub planned_minutes: Option<Option<u32>>,
    pub notes: Option<String>,
    pub shared: Option<bool>,
    /// The whole outline, in its new order; a resource block's `pin` says whether it keeps a copy.
    pub blocks: Option<Vec<BlockInput>>,
}

/// A session as one reader gets it: its record and version, its embeds as that reader sees them,
/// and, for those who may change it, the blocks its audience could not see.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub doc: Doc<Session>,
    pub embeds: BTreeMap<String, Shown>,
    pub may_change: bool,
    /// Block ids whose resource the audience could not see; empty for a reader who may not change it.
    pub hidden_from_audience: Vec<String>,
}

/// A window of the sessions list and where it goes on.
#[derive(Debug, Clone, Default)]
pub struct Window {
    /// The first day, `YYYY-MM-DD`, in the caller's zone.
    pub from: Option<String>,
    /// The day after the last.
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// The most items a list reads to fill one page of what the caller may see.
const SCAN_LIMIT: usize = 1000;

/// The sessions the caller may read that start within the window, earliest first, and a cursor
/// when more may follow.
pub async fn list(
    p: &Platform,
    actor: &Actor,
    window: Window,
) -> Result<(Vec<Doc<Session>>, Option<String>), DomainError> {
    if permissions::scope(&actor.roles, Action::SessionRead).is_empty() {
        return Err(DomainError::Forbidden);
    }
    if !(1..=100).contains(&window.limit) {
        return Err(DomainError::invalid("limit", "must be 1 to 100"));
    }
    let limit = window.limit;
    let mut caller = Caller::new(actor);
    let zone = emmaus_planner::access::zone_of(p, &actor.person_id).await?;
    let bound = |field: &str, day: Option<&str>| -> Result<Option<String>, DomainError> {
        // Absent is no bound; an empty text is a date that is not one.
        let Some(day) = day else { return Ok(None) };
        let day = emmaus_planner::model::date(field, day)?;
        Ok(Some(keys::start_bound(model::starts_at(day, None, &zone)?.unix_millis())))
    };
    let range = (bound("from", window.from.as_deref())?, bound("to", window.to.as_deref())?);
    if let (Some(from), Some(to)) = &range
        && from > to
    {
        return Err(DomainError::invalid("to", "must not be before from"));
    }
    let mut query = Query::on_index(Index::One, keys::by_start(&actor.org_id), "", 50)
        .range(range.0, range.1)
        .after(window.cursor.map(Cursor::from_token));
    let (mut out, mut scanned) = (Vec::new(), 0usize);
    loop {
        let page = p.kv.query(&query).await.map_err(from_kv)?;
        let count = page.items.len();
        for (i, item) in page.items.into_iter().enumerate() {
            scanned += 1;
            let after = Cursor::after_item(&query, &item);
            let doc: Doc<Session> = docs::from_item(item)?;
            if caller.may(p, &doc.value, Action::SessionRead).await? {
                out.push(doc);
            }
            if out.len() == limit as usize || scanned >= SCAN_LIMIT {
                let more = i + 1 < count || page.next.is_some();
                return Ok((out, more.then(|| after.token().to_owned())));
            }
        }
        match page.next {
            Some(next) => query = query.after(Some(next)),
            None => return Ok((out, None)),
        }
    }
}

pub(crate) async fn load(p: &Platform, org: &str, id: &str) -> Result<Doc<Session>, DomainError> {
    if !emmaus_domain::validation::plausible_id(id) {
        return Err(not_found());
    }
    docs::get(p.kv.as_ref(), keys::session(org, id)).await?.ok_or_else(not_found)
}

/// One session the caller may read.
pub async fn get(p: &Platform, actor: &Actor, id: &str) -> Result<SessionView, DomainError> {
    let doc = load(p, &actor.org_id, id).await?;
    let mut caller = Caller::new(actor);
    caller.read(p, &doc.value).await?;
    view(p, &mut caller, doc).await
}

async fn view(p: &Platform, caller: &mut Caller<'_>, doc: Doc<Session>) -> Result<SessionView, DomainError> {
    let reader = emmaus_hub::Reader::of(p, caller.actor).await?;
    let embeds = embeds::resolve(p, &reader, &doc.value.blocks).await?;
    let may_change = caller.may(p, &doc.value, Action::SessionChange).await?;
    let hidden_from_audience = if may_change {
        embeds::hidden_from_audience(p, &caller.actor.org_id, &doc.value.audience, &doc.value.blocks).await?
    } else {
        Vec::new()
    };
    Ok(SessionView { doc, embeds, may_change, hidden_from_audience })
}

fn index_of(org: &str, session: &Session) -> IndexKeys {
    IndexKeys::NONE.with(Index::One, keys::start_entry(org, session.starts_at.unix_millis(), &session.id))
}

fn when(date: &str, time: Option<&str>, zone: &str) -> Result<(String, Option<String>, Timestamp), DomainError> {
    let day = emmaus_planner::model::date("date", date)?;
    let time = time.map(str::trim).filter(|t| !t.is_empty()).map(model::time_of_day).transpose()?;
    let starts = model::starts_at(day, time, zone)?;
    Ok((day.to_string(), time.map(|t| t.strftime("%H:%M").to_string()), starts))
}

/// Facilitators as given, with `first` (the creator) at the head, without repeats.
fn facilitators(first: Option<&str>, rest: &[String]) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for person in first.map(str::to_owned).into_iter().chain(rest.iter().cloned()) {
        if !out.contains(&person) {
            out.push(person);
        }
    }
    if out.is_empty() {
        return Err(DomainError::invalid("facilitators", "a session needs at least one facilitator"));
    }
    if out.len() > MAX_FACILITATORS {
        return Err(DomainError::invalid(
            "facilitators",
            format!("a session has at most {MAX_FACILITATORS} facilitators"),
        ));
    }
    Ok(out)
}

/// Makes a session, blank or from a template, for an audience the caller may prepare one for.
pub async fn create(p: &Platform, actor: &Actor, input: NewSession) -> Result<SessionView, DomainError> {
    let mut caller = Caller::new(actor);
    let org = actor.org_id.clone();
    access::check_audience(p, &org, &input.audience).await?;
    let relations = caller.to_audience(p, &input.audience).await?;
    if !permissions::can(&actor.roles, &relations, Action::SessionCreate) {
        return Err(DomainError::Forbidden);
    }
    let template = match input.template_id.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(id) => Some(templates::get(p, actor, id).await.map_err(|error| match error {
            DomainError::NotFound(_) | DomainError::Forbidden => {
                DomainError::invalid("template_id", "is not a template you may use")
            }
            other => other,
        })?),
    };
    let zone = emmaus_planner::access::zone_of(p, &actor.person_id).await?;
    let (date, time, starts_at) = when(&input.date, input.time.as_deref(), &zone)?;
    // Checked as given, so a problem names the place in the caller's list; the caller leads, or
    // the matrix would have refused them.
    access::check_facilitators(p, &org, &input.facilitators).await?;
    let facilitators = facilitators(Some(&actor.person_id), &input.facilitators)?;
    let blocks: Vec<Block> = template
        .as_ref()
        .map(|t| {
            t.value
                .slots
                .iter()
                .map(|slot| Block {
                    id: p.ids.new_id(),
                    kind: slot.kind,
                    title: slot.title.clone(),
                    body: String::new(),
                    reference: None,
                    minutes: slot.minutes,
                    nested: false,
                    embed: None,
                })
                .collect()
        })
        .unwrap_or_default();
    let planned = match model::planned(input.planned_minutes)? {
        Some(minutes) => Some(minutes),
        None => template.as_ref().map(|_| model::total_minutes(&blocks)).filter(|total| *total > 0),
    };
    let now = p.clock.now();
    let session = Session {
        id: p.ids.new_id(),
        title: model::title("title", &input.title)?,
        date,
        time,
        zone,
        starts_at,
        audience: input.audience,
        facilitators,
        status: Status::Draft,
        planned_minutes: planned,
        blocks,
        notes: String::new(),
        shared: false,
        template_id: template.map(|t| t.value.id),
        created_by: actor.person_id.clone(),
        created_at: now,
        updated_at: now,
        updated_by: actor.person_id.clone(),
    };
    let key = keys::session(&org, &session.id);
    let write = Write::PutIfAbsent {
        key: key.clone(),
        value: docs::encode(&session),
        expires_at: None,
        index: index_of(&org, &session),
    };
    p.kv.batch(vec![write]).await.map_err(from_kv)?;
    view(p, &mut caller, Doc { key, value: session, version: 1 }).await
}

/// Changes a session read at version `expected`; a changed outline keeps the one it replaces.
pub async fn update(
    p: &Platform,
    actor: &Actor,
    id: &str,
    expected: u64,
    change: SessionChange,
) -> Result<SessionView, DomainError> {
    let org = actor.org_id.clone();
    let mut doc = load(p, &org, id).await?;
    let mut caller = Caller::new(actor);
    caller.change(p, &doc.value).await?;
    let before = doc.value.clone();
    let session = &mut doc.value;
    if let Some(title) = &change.title {
        session.title = model::title("title", title)?;
    }
    if change.date.is_some() || change.time.is_some() {
        let date = change.date.clone().unwrap_or_else(|| session.date.clone());
        let time = match &change.time {
            Some(time) => time.clone(),
            None => session.time.clone(),
        };
        (session.date, session.time, session.starts_at) = when(&date, time.as_deref(), &session.zone)?;
    }
    if let Some(audience) = change.audience {
        access::check_audience(p, &org, &audience).await?;
        if audience != session.audience {
            let relations = caller.to_audience(p, &audience).await?;
            if !permissions::can(&actor.roles, &relations, Action::SessionCreate) {
                return Err(DomainError::Forbidden);
            }
        }
        session.audience = audience;
    }
    if let Some(people) = &change.facilitators {
        let people = facilitators(None, people)?;
        access::check_facilitators(p, &org, &people).await?;
        session.facilitators = people;
    }
    if let Some(planned) = change.planned_minutes {
        session.planned_minutes = model::planned(planned)?;
    }
    if let Some(inputs) = change.blocks {
        let pins: BTreeMap<String, bool> = inputs.iter().map(|b| (b.id.clone(), b.pin)).collect();
        let mut blocks = model::blocks(inputs)?;
        let editor = emmaus_hub::Reader::of(p, actor).await?;
        embeds::settle(p, &editor, &mut blocks, &pins, &before.blocks).await?;
        session.blocks = blocks;
    }
    if let Some(status) = change.status {
        if status != Status::Draft {
            model::unfinished(&session.blocks)?;
        }
        session.status = status;
    }
    if let Some(notes) = &change.notes {
        session.notes = model::notes(session.status, notes)?;
    } else if session.status != Status::Held && !session.notes.is_empty() {
        return Err(DomainError::invalid(
            "status",
            "a session with notes on how it went stays held; clear the notes first",
        ));
    }
    if let Some(shared) = change.shared {
        if shared && session.audience == Audience::Open {
            return Err(DomainError::invalid(
                "shared",
                "an open session has no audience to share it with; choose a person or a group",
            ));
        }
        session.shared = shared;
    }
    if session.audience == Audience::Open {
        session.shared = false;
    }
    session.updated_at = p.clock.now();
    session.updated_by.clone_from(&actor.person_id);
    if doc.version != expected {
        return Err(stale());
    }
    let mut writes = vec![Write::PutIfVersion {
        key: doc.key.clone(),
        value: docs::encode(&doc.value),
        expected: doc.version,
        expires_at: None,
        index: index_of(&org, &doc.value),
    }];
    if before.blocks != doc.value.blocks || before.title != doc.value.title {
        writes.extend(revision_writes(p, &org, &before, doc.version).await?);
    }
    let size =
        writes.iter().map(|w| if let Write::PutIfVersion { value, .. } = w { value.len() } else { 0 }).sum::<usize>();
    if size > emmaus_ports::kv::MAX_VALUE_BYTES {
        return Err(DomainError::TooLarge {
            what: "the session".into(),
            limit: emmaus_ports::kv::MAX_VALUE_BYTES as u64,
        });
    }
    p.kv.batch(writes).await.map_err(stale_on_conflict)?;
    doc.version += 1;
    view(p, &mut caller, doc).await
}

/// The writes that keep `before` (at `version`) as a revision, and drop the oldest past the limit.
async fn revision_writes(p: &Platform, org: &str, before: &Session, version: u64) -> Result<Vec<Write>, DomainError> {
    let revision = Revision {
        version,
        title: before.title.clone(),
        blocks: before.blocks.clone(),
        saved_at: before.updated_at,
        saved_by: before.updated_by.clone(),
    };
    let mut writes = vec![docs::create_write(keys::revision(org, &before.id, version), &revision, None)];
    let kept =
        p.kv.query(&Query::new(keys::revisions(org, &before.id), "r#", (MAX_REVISIONS + 1) as u32).descending())
            .await
            .map_err(from_kv)?;
    writes.extend(
        kept.items
            .into_iter()
            .skip(MAX_REVISIONS - 1)
            .map(|item| Write::DeleteIfVersion { key: item.key, expected: item.version }),
    );
    Ok(writes)
}

/// The outlines earlier saves replaced, newest first.
pub async fn revisions(p: &Platform, actor: &Actor, id: &str) -> Result<Vec<Revision>, DomainError> {
    let doc = load(p, &actor.org_id, id).await?;
    Caller::new(actor).change(p, &doc.value).await?;
    let page =
        p.kv.query(&Query::new(keys::revisions(&actor.org_id, id), "r#", MAX_REVISIONS as u32 + 1).descending())
            .await
            .map_err(from_kv)?;
    page.items
        .into_iter()
        .take(MAX_REVISIONS)
        .map(|item| docs::from_item(item).map(|doc: Doc<Revision>| doc.value))
        .collect()
}

/// Puts back the outline (title and blocks) of an earlier version, itself kept as a revision.
pub async fn restore(
    p: &Platform,
    actor: &Actor,
    id: &str,
    revision: u64,
    expected: u64,
) -> Result<SessionView, DomainError> {
    let doc = load(p, &actor.org_id, id).await?;
    Caller::new(actor).change(p, &doc.value).await?;
    let kept: Doc<Revision> = docs::get(p.kv.as_ref(), keys::revision(&actor.org_id, id, revision))
        .await?
        .ok_or_else(|| DomainError::NotFound("that version of the session".into()))?;
    let blocks = kept
        .value
        .blocks
        .into_iter()
        .map(|block| {
            let pin = block.embed.as_ref().is_some_and(|e| e.pinned.is_some());
            BlockInput {
                id: block.id,
                kind: block.kind,
                title: block.title,
                body: block.body,
                reference: block.reference,
                minutes: block.minutes,
                nested: block.nested,
                resource_id: block.embed.as_ref().map(|e| e.resource_id.clone()),
                show: block.embed.as_ref().map_or(model::Show::Live, |e| e.show),
                pin,
            }
        })
        .collect();
    let change = SessionChange { title: Some(kept.value.title), blocks: Some(blocks), ..SessionChange::default() };
    update(p, actor, id, expected, change).await
}

/// Removes a session and its revisions.
pub async fn delete(p: &Platform, actor: &Actor, id: &str, expected: u64) -> Result<(), DomainError> {
    let doc = load(p, &actor.org_id, id).await?;
    Caller::new(actor).change(p, &doc.value).await?;
    if doc.version != expected {
        return Err(stale());
    }
    let kept =
        p.kv.query(&Query::new(keys::revisions(&actor.org_id, id), "r#", MAX_REVISIONS as u32 + 4))
            .await
            .map_err(from_kv)?;
    let mut writes = vec![Write::DeleteIfVersion { key: doc.key, expected }];
    writes.extend(kept.items.into_iter().map(|item| Write::DeleteIfVersion { key: item.key, expected: item.version }));
    writes.truncate(emmaus_ports::kv::MAX_BATCH);
    p.kv.batch(writes).await.map_err(stale_on_conflict)?;
    crate::links::remove_all(p, &actor.org_id, id).await;
    Ok(())
}

/// The formats a session is written out in here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

/// A session written out, with what to call it.
#[derive(Debug, Clone)]
pub struct Exported {
    pub text: String,
    pub content_type: &'static str,
    pub file_name: String,
}

/// A session as its reader sees it, written out in `format`.
pub async fn export(p: &Platform, actor: &Actor, id: &str, format: Format) -> Result<Exported, DomainError> {
    let gathered = crate::print::gather(p, actor, id).await?;
    let printable = gathered.printable();
    let title = &gathered.view.doc.value.title;
    Ok(match format {
        Format::Markdown => Exported {
            text: crate::export::markdown(&printable),
            content_type: "text/markdown; charset=utf-8",
            file_name: crate::export::file_name(title, "md"),
        },
        Format::Html => Exported {
            text: crate::export::html(&printable),
            content_type: "text/html; charset=utf-8",
            file_name: crate::export::file_name(title, "html"),
        },
    })
}

//! A person's study queue: hub resources and web links to study, in the order the person keeps
//! them, each with who assigned it, a note, a due date and progress.
//!
//! Mentors and the group's pastor assign; the person reorders and marks progress. A move writes
//! one item (its rank, `crate::rank`), so two people moving different items at once both keep
//! their move. Whoever assigned an item may also change its note and due date or take it away.
//! A hub resource is shown only to a reader who may see it; to anyone else it is a hidden item,
//! without its title.

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::permissions::Action;
use emmaus_hub::Resource;
use emmaus_identity::Actor;
use emmaus_ports::{KvError, Write};

use crate::access::{self, Plan};
use crate::model::{self, MAX_QUEUE, Progress, QueueItem, StudyTarget};
use crate::{goals, keys, rank};

/// An item to assign.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub target: NewTarget,
    pub note: String,
    pub due_date: Option<String>,
    pub goal_id: Option<String>,
}

#[derive(Debug, Clone)]
pub enum NewTarget {
    Resource { resource_id: String },
    Link { url: String, title: String },
}

/// A change: each field present replaces what is there.
#[derive(Debug, Clone, Default)]
pub struct ItemChange {
    pub note: Option<String>,
    /// `Some(None)` takes the due date away.
    pub due_date: Option<Option<String>>,
    pub progress: Option<Progress>,
    /// `Some(None)` takes the item out of its goal.
    pub goal_id: Option<Option<String>>,
}

/// An item as a reader sees it: the resource it points at when they may see it.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: Doc<QueueItem>,
    /// The hub resource, when the item points at one the reader sees.
    pub resource: Option<Resource>,
    /// The item points at a hub resource the reader may not see (or one since deleted).
    pub hidden: bool,
}

fn not_found() -> DomainError {
    DomainError::NotFound("the study item".into())
}

/// The queue in order, or only the items of one goal.
pub async fn list(p: &Platform, actor: &Actor, person: &str, goal: Option<&str>) -> Result<Vec<ItemView>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let mut items = ordered(p, &plan).await?;
    if let Some(goal) = goal {
        items.retain(|item| item.value.goal_id.as_deref() == Some(goal));
    }
    views(p, actor, items).await
}

/// Every item of the queue, in order.
pub(crate) async fn ordered(p: &Platform, plan: &Plan) -> Result<Vec<Doc<QueueItem>>, DomainError> {
    let mut items: Vec<Doc<QueueItem>> =
        docs::all(p.kv.as_ref(), &keys::plan(&plan.org, &plan.person), "queue#", MAX_QUEUE + 1).await?;
    items.sort_by(|a, b| (&a.value.rank, &a.value.id).cmp(&(&b.value.rank, &b.value.id)));
    Ok(items)
}

/// The items with the resources `actor` sees (one batch read per hundred resources).
pub(crate) async fn views(
    p: &Platform,
    actor: &Actor,
    items: Vec<Doc<QueueItem>>,
) -> Result<Vec<ItemView>, DomainError> {
    let ids: Vec<String> = items
        .iter()
        .filter_map(|item| match &item.value.target {
            StudyTarget::Resource { resource_id } => Some(resource_id.clone()),
            StudyTarget::Link { .. } => None,
        })
        .collect();
    let shown: BTreeMap<String, Resource> = if ids.is_empty() {
        BTreeMap::new()
    } else {
        let reader = emmaus_hub::Reader::of(p, actor).await?;
        emmaus_hub::resources::shown_among(p, &reader, &ids).await?
    };
    Ok(items
        .into_iter()
        .map(|item| {
            let (resource, hidden) = match &item.value.target {
                StudyTarget::Resource { resource_id } => {
                    let resource = shown.get(resource_id).cloned();
                    let hidden = resource.is_none();
                    (resource, hidden)
                }
                StudyTarget::Link { .. } => (None, false),
            };
            ItemView { item, resource, hidden }
        })
        .collect())
}

pub(crate) async fn load(p: &Platform, plan: &Plan, id: &str) -> Result<Doc<QueueItem>, DomainError> {
    if !emmaus_domain::validation::plausible_id(id) {
        return Err(not_found());
    }
    docs::get(p.kv.as_ref(), keys::queue_item(&plan.org, &plan.person, id)).await?.ok_or_else(not_found)
}

pub async fn get(p: &Platform, actor: &Actor, person: &str, id: &str) -> Result<ItemView, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let item = load(p, &plan, id).await?;
    Ok(views(p, actor, vec![item]).await?.remove(0))
}

fn due_date(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    model::optional_date("due_date", raw)
}

/// Puts an item at the end of the person's queue. A hub resource must be one both the caller and
/// the person may see: assigning what the person cannot open helps nobody, and saying so to a
/// caller who cannot see it either would tell them it exists, so both hear the same refusal.
pub async fn assign(p: &Platform, actor: &Actor, person: &str, input: NewItem) -> Result<ItemView, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerAdd).await?;
    let target = match input.target {
        NewTarget::Resource { resource_id } => {
            let refused =
                || DomainError::invalid("resource_id", "is not a resource of the hub that you and this person may see");
            let ids = [resource_id.clone()];
            let caller = emmaus_hub::Reader::of(p, actor).await?;
            if emmaus_hub::resources::shown_among(p, &caller, &ids).await?.is_empty() {
                return Err(refused());
            }
            let reader = access::hub_reader(p, &plan).await?;
            if emmaus_hub::resources::shown_among(p, &reader, &ids).await?.is_empty() {
                return Err(refused());
            }
            StudyTarget::Resource { resource_id }
        }
        NewTarget::Link { url, title } => {
            let url = emmaus_domain::hub::resources::link_url("url", &url)?;
            let title = if title.trim().is_empty() {
                url.host_str().unwrap_or("link").to_owned()
            } else {
                model::title("title", &title)?
            };
            StudyTarget::Link { url: url.to_string(), title }
        }
    };
    let goal_id = goals::linked(p, &plan, input.goal_id.as_deref()).await?;
    let existing = ordered(p, &plan).await?;
    if existing.len() >= MAX_QUEUE {
        return Err(DomainError::Conflict(format!(
            "a study queue holds at most {MAX_QUEUE} items; remove finished ones first"
        )));
    }
    let last = existing.iter().map(|item| item.value.rank.as_str()).max();
    let rank = rank::between(last, None).ok_or_else(|| {
        DomainError::Conflict("the queue's order has run out of room at its end; move an item, then try again".into())
    })?;
    let now = p.clock.now();
    let item = QueueItem {
        id: p.ids.new_id(),
        person_id: plan.person.clone(),
        goal_id,
        target,
        note: model::text("note", &input.note)?,
        due_date: due_date(input.due_date.as_deref())?,
        progress: Progress::NotStarted,
        done_on: None,
        assigned_by: actor.person_id.clone(),
        assigned_at: now,
        rank,
        updated_at: now,
    };
    let key = keys::queue_item(&plan.org, &plan.person, &item.id);
    docs::create(p.kv.as_ref(), key.clone(), &item, None).await?;
    let doc = Doc { key, value: item, version: 1 };
    Ok(views(p, actor, vec![doc]).await?.remove(0))
}

/// The item, once the caller may change it: the person, or whoever assigned it while they may
/// still add to this plan.
async fn changeable(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
) -> Result<(Plan, Doc<QueueItem>), DomainError> {
    let plan = access::find(p, actor, person).await?;
    if !access::allowed(p, actor, &plan, Action::PlannerRead).await? {
        return Err(DomainError::Forbidden);
    }
    let item = load(p, &plan, id).await?;
    let may = access::allowed(p, actor, &plan, Action::PlannerChange).await?
        || (item.value.assigned_by == actor.person_id && access::allowed(p, actor, &plan, Action::PlannerAdd).await?);
    if !may {
        return Err(DomainError::Forbidden);
    }
    Ok((plan, item))
}

/// Changes an item read at version `expected`. Progress is the person's to mark.
pub async fn update(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    expected: u64,
    change: ItemChange,
) -> Result<ItemView, DomainError> {
    let (plan, mut doc) = changeable(p, actor, person, id).await?;
    let item = &mut doc.value;
    if let Some(note) = &change.note {
        item.note = model::text("note", note)?;
    }
    if let Some(due) = &change.due_date {
        item.due_date = due_date(due.as_deref())?;
    }
    if let Some(goal) = &change.goal_id {
        item.goal_id = goals::linked(p, &plan, goal.as_deref()).await?;
    }
    if let Some(progress) = change.progress
        && progress != item.progress
    {
        if !plan.own {
            return Err(DomainError::invalid("progress", "is marked by the person who studies"));
        }
        item.done_on = match progress {
            Progress::Done => {
                let zone = access::zone_of(p, &plan.person).await?;
                Some(today(p, &zone))
            }
            _ => None,
        };
        item.progress = progress;
    }
    item.updated_at = p.clock.now();
    if doc.version != expected {
        return Err(goals::stale("study item"));
    }
    let version =
        p.kv.put_if_version(doc.key.clone(), docs::encode(&doc.value), doc.version, None)
            .await
            .map_err(stale_on_conflict)?;
    doc.version = version;
    Ok(views(p, actor, vec![doc]).await?.remove(0))
}

fn stale_on_conflict(error: KvError) -> DomainError {
    match error {
        KvError::Conflict(_) => goals::stale("study item"),
        other => emmaus_app::error::from_kv(other),
    }
}

/// The date today in `zone`, `YYYY-MM-DD`.
pub(crate) fn today(p: &Platform, zone: &str) -> String {
    let now = jiff::Timestamp::from_millisecond(p.clock.now().unix_millis()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let zone = jiff::tz::db().get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    now.to_zoned(zone).date().to_string()
}

/// Takes an item out of the queue.
pub async fn remove(p: &Platform, actor: &Actor, person: &str, id: &str) -> Result<(), DomainError> {
    let (_, doc) = changeable(p, actor, person, id).await?;
    p.kv.batch(vec![Write::DeleteIfVersion { key: doc.key, expected: doc.version }]).await.map_err(stale_on_conflict)
}

/// How often a move is tried again when another write got in between.
const MOVE_ATTEMPTS: usize = 4;

/// Moves an item to just before `before` (another item's id), or to the end when `None`. One
/// write of the item's rank; where a run of equal ranks (two moves into one gap at once) leaves
/// no room, that run is spread out in the same batch.
pub async fn move_item(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    before: Option<&str>,
) -> Result<Vec<ItemView>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    for _ in 0..MOVE_ATTEMPTS {
        let items = ordered(p, &plan).await?;
        let Some(moving) = items.iter().find(|item| item.value.id == id).cloned() else {
            return Err(not_found());
        };
        let rest: Vec<&Doc<QueueItem>> = items.iter().filter(|item| item.value.id != id).collect();
        let at = match before {
            None => rest.len(),
            Some(before) if before == id => {
                return Err(DomainError::invalid("before", "must be another item of the queue"));
            }
            Some(before) => rest
                .iter()
                .position(|item| item.value.id == before)
                .ok_or_else(|| DomainError::invalid("before", "is not an item of this queue"))?,
        };
        let writes = placement(&rest, at, &moving, p.clock.now())?;
        match p.kv.batch(writes).await {
            Ok(()) => {
                let items = ordered(p, &plan).await?;
                return views(p, actor, items).await;
            }
            // Another write got in between: read the queue again and place the item anew.
            Err(KvError::Conflict(_)) => {}
            Err(other) => return Err(emmaus_app::error::from_kv(other)),
        }
    }
    Err(DomainError::Conflict(
        "the queue kept changing while this move was made; reload it and move the item again".into(),
    ))
}

/// The writes that put `moving` at index `at` of `rest` (the queue without it).
fn placement(
    rest: &[&Doc<QueueItem>],
    at: usize,
    moving: &Doc<QueueItem>,
    now: emmaus_domain::Timestamp,
) -> Result<Vec<Write>, DomainError> {
    let low = at.checked_sub(1).map(|i| rest[i].value.rank.as_str());
    let high = rest.get(at).map(|item| item.value.rank.as_str());
    let put = |doc: &Doc<QueueItem>, rank: String| {
        let mut value = doc.value.clone();
        value.rank = rank;
        value.updated_at = now;
        docs::replace_write(&Doc { key: doc.key.clone(), value, version: doc.version }, None)
    };
    if let Some(rank) = rank::between(low, high) {
        return Ok(vec![put(moving, rank)]);
    }
    // No room: spread the neighbours that share a rank (and the moved item among them) between
    // the nearest distinct ranks on either side.
    let tie = low.or(high).unwrap_or_default();
    let first = rest.iter().position(|item| item.value.rank == tie).unwrap_or(at);
    let last = rest.iter().rposition(|item| item.value.rank == tie).map_or(at, |i| i + 1);
    let (first, last) = (first.min(at), last.max(at));
    let mut run: Vec<&Doc<QueueItem>> = rest[first..last].to_vec();
    run.insert(at - first, moving);
    if run.len() + 1 > emmaus_ports::kv::MAX_BATCH {
        return Err(DomainError::Conflict(
            "too many items share one place in the queue; reload it and try again".into(),
        ));
    }
    let below = first.checked_sub(1).map(|i| rest[i].value.rank.as_str());
    let above = rest.get(last).map(|item| item.value.rank.as_str());
    let ranks = rank::spread(below, above, run.len()).ok_or_else(|| {
        DomainError::Conflict("the queue's order has run out of room here; reload it and try again".into())
    })?;
    Ok(run.into_iter().zip(ranks).map(|(doc, rank)| put(doc, rank)).collect())
}

//! Meetings: a mentor (or the pastor of a person's group) records meeting the person, with notes
//! the person reads too, private notes only the recorder ever reads, and next steps that may
//! become tasks of the person's plan.
//!
//! Private notes are sealed at rest (`emmaus_app::sealing`) for the one meeting they belong to, and
//! opened only when the caller is the meeting's recorder: no role reads another's, an admin
//! included, so no read of them needs auditing. A meeting lives under the instant it starts
//! (`keys::meeting`), found by id through a pointer, like a task; its `revision` is its `ETag`.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;
use emmaus_ports::{Cursor, KvError, Query, Write};

use crate::access::{self, Plan};
use crate::model::{self, MAX_MEETING_MINUTES, MAX_MEETINGS, MAX_NEXT_STEPS, Meeting, MeetingPointer, NextStep};
use crate::recurrence;
use crate::tasks::{self, TaskInput};
use crate::{goals, keys, placed};

/// A meeting to record.
#[derive(Debug, Clone, Default)]
pub struct NewMeeting {
    /// Its local start in the person's zone, `YYYY-MM-DDTHH:MM`.
    pub start: String,
    pub duration_minutes: u32,
    pub shared_notes: String,
    pub private_notes: String,
    /// The next steps' titles, in order.
    pub next_steps: Vec<String>,
}

/// A next step as a change names it: an existing one by id (it keeps the task it became), or a
/// new one without.
#[derive(Debug, Clone)]
pub struct StepInput {
    pub id: Option<String>,
    pub title: String,
}

/// A change: each field present replaces what is there.
#[derive(Debug, Clone, Default)]
pub struct MeetingChange {
    pub start: Option<String>,
    pub duration_minutes: Option<u32>,
    pub shared_notes: Option<String>,
    pub private_notes: Option<String>,
    /// The whole list, in its new order.
    pub next_steps: Option<Vec<StepInput>>,
}

/// A meeting as one reader sees it.
#[derive(Debug, Clone)]
pub struct MeetingView {
    /// The meeting, its sealed private notes taken out.
    pub meeting: Meeting,
    /// Whether the reader recorded it (and so may change it).
    pub mine: bool,
    /// The private notes, opened: for the recorder only, and `None` for anyone else.
    pub private_notes: Option<String>,
}

/// The most meetings one page lists.
pub const MAX_PAGE: u32 = 100;

fn not_found() -> DomainError {
    DomainError::NotFound("the meeting".into())
}

fn stale() -> DomainError {
    goals::stale("meeting")
}

/// What the private notes of one meeting are sealed for: a sealed text copied onto another
/// meeting, or another person's plan, does not open.
fn seal_context(plan: &Plan, meeting_id: &str, recorder: &str) -> String {
    format!("meeting#{}#{}#{meeting_id}#{recorder}", plan.org, plan.person)
}

fn seal(p: &Platform, plan: &Plan, meeting: &Meeting, text: &str) -> Result<Option<String>, DomainError> {
    if text.is_empty() {
        return Ok(None);
    }
    let context = seal_context(plan, &meeting.id, &meeting.recorded_by);
    emmaus_app::sealing::seal(p.config.as_ref(), p.ids.as_ref(), &context, text.as_bytes()).map(Some)
}

/// The meeting as `actor` reads it: private notes opened for its recorder and dropped for anyone else.
fn view(p: &Platform, actor: &Actor, plan: &Plan, mut meeting: Meeting) -> Result<MeetingView, DomainError> {
    let sealed = meeting.private_notes.take();
    let mine = meeting.recorded_by == actor.person_id;
    let private_notes = match (mine, sealed) {
        (true, Some(sealed)) => {
            let context = seal_context(plan, &meeting.id, &meeting.recorded_by);
            let opened = emmaus_app::sealing::open(p.config.as_ref(), &context, &sealed)?;
            Some(String::from_utf8(opened).map_err(|_| {
                DomainError::Unavailable("a meeting's private notes opened to something that is not text".into())
            })?)
        }
        (true, None) => Some(String::new()),
        (false, _) => None,
    };
    Ok(MeetingView { meeting, mine, private_notes })
}

/// The meeting's local start and its instant in `zone`.
fn start(zone: &str, raw: &str) -> Result<(String, i64), DomainError> {
    let local = model::local_time("start", raw)?;
    let ms = recurrence::instant_of(zone, local).map_err(|e| DomainError::invalid("start", e.to_string()))?;
    Ok((model::local_text(local), ms))
}

fn duration(minutes: u32) -> Result<u32, DomainError> {
    if (1..=MAX_MEETING_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(DomainError::invalid("duration_minutes", format!("must be 1 to {MAX_MEETING_MINUTES} minutes")))
    }
}

fn too_many_steps() -> DomainError {
    DomainError::invalid("next_steps", format!("a meeting has at most {MAX_NEXT_STEPS} next steps"))
}

/// Records a meeting with `person`, by someone who walks with them.
pub async fn create(p: &Platform, actor: &Actor, person: &str, input: NewMeeting) -> Result<MeetingView, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerMeet).await?;
    let zone = access::zone_of(p, &plan.person).await?;
    let (start, start_ms) = start(&zone, &input.start)?;
    if input.next_steps.len() > MAX_NEXT_STEPS {
        return Err(too_many_steps());
    }
    let next_steps = input
        .next_steps
        .iter()
        .enumerate()
        .map(|(i, title)| {
            Ok(NextStep { id: p.ids.new_id(), title: model::title(&format!("next_steps.{i}"), title)?, task_id: None })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    let now = p.clock.now();
    let private = model::notes("private_notes", &input.private_notes)?;
    let mut meeting = Meeting {
        id: p.ids.new_id(),
        person_id: plan.person.clone(),
        recorded_by: actor.person_id.clone(),
        start,
        zone,
        start_ms,
        duration_minutes: duration(input.duration_minutes)?,
        shared_notes: model::notes("shared_notes", &input.shared_notes)?,
        private_notes: None,
        next_steps,
        created_at: now,
        updated_at: now,
        revision: 1,
    };
    meeting.private_notes = seal(p, &plan, &meeting, &private)?;
    let pointers =
        p.kv.query(&Query::new(keys::plan(&plan.org, &plan.person), "mid#", MAX_MEETINGS as u32))
            .await
            .map_err(emmaus_app::error::from_kv)?;
    if pointers.next.is_some() {
        return Err(DomainError::Conflict(format!(
            "a person's plan holds at most {MAX_MEETINGS} meetings; delete old ones first"
        )));
    }
    p.kv.batch(vec![
        docs::create_write(keys::meeting(&plan.org, &plan.person, meeting.start_ms, &meeting.id), &meeting, None),
        docs::create_write(
            keys::meeting_pointer(&plan.org, &plan.person, &meeting.id),
            &MeetingPointer { start_ms: meeting.start_ms },
            None,
        ),
    ])
    .await
    .map_err(emmaus_app::error::from_kv)?;
    view(p, actor, &plan, meeting)
}

/// The meeting and its pointer, as stored.
async fn load(p: &Platform, plan: &Plan, id: &str) -> Result<(Doc<Meeting>, Doc<MeetingPointer>), DomainError> {
    if !emmaus_domain::validation::plausible_id(id) {
        return Err(not_found());
    }
    placed::load(
        p,
        keys::meeting_pointer(&plan.org, &plan.person, id),
        |pointer: &MeetingPointer| keys::meeting(&plan.org, &plan.person, pointer.start_ms, id),
        not_found,
    )
    .await
}

pub async fn get(p: &Platform, actor: &Actor, person: &str, id: &str) -> Result<MeetingView, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let (meeting, _) = load(p, &plan, id).await?;
    view(p, actor, &plan, meeting.value)
}

/// The person's meetings, newest first, `limit` (1 to 100) at a time; the cursor continues.
pub async fn list(
    p: &Platform,
    actor: &Actor,
    person: &str,
    cursor: Option<Cursor>,
    limit: u32,
) -> Result<(Vec<MeetingView>, Option<Cursor>), DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(DomainError::invalid("limit", format!("must be 1 to {MAX_PAGE}")));
    }
    let query = Query::new(keys::plan(&plan.org, &plan.person), "meet#", limit).descending().after(cursor);
    let page = p.kv.query(&query).await.map_err(emmaus_app::error::from_kv)?;
    let meetings = page
        .items
        .into_iter()
        .map(|item| view(p, actor, &plan, docs::from_item::<Meeting>(item)?.value))
        .collect::<Result<Vec<_>, DomainError>>()?;
    Ok((meetings, page.next))
}

/// The last meeting that began before `now_ms` (one query), for a dashboard.
pub(crate) async fn last_before(p: &Platform, plan: &Plan, now_ms: i64) -> Result<Option<Meeting>, DomainError> {
    let query = Query::new(keys::plan(&plan.org, &plan.person), "meet#", 1)
        .range(None, Some(keys::meetings_before(now_ms)))
        .descending();
    let page = p.kv.query(&query).await.map_err(emmaus_app::error::from_kv)?;
    page.items.into_iter().next().map(|item| docs::from_item::<Meeting>(item).map(|doc| doc.value)).transpose()
}

/// The meeting of `plan` that `actor` recorded and may still change: they must still walk with
/// the person (`planner.meet`), and anyone else who reads it hears it is not theirs to change.
async fn open_own(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
) -> Result<(Plan, Doc<Meeting>, Doc<MeetingPointer>), DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let (meeting, pointer) = load(p, &plan, id).await?;
    if meeting.value.recorded_by != actor.person_id || !access::allowed(p, actor, &plan, Action::PlannerMeet).await? {
        return Err(DomainError::Forbidden);
    }
    Ok((plan, meeting, pointer))
}

/// The writes that replace `old` (with its pointer) by `new`, moving the record when its start moved.
fn replacement(plan: &Plan, old: &Doc<Meeting>, pointer: &Doc<MeetingPointer>, new: &Meeting) -> Vec<Write> {
    let key = keys::meeting(&plan.org, &plan.person, new.start_ms, &new.id);
    placed::replacement(old, pointer, key, new, &MeetingPointer { start_ms: new.start_ms })
}

fn conflict_is_stale(error: KvError) -> DomainError {
    match error {
        KvError::Conflict(_) => stale(),
        other => emmaus_app::error::from_kv(other),
    }
}

/// Changes a meeting its recorder read at `revision`.
pub async fn update(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    revision: u64,
    change: MeetingChange,
) -> Result<MeetingView, DomainError> {
    let (plan, old, pointer) = open_own(p, actor, person, id).await?;
    let mut new = old.value.clone();
    if let Some(raw) = &change.start {
        (new.start, new.start_ms) = start(&new.zone, raw)?;
    }
    if let Some(minutes) = change.duration_minutes {
        new.duration_minutes = duration(minutes)?;
    }
    if let Some(notes) = &change.shared_notes {
        new.shared_notes = model::notes("shared_notes", notes)?;
    }
    if let Some(notes) = &change.private_notes {
        let text = model::notes("private_notes", notes)?;
        new.private_notes = seal(p, &plan, &new, &text)?;
    }
    if let Some(steps) = change.next_steps {
        new.next_steps = merge_steps(p, &old.value.next_steps, steps)?;
    }
    // Judged after the change, so a bad change hears what is wrong with it even when stale.
    if old.value.revision != revision {
        return Err(stale());
    }
    new.revision += 1;
    new.updated_at = p.clock.now();
    p.kv.batch(replacement(&plan, &old, &pointer, &new)).await.map_err(conflict_is_stale)?;
    view(p, actor, &plan, new)
}

/// The new list of next steps: existing ones keep their id and the task they became.
fn merge_steps(p: &Platform, old: &[NextStep], new: Vec<StepInput>) -> Result<Vec<NextStep>, DomainError> {
    if new.len() > MAX_NEXT_STEPS {
        return Err(too_many_steps());
    }
    let mut seen = std::collections::BTreeSet::new();
    new.into_iter()
        .enumerate()
        .map(|(i, input)| {
            let title = model::title(&format!("next_steps.{i}.title"), &input.title)?;
            match &input.id {
                Some(id) => {
                    let existing =
                        old.iter().find(|s| &s.id == id).filter(|_| seen.insert(id.clone())).ok_or_else(|| {
                            DomainError::invalid(format!("next_steps.{i}.id"), "is not a next step of this meeting")
                        })?;
                    Ok(NextStep { id: existing.id.clone(), title, task_id: existing.task_id.clone() })
                }
                None => Ok(NextStep { id: p.ids.new_id(), title, task_id: None }),
            }
        })
        .collect()
}

/// Deletes a meeting its recorder read at `revision`; tasks its next steps became stay.
pub async fn delete(p: &Platform, actor: &Actor, person: &str, id: &str, revision: u64) -> Result<(), DomainError> {
    let (_, meeting, pointer) = open_own(p, actor, person, id).await?;
    if meeting.value.revision != revision {
        return Err(stale());
    }
    p.kv.batch(vec![
        Write::DeleteIfVersion { key: meeting.key, expected: meeting.version },
        Write::DeleteIfVersion { key: pointer.key, expected: pointer.version },
    ])
    .await
    .map_err(conflict_is_stale)
}

/// Makes a next step a task of the person's plan (its title is the step's), by the meeting's
/// recorder or the person themselves; the task and the step's link to it are one batch, so a
/// step becomes one task however often it is asked at once.
pub async fn step_to_task(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    step: &str,
    mut input: TaskInput,
) -> Result<(MeetingView, model::Task), DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let (mut meeting, pointer) = load(p, &plan, id).await?;
    let recorder =
        meeting.value.recorded_by == actor.person_id && access::allowed(p, actor, &plan, Action::PlannerMeet).await?;
    if !(plan.own || recorder) {
        return Err(DomainError::Forbidden);
    }
    let position = meeting
        .value
        .next_steps
        .iter()
        .position(|s| s.id == step)
        .ok_or_else(|| DomainError::NotFound("that next step of the meeting".into()))?;
    if meeting.value.next_steps[position].task_id.is_some() {
        return Err(DomainError::Conflict("this next step is a task already".into()));
    }
    input.title = Some(meeting.value.next_steps[position].title.clone());
    if input.notes.is_none() {
        input.notes = Some(format!("A next step from the meeting of {}.", &meeting.value.start[..10]));
    }
    let (task, mut writes) = tasks::prepare(p, actor, &plan, input).await?;
    meeting.value.next_steps[position].task_id = Some(task.id.clone());
    meeting.value.revision += 1;
    meeting.value.updated_at = p.clock.now();
    writes.push(docs::replace_write(&meeting, None));
    writes.push(Write::Check { key: pointer.key, expected: pointer.version });
    p.kv.batch(writes).await.map_err(|error| match error {
        KvError::Conflict(_) => {
            DomainError::Conflict("the meeting was changed at the same time; reload it and try again".into())
        }
        other => emmaus_app::error::from_kv(other),
    })?;
    Ok((view(p, actor, &plan, meeting.value)?, task))
}

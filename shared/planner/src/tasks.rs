//! Study tasks: a title, a start and duration on the person's wall clock or a due date, an
//! optional RFC 5545 rule with exceptions, and a link to a goal or a study item. One occurrence
//! is completed, skipped or moved without touching its series; "this and following" splits the
//! series in two.
//!
//! A task's record sits under the instant its last occurrence ends (`keys::task`), so a calendar
//! reads only tasks that reach into its range; a pointer finds it by id, and a change that moves
//! its end moves the record in the same batch. Its `revision` is its `ETag`.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;
use emmaus_ports::{KvError, Query, Write};
use jiff::civil::DateTime;

use crate::access::{self, Plan};
use crate::model::{
    self, MAX_DURATION_MINUTES, MAX_MOVE_MS, MAX_TASKS, OccurrenceState, OccurrenceStatus, Task, TaskPointer,
};
use crate::recurrence::{self, RecurrenceError, Rule, Series};
use crate::{goals, keys, placed, queue};

/// What a request says about a task: for a new one, `title` and one of `start` or `due`; for a
/// change, each field present replaces what is there.
#[derive(Debug, Clone, Default)]
pub struct TaskInput {
    pub title: Option<String>,
    pub notes: Option<String>,
    /// A local start, `YYYY-MM-DDTHH:MM`.
    pub start: Option<String>,
    /// A due date, `YYYY-MM-DD`, for a task without a time.
    pub due: Option<String>,
    pub duration_minutes: Option<u32>,
    /// `Some(None)` makes the task happen once.
    pub rrule: Option<Option<String>>,
    pub exdates: Option<Vec<String>>,
    pub goal_id: Option<Option<String>>,
    pub queue_item_id: Option<Option<String>>,
}

/// The default length of a timed task.
const DEFAULT_MINUTES: u32 = 30;

pub(crate) fn not_found() -> DomainError {
    DomainError::NotFound("the task".into())
}

fn stale() -> DomainError {
    goals::stale("task")
}

fn conflict_is_stale(error: KvError) -> DomainError {
    match error {
        KvError::Conflict(_) => stale(),
        other => emmaus_app::error::from_kv(other),
    }
}

/// The task's timing as the recurrence rules read it.
pub fn series(task: &Task) -> Result<Series, DomainError> {
    let broken = |what: &str| {
        DomainError::unexpected(std::io::Error::other(format!("task {} holds a {what} that does not parse", task.id)))
    };
    Ok(Series {
        start: task.start.parse().map_err(|_| broken("start"))?,
        zone: task.zone.clone(),
        duration_minutes: task.duration_minutes,
        rule: task.rrule.as_deref().map(Rule::parse).transpose().map_err(|_| broken("rule"))?,
        exdates: task.exdates.iter().map(|d| d.parse()).collect::<Result<_, _>>().map_err(|_| broken("exdate"))?,
    })
}

/// A recurrence error as the field of the request it is about.
fn field_error(error: &RecurrenceError) -> DomainError {
    let field = match error {
        RecurrenceError::UnknownZone(_) => "time_zone",
        RecurrenceError::FractionalSecond(_) | RecurrenceError::StartNotFirst | RecurrenceError::OutOfRange(_) => {
            "start"
        }
        RecurrenceError::NotAnOccurrence(_) | RecurrenceError::TooManyExdates(_) => "exdates",
        _ => "rrule",
    };
    let message = match &error {
        RecurrenceError::StartNotFirst => "must be the rule's first occurrence (a Monday for BYDAY=MO, say)".to_owned(),
        other => other.to_string(),
    };
    DomainError::invalid(field, message)
}

/// When the series' last occurrence ends: `keys::MAX_MS` for one without end, or with more
/// occurrences than a series may count.
fn ends_ms(series: &Series) -> Result<i64, DomainError> {
    let start_ms = recurrence::instant_of(&series.zone, series.start).map_err(|e| field_error(&e))?;
    let bounded = series.rule.as_ref().is_none_or(|rule| rule.count().is_some() || rule.until().is_some());
    if !bounded {
        return Ok(keys::MAX_MS);
    }
    let limit = recurrence::MAX_COUNT as usize;
    let expansion = series.between(start_ms, keys::MAX_MS, limit).map_err(|e| field_error(&e))?;
    if expansion.truncated {
        return Ok(keys::MAX_MS);
    }
    // A series whose every occurrence was excluded ends where it began.
    Ok(expansion.occurrences.last().map_or(start_ms, |o| o.end_ms).min(keys::MAX_MS))
}

/// The task `input` describes, over `existing` for a change, checked whole.
async fn build(
    p: &Platform,
    actor: &Actor,
    plan: &Plan,
    zone: &str,
    input: TaskInput,
    existing: Option<&Task>,
) -> Result<Task, DomainError> {
    let now = p.clock.now();
    let title = match (&input.title, existing) {
        (Some(title), _) => model::title("title", title)?,
        (None, Some(task)) => task.title.clone(),
        (None, None) => return Err(DomainError::invalid("title", "is required")),
    };
    let notes = match (&input.notes, existing) {
        (Some(notes), _) => model::text("notes", notes)?,
        (None, Some(task)) => task.notes.clone(),
        (None, None) => String::new(),
    };
    let (start, all_day, duration_minutes) = match (&input.start, &input.due, existing) {
        (Some(_), Some(_), _) => {
            return Err(DomainError::invalid("due", "give a start or a due date, not both"));
        }
        (Some(start), None, _) => {
            let start = model::local_time("start", start)?;
            let minutes = input
                .duration_minutes
                .or(existing.filter(|t| !t.all_day).map(|t| t.duration_minutes))
                .unwrap_or(DEFAULT_MINUTES);
            (start, false, minutes)
        }
        (None, Some(due), _) => {
            (model::date("due", due)?.to_datetime(jiff::civil::time(0, 0, 0, 0)), true, MAX_DURATION_MINUTES)
        }
        (None, None, Some(task)) => {
            let start: DateTime = task.start.parse().map_err(|_| not_found())?;
            let minutes = if task.all_day {
                task.duration_minutes
            } else {
                input.duration_minutes.unwrap_or(task.duration_minutes)
            };
            (start, task.all_day, minutes)
        }
        (None, None, None) => {
            return Err(DomainError::invalid("start", "give a start (with a duration) or a due date"));
        }
    };
    // A length given is checked even where it is not used (a task due on a day lasts the day), so
    // a wrong one is never taken silently.
    let given_wrong = input.duration_minutes.is_some_and(|m| !(1..=MAX_DURATION_MINUTES).contains(&m));
    if given_wrong || (!all_day && !(1..=MAX_DURATION_MINUTES).contains(&duration_minutes)) {
        return Err(DomainError::invalid("duration_minutes", format!("must be 1 to {MAX_DURATION_MINUTES} minutes")));
    }
    let rule_text = match (&input.rrule, existing) {
        (Some(rule), _) => {
            rule.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(|r| r.trim_start_matches("RRULE:").to_owned())
        }
        (None, Some(task)) => task.rrule.clone(),
        (None, None) => None,
    };
    let rule = rule_text.as_deref().map(Rule::parse).transpose().map_err(|e| field_error(&e))?;
    let exdates: Vec<DateTime> = match (&input.exdates, existing) {
        (Some(list), _) => list
            .iter()
            .enumerate()
            .map(|(i, d)| model::local_time(&format!("exdates.{i}"), d))
            .collect::<Result<_, _>>()?,
        (None, Some(task)) => task.exdates.iter().filter_map(|d| d.parse().ok()).collect(),
        (None, None) => Vec::new(),
    };
    if rule.is_none() && !exdates.is_empty() {
        return Err(DomainError::invalid("exdates", "only a recurring task excludes occurrences"));
    }
    let zone = existing.map_or(zone, |task| task.zone.as_str()).to_owned();
    let series = Series { start, zone: zone.clone(), duration_minutes, rule: rule.clone(), exdates: exdates.clone() };
    series.validate().map_err(|e| field_error(&e))?;
    let goal_id = match (&input.goal_id, existing) {
        (Some(goal), _) => goals::linked(p, plan, goal.as_deref()).await?,
        (None, Some(task)) => task.goal_id.clone(),
        (None, None) => None,
    };
    let queue_item_id = match (&input.queue_item_id, existing) {
        (Some(item), _) => link_item(p, plan, item.as_deref()).await?,
        (None, Some(task)) => task.queue_item_id.clone(),
        (None, None) => None,
    };
    let ends_ms = ends_ms(&series)?;
    Ok(Task {
        id: existing.map_or_else(|| p.ids.new_id(), |t| t.id.clone()),
        person_id: plan.person.clone(),
        title,
        notes,
        start: model::local_text(start),
        all_day,
        duration_minutes,
        zone,
        rrule: rule.map(|r| r.as_text()),
        exdates: exdates.into_iter().map(model::local_text).collect(),
        goal_id,
        queue_item_id,
        created_by: existing.map_or_else(|| actor.person_id.clone(), |t| t.created_by.clone()),
        created_at: existing.map_or(now, |t| t.created_at),
        updated_at: now,
        revision: existing.map_or(1, |t| t.revision + 1),
        ends_ms,
    })
}

async fn link_item(p: &Platform, plan: &Plan, item: Option<&str>) -> Result<Option<String>, DomainError> {
    match item.filter(|i| !i.is_empty()) {
        None => Ok(None),
        Some(item) => match queue::load(p, plan, item).await {
            Ok(doc) => Ok(Some(doc.value.id)),
            Err(DomainError::NotFound(_)) => {
                Err(DomainError::invalid("queue_item_id", "is not an item of this person's study queue"))
            }
            Err(other) => Err(other),
        },
    }
}

/// Schedules a task in the person's plan, in their time zone.
pub async fn create(p: &Platform, actor: &Actor, person: &str, input: TaskInput) -> Result<Task, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerAdd).await?;
    let (task, writes) = prepare(p, actor, &plan, input).await?;
    p.kv.batch(writes).await.map_err(emmaus_app::error::from_kv)?;
    Ok(task)
}

/// A new task of `plan` and the writes that store it, for a caller allowed to add to the plan
/// (a meeting's next step adds its own write to the same batch).
pub(crate) async fn prepare(
    p: &Platform,
    actor: &Actor,
    plan: &Plan,
    input: TaskInput,
) -> Result<(Task, Vec<Write>), DomainError> {
    let zone = access::zone_of(p, &plan.person).await?;
    let task = build(p, actor, plan, &zone, input, None).await?;
    let pointers =
        p.kv.query(&Query::new(keys::plan(&plan.org, &plan.person), "tid#", MAX_TASKS as u32))
            .await
            .map_err(emmaus_app::error::from_kv)?;
    if pointers.next.is_some() {
        return Err(DomainError::Conflict(format!("a person holds at most {MAX_TASKS} tasks; delete old ones first")));
    }
    let writes = vec![
        docs::create_write(keys::task(&plan.org, &plan.person, task.ends_ms, &task.id), &task, None),
        docs::create_write(
            keys::task_pointer(&plan.org, &plan.person, &task.id),
            &TaskPointer { ends_ms: task.ends_ms },
            None,
        ),
    ];
    Ok((task, writes))
}

/// The task and its pointer, as stored.
pub(crate) async fn load(p: &Platform, plan: &Plan, id: &str) -> Result<(Doc<Task>, Doc<TaskPointer>), DomainError> {
    if !emmaus_domain::validation::plausible_id(id) {
        return Err(not_found());
    }
    placed::load(
        p,
        keys::task_pointer(&plan.org, &plan.person, id),
        |pointer: &TaskPointer| keys::task(&plan.org, &plan.person, pointer.ends_ms, id),
        not_found,
    )
    .await
}

pub async fn get(p: &Platform, actor: &Actor, person: &str, id: &str) -> Result<Task, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    Ok(load(p, &plan, id).await?.0.value)
}

/// The writes that replace `old` (with its pointer) by `new`, moving the record when its end moved.
fn replacement(plan: &Plan, old: &Doc<Task>, pointer: &Doc<TaskPointer>, new: &Task) -> Vec<Write> {
    let key = keys::task(&plan.org, &plan.person, new.ends_ms, &new.id);
    placed::replacement(old, pointer, key, new, &TaskPointer { ends_ms: new.ends_ms })
}

/// Changes the whole series, read at `revision`.
pub async fn update(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    revision: u64,
    input: TaskInput,
) -> Result<Task, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let (old, pointer) = load(p, &plan, id).await?;
    let new = build(p, actor, &plan, &old.value.zone, input, Some(&old.value)).await?;
    if old.value.revision != revision {
        return Err(stale());
    }
    p.kv.batch(replacement(&plan, &old, &pointer, &new)).await.map_err(conflict_is_stale)?;
    Ok(new)
}

/// "This and following": the series ends before `occurrence`, and a new task (with `input`'s
/// changes) carries the rest from there. Answers both, the new one second.
pub async fn split(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    revision: u64,
    occurrence: &str,
    input: TaskInput,
) -> Result<(Task, Task), DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let (old, pointer) = load(p, &plan, id).await?;
    let at = model::occurrence_time("occurrence", occurrence)?;
    let (before, after) = series(&old.value)?.split_at(at).map_err(|error| match error {
        RecurrenceError::NotAnOccurrence(_) => DomainError::invalid("occurrence", "is not an occurrence of this task"),
        other => DomainError::invalid("occurrence", other.to_string()),
    })?;
    let now = p.clock.now();
    let mut kept = old.value.clone();
    kept.rrule = before.rule.as_ref().map(Rule::as_text);
    kept.exdates = before.exdates.iter().copied().map(model::local_text).collect();
    kept.ends_ms = ends_ms(&before)?;
    kept.revision += 1;
    kept.updated_at = now;
    // The rest starts as a copy of the series from `at`, then takes the changes asked for.
    let rest_base = Task {
        id: p.ids.new_id(),
        start: model::local_text(after.start),
        rrule: after.rule.as_ref().map(Rule::as_text),
        exdates: after.exdates.iter().copied().map(model::local_text).collect(),
        revision: 0,
        created_by: actor.person_id.clone(),
        created_at: now,
        ..old.value.clone()
    };
    let mut rest = build(p, actor, &plan, &old.value.zone, input, Some(&rest_base)).await?;
    rest.revision = 1;
    if old.value.revision != revision {
        return Err(stale());
    }
    let mut writes = replacement(&plan, &old, &pointer, &kept);
    writes.push(docs::create_write(keys::task(&plan.org, &plan.person, rest.ends_ms, &rest.id), &rest, None));
    writes.push(docs::create_write(
        keys::task_pointer(&plan.org, &plan.person, &rest.id),
        &TaskPointer { ends_ms: rest.ends_ms },
        None,
    ));
    p.kv.batch(writes).await.map_err(conflict_is_stale)?;
    Ok((kept, rest))
}

/// Deletes a task read at `revision`, and then the states of its occurrences.
pub async fn delete(p: &Platform, actor: &Actor, person: &str, id: &str, revision: u64) -> Result<(), DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let (task, pointer) = load(p, &plan, id).await?;
    if task.value.revision != revision {
        return Err(stale());
    }
    p.kv.batch(vec![
        Write::DeleteIfVersion { key: task.key.clone(), expected: task.version },
        Write::DeleteIfVersion { key: pointer.key, expected: pointer.version },
    ])
    .await
    .map_err(conflict_is_stale)?;
    // Left behind, a state would only be ignored (its task is gone); removing them keeps the
    // partition to what is alive. A failure here loses nothing the person can see.
    if let Err(error) = forget_states(p, &plan, &task.value).await {
        tracing::warn!(task = %task.value.id, %error, "the states of a deleted task's occurrences were not all removed");
    }
    Ok(())
}

/// Removes the stored states of `task`'s occurrences (they lie between its start and its end,
/// widened by how far an occurrence may move).
async fn forget_states(p: &Platform, plan: &Plan, task: &Task) -> Result<(), DomainError> {
    let start_ms = series(task).ok().and_then(|s| recurrence::instant_of(&s.zone, s.start).ok()).unwrap_or(0);
    let from = keys::occurrences_from(start_ms - MAX_MOVE_MS);
    let to = keys::occurrences_from(task.ends_ms.saturating_add(MAX_MOVE_MS));
    let mut cursor = None;
    loop {
        let query = Query::new(keys::plan(&plan.org, &plan.person), "occ#", 500)
            .range(Some(from.clone()), Some(to.clone()))
            .after(cursor);
        let page = p.kv.query(&query).await.map_err(emmaus_app::error::from_kv)?;
        let mine: Vec<Write> = page
            .items
            .iter()
            .filter(|item| item.key.sort.ends_with(&format!("#{}", task.id)))
            .map(|item| Write::DeleteIfVersion { key: item.key.clone(), expected: item.version })
            .collect();
        for chunk in mine.chunks(emmaus_ports::kv::MAX_BATCH) {
            p.kv.batch(chunk.to_vec()).await.map_err(emmaus_app::error::from_kv)?;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}

/// What becomes of one occurrence.
#[derive(Debug, Clone)]
pub struct OccurrenceChange {
    pub status: OccurrenceStatus,
    /// A new local start, at most `MAX_MOVE_DAYS` from where the series put it; `None` keeps it
    /// (or puts a moved one back).
    pub start: Option<String>,
}

/// Completes, skips, moves or resets one occurrence of a task: the series stays as it is.
pub async fn set_occurrence(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    occurrence: &str,
    change: OccurrenceChange,
) -> Result<Option<OccurrenceState>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let (task, _) = load(p, &plan, id).await?;
    let series = series(&task.value)?;
    let local = model::occurrence_time("occurrence", occurrence)
        .ok()
        .filter(|local| series.contains(*local))
        .ok_or_else(|| DomainError::NotFound("that occurrence of the task".into()))?;
    let original_ms = recurrence::instant_of(&series.zone, local).map_err(|e| field_error(&e))?;
    let key = keys::occurrence(&plan.org, &plan.person, original_ms, &task.value.id);
    let existing = p.kv.get(&key).await.map_err(emmaus_app::error::from_kv)?;
    let moved = match &change.start {
        None => None,
        Some(raw) => {
            let to = model::local_time("start", raw)?;
            let to_ms = recurrence::instant_of(&series.zone, to).map_err(|e| field_error(&e))?;
            if (to_ms - original_ms).abs() > MAX_MOVE_MS {
                return Err(DomainError::invalid(
                    "start",
                    format!("an occurrence moves at most {} days; change the task instead", model::MAX_MOVE_DAYS),
                ));
            }
            (to != local).then_some((to, to_ms))
        }
    };
    // Back to what the series says, there is nothing to keep; else the state is put.
    let state = (change.status != OccurrenceStatus::Pending || moved.is_some()).then(|| OccurrenceState {
        task_id: task.value.id.clone(),
        occurrence: model::occurrence_id(local),
        original_ms,
        status: change.status,
        moved_to: moved.map(|(to, _)| model::local_text(to)),
        moved_start_ms: moved.map(|(_, ms)| ms),
        changed_at: p.clock.now(),
        changed_by: actor.person_id.clone(),
    });
    let index = emmaus_ports::IndexKeys::NONE;
    let write = match (&state, existing) {
        (None, None) => return Ok(None),
        (None, Some(item)) => Write::DeleteIfVersion { key, expected: item.version },
        (Some(state), Some(item)) => {
            Write::PutIfVersion { key, value: docs::encode(state), expected: item.version, expires_at: None, index }
        }
        (Some(state), None) => Write::PutIfAbsent { key, value: docs::encode(state), expires_at: None, index },
    };
    p.kv.batch(vec![write]).await.map_err(|error| match error {
        KvError::Conflict(_) => DomainError::Conflict("the occurrence was changed at the same time; try again".into()),
        other => emmaus_app::error::from_kv(other),
    })?;
    Ok(state)
}

//! A person's calendar over a range of days: every task's occurrences in the range, expanded in
//! the task's zone, with what became of each (done, skipped, moved).
//!
//! Two queries whatever the range: the tasks whose last occurrence ends after the range begins
//! (`keys::task`), and the occurrence states the series put within `MAX_MOVE_DAYS` of the range
//! (an occurrence moved into the range may come from outside it).

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;
use emmaus_ports::Query;
use jiff::civil::Date;

use crate::access::{self, Plan};
use crate::model::{self, MAX_MOVE_MS, MAX_TASKS, OccurrenceState, OccurrenceStatus, Task};
use crate::recurrence;
use crate::{keys, tasks};

/// The longest range one request covers.
pub const MAX_RANGE_DAYS: i32 = 366;
/// The most occurrences one answer holds (a year of fifty series, half of them daily); past it the
/// answer says it was cut.
pub const MAX_OCCURRENCES: usize = 10_000;

/// One occurrence on the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub task_id: String,
    pub title: String,
    /// Its name: the local start the series gave it.
    pub occurrence: String,
    /// Where it is now (moved or not), Unix ms.
    pub start_ms: i64,
    pub end_ms: i64,
    pub zone: String,
    pub all_day: bool,
    pub status: OccurrenceStatus,
    pub moved: bool,
    pub recurring: bool,
    pub goal_id: Option<String>,
    pub queue_item_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    pub entries: Vec<Entry>,
    /// The zone the range's days were read in (the person's).
    pub zone: String,
    /// More occurrences fell in the range than one answer holds.
    pub truncated: bool,
}

/// The occurrences between the start of day `from` and the start of day `to` (exclusive) in the
/// person's time zone.
pub async fn range(p: &Platform, actor: &Actor, person: &str, from: &str, to: &str) -> Result<Calendar, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let zone = access::zone_of(p, &plan.person).await?;
    let (from_ms, to_ms) = bounds(&zone, from, to)?;
    let mut calendar = occurrences(p, &plan, from_ms, to_ms).await?;
    calendar.zone = zone;
    Ok(calendar)
}

/// The range's instants from its days, checked.
pub fn bounds(zone: &str, from: &str, to: &str) -> Result<(i64, i64), DomainError> {
    let from: Date = model::date("from", from)?;
    let to: Date = model::date("to", to)?;
    if to <= from {
        return Err(DomainError::invalid("to", "must be after from"));
    }
    if from.until(to).map_or(true, |span| span.get_days() > MAX_RANGE_DAYS) {
        return Err(DomainError::invalid("to", format!("a range covers at most {MAX_RANGE_DAYS} days")));
    }
    let midnight = |date: Date| {
        recurrence::instant_of(zone, date.to_datetime(jiff::civil::time(0, 0, 0, 0)))
            .map_err(|e| DomainError::invalid("from", e.to_string()))
    };
    Ok((midnight(from)?, midnight(to)?))
}

/// The calendar of `plan` over `[from_ms, to_ms)`.
pub async fn occurrences(p: &Platform, plan: &Plan, from_ms: i64, to_ms: i64) -> Result<Calendar, DomainError> {
    Ok(occurrences_and_changes(p, plan, from_ms, to_ms).await?.0)
}

/// A change to one occurrence with the task it belongs to, for a dashboard's recent activity.
#[derive(Debug, Clone)]
pub struct Change {
    pub state: OccurrenceState,
    pub title: String,
    pub zone: String,
}

/// [`occurrences`], and every occurrence state its second query read (those the series put within
/// `MAX_MOVE_DAYS` of the range) with its task's title: no more store reads.
pub(crate) async fn occurrences_and_changes(
    p: &Platform,
    plan: &Plan,
    from_ms: i64,
    to_ms: i64,
) -> Result<(Calendar, Vec<Change>), DomainError> {
    let partition = keys::plan(&plan.org, &plan.person);
    let tasks: Vec<Doc<Task>> = read_all(
        p,
        Query::new(partition.clone(), "task#", 500).range(Some(keys::tasks_ending_from(from_ms - MAX_MOVE_MS)), None),
        MAX_TASKS,
    )
    .await?;
    let states: Vec<Doc<OccurrenceState>> = read_all(
        p,
        Query::new(partition, "occ#", 1000).range(
            Some(keys::occurrences_from(from_ms - MAX_MOVE_MS)),
            Some(keys::occurrences_from(to_ms.saturating_add(MAX_MOVE_MS))),
        ),
        // Every occurrence of a thousand daily tasks over the window, at most.
        MAX_TASKS * 500,
    )
    .await?;
    let mut by_task: BTreeMap<&str, Vec<&OccurrenceState>> = BTreeMap::new();
    for state in &states {
        by_task.entry(state.value.task_id.as_str()).or_default().push(&state.value);
    }
    let mut calendar = Calendar::default();
    for task in &tasks {
        let task = &task.value;
        let series = tasks::series(task)?;
        let expansion = series.between(from_ms, to_ms, MAX_OCCURRENCES).map_err(|e| {
            DomainError::unexpected(std::io::Error::other(format!("task {} does not expand: {e}", task.id)))
        })?;
        calendar.truncated |= expansion.truncated;
        let states: BTreeMap<&str, &OccurrenceState> = by_task
            .get(task.id.as_str())
            .into_iter()
            .flatten()
            .map(|state| (state.occurrence.as_str(), *state))
            .collect();
        let entry = |occurrence: String, start_ms: i64, state: Option<&OccurrenceState>| {
            let (start_ms, moved) = match state.and_then(|s| s.moved_start_ms) {
                Some(moved_ms) => (moved_ms, true),
                None => (start_ms, false),
            };
            Entry {
                task_id: task.id.clone(),
                title: task.title.clone(),
                occurrence,
                start_ms,
                end_ms: start_ms + i64::from(task.duration_minutes) * 60_000,
                zone: task.zone.clone(),
                all_day: task.all_day,
                status: state.map_or(OccurrenceStatus::Pending, |s| s.status),
                moved,
                recurring: task.rrule.is_some(),
                goal_id: task.goal_id.clone(),
                queue_item_id: task.queue_item_id.clone(),
            }
        };
        let mut listed = std::collections::BTreeSet::new();
        for occurrence in expansion.occurrences {
            let name = model::occurrence_id(occurrence.local_start);
            let state = states.get(name.as_str()).copied();
            listed.insert(name.clone());
            calendar.entries.push(entry(name, occurrence.start_ms, state));
        }
        // Occurrences the series put outside the range but that were moved into it.
        for (name, state) in &states {
            if listed.contains(*name) {
                continue;
            }
            let moved_in = state
                .moved_start_ms
                .is_some_and(|ms| ms < to_ms && ms + i64::from(task.duration_minutes) * 60_000 > from_ms);
            let still_occurs = model::occurrence_time("occurrence", name).is_ok_and(|local| series.contains(local));
            if moved_in && still_occurs {
                calendar.entries.push(entry((*name).to_owned(), state.original_ms, Some(state)));
            }
        }
    }
    // An occurrence moved out of the range is listed where it is now: outside, so dropped.
    calendar
        .entries
        .retain(|e| e.start_ms < to_ms && (e.end_ms > from_ms || (e.end_ms == e.start_ms && e.start_ms >= from_ms)));
    calendar.entries.sort_by(|a, b| (a.start_ms, &a.task_id).cmp(&(b.start_ms, &b.task_id)));
    if calendar.entries.len() > MAX_OCCURRENCES {
        calendar.entries.truncate(MAX_OCCURRENCES);
        calendar.truncated = true;
    }
    let titles: BTreeMap<&str, (&str, &str)> =
        tasks.iter().map(|t| (t.value.id.as_str(), (t.value.title.as_str(), t.value.zone.as_str()))).collect();
    // A state whose task ended before the range began, or is gone, has nothing to show.
    let changes = states
        .iter()
        .filter_map(|state| {
            titles.get(state.value.task_id.as_str()).map(|(title, zone)| Change {
                state: state.value.clone(),
                title: (*title).to_owned(),
                zone: (*zone).to_owned(),
            })
        })
        .collect();
    Ok((calendar, changes))
}

/// Every document a range query finds, following cursors; more than `max` is an error, never a cut.
pub(crate) async fn read_all<T: serde::de::DeserializeOwned>(
    p: &Platform,
    query: Query,
    max: usize,
) -> Result<Vec<Doc<T>>, DomainError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = p.kv.query(&query.clone().after(cursor)).await.map_err(emmaus_app::error::from_kv)?;
        for item in page.items {
            if out.len() == max {
                return Err(DomainError::Unavailable(format!(
                    "a plan of more than {max} records, more than one answer holds"
                )));
            }
            out.push(docs::from_item(item)?);
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// One person's occurrences in a calendar across the plans one may read.
#[derive(Debug, Clone)]
pub struct PersonEntries {
    pub person: crate::people::PlanPerson,
    pub entries: Vec<Entry>,
}

/// The most plans one calendar across plans reads.
pub const MAX_PLANS: usize = 100;
/// The longest range a calendar across plans covers.
pub const MAX_ACROSS_DAYS: i32 = 62;

/// The occurrences of every plan `actor` may read (their own, their mentees', their groups'),
/// between the start of day `from` and the start of day `to` in the actor's own time zone; two
/// store queries per plan. Answers the plans in the order `people::list` gives, and whether the
/// answer was cut.
pub async fn across(
    p: &Platform,
    actor: &Actor,
    from: &str,
    to: &str,
) -> Result<(Vec<PersonEntries>, String, bool), DomainError> {
    let zone = access::zone_of(p, &actor.person_id).await?;
    let (from_ms, to_ms) = bounds(&zone, from, to)?;
    let days = (to_ms - from_ms) / (24 * 3600 * 1000);
    if days > i64::from(MAX_ACROSS_DAYS) {
        return Err(DomainError::invalid(
            "to",
            format!("a calendar across plans covers at most {MAX_ACROSS_DAYS} days"),
        ));
    }
    let people = crate::people::list(p, actor).await?;
    if people.len() > MAX_PLANS {
        return Err(DomainError::Unavailable(format!(
            "a calendar across more than {MAX_PLANS} plans; open them one at a time"
        )));
    }
    let mut out = Vec::with_capacity(people.len());
    let mut total = 0;
    let mut truncated = false;
    for person in people {
        let plan = Plan {
            org: actor.org_id.clone(),
            own: person.person_id == actor.person_id,
            person: person.person_id.clone(),
        };
        let mut found = occurrences(p, &plan, from_ms, to_ms).await?;
        truncated |= found.truncated;
        let room = MAX_OCCURRENCES.saturating_sub(total);
        if found.entries.len() > room {
            found.entries.truncate(room);
            truncated = true;
        }
        total += found.entries.len();
        out.push(PersonEntries { person, entries: found.entries });
    }
    Ok((out, zone, truncated))
}

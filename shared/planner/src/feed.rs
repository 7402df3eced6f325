//! A person's private calendar feed: a secret address (a 256-bit token, stored only as its
//! SHA-256) that calendar apps subscribe to without signing in. The person makes it, makes a new
//! one (the old address stops working at once) or revokes it. The feed holds the tasks that ended
//! at most a year ago and every later one, with their changed occurrences (`ics`).

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::secrets;
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_identity::{Actor, directory};
use emmaus_ports::{Query, Write};

use crate::access::{self, Plan};
use crate::ics::{self, FeedTask};
use crate::model::{MAX_MOVE_MS, MAX_TASKS, OccurrenceState, Task};
use crate::{calendar, keys};

/// How far back the feed reaches: tasks that ended within the last year.
const HISTORY_MS: i64 = 366 * 24 * 3600 * 1000;
/// How far ahead the time zones' transitions are written.
const ZONES_AHEAD_MS: i64 = 10 * 366 * 24 * 3600 * 1000;

/// The person's feed, as they see it: whether there is one, and since when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeedRecord {
    /// The SHA-256 of the token, hex.
    pub digest: String,
    pub created_at: Timestamp,
}

/// Where a token leads: the plan it shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeedPointer {
    pub org: String,
    pub person: String,
}

pub async fn status(p: &Platform, actor: &Actor, person: &str) -> Result<Option<Timestamp>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    Ok(record(p, &plan).await?.map(|doc| doc.value.created_at))
}

async fn record(p: &Platform, plan: &Plan) -> Result<Option<Doc<FeedRecord>>, DomainError> {
    docs::get(p.kv.as_ref(), keys::feed(&plan.org, &plan.person)).await
}

/// Makes the person's feed, or a new one in place of the old: answers the token, shown once.
pub async fn renew(p: &Platform, actor: &Actor, person: &str) -> Result<(String, Timestamp), DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let token = secrets::new_token(p.ids.as_ref());
    let digest = secrets::digest(&token);
    let now = p.clock.now();
    let new = FeedRecord { digest: digest.clone(), created_at: now };
    let pointer = FeedPointer { org: plan.org.clone(), person: plan.person.clone() };
    let mut writes = vec![docs::create_write(keys::feed_token(&digest), &pointer, None)];
    match record(p, &plan).await? {
        Some(old) => {
            writes.push(Write::DeleteIfVersion { key: keys::feed_token(&old.value.digest), expected: 1 });
            writes.push(docs::replace_write(&Doc { value: new, ..old }, None));
        }
        None => writes.push(docs::create_write(keys::feed(&plan.org, &plan.person), &new, None)),
    }
    p.kv.batch(writes).await.map_err(|error| match error {
        emmaus_ports::KvError::Conflict(_) => {
            DomainError::Conflict("the feed was changed at the same time; look again and try once more".into())
        }
        other => emmaus_app::error::from_kv(other),
    })?;
    Ok((token, now))
}

/// Revokes the person's feed: its address stops working. Revoking none is not an error.
pub async fn revoke(p: &Platform, actor: &Actor, person: &str) -> Result<(), DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let Some(old) = record(p, &plan).await? else { return Ok(()) };
    p.kv.batch(vec![
        Write::DeleteIfVersion { key: keys::feed_token(&old.value.digest), expected: 1 },
        Write::DeleteIfVersion { key: old.key, expected: old.version },
    ])
    .await
    .map_err(emmaus_app::error::from_kv)
}

fn no_feed() -> DomainError {
    DomainError::NotFound("the calendar feed".into())
}

/// The feed a token opens, as iCalendar text; `NotFound` for a token that opens none (never made,
/// renewed, revoked, or its person no longer a member).
pub async fn read(p: &Platform, token: &str) -> Result<String, DomainError> {
    if !secrets::plausible(token) {
        return Err(no_feed());
    }
    let pointer: Doc<FeedPointer> =
        docs::get(p.kv.as_ref(), keys::feed_token(&secrets::digest(token))).await?.ok_or_else(no_feed)?;
    let FeedPointer { org, person } = pointer.value;
    let member = directory::membership(p, &org, &person).await?.filter(|m| !m.value.roles.is_empty());
    let who = directory::person(p, &person).await?;
    let (Some(_), Some(who)) = (member, who) else { return Err(no_feed()) };
    let now = p.clock.now().unix_millis();
    let plan = Plan { org, person, own: true };
    let partition = keys::plan(&plan.org, &plan.person);
    let tasks: Vec<Doc<Task>> = calendar::read_all(
        p,
        Query::new(partition.clone(), "task#", 500).range(Some(keys::tasks_ending_from(now - HISTORY_MS)), None),
        MAX_TASKS,
    )
    .await?;
    let states: Vec<Doc<OccurrenceState>> = calendar::read_all(
        p,
        Query::new(partition, "occ#", 1000).range(Some(keys::occurrences_from(now - HISTORY_MS - MAX_MOVE_MS)), None),
        MAX_TASKS * 50,
    )
    .await?;
    let mut by_task: std::collections::BTreeMap<&str, Vec<&OccurrenceState>> = std::collections::BTreeMap::new();
    for state in &states {
        by_task.entry(state.value.task_id.as_str()).or_default().push(&state.value);
    }
    let entries: Vec<FeedTask<'_>> = tasks
        .iter()
        .map(|task| FeedTask { task: &task.value, states: by_task.remove(task.value.id.as_str()).unwrap_or_default() })
        .collect();
    let name = format!("Emmaus: {}", who.value.display_name);
    Ok(ics::feed(&name, &entries, now, now - HISTORY_MS - MAX_MOVE_MS, now + ZONES_AHEAD_MS))
}

//! A person's goals: what they are working towards and why, by when, with milestones. The person
//! sets their own; a mentor or their group's pastor may propose one, which the person accepts or
//! declines. Every change names the version it read (`If-Match`) and a stale one writes nothing.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;

use crate::access::{self, Plan};
use crate::keys;
use crate::model::{self, Goal, GoalStatus, MAX_GOALS, MAX_MILESTONES, Milestone};

/// A goal to add.
#[derive(Debug, Clone, Default)]
pub struct NewGoal {
    pub title: String,
    pub why: String,
    pub target_date: Option<String>,
    /// The milestones' titles, in order.
    pub milestones: Vec<String>,
}

/// A milestone as a change names it: an existing one by id, or a new one without.
#[derive(Debug, Clone)]
pub struct MilestoneInput {
    pub id: Option<String>,
    pub title: String,
    pub done: bool,
}

/// A change: each field present replaces what is there.
#[derive(Debug, Clone, Default)]
pub struct GoalChange {
    pub title: Option<String>,
    pub why: Option<String>,
    /// `Some(None)` takes the target date away.
    pub target_date: Option<Option<String>>,
    pub status: Option<GoalStatus>,
    /// The whole list, in its new order.
    pub milestones: Option<Vec<MilestoneInput>>,
}

pub(crate) fn not_found() -> DomainError {
    DomainError::NotFound("the goal".into())
}

pub(crate) fn stale(what: &str) -> DomainError {
    DomainError::Stale(format!(
        "the {what} was changed since you read it; reload it to see the change, then apply yours again"
    ))
}

fn target_date(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    model::optional_date("target_date", raw)
}

/// The goal a study item or a task links to, named in a request: none for absent or blank, else
/// one of this plan's goals (a validation problem on `goal_id` otherwise).
pub(crate) async fn linked(p: &Platform, plan: &Plan, goal: Option<&str>) -> Result<Option<String>, DomainError> {
    match goal.filter(|g| !g.is_empty()) {
        None => Ok(None),
        Some(goal) => match load(p, plan, goal).await {
            Ok(doc) => Ok(Some(doc.value.id)),
            Err(DomainError::NotFound(_)) => Err(DomainError::invalid("goal_id", "is not one of this person's goals")),
            Err(other) => Err(other),
        },
    }
}

/// Every goal of the person, active and proposed first, then by when they were set.
pub async fn list(p: &Platform, actor: &Actor, person: &str) -> Result<Vec<Doc<Goal>>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let mut goals = all(p, &plan).await?;
    goals.sort_by_key(|goal| (rank(goal.value.status), goal.value.created_at));
    Ok(goals)
}

pub(crate) async fn all(p: &Platform, plan: &Plan) -> Result<Vec<Doc<Goal>>, DomainError> {
    docs::all(p.kv.as_ref(), &keys::plan(&plan.org, &plan.person), "goal#", MAX_GOALS + 1).await
}

fn rank(status: GoalStatus) -> u8 {
    match status {
        GoalStatus::Proposed => 0,
        GoalStatus::Active => 1,
        GoalStatus::Achieved => 2,
        GoalStatus::Dropped | GoalStatus::Declined => 3,
    }
}

pub async fn get(p: &Platform, actor: &Actor, person: &str, id: &str) -> Result<Doc<Goal>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    load(p, &plan, id).await
}

pub(crate) async fn load(p: &Platform, plan: &Plan, id: &str) -> Result<Doc<Goal>, DomainError> {
    if !emmaus_domain::validation::plausible_id(id) {
        return Err(not_found());
    }
    docs::get(p.kv.as_ref(), keys::goal(&plan.org, &plan.person, id)).await?.ok_or_else(not_found)
}

/// Adds a goal: the person's own is active at once; anyone else's is a proposal.
pub async fn create(p: &Platform, actor: &Actor, person: &str, input: NewGoal) -> Result<Doc<Goal>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerAdd).await?;
    if input.milestones.len() > MAX_MILESTONES {
        return Err(DomainError::invalid("milestones", format!("a goal has at most {MAX_MILESTONES} milestones")));
    }
    let milestones = input
        .milestones
        .iter()
        .enumerate()
        .map(|(i, title)| {
            Ok(Milestone {
                id: p.ids.new_id(),
                title: model::title(&format!("milestones.{i}"), title)?,
                done: false,
                done_at: None,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    let now = p.clock.now();
    let goal = Goal {
        id: p.ids.new_id(),
        person_id: plan.person.clone(),
        title: model::title("title", &input.title)?,
        why: model::text("why", &input.why)?,
        target_date: target_date(input.target_date.as_deref())?,
        status: if plan.own { GoalStatus::Active } else { GoalStatus::Proposed },
        milestones,
        proposed_by: (!plan.own).then(|| actor.person_id.clone()),
        created_by: actor.person_id.clone(),
        created_at: now,
        updated_at: now,
        updated_by: actor.person_id.clone(),
    };
    if all(p, &plan).await?.len() >= MAX_GOALS {
        return Err(DomainError::Conflict(format!(
            "a person holds at most {MAX_GOALS} goals; remove achieved or dropped ones first"
        )));
    }
    let key = keys::goal(&plan.org, &plan.person, &goal.id);
    docs::create(p.kv.as_ref(), key.clone(), &goal, None).await?;
    Ok(Doc { key, value: goal, version: 1 })
}

/// Changes a goal of the caller's own plan, read at version `expected`.
pub async fn update(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    expected: u64,
    change: GoalChange,
) -> Result<Doc<Goal>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let mut doc = load(p, &plan, id).await?;
    let now = p.clock.now();
    let goal = &mut doc.value;
    if let Some(title) = &change.title {
        goal.title = model::title("title", title)?;
    }
    if let Some(why) = &change.why {
        goal.why = model::text("why", why)?;
    }
    if let Some(date) = &change.target_date {
        goal.target_date = target_date(date.as_deref())?;
    }
    if let Some(status) = change.status
        && status != goal.status
    {
        goal.status = next_status(goal.status, status)?;
    }
    if let Some(milestones) = change.milestones {
        goal.milestones = merge_milestones(p, &goal.milestones, milestones, now)?;
    }
    goal.updated_at = now;
    goal.updated_by.clone_from(&actor.person_id);
    // Judged after the change, so a bad change hears what is wrong with it even when stale.
    if doc.version != expected {
        return Err(stale("goal"));
    }
    write(p, doc).await
}

/// Accepts (`true`) or declines a proposed goal.
pub async fn answer(
    p: &Platform,
    actor: &Actor,
    person: &str,
    id: &str,
    accept: bool,
) -> Result<Doc<Goal>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerChange).await?;
    let mut doc = load(p, &plan, id).await?;
    if doc.value.status != GoalStatus::Proposed {
        return Err(DomainError::Conflict("only a proposed goal is accepted or declined, and this one is not".into()));
    }
    doc.value.status = if accept { GoalStatus::Active } else { GoalStatus::Declined };
    doc.value.updated_at = p.clock.now();
    doc.value.updated_by.clone_from(&actor.person_id);
    write(p, doc).await
}

async fn write(p: &Platform, mut doc: Doc<Goal>) -> Result<Doc<Goal>, DomainError> {
    let version =
        p.kv.put_if_version(doc.key.clone(), docs::encode(&doc.value), doc.version, None).await.map_err(|error| {
            match error {
                emmaus_ports::KvError::Conflict(_) => stale("goal"),
                other => emmaus_app::error::from_kv(other),
            }
        })?;
    doc.version = version;
    Ok(doc)
}

/// The statuses a change may set: a goal is active, achieved or dropped, in any order; a proposal
/// is answered by accepting or declining it, never by a change.
fn next_status(from: GoalStatus, to: GoalStatus) -> Result<GoalStatus, DomainError> {
    match (from, to) {
        (GoalStatus::Proposed | GoalStatus::Declined, _) => {
            Err(DomainError::invalid("status", "a proposed goal is accepted or declined first"))
        }
        (_, GoalStatus::Proposed | GoalStatus::Declined) => {
            Err(DomainError::invalid("status", "must be active, achieved or dropped"))
        }
        (_, to) => Ok(to),
    }
}

/// The new milestone list: existing ones keep their id and the time they were done.
fn merge_milestones(
    p: &Platform,
    old: &[Milestone],
    new: Vec<MilestoneInput>,
    now: emmaus_domain::Timestamp,
) -> Result<Vec<Milestone>, DomainError> {
    if new.len() > MAX_MILESTONES {
        return Err(DomainError::invalid("milestones", format!("a goal has at most {MAX_MILESTONES} milestones")));
    }
    let mut seen = std::collections::BTreeSet::new();
    new.into_iter()
        .enumerate()
        .map(|(i, input)| {
            let title = model::title(&format!("milestones.{i}.title"), &input.title)?;
            let existing = match &input.id {
                Some(id) => {
                    Some(old.iter().find(|m| &m.id == id).filter(|_| seen.insert(id.clone())).ok_or_else(|| {
                        DomainError::invalid(format!("milestones.{i}.id"), "is not a milestone of this goal")
                    })?)
                }
                None => None,
            };
            let done_at = match (input.done, existing) {
                (false, _) => None,
                (true, Some(m)) if m.done => m.done_at,
                (true, _) => Some(now),
            };
            Ok(Milestone {
                id: existing.map_or_else(|| p.ids.new_id(), |m| m.id.clone()),
                title,
                done: input.done,
                done_at,
            })
        })
        .collect()
}

//! Dashboards, each one request however many people it covers: the caller's own day and week
//! (tasks, the head of their queue, their goals), a row for each mentee (active goals, overdue
//! tasks, this week's progress, what they did lately, the queue, the last meeting, unread comments), each group the caller leads with its
//! people's rows and their sum, and for an admin the organisation's totals (counts only: an admin
//! does not read plans).
//!
//! A person's row costs seven store reads (goals, queue, the tasks and occurrence states of the
//! weeks it looks at, the last meeting, the conversation's threads and what the reader read of
//! them), run a few plans at a time.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::identity::Role;
use std::collections::BTreeSet;

use emmaus_domain::permissions::{self, Action, Relation as MatrixRelation};
use emmaus_identity::access as identity_access;
use emmaus_identity::{Actor, directory, groups, mentorships};
use futures::StreamExt as _;
use jiff::civil::{Date, Weekday};

use crate::access::Plan;
use crate::calendar::{self, Entry};
use crate::model::{Goal, GoalStatus, OccurrenceStatus, Progress, QueueItem};
use crate::people::{self, PlanPerson, Relation};
use crate::queue::{self, ItemView};
use crate::{comments, goals, meetings, recurrence};

/// How far back a pending occurrence still counts as overdue; older ones are history.
pub const OVERDUE_DAYS: i64 = 28;
/// How many items of the queue's head one's own dashboard shows.
pub const QUEUE_HEAD: usize = 5;
/// How many overdue occurrences one's own dashboard lists (all are counted).
pub const OVERDUE_LISTED: usize = 20;
/// The most plans an organisation's totals read; past it they say they are partial.
pub const MAX_TOTAL_PLANS: usize = 2000;
/// How many plans are read at once.
const AT_ONCE: usize = 8;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// A goal and how far along its milestones are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalProgress {
    pub id: String,
    pub title: String,
    pub status: GoalStatus,
    pub target_date: Option<String>,
    pub milestones_done: usize,
    pub milestones_total: usize,
}

/// How this week's occurrences stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WeekCounts {
    pub done: usize,
    pub skipped: usize,
    pub pending: usize,
    /// Of all the above, how many were moved from where their series put them.
    pub moved: usize,
}

/// How a study queue stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub not_started: usize,
    pub in_progress: usize,
    pub done: usize,
    /// Not done, and past its due date.
    pub overdue: usize,
}

/// A meeting as a dashboard names it (its notes stay on the meeting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingBrief {
    pub id: String,
    pub start: String,
    pub zone: String,
    pub start_ms: i64,
}

/// How recently a change to an occurrence counts as recent activity.
pub const RECENT_DAYS: i64 = 7;
/// How many recent changes a row lists.
pub const RECENT_LISTED: usize = 5;

/// An occurrence marked done or skipped, or moved, lately: what a mentor sees their mentee do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentChange {
    pub task_id: String,
    pub title: String,
    /// Its name, the local start the series gave it.
    pub occurrence: String,
    pub status: OccurrenceStatus,
    /// Where the series put it, and where it is now (moved or not), Unix ms.
    pub original_ms: i64,
    pub start_ms: i64,
    pub moved: bool,
    pub zone: String,
    pub changed_at: emmaus_domain::Timestamp,
}

/// One person's row on a mentor's or pastor's dashboard.
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub person: PlanPerson,
    /// Their active goals, oldest first.
    pub goals: Vec<GoalProgress>,
    /// Goals proposed to them and not yet answered.
    pub proposed_goals: usize,
    pub achieved_goals: usize,
    /// Pending occurrences that ended in the last `OVERDUE_DAYS` days.
    pub overdue: usize,
    pub week: WeekCounts,
    pub queue: QueueCounts,
    pub last_meeting: Option<MeetingBrief>,
    /// Occurrences changed in the last `RECENT_DAYS` days, newest change first (at most
    /// `RECENT_LISTED`), wherever they fall.
    pub recent: Vec<RecentChange>,
    /// Comments by others on their goals, study items and tasks that the reader has not read.
    pub unread_comments: usize,
}

/// Sums over many people's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub people: usize,
    pub active_goals: usize,
    pub proposed_goals: usize,
    pub achieved_goals: usize,
    pub overdue: usize,
    pub week: WeekCounts,
    pub queue: QueueCounts,
    /// People met within the last 30 days.
    pub met_recently: usize,
    /// Comments the reader has not read, summed.
    pub unread_comments: usize,
}

/// A group the caller leads.
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub group_id: String,
    pub name: String,
    pub people: Vec<PersonRow>,
    pub totals: Totals,
}

/// The organisation as its admins see it: counts only.
#[derive(Debug, Clone, Default)]
pub struct OrgTotals {
    pub members: usize,
    pub admins: usize,
    pub pastors: usize,
    pub mentors: usize,
    pub mentees: usize,
    pub groups: usize,
    pub active_mentorships: usize,
    pub plans: Totals,
    /// More members than the totals read (`MAX_TOTAL_PLANS`): the plan totals cover the first.
    pub partial: bool,
}

/// The caller's own day and week.
#[derive(Debug, Clone)]
pub struct MyDay {
    pub zone: String,
    /// Today, in the caller's zone.
    pub today: String,
    /// Today's occurrences.
    pub today_entries: Vec<Entry>,
    /// The rest of this week (Monday to Sunday): from tomorrow to Sunday.
    pub week_entries: Vec<Entry>,
    /// Pending occurrences that ended before now, newest first (at most `OVERDUE_LISTED`).
    pub overdue: Vec<Entry>,
    pub overdue_count: usize,
    /// The first items of the queue not yet done.
    pub queue_head: Vec<ItemView>,
    pub queue: QueueCounts,
    /// Proposed and active goals.
    pub goals: Vec<GoalProgress>,
    /// Comments by others on one's plan that one has not read.
    pub unread_comments: usize,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub me: MyDay,
    pub mentees: Vec<PersonRow>,
    pub groups: Vec<GroupRow>,
    pub organisation: Option<OrgTotals>,
}

/// The dashboard of `actor`: what their roles and standing give them, in one answer.
pub async fn build(p: &Platform, actor: &Actor) -> Result<Dashboard, DomainError> {
    let now_ms = p.clock.now().unix_millis();
    let me = my_day(p, actor, now_ms).await?;
    let standing = identity_access::standing(p, actor).await?;
    let people = people::list_in(p, actor, &standing).await?;
    let mentee_people: Vec<PlanPerson> = people.iter().filter(|x| x.relation == Relation::Mentee).cloned().collect();
    let mentees = rows(p, &actor.org_id, mentee_people, Some(&actor.person_id), now_ms).await?;
    let groups = led_groups(p, actor, &standing, &people, now_ms).await?;
    // An organisation-wide action: the caller's roles decide, whatever their standing.
    let organisation =
        if permissions::can(&actor.roles, &BTreeSet::from([MatrixRelation::SameOrg]), Action::PlannerTotals) {
            Some(org_totals(p, actor, now_ms).await?)
        } else {
            None
        };
    Ok(Dashboard { me, mentees, groups, organisation })
}

fn own_plan(actor: &Actor) -> Plan {
    Plan { org: actor.org_id.clone(), person: actor.person_id.clone(), own: true }
}

/// Midnight of `date` in `zone`, as an instant.
fn midnight(zone: &str, date: Date) -> Result<i64, DomainError> {
    recurrence::instant_of(zone, date.to_datetime(jiff::civil::time(0, 0, 0, 0)))
        .map_err(|e| DomainError::unexpected(std::io::Error::other(format!("a day in {zone} has no midnight: {e}"))))
}

/// Today in `zone` at `now_ms`, and the Monday that begins its week.
fn today_in(zone: &str, now_ms: i64) -> Result<(Date, Date), DomainError> {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let now = jiff::Timestamp::from_millisecond(now_ms).map_err(DomainError::unexpected)?;
    let today = now.to_zoned(tz).date();
    let monday = today - jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset()));
    debug_assert_eq!(monday.weekday(), Weekday::Monday);
    Ok((today, monday))
}

/// The window a row reads, in Unix ms: from `OVERDUE_DAYS` before now (`from`) to the end of
/// this week; and where this week begins and ends.
struct Window {
    from: i64,
    week_from: i64,
    week_to: i64,
}

fn window(zone: &str, now_ms: i64) -> Result<(Window, Date), DomainError> {
    let (today, monday) = today_in(zone, now_ms)?;
    let week_from_ms = midnight(zone, monday)?;
    let week_to_ms = midnight(zone, monday + jiff::Span::new().days(7))?;
    Ok((
        Window {
            from: (now_ms - OVERDUE_DAYS * DAY_MS).min(week_from_ms),
            week_from: week_from_ms,
            week_to: week_to_ms,
        },
        today,
    ))
}

fn is_overdue(entry: &Entry, now_ms: i64) -> bool {
    entry.status == OccurrenceStatus::Pending && entry.end_ms <= now_ms && entry.end_ms > now_ms - OVERDUE_DAYS * DAY_MS
}

fn progress(goal: &Goal) -> GoalProgress {
    GoalProgress {
        id: goal.id.clone(),
        title: goal.title.clone(),
        status: goal.status,
        target_date: goal.target_date.clone(),
        milestones_done: goal.milestones.iter().filter(|m| m.done).count(),
        milestones_total: goal.milestones.len(),
    }
}

fn queue_counts(items: &[Doc<QueueItem>], today: &str) -> QueueCounts {
    let mut counts = QueueCounts::default();
    for item in items {
        match item.value.progress {
            Progress::NotStarted => counts.not_started += 1,
            Progress::InProgress => counts.in_progress += 1,
            Progress::Done => counts.done += 1,
        }
        // Dates compare as text: both are `YYYY-MM-DD`.
        if item.value.progress != Progress::Done && item.value.due_date.as_deref().is_some_and(|due| due < today) {
            counts.overdue += 1;
        }
    }
    counts
}

async fn my_day(p: &Platform, actor: &Actor, now_ms: i64) -> Result<MyDay, DomainError> {
    let plan = own_plan(actor);
    let zone = crate::access::zone_of(p, &actor.person_id).await?;
    let (window, today) = window(&zone, now_ms)?;
    let today_from = midnight(&zone, today)?;
    let today_to = midnight(&zone, today + jiff::Span::new().days(1))?;
    let found = calendar::occurrences(p, &plan, window.from, window.week_to).await?;
    let mut overdue: Vec<Entry> = found.entries.iter().filter(|e| is_overdue(e, now_ms)).cloned().collect();
    overdue.reverse();
    let overdue_count = overdue.len();
    overdue.truncate(OVERDUE_LISTED);
    let on = |from: i64, to: i64| {
        found.entries.iter().filter(|e| e.start_ms < to && e.start_ms >= from).cloned().collect::<Vec<_>>()
    };
    let today_text = today.to_string();
    let items = queue::ordered(p, &plan).await?;
    let counts = queue_counts(&items, &today_text);
    let head: Vec<Doc<QueueItem>> =
        items.into_iter().filter(|item| item.value.progress != Progress::Done).take(QUEUE_HEAD).collect();
    let mut goals = goals::all(p, &plan).await?;
    goals.retain(|g| matches!(g.value.status, GoalStatus::Proposed | GoalStatus::Active));
    goals.sort_by_key(|g| (g.value.status != GoalStatus::Proposed, g.value.created_at));
    Ok(MyDay {
        today_entries: on(today_from, today_to),
        week_entries: on(today_to, window.week_to),
        overdue,
        overdue_count,
        queue_head: queue::views(p, actor, head).await?,
        queue: counts,
        goals: goals.iter().map(|g| progress(&g.value)).collect(),
        unread_comments: unread(p, &plan, &actor.person_id).await?,
        today: today_text,
        zone,
    })
}

/// The comments by others in `plan` that `reader` has not read: two reads.
async fn unread(p: &Platform, plan: &Plan, reader: &str) -> Result<usize, DomainError> {
    let summaries = comments::summaries(p, plan).await?;
    if summaries.is_empty() {
        return Ok(0);
    }
    let seen: comments::Seen = docs::get(p.kv.as_ref(), comments::seen_key(&plan.org, &plan.person, reader))
        .await?
        .map(|doc: Doc<comments::Seen>| doc.value)
        .unwrap_or_default();
    Ok(summaries.iter().map(|summary| seen.unread(reader, summary)).sum())
}

/// One person's row; with their unread comments when it is for a `reader` of their plan.
async fn row(
    p: &Platform,
    org: &str,
    person: PlanPerson,
    reader: Option<&str>,
    now_ms: i64,
) -> Result<PersonRow, DomainError> {
    let plan = Plan { org: org.to_owned(), person: person.person_id.clone(), own: false };
    let zone = person.time_zone.clone().unwrap_or_else(|| "UTC".to_owned());
    let (window, today) = window(&zone, now_ms)?;
    let (found, changes) = calendar::occurrences_and_changes(p, &plan, window.from, window.week_to).await?;
    let mut recent: Vec<RecentChange> = changes
        .into_iter()
        .filter(|c| c.state.changed_at.unix_millis() > now_ms - RECENT_DAYS * DAY_MS)
        .map(|c| RecentChange {
            moved: c.state.moved_start_ms.is_some(),
            start_ms: c.state.moved_start_ms.unwrap_or(c.state.original_ms),
            task_id: c.state.task_id,
            title: c.title,
            occurrence: c.state.occurrence,
            status: c.state.status,
            original_ms: c.state.original_ms,
            zone: c.zone,
            changed_at: c.state.changed_at,
        })
        .collect();
    recent.sort_by(|a, b| b.changed_at.cmp(&a.changed_at).then_with(|| a.start_ms.cmp(&b.start_ms)));
    recent.truncate(RECENT_LISTED);
    let mut week = WeekCounts::default();
    for entry in found.entries.iter().filter(|e| e.start_ms >= window.week_from && e.start_ms < window.week_to) {
        match entry.status {
            OccurrenceStatus::Done => week.done += 1,
            OccurrenceStatus::Skipped => week.skipped += 1,
            OccurrenceStatus::Pending => week.pending += 1,
        }
        week.moved += usize::from(entry.moved);
    }
    let goals = goals::all(p, &plan).await?;
    let mut active: Vec<&Goal> = goals.iter().map(|g| &g.value).filter(|g| g.status == GoalStatus::Active).collect();
    active.sort_by_key(|g| g.created_at);
    let items = queue::ordered(p, &plan).await?;
    let last = meetings::last_before(p, &plan, now_ms).await?;
    Ok(PersonRow {
        goals: active.into_iter().map(progress).collect(),
        proposed_goals: goals.iter().filter(|g| g.value.status == GoalStatus::Proposed).count(),
        achieved_goals: goals.iter().filter(|g| g.value.status == GoalStatus::Achieved).count(),
        overdue: found.entries.iter().filter(|e| is_overdue(e, now_ms)).count(),
        week,
        queue: queue_counts(&items, &today.to_string()),
        last_meeting: last.map(|m| MeetingBrief { id: m.id, start: m.start, zone: m.zone, start_ms: m.start_ms }),
        recent,
        unread_comments: match reader {
            Some(reader) => unread(p, &plan, reader).await?,
            None => 0,
        },
        person,
    })
}

/// The rows of `people`, in their order, a few plans at a time.
async fn rows(
    p: &Platform,
    org: &str,
    people: Vec<PlanPerson>,
    reader: Option<&str>,
    now_ms: i64,
) -> Result<Vec<PersonRow>, DomainError> {
    futures::stream::iter(people.into_iter().map(|person| row(p, org, person, reader, now_ms)))
        .buffered(AT_ONCE)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

fn add(totals: &mut Totals, row: &PersonRow, now_ms: i64) {
    totals.people += 1;
    totals.active_goals += row.goals.len();
    totals.proposed_goals += row.proposed_goals;
    totals.achieved_goals += row.achieved_goals;
    totals.overdue += row.overdue;
    totals.week.done += row.week.done;
    totals.week.skipped += row.week.skipped;
    totals.week.pending += row.week.pending;
    totals.week.moved += row.week.moved;
    totals.queue.not_started += row.queue.not_started;
    totals.queue.in_progress += row.queue.in_progress;
    totals.queue.done += row.queue.done;
    totals.queue.overdue += row.queue.overdue;
    totals.met_recently += usize::from(row.last_meeting.as_ref().is_some_and(|m| m.start_ms > now_ms - 30 * DAY_MS));
    totals.unread_comments += row.unread_comments;
}

/// The groups `actor` leads, each with its people's rows (those the matrix lets them read).
async fn led_groups(
    p: &Platform,
    actor: &Actor,
    standing: &identity_access::Standing,
    readable: &[PlanPerson],
    now_ms: i64,
) -> Result<Vec<GroupRow>, DomainError> {
    let mut out = Vec::new();
    for group_id in &standing.led_groups {
        let group = groups::read(p, actor, group_id).await?;
        let people: Vec<PlanPerson> = readable
            .iter()
            .filter(|x| x.person_id != actor.person_id && group.members.contains(&x.person_id))
            .cloned()
            .collect();
        let rows = rows(p, &actor.org_id, people, Some(&actor.person_id), now_ms).await?;
        let mut totals = Totals::default();
        for row in &rows {
            add(&mut totals, row, now_ms);
        }
        out.push(GroupRow { group_id: group.group.id, name: group.group.name, people: rows, totals });
    }
    out.sort_by_key(|g| g.name.to_lowercase());
    Ok(out)
}

/// The organisation's totals: its members by role, groups and mentorships, and its plans summed.
async fn org_totals(p: &Platform, actor: &Actor, now_ms: i64) -> Result<OrgTotals, DomainError> {
    let members = directory::memberships(p, &actor.org_id, 50_000).await?;
    let mut totals = OrgTotals::default();
    let mut wanted = Vec::new();
    for member in &members {
        let roles = &member.value.roles;
        if roles.is_empty() {
            continue;
        }
        totals.members += 1;
        totals.admins += usize::from(roles.contains(Role::Admin));
        totals.pastors += usize::from(roles.contains(Role::Pastor));
        totals.mentors += usize::from(roles.contains(Role::Mentor));
        totals.mentees += usize::from(roles.contains(Role::Mentee));
        if let Some(person) = member.key.sort.strip_prefix("member#") {
            wanted.push((person.to_owned(), Relation::Member));
        }
    }
    totals.partial = wanted.len() > MAX_TOTAL_PLANS;
    wanted.truncate(MAX_TOTAL_PLANS);
    totals.groups = groups::list(p, actor).await?.len();
    totals.active_mentorships = mentorships::list(p, actor).await?.iter().filter(|m| m.ended_at.is_none()).count();
    let people = people::named(p, &actor.org_id, &wanted).await?;
    // Counts only: an admin reads no one's conversation.
    for row in rows(p, &actor.org_id, people, None, now_ms).await? {
        add(&mut totals.plans, &row, now_ms);
    }
    Ok(totals)
}

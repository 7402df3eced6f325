//! `/api/planner/{org}/dashboard`: the caller's dashboard in one answer: their own day and week,
//! a row per mentee, the groups they lead, and for an admin the organisation's totals.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};
use emmaus_planner::dashboard::{
    self, Dashboard, GoalProgress, GroupRow, MyDay, OrgTotals, PersonRow, QueueCounts, Totals, WeekCounts,
};

use crate::calendar::CalendarEntry;
use crate::goals::GoalStatusView;
use crate::people::PlanPersonView;
use crate::queue::QueueItemView;
use crate::tasks::OccurrenceStatusView;

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GoalProgressView {
    pub id: String,
    pub title: String,
    pub status: GoalStatusView,
    /// `YYYY-MM-DD`.
    pub target_date: Option<String>,
    pub milestones_done: usize,
    pub milestones_total: usize,
}

impl From<GoalProgress> for GoalProgressView {
    fn from(goal: GoalProgress) -> Self {
        Self {
            id: goal.id,
            title: goal.title,
            status: goal.status.into(),
            target_date: goal.target_date,
            milestones_done: goal.milestones_done,
            milestones_total: goal.milestones_total,
        }
    }
}

/// How this week's occurrences (Monday to Sunday, in the person's zone) stand.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct WeekView {
    pub done: usize,
    pub skipped: usize,
    pub pending: usize,
    /// Of those, how many were moved from where their series put them.
    pub moved: usize,
}

impl From<WeekCounts> for WeekView {
    fn from(w: WeekCounts) -> Self {
        Self { done: w.done, skipped: w.skipped, pending: w.pending, moved: w.moved }
    }
}

/// How a study queue stands.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct QueueCountsView {
    pub not_started: usize,
    pub in_progress: usize,
    pub done: usize,
    /// Not done and past its due date.
    pub overdue: usize,
}

impl From<QueueCounts> for QueueCountsView {
    fn from(q: QueueCounts) -> Self {
        Self { not_started: q.not_started, in_progress: q.in_progress, done: q.done, overdue: q.overdue }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MeetingBriefView {
    pub id: String,
    /// Its local start, `YYYY-MM-DDTHH:MM:SS`.
    pub start: String,
    pub time_zone: String,
    /// RFC 3339 with the zone's offset.
    pub starts_at: String,
}

/// An occurrence changed lately (marked done or skipped, or moved).
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RecentChangeView {
    pub task_id: String,
    pub title: String,
    /// Its name, `YYYYMMDDTHHMMSS`.
    pub occurrence: String,
    pub status: OccurrenceStatusView,
    /// RFC 3339 with the task zone's offset: where it is now, and where its series put it.
    pub start: String,
    pub original_start: String,
    pub moved: bool,
    /// RFC 3339, when it was changed.
    pub changed_at: String,
}

/// One person's row on a mentor's or a pastor's dashboard.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PersonRowView {
    pub person: PlanPersonView,
    /// Active goals, oldest first.
    pub goals: Vec<GoalProgressView>,
    /// Proposed to them, not yet answered.
    pub proposed_goals: usize,
    pub achieved_goals: usize,
    /// Pending occurrences that ended in the last 28 days.
    pub overdue: usize,
    pub week: WeekView,
    pub queue: QueueCountsView,
    /// The last meeting that began before now.
    pub last_meeting: Option<MeetingBriefView>,
    /// Occurrences changed in the last 7 days, newest change first (at most 5).
    pub recent: Vec<RecentChangeView>,
    /// Comments by others on their goals, study items and tasks the caller has not read.
    pub unread_comments: usize,
}

impl From<PersonRow> for PersonRowView {
    fn from(row: PersonRow) -> Self {
        Self {
            person: row.person.into(),
            goals: row.goals.into_iter().map(Into::into).collect(),
            proposed_goals: row.proposed_goals,
            achieved_goals: row.achieved_goals,
            overdue: row.overdue,
            week: row.week.into(),
            queue: row.queue.into(),
            last_meeting: row.last_meeting.map(|m| MeetingBriefView {
                starts_at: crate::calendar::zoned(m.start_ms, &m.zone),
                id: m.id,
                start: m.start,
                time_zone: m.zone,
            }),
            recent: row
                .recent
                .into_iter()
                .map(|c| RecentChangeView {
                    start: crate::calendar::zoned(c.start_ms, &c.zone),
                    original_start: crate::calendar::zoned(c.original_ms, &c.zone),
                    task_id: c.task_id,
                    title: c.title,
                    occurrence: c.occurrence,
                    status: c.status.into(),
                    moved: c.moved,
                    changed_at: crate::rfc3339(c.changed_at),
                })
                .collect(),
            unread_comments: row.unread_comments,
        }
    }
}

/// Sums over people's rows.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TotalsView {
    pub people: usize,
    pub active_goals: usize,
    pub proposed_goals: usize,
    pub achieved_goals: usize,
    pub overdue: usize,
    pub week: WeekView,
    pub queue: QueueCountsView,
    /// People met within the last 30 days.
    pub met_recently: usize,
    /// Comments the caller has not read, summed (none in an organisation's totals).
    pub unread_comments: usize,
}

impl From<Totals> for TotalsView {
    fn from(t: Totals) -> Self {
        Self {
            people: t.people,
            active_goals: t.active_goals,
            proposed_goals: t.proposed_goals,
            achieved_goals: t.achieved_goals,
            overdue: t.overdue,
            week: t.week.into(),
            queue: t.queue.into(),
            met_recently: t.met_recently,
            unread_comments: t.unread_comments,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupRowView {
    pub group_id: String,
    pub name: String,
    pub people: Vec<PersonRowView>,
    pub totals: TotalsView,
}

impl From<GroupRow> for GroupRowView {
    fn from(g: GroupRow) -> Self {
        Self {
            group_id: g.group_id,
            name: g.name,
            people: g.people.into_iter().map(Into::into).collect(),
            totals: g.totals.into(),
        }
    }
}

/// The organisation's totals, for its admins: counts, never what a plan holds.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OrgTotalsView {
    pub members: usize,
    pub admins: usize,
    pub pastors: usize,
    pub mentors: usize,
    pub mentees: usize,
    pub groups: usize,
    pub active_mentorships: usize,
    /// Every member's plan, summed.
    pub plans: TotalsView,
    /// More members than the totals read (2,000): the plan totals cover the first.
    pub partial: bool,
}

impl From<OrgTotals> for OrgTotalsView {
    fn from(o: OrgTotals) -> Self {
        Self {
            members: o.members,
            admins: o.admins,
            pastors: o.pastors,
            mentors: o.mentors,
            mentees: o.mentees,
            groups: o.groups,
            active_mentorships: o.active_mentorships,
            plans: o.plans.into(),
            partial: o.partial,
        }
    }
}

/// The caller's own day and week.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MyDayView {
    pub time_zone: String,
    /// Today, `YYYY-MM-DD`, in the caller's zone.
    pub today: String,
    pub today_entries: Vec<CalendarEntry>,
    /// From tomorrow to Sunday.
    pub week_entries: Vec<CalendarEntry>,
    /// Pending occurrences that ended before now, newest first (at most 20).
    pub overdue: Vec<CalendarEntry>,
    /// All of them, counted (the last 28 days).
    pub overdue_count: usize,
    /// The first items of the study queue not yet done.
    pub queue_head: Vec<QueueItemView>,
    pub queue: QueueCountsView,
    /// Proposed and active goals.
    pub goals: Vec<GoalProgressView>,
    /// Comments by others on one's plan that one has not read.
    pub unread_comments: usize,
}

impl From<MyDay> for MyDayView {
    fn from(d: MyDay) -> Self {
        let entries = |list: Vec<emmaus_planner::calendar::Entry>| list.into_iter().map(Into::into).collect();
        Self {
            time_zone: d.zone,
            today: d.today,
            today_entries: entries(d.today_entries),
            week_entries: entries(d.week_entries),
            overdue: entries(d.overdue),
            overdue_count: d.overdue_count,
            queue_head: d.queue_head.into_iter().map(Into::into).collect(),
            queue: d.queue.into(),
            goals: d.goals.into_iter().map(Into::into).collect(),
            unread_comments: d.unread_comments,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DashboardView {
    pub me: MyDayView,
    /// A row per person the caller mentors now, by name.
    pub mentees: Vec<PersonRowView>,
    /// The groups the caller leads, by name.
    pub groups: Vec<GroupRowView>,
    /// For admins only.
    pub organisation: Option<OrgTotalsView>,
}

impl From<Dashboard> for DashboardView {
    fn from(d: Dashboard) -> Self {
        Self {
            me: d.me.into(),
            mentees: d.mentees.into_iter().map(Into::into).collect(),
            groups: d.groups.into_iter().map(Into::into).collect(),
            organisation: d.organisation.map(Into::into),
        }
    }
}

/// The caller's dashboard.
#[utoipa::path(
    get, path = "/api/planner/{org}/dashboard", tag = "planner", operation_id = "getDashboard",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The dashboard", body = DashboardView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn dashboard(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<DashboardView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(dashboard::build(&p, &actor).await?.into()))
}

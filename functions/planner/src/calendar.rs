//! `/api/planner/{org}/people/{person}/calendar`: a person's occurrences over a range of days.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path, Query};
use emmaus_planner::calendar::{self, Entry};

use crate::tasks::OccurrenceStatusView;

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct Range {
    /// The first day, `YYYY-MM-DD`, in the person's time zone.
    #[param(format = Date)]
    pub from: String,
    /// The day after the last, `YYYY-MM-DD`; at most 366 days after `from`.
    #[param(format = Date)]
    pub to: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CalendarEntry {
    pub task_id: String,
    pub title: String,
    /// The occurrence's name, `YYYYMMDDTHHMMSS`, for changing it.
    pub occurrence: String,
    /// RFC 3339 with the offset of the task's zone, where it is now (moved or not).
    pub start: String,
    pub end: String,
    pub all_day: bool,
    pub status: OccurrenceStatusView,
    pub moved: bool,
    pub recurring: bool,
    pub goal_id: Option<String>,
    pub queue_item_id: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CalendarView {
    /// By start.
    pub entries: Vec<CalendarEntry>,
    /// The person's time zone, in which the range's days were read.
    pub time_zone: String,
    /// More occurrences fell in the range than one answer holds (10,000): ask for a shorter one.
    pub truncated: bool,
}

pub(crate) fn zoned(ms: i64, zone: &str) -> String {
    let zone = jiff::tz::db().get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_zoned(zone).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .unwrap_or_default()
}

impl From<Entry> for CalendarEntry {
    fn from(entry: Entry) -> Self {
        Self {
            start: zoned(entry.start_ms, &entry.zone),
            end: zoned(entry.end_ms, &entry.zone),
            task_id: entry.task_id,
            title: entry.title,
            occurrence: entry.occurrence,
            all_day: entry.all_day,
            status: entry.status.into(),
            moved: entry.moved,
            recurring: entry.recurring,
            goal_id: entry.goal_id,
            queue_item_id: entry.queue_item_id,
        }
    }
}

/// The person's task occurrences from the start of `from` to the start of `to`, with what became
/// of each.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/calendar", tag = "planner", operation_id = "getCalendar",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id"), Range),
    responses(
        (status = 200, description = "The occurrences", body = CalendarView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn range(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Query(range): Query<Range>,
) -> ApiResult<Json<CalendarView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let found = calendar::range(&p, &actor, &person, &range.from, &range.to).await?;
    Ok(Json(CalendarView {
        entries: found.entries.into_iter().map(Into::into).collect(),
        time_zone: found.zone,
        truncated: found.truncated,
    }))
}

//! `/api/planner/{org}/calendar`: the calendar across every plan the caller may read.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path, Query};
use emmaus_planner::calendar;

use crate::calendar::{CalendarEntry, Range};

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AcrossEntry {
    /// Whose plan the occurrence is in.
    pub person_id: String,
    pub person_name: String,
    #[serde(flatten)]
    pub entry: CalendarEntry,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AcrossView {
    /// By start, across the plans.
    pub entries: Vec<AcrossEntry>,
    /// The caller's time zone, in which the range's days were read.
    pub time_zone: String,
    /// More occurrences fell in the range than one answer holds (10,000).
    pub truncated: bool,
}

/// The occurrences of one's own plan and of every plan one may read (one's mentees', the people of
/// the groups one leads) over a range of at most 62 days, in one request.
#[utoipa::path(
    get, path = "/api/planner/{org}/calendar", tag = "planner", operation_id = "getCalendarAcross",
    params(("org" = String, Path, description = "Organisation id"), Range),
    responses(
        (status = 200, description = "The occurrences", body = AcrossView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn across(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Query(range): Query<Range>,
) -> ApiResult<Json<AcrossView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let (plans, zone, truncated) = calendar::across(&p, &actor, &range.from, &range.to).await?;
    let mut entries: Vec<(i64, AcrossEntry)> = plans
        .into_iter()
        .flat_map(|plan| {
            let (id, name) = (plan.person.person_id, plan.person.display_name);
            plan.entries.into_iter().map(move |entry| {
                (entry.start_ms, AcrossEntry { person_id: id.clone(), person_name: name.clone(), entry: entry.into() })
            })
        })
        .collect();
    entries.sort_by(|a, b| (a.0, &a.1.person_id).cmp(&(b.0, &b.1.person_id)));
    Ok(Json(AcrossView { entries: entries.into_iter().map(|(_, e)| e).collect(), time_zone: zone, truncated }))
}

//! `/api/planner/{org}/people/{person}/goals`: a person's goals, set by them or proposed to them.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_app::docs::Doc;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path};
use emmaus_planner::goals::{self, GoalChange, MilestoneInput, NewGoal};
use emmaus_planner::model::{Goal, GoalStatus};

/// A goal's state.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatusView {
    Proposed,
    Active,
    Achieved,
    Dropped,
    Declined,
}

impl From<GoalStatus> for GoalStatusView {
    fn from(status: GoalStatus) -> Self {
        match status {
            GoalStatus::Proposed => Self::Proposed,
            GoalStatus::Active => Self::Active,
            GoalStatus::Achieved => Self::Achieved,
            GoalStatus::Dropped => Self::Dropped,
            GoalStatus::Declined => Self::Declined,
        }
    }
}

impl From<GoalStatusView> for GoalStatus {
    fn from(status: GoalStatusView) -> Self {
        match status {
            GoalStatusView::Proposed => Self::Proposed,
            GoalStatusView::Active => Self::Active,
            GoalStatusView::Achieved => Self::Achieved,
            GoalStatusView::Dropped => Self::Dropped,
            GoalStatusView::Declined => Self::Declined,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MilestoneView {
    pub id: String,
    pub title: String,
    pub done: bool,
    /// RFC 3339, when it was marked done.
    pub done_at: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GoalView {
    pub id: String,
    pub person_id: String,
    pub title: String,
    pub why: String,
    /// `YYYY-MM-DD`.
    pub target_date: Option<String>,
    pub status: GoalStatusView,
    pub milestones: Vec<MilestoneView>,
    /// Who proposed it, for a goal that began as a proposal.
    pub proposed_by: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    /// Its `ETag`, for `If-Match`.
    pub version: u64,
}

impl From<Doc<Goal>> for GoalView {
    fn from(doc: Doc<Goal>) -> Self {
        let goal = doc.value;
        Self {
            id: goal.id,
            person_id: goal.person_id,
            title: goal.title,
            why: goal.why,
            target_date: goal.target_date,
            status: goal.status.into(),
            milestones: goal
                .milestones
                .into_iter()
                .map(|m| MilestoneView {
                    id: m.id,
                    title: m.title,
                    done: m.done,
                    done_at: m.done_at.map(crate::rfc3339),
                })
                .collect(),
            proposed_by: goal.proposed_by,
            created_by: goal.created_by,
            created_at: crate::rfc3339(goal.created_at),
            updated_at: crate::rfc3339(goal.updated_at),
            version: doc.version,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GoalList {
    /// Proposed first, then active, achieved, and dropped or declined; oldest first within each.
    pub goals: Vec<GoalView>,
}

/// A goal to add: the person's own is active at once; anyone else's is a proposal.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewGoalBody {
    /// 1 to 200 characters on one line.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// Why it matters, at most 4,000 characters.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub why: String,
    /// `YYYY-MM-DD`.
    #[schema(pattern = r"^(\d{4}-\d{2}-\d{2})?$")]
    pub target_date: Option<String>,
    /// The milestones' titles, in order (at most 50).
    #[serde(default)]
    pub milestones: Vec<String>,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct MilestoneBody {
    /// An existing milestone's id; absent for a new one.
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub done: bool,
}

/// A change: each field present replaces what is there.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct GoalChangeBody {
    pub title: Option<String>,
    pub why: Option<String>,
    /// `YYYY-MM-DD`; an empty text takes the date away.
    #[schema(pattern = r"^(\d{4}-\d{2}-\d{2})?$")]
    pub target_date: Option<String>,
    /// Active, achieved or dropped (a proposal is accepted or declined instead).
    pub status: Option<GoalStatusView>,
    /// The whole list in its new order.
    pub milestones: Option<Vec<MilestoneBody>>,
}

type Answer = ApiResult<crate::Versioned<GoalView>>;

fn answer(status: StatusCode, doc: Doc<Goal>) -> crate::Versioned<GoalView> {
    let version = doc.version;
    crate::versioned(status, version, doc.into())
}

/// The person's goals.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/goals", tag = "planner", operation_id = "listGoals",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    responses(
        (status = 200, description = "Goals", body = GoalList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
) -> ApiResult<Json<GoalList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let goals = goals::list(&p, &actor, &person).await?;
    Ok(Json(GoalList { goals: goals.into_iter().map(Into::into).collect() }))
}

/// Sets a goal of one's own, or proposes one to a person one mentors or whose group one leads.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/goals", tag = "planner", operation_id = "createGoal",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    request_body = NewGoalBody,
    responses(
        (status = 201, description = "Added", body = GoalView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Json(body): Json<NewGoalBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let input =
        NewGoal { title: body.title, why: body.why, target_date: body.target_date, milestones: body.milestones };
    Ok(answer(StatusCode::CREATED, goals::create(&p, &actor, &person, input).await?))
}

/// One goal.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/goals/{goal}", tag = "planner", operation_id = "getGoal",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("goal" = String, Path, description = "Goal id"),
    ),
    responses(
        (status = 200, description = "The goal", body = GoalView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, goal)): Path<(String, String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, goals::get(&p, &actor, &person, &goal).await?))
}

/// Changes one's own goal; `If-Match` names the version read (412 when it moved on).
#[utoipa::path(
    patch, path = "/api/planner/{org}/people/{person}/goals/{goal}", tag = "planner", operation_id = "updateGoal",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("goal" = String, Path, description = "Goal id"),
        ("If-Match" = String, Header, description = "The ETag of the goal as read"),
    ),
    request_body = GoalChangeBody,
    responses(
        (status = 200, description = "Changed", body = GoalView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, goal)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<GoalChangeBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let change = GoalChange {
        title: body.title,
        why: body.why,
        target_date: crate::clearable(body.target_date),
        status: body.status.map(Into::into),
        milestones: body
            .milestones
            .map(|list| list.into_iter().map(|m| MilestoneInput { id: m.id, title: m.title, done: m.done }).collect()),
    };
    Ok(answer(StatusCode::OK, goals::update(&p, &actor, &person, &goal, expected, change).await?))
}

/// Accepts a goal proposed to oneself: it becomes active.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/goals/{goal}/accept", tag = "planner", operation_id = "acceptGoal",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("goal" = String, Path, description = "Goal id"),
    ),
    responses(
        (status = 200, description = "Accepted", body = GoalView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, goal)): Path<(String, String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, goals::answer(&p, &actor, &person, &goal, true).await?))
}

/// Declines a goal proposed to oneself; it stays listed, declined, for its proposer to see.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/goals/{goal}/decline", tag = "planner", operation_id = "declineGoal",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("goal" = String, Path, description = "Goal id"),
    ),
    responses(
        (status = 200, description = "Declined", body = GoalView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn decline(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, goal)): Path<(String, String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, goals::answer(&p, &actor, &person, &goal, false).await?))
}

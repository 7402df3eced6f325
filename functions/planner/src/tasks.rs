//! `/api/planner/{org}/people/{person}/tasks`: study tasks, their series and single occurrences.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path};
use emmaus_planner::model::{OccurrenceState, OccurrenceStatus, Task};
use emmaus_planner::tasks::{self, OccurrenceChange, TaskInput};

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TaskView {
    pub id: String,
    pub person_id: String,
    pub title: String,
    pub notes: String,
    /// The first occurrence's local start, `YYYY-MM-DDTHH:MM:SS` (midnight for a due date).
    pub start: String,
    /// A task with a due date and no time: it fills its day.
    pub all_day: bool,
    pub duration_minutes: u32,
    /// The IANA time zone its local times are in.
    pub time_zone: String,
    /// An RFC 5545 rule such as `FREQ=WEEKLY;BYDAY=MO`.
    pub rrule: Option<String>,
    /// Local starts taken out of the series.
    pub exdates: Vec<String>,
    pub goal_id: Option<String>,
    pub queue_item_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    /// Its `ETag`, for `If-Match`.
    pub version: u64,
}

impl From<Task> for TaskView {
    fn from(task: Task) -> Self {
        Self {
            id: task.id,
            person_id: task.person_id,
            title: task.title,
            notes: task.notes,
            start: task.start,
            all_day: task.all_day,
            duration_minutes: task.duration_minutes,
            time_zone: task.zone,
            rrule: task.rrule,
            exdates: task.exdates,
            goal_id: task.goal_id,
            queue_item_id: task.queue_item_id,
            created_by: task.created_by,
            created_at: crate::rfc3339(task.created_at),
            updated_at: crate::rfc3339(task.updated_at),
            version: task.revision,
        }
    }
}

/// A task: `title` and one of `start` (with `duration_minutes`) or `due` when new; for a change,
/// each field present replaces what is there.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct TaskBody {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// A local start in the person's time zone, `YYYY-MM-DDTHH:MM`.
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
    pub start: Option<String>,
    /// A due date, `YYYY-MM-DD`, for a task without a time.
    #[schema(format = Date)]
    pub due: Option<String>,
    /// 1 to 1440; default 30.
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: Option<u32>,
    /// An RFC 5545 rule, daily at most often (`FREQ=WEEKLY;BYDAY=MO`); an empty text makes the
    /// task happen once.
    pub rrule: Option<String>,
    /// Local starts to leave out, `YYYY-MM-DDTHH:MM`.
    pub exdates: Option<Vec<String>>,
    /// An empty text unlinks it.
    pub goal_id: Option<String>,
    /// An empty text unlinks it.
    pub queue_item_id: Option<String>,
}

impl From<TaskBody> for TaskInput {
    fn from(body: TaskBody) -> Self {
        Self {
            title: body.title,
            notes: body.notes,
            start: body.start,
            due: body.due,
            duration_minutes: body.duration_minutes,
            rrule: body.rrule.map(|rule| Some(rule).filter(|r| !r.trim().is_empty())),
            exdates: body.exdates,
            goal_id: crate::clearable(body.goal_id),
            queue_item_id: crate::clearable(body.queue_item_id),
        }
    }
}

/// "This and following": the occurrence from which the changes apply, and the changes.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct SplitBody {
    /// The occurrence's name, `YYYYMMDDTHHMMSS` (as the calendar gives it); not the first.
    #[schema(pattern = r"^\d{8}T\d{6}$")]
    pub occurrence: String,
    #[serde(flatten)]
    pub change: TaskBody,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SplitView {
    /// The series up to the occurrence.
    pub before: TaskView,
    /// The new series from the occurrence on, with the changes.
    pub after: TaskView,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceStatusView {
    Pending,
    Done,
    Skipped,
}

impl From<OccurrenceStatus> for OccurrenceStatusView {
    fn from(status: OccurrenceStatus) -> Self {
        match status {
            OccurrenceStatus::Pending => Self::Pending,
            OccurrenceStatus::Done => Self::Done,
            OccurrenceStatus::Skipped => Self::Skipped,
        }
    }
}

/// What becomes of one occurrence.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct OccurrenceBody {
    pub status: OccurrenceStatusView,
    /// A new local start, `YYYY-MM-DDTHH:MM`, within 60 days of where the series put it; absent
    /// keeps it where the series puts it.
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
    pub start: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct OccurrenceView {
    pub task_id: String,
    /// Its name, `YYYYMMDDTHHMMSS`: the local start the series gave it.
    pub occurrence: String,
    pub status: OccurrenceStatusView,
    /// Its new local start, when moved.
    pub moved_to: Option<String>,
}

type Answer = ApiResult<crate::Versioned<TaskView>>;

fn answer(status: StatusCode, task: Task) -> crate::Versioned<TaskView> {
    let version = task.revision;
    crate::versioned(status, version, task.into())
}

/// Schedules a task in the person's time zone (one's own, or for someone one walks with).
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/tasks", tag = "planner", operation_id = "createTask",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    request_body = TaskBody,
    responses(
        (status = 201, description = "Scheduled", body = TaskView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Json(body): Json<TaskBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::CREATED, tasks::create(&p, &actor, &person, body.into()).await?))
}

/// One task.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/tasks/{task}", tag = "planner", operation_id = "getTask",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("task" = String, Path, description = "Task id"),
    ),
    responses(
        (status = 200, description = "The task", body = TaskView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, task)): Path<(String, String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, tasks::get(&p, &actor, &person, &task).await?))
}

/// Changes the whole series; `If-Match` names the version read.
#[utoipa::path(
    patch, path = "/api/planner/{org}/people/{person}/tasks/{task}", tag = "planner", operation_id = "updateTask",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("task" = String, Path, description = "Task id"),
        ("If-Match" = String, Header, description = "The ETag of the task as read"),
    ),
    request_body = TaskBody,
    responses(
        (status = 200, description = "Changed", body = TaskView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, task)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<TaskBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, tasks::update(&p, &actor, &person, &task, expected, body.into()).await?))
}

/// Deletes a task and its occurrences; `If-Match` names the version read.
#[utoipa::path(
    delete, path = "/api/planner/{org}/people/{person}/tasks/{task}", tag = "planner", operation_id = "deleteTask",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("task" = String, Path, description = "Task id"),
        ("If-Match" = String, Header, description = "The ETag of the task as read"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, task)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    tasks::delete(&p, &actor, &person, &task, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes "this and following": the series ends before the occurrence and a new task with the
/// changes carries on from it. `If-Match` names the task's version read.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/tasks/{task}/split", tag = "planner", operation_id = "splitTask",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("task" = String, Path, description = "Task id"),
        ("If-Match" = String, Header, description = "The ETag of the task as read"),
    ),
    request_body = SplitBody,
    responses(
        (status = 200, description = "The two series", body = SplitView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn split(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, task)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<SplitBody>,
) -> ApiResult<Json<SplitView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let (before, after) =
        tasks::split(&p, &actor, &person, &task, expected, &body.occurrence, body.change.into()).await?;
    Ok(Json(SplitView { before: before.into(), after: after.into() }))
}

/// Completes, skips, moves or resets one occurrence; the series stays as it is.
#[utoipa::path(
    put, path = "/api/planner/{org}/people/{person}/tasks/{task}/occurrences/{occurrence}", tag = "planner", operation_id = "setOccurrence",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("task" = String, Path, description = "Task id"),
        ("occurrence" = String, Path, description = "The occurrence's name, YYYYMMDDTHHMMSS"),
    ),
    request_body = OccurrenceBody,
    responses(
        (status = 200, description = "What became of it", body = OccurrenceView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn occurrence(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, task, occurrence)): Path<(String, String, String, String)>,
    Json(body): Json<OccurrenceBody>,
) -> ApiResult<Json<OccurrenceView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let status = match body.status {
        OccurrenceStatusView::Pending => OccurrenceStatus::Pending,
        OccurrenceStatusView::Done => OccurrenceStatus::Done,
        OccurrenceStatusView::Skipped => OccurrenceStatus::Skipped,
    };
    let change = OccurrenceChange { status, start: body.start };
    let state: Option<OccurrenceState> = tasks::set_occurrence(&p, &actor, &person, &task, &occurrence, change).await?;
    Ok(Json(match state {
        Some(state) => OccurrenceView {
            task_id: state.task_id,
            occurrence: state.occurrence,
            status: state.status.into(),
            moved_to: state.moved_to,
        },
        None => OccurrenceView { task_id: task, occurrence, status: OccurrenceStatusView::Pending, moved_to: None },
    }))
}

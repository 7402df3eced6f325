//! `/api/planner/{org}/people/{person}/meetings`: meetings recorded with a person by those who walk
//! with them, with notes the person reads, private notes only their recorder reads, and next steps
//! that become tasks.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path, Query};
use emmaus_planner::meetings::{self, MeetingChange, MeetingView as Seen, NewMeeting, StepInput};
use emmaus_ports::Cursor;

use crate::tasks::{TaskBody, TaskView};

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NextStepView {
    pub id: String,
    pub title: String,
    /// The task it became, once it did.
    pub task_id: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: String,
    /// The person met.
    pub person_id: String,
    /// Who recorded it; only they change it.
    pub recorded_by: String,
    /// Whether the caller recorded it.
    pub mine: bool,
    /// Its local start, `YYYY-MM-DDTHH:MM:SS`, in `time_zone`.
    pub start: String,
    pub time_zone: String,
    /// RFC 3339 with the zone's offset.
    pub starts_at: String,
    pub duration_minutes: u32,
    /// Markdown, read by the person met too.
    pub shared_notes: String,
    /// `shared_notes` as HTML safe to show (raw HTML shown as text, unsafe links dropped).
    pub shared_notes_html: String,
    /// The private notes: present for the recorder alone, absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_notes: Option<String>,
    pub next_steps: Vec<NextStepView>,
    pub created_at: String,
    pub updated_at: String,
    /// Its `ETag`, for `If-Match`.
    pub version: u64,
}

impl From<Seen> for MeetingView {
    fn from(seen: Seen) -> Self {
        let meeting = seen.meeting;
        Self {
            starts_at: crate::calendar::zoned(meeting.start_ms, &meeting.zone),
            shared_notes_html: emmaus_hub::markdown::to_html(&meeting.shared_notes),
            id: meeting.id,
            person_id: meeting.person_id,
            recorded_by: meeting.recorded_by,
            mine: seen.mine,
            start: meeting.start,
            time_zone: meeting.zone,
            duration_minutes: meeting.duration_minutes,
            shared_notes: meeting.shared_notes,
            private_notes: seen.private_notes,
            next_steps: meeting
                .next_steps
                .into_iter()
                .map(|s| NextStepView { id: s.id, title: s.title, task_id: s.task_id })
                .collect(),
            created_at: crate::rfc3339(meeting.created_at),
            updated_at: crate::rfc3339(meeting.updated_at),
            version: meeting.revision,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MeetingPage {
    /// Newest first.
    pub meetings: Vec<MeetingView>,
    /// For the next page's `cursor`, when there is one.
    pub next: Option<String>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct MeetingQuery {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// From a previous page's `next`.
    pub cursor: Option<String>,
}

/// A meeting to record.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewMeetingBody {
    /// Its local start in the person's time zone, `YYYY-MM-DDTHH:MM`.
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
    pub start: String,
    /// 1 to 720.
    #[schema(minimum = 1, maximum = 720)]
    pub duration_minutes: u32,
    /// Markdown the person reads too, at most 20,000 characters.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub shared_notes: String,
    /// Only the recorder ever reads these, at most 20,000 characters.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub private_notes: String,
    /// The next steps' titles, in order (at most 20).
    #[serde(default)]
    pub next_steps: Vec<String>,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NextStepBody {
    /// An existing step's id (it keeps the task it became); absent for a new one.
    pub id: Option<String>,
    pub title: String,
}

/// A change: each field present replaces what is there.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct MeetingChangeBody {
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")]
    pub start: Option<String>,
    #[schema(minimum = 1, maximum = 720)]
    pub duration_minutes: Option<u32>,
    #[schema(max_length = 20000)]
    pub shared_notes: Option<String>,
    #[schema(max_length = 20000)]
    pub private_notes: Option<String>,
    /// The whole list in its new order.
    pub next_steps: Option<Vec<NextStepBody>>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StepTaskView {
    /// The meeting, its step now linked to the task.
    pub meeting: MeetingView,
    pub task: TaskView,
}

type Answer = ApiResult<crate::Versioned<MeetingView>>;

fn answer(status: StatusCode, seen: Seen) -> crate::Versioned<MeetingView> {
    let version = seen.meeting.revision;
    crate::versioned(status, version, seen.into())
}

/// The meetings recorded with the person, newest first.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/meetings", tag = "planner", operation_id = "listMeetings",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        MeetingQuery,
    ),
    responses(
        (status = 200, description = "Meetings", body = MeetingPage),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Query(query): Query<MeetingQuery>,
) -> ApiResult<Json<MeetingPage>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let cursor = query.cursor.filter(|c| !c.is_empty()).map(Cursor::from_token);
    let (meetings, next) = meetings::list(&p, &actor, &person, cursor, query.limit.unwrap_or(20)).await?;
    Ok(Json(MeetingPage {
        meetings: meetings.into_iter().map(Into::into).collect(),
        next: next.map(|c| c.token().to_owned()),
    }))
}

/// Records a meeting with a person one mentors, or who is in a group one leads.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/meetings", tag = "planner", operation_id = "createMeeting",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    request_body = NewMeetingBody,
    responses(
        (status = 201, description = "Recorded", body = MeetingView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Json(body): Json<NewMeetingBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let input = NewMeeting {
        start: body.start,
        duration_minutes: body.duration_minutes,
        shared_notes: body.shared_notes,
        private_notes: body.private_notes,
        next_steps: body.next_steps,
    };
    Ok(answer(StatusCode::CREATED, meetings::create(&p, &actor, &person, input).await?))
}

/// One meeting; its private notes only for its recorder.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/meetings/{meeting}", tag = "planner", operation_id = "getMeeting",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("meeting" = String, Path, description = "Meeting id"),
    ),
    responses(
        (status = 200, description = "The meeting", body = MeetingView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, meeting)): Path<(String, String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, meetings::get(&p, &actor, &person, &meeting).await?))
}

/// Changes a meeting one recorded; `If-Match` names the version read (412 when it moved on).
#[utoipa::path(
    patch, path = "/api/planner/{org}/people/{person}/meetings/{meeting}", tag = "planner", operation_id = "updateMeeting",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("meeting" = String, Path, description = "Meeting id"),
        ("If-Match" = String, Header, description = "The ETag of the meeting as read"),
    ),
    request_body = MeetingChangeBody,
    responses(
        (status = 200, description = "Changed", body = MeetingView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, meeting)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<MeetingChangeBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let change = MeetingChange {
        start: body.start,
        duration_minutes: body.duration_minutes,
        shared_notes: body.shared_notes,
        private_notes: body.private_notes,
        next_steps: body
            .next_steps
            .map(|steps| steps.into_iter().map(|s| StepInput { id: s.id, title: s.title }).collect()),
    };
    Ok(answer(StatusCode::OK, meetings::update(&p, &actor, &person, &meeting, expected, change).await?))
}

/// Deletes a meeting one recorded; the tasks its next steps became stay.
#[utoipa::path(
    delete, path = "/api/planner/{org}/people/{person}/meetings/{meeting}", tag = "planner", operation_id = "deleteMeeting",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("meeting" = String, Path, description = "Meeting id"),
        ("If-Match" = String, Header, description = "The ETag of the meeting as read"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, meeting)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    meetings::delete(&p, &actor, &person, &meeting, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a next step a task of the person's plan (the step's title; a start or a due date from
/// the body), by the meeting's recorder or the person; a step becomes one task only.
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/meetings/{meeting}/steps/{step}/task", tag = "planner",
    operation_id = "makeStepTask",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("person" = String, Path, description = "Person id"),
        ("meeting" = String, Path, description = "Meeting id"),
        ("step" = String, Path, description = "Next step id"),
    ),
    request_body = TaskBody,
    responses(
        (status = 201, description = "The task, and the meeting with its step linked", body = StepTaskView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn step_task(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person, meeting, step)): Path<(String, String, String, String)>,
    Json(body): Json<TaskBody>,
) -> ApiResult<(StatusCode, Json<StepTaskView>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let (seen, task) = meetings::step_to_task(&p, &actor, &person, &meeting, &step, body.into()).await?;
    Ok((StatusCode::CREATED, Json(StepTaskView { meeting: seen.into(), task: task.into() })))
}

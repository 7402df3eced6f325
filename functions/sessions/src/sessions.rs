//! `/api/sessions/{org}/sessions`: sessions, their outlines saved under their version, the earlier
//! outlines those saves kept, and their exports.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path, Query};
use emmaus_sessions::model::{Audience, Revision, Status};
use emmaus_sessions::sessions::{self, Format, NewSession, SessionChange, SessionView as Found, Window};

use crate::blocks::{BlockBody, BlockView, block_view};

/// Whom a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    /// Nobody sees it in the app but its facilitators.
    Open,
    Person,
    Group,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AudienceView {
    pub kind: AudienceKind,
    /// The person, for `person`.
    pub person_id: Option<String>,
    /// The group, for `group`.
    pub group_id: Option<String>,
}

impl From<Audience> for AudienceView {
    fn from(audience: Audience) -> Self {
        match audience {
            Audience::Open => Self { kind: AudienceKind::Open, person_id: None, group_id: None },
            Audience::Person { person_id } => {
                Self { kind: AudienceKind::Person, person_id: Some(person_id), group_id: None }
            }
            Audience::Group { group_id } => {
                Self { kind: AudienceKind::Group, person_id: None, group_id: Some(group_id) }
            }
        }
    }
}

impl TryFrom<AudienceView> for Audience {
    type Error = DomainError;

    fn try_from(view: AudienceView) -> Result<Self, DomainError> {
        match view.kind {
            AudienceKind::Open => Ok(Self::Open),
            AudienceKind::Person => view
                .person_id
                .filter(|id| !id.is_empty())
                .map(|person_id| Self::Person { person_id })
                .ok_or_else(|| DomainError::invalid("audience.person_id", "is required for a session for a person")),
            AudienceKind::Group => view
                .group_id
                .filter(|id| !id.is_empty())
                .map(|group_id| Self::Group { group_id })
                .ok_or_else(|| DomainError::invalid("audience.group_id", "is required for a session for a group")),
        }
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusView {
    Draft,
    Ready,
    Held,
}

impl From<Status> for StatusView {
    fn from(status: Status) -> Self {
        match status {
            Status::Draft => Self::Draft,
            Status::Ready => Self::Ready,
            Status::Held => Self::Held,
        }
    }
}

impl From<StatusView> for Status {
    fn from(status: StatusView) -> Self {
        match status {
            StatusView::Draft => Self::Draft,
            StatusView::Ready => Self::Ready,
            StatusView::Held => Self::Held,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionDetail {
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`, in `zone`.
    pub date: String,
    /// `HH:MM`, in `zone`.
    pub time: Option<String>,
    pub zone: String,
    /// RFC 3339 in UTC.
    pub starts_at: String,
    pub audience: AudienceView,
    /// Their ids, the creator first.
    pub facilitators: Vec<String>,
    pub status: StatusView,
    pub planned_minutes: Option<u32>,
    /// The blocks' planned minutes together.
    pub total_minutes: u32,
    /// Whether the blocks take longer than planned.
    pub over_plan: bool,
    pub blocks: Vec<BlockView>,
    /// How it went, once held.
    pub notes: String,
    /// Whether its audience sees it.
    pub shared: bool,
    pub template_id: Option<String>,
    /// Whether the caller may change it.
    pub may_change: bool,
    /// Blocks whose hub resource the audience could not see (for those who may change it).
    pub hidden_from_audience: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: String,
    /// Its `ETag`, for `If-Match`.
    pub version: u64,
}

impl From<Found> for SessionDetail {
    fn from(found: Found) -> Self {
        let version = found.doc.version;
        let s = found.doc.value;
        let (total_minutes, over_plan) = (s.total_minutes(), s.over_plan());
        let embeds = found.embeds;
        Self {
            id: s.id,
            title: s.title,
            date: s.date,
            time: s.time,
            zone: s.zone,
            starts_at: crate::rfc3339(s.starts_at),
            audience: s.audience.into(),
            facilitators: s.facilitators,
            status: s.status.into(),
            planned_minutes: s.planned_minutes,
            total_minutes,
            over_plan,
            blocks: s
                .blocks
                .into_iter()
                .map(|block| {
                    let shown = embeds.get(&block.id);
                    block_view(block, shown)
                })
                .collect(),
            notes: s.notes,
            shared: s.shared,
            template_id: s.template_id,
            may_change: found.may_change,
            hidden_from_audience: found.hidden_from_audience,
            created_by: s.created_by,
            created_at: crate::rfc3339(s.created_at),
            updated_at: crate::rfc3339(s.updated_at),
            updated_by: s.updated_by,
            version,
        }
    }
}

/// A session in a list: no blocks.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionSummary {
    pub id: String,
    pub title: String,
    pub date: String,
    pub time: Option<String>,
    pub zone: String,
    pub starts_at: String,
    pub audience: AudienceView,
    pub facilitators: Vec<String>,
    pub status: StatusView,
    pub planned_minutes: Option<u32>,
    pub total_minutes: u32,
    pub blocks: usize,
    pub shared: bool,
    pub version: u64,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionList {
    /// By when they start, earliest first.
    pub sessions: Vec<SessionSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next: Option<String>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// The first day, `YYYY-MM-DD`, in the caller's time zone.
    #[param(format = Date)]
    pub from: Option<String>,
    /// The day after the last, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: Option<String>,
    pub cursor: Option<String>,
    /// 1 to 100; 50 by default.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A session to make, blank or from a template.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewSessionBody {
    /// 1 to 200 characters on one line.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// `YYYY-MM-DD`, in the caller's time zone.
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub date: String,
    /// `HH:MM`.
    #[schema(pattern = r"^(\d{2}:\d{2})?$")]
    pub time: Option<String>,
    pub audience: AudienceView,
    /// Other admins, pastors or mentors who run it with the caller.
    #[serde(default)]
    pub facilitators: Vec<String>,
    pub template_id: Option<String>,
    /// 1 to 1440; the template's total when made from one.
    #[schema(maximum = 1440)]
    pub planned_minutes: Option<u32>,
}

/// A change: each field present replaces what is there.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionChangeBody {
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(pattern = r"^\d{4}-\d{2}-\d{2}$")]
    pub date: Option<String>,
    /// `HH:MM`; an empty text takes the time away.
    #[schema(pattern = r"^(\d{2}:\d{2})?$")]
    pub time: Option<String>,
    pub audience: Option<AudienceView>,
    /// Every facilitator, in order.
    pub facilitators: Option<Vec<String>>,
    /// Ready and held need every block filled.
    pub status: Option<StatusView>,
    /// 0 takes the limit away.
    #[schema(maximum = 1440)]
    pub planned_minutes: Option<u32>,
    /// How it went: once held.
    #[schema(max_length = 20000)]
    pub notes: Option<String>,
    /// Share with its person or group (not for an open session).
    pub shared: Option<bool>,
    /// The whole outline in its new order (at most 200 blocks).
    pub blocks: Option<Vec<BlockBody>>,
}

type Answer = ApiResult<crate::Versioned<SessionDetail>>;

fn answer(status: StatusCode, found: Found) -> crate::Versioned<SessionDetail> {
    let version = found.doc.version;
    crate::versioned(status, version, found.into())
}

/// The sessions the caller may see, by when they start.
#[utoipa::path(
    get, path = "/api/sessions/{org}/sessions", tag = "sessions", operation_id = "listSessions",
    params(("org" = String, Path, description = "Organisation id"), ListParams),
    responses(
        (status = 200, description = "Sessions", body = SessionList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<SessionList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let window = Window { from: params.from, to: params.to, cursor: params.cursor, limit: params.limit.unwrap_or(50) };
    let (found, next) = sessions::list(&p, &actor, window).await?;
    let sessions = found
        .into_iter()
        .map(|doc| {
            let s = doc.value;
            SessionSummary {
                total_minutes: s.total_minutes(),
                blocks: s.blocks.len(),
                id: s.id,
                title: s.title,
                date: s.date,
                time: s.time,
                zone: s.zone,
                starts_at: crate::rfc3339(s.starts_at),
                audience: s.audience.into(),
                facilitators: s.facilitators,
                status: s.status.into(),
                planned_minutes: s.planned_minutes,
                shared: s.shared,
                version: doc.version,
            }
        })
        .collect();
    Ok(Json(SessionList { sessions, next }))
}

/// Makes a session, blank or from a template, for an audience the caller may prepare one for.
#[utoipa::path(
    post, path = "/api/sessions/{org}/sessions", tag = "sessions", operation_id = "createSession",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewSessionBody,
    responses(
        (status = 201, description = "Made", body = SessionDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewSessionBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let input = NewSession {
        title: body.title,
        date: body.date,
        time: body.time,
        audience: body.audience.try_into()?,
        facilitators: body.facilitators,
        template_id: body.template_id,
        planned_minutes: body.planned_minutes,
    };
    Ok(answer(StatusCode::CREATED, sessions::create(&p, &actor, input).await?))
}

/// One session, its hub resources as the caller sees them.
#[utoipa::path(
    get, path = "/api/sessions/{org}/sessions/{session}", tag = "sessions", operation_id = "getPlannedSession",
    params(("org" = String, Path, description = "Organisation id"), ("session" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session", body = SessionDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session)): Path<(String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, sessions::get(&p, &actor, &session).await?))
}

/// Changes a session (its outline saved whole); `If-Match` names the version read.
#[utoipa::path(
    patch, path = "/api/sessions/{org}/sessions/{session}", tag = "sessions", operation_id = "updateSession",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("session" = String, Path, description = "Session id"),
        ("If-Match" = String, Header, description = "The ETag of the session as read"),
    ),
    request_body = SessionChangeBody,
    responses(
        (status = 200, description = "Changed", body = SessionDetail, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<SessionChangeBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let change = SessionChange {
        title: body.title,
        date: body.date,
        time: body.time.map(|t| if t.trim().is_empty() { None } else { Some(t) }),
        audience: body.audience.map(TryInto::try_into).transpose()?,
        facilitators: body.facilitators,
        status: body.status.map(Into::into),
        planned_minutes: body.planned_minutes.map(|m| (m > 0).then_some(m)),
        notes: body.notes,
        shared: body.shared,
        blocks: body.blocks.map(|blocks| blocks.into_iter().map(Into::into).collect()),
    };
    Ok(answer(StatusCode::OK, sessions::update(&p, &actor, &session, expected, change).await?))
}

/// Removes a session and its earlier outlines; `If-Match` names the version read.
#[utoipa::path(
    delete, path = "/api/sessions/{org}/sessions/{session}", tag = "sessions", operation_id = "deleteSession",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("session" = String, Path, description = "Session id"),
        ("If-Match" = String, Header, description = "The ETag of the session as read"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    sessions::delete(&p, &actor, &session, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RevisionView {
    /// The session's version this outline was; restore it by this number.
    pub version: u64,
    pub title: String,
    pub blocks: usize,
    pub total_minutes: u32,
    /// RFC 3339, when this outline was saved.
    pub saved_at: String,
    pub saved_by: String,
}

impl From<Revision> for RevisionView {
    fn from(r: Revision) -> Self {
        Self {
            version: r.version,
            total_minutes: emmaus_sessions::model::total_minutes(&r.blocks),
            blocks: r.blocks.len(),
            title: r.title,
            saved_at: crate::rfc3339(r.saved_at),
            saved_by: r.saved_by,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RevisionList {
    /// Newest first; the last 20 are kept.
    pub revisions: Vec<RevisionView>,
}

/// The outlines earlier saves replaced.
#[utoipa::path(
    get, path = "/api/sessions/{org}/sessions/{session}/revisions", tag = "sessions", operation_id = "listSessionRevisions",
    params(("org" = String, Path, description = "Organisation id"), ("session" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "Earlier outlines", body = RevisionList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revisions(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session)): Path<(String, String)>,
) -> ApiResult<Json<RevisionList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let found = sessions::revisions(&p, &actor, &session).await?;
    Ok(Json(RevisionList { revisions: found.into_iter().map(Into::into).collect() }))
}

/// Puts back an earlier outline (the current one is kept in turn); `If-Match` names the version read.
#[utoipa::path(
    post, path = "/api/sessions/{org}/sessions/{session}/revisions/{version}/restore", tag = "sessions", operation_id = "restoreSessionRevision",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("session" = String, Path, description = "Session id"),
        ("version" = u64, Path, description = "The revision's version"),
        ("If-Match" = String, Header, description = "The ETag of the session as read"),
    ),
    responses(
        (status = 200, description = "Restored", body = SessionDetail, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session, version)): Path<(String, String, u64)>,
    IfMatch(expected): IfMatch,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, sessions::restore(&p, &actor, &session, version, expected).await?))
}

/// The formats of an export.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Markdown,
    Html,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ExportParams {
    /// `markdown` or `html`.
    #[param(inline)]
    pub format: ExportFormat,
}

/// The session written out as the caller sees it: Markdown, or one self-contained HTML page.
#[utoipa::path(
    get, path = "/api/sessions/{org}/sessions/{session}/export", tag = "sessions", operation_id = "exportSession",
    params(("org" = String, Path, description = "Organisation id"), ("session" = String, Path, description = "Session id"), ExportParams),
    responses(
        (status = 200, description = "The export, as an attachment", content((String = "text/markdown"), (String = "text/html"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn export(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, session)): Path<(String, String)>,
    Query(params): Query<ExportParams>,
) -> ApiResult<Response> {
    let actor = crate::actor(&p, &who, &org).await?;
    let format = match params.format {
        ExportFormat::Markdown => Format::Markdown,
        ExportFormat::Html => Format::Html,
    };
    let exported = sessions::export(&p, &actor, &session, format).await?;
    let disposition = emmaus_domain::hub::disposition::content_disposition(
        emmaus_domain::hub::content::Serving::Attachment,
        &exported.file_name,
    );
    Ok((
        [
            (header::CONTENT_TYPE, exported.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        exported.text,
    )
        .into_response())
}

/// A leader of the organisation, who may facilitate a session.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LeaderView {
    pub person_id: String,
    pub display_name: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LeaderList {
    /// The organisation's admins, pastors and mentors, by name.
    pub leaders: Vec<LeaderView>,
}

/// The organisation's leaders, to choose a session's facilitators from (for those who prepare sessions).
#[utoipa::path(
    get, path = "/api/sessions/{org}/leaders", tag = "sessions", operation_id = "listSessionLeaders",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Leaders", body = LeaderList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn leaders(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<LeaderList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let found = emmaus_sessions::access::leaders(&p, &actor).await?;
    let leaders =
        found.into_iter().map(|l| LeaderView { person_id: l.person_id, display_name: l.display_name }).collect();
    Ok(Json(LeaderList { leaders }))
}

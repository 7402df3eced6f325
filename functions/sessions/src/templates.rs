//! `/api/sessions/{org}/templates`: the organisation's session templates and the caller's own.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_app::docs::Doc;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path};
use emmaus_sessions::model::Template;
use emmaus_sessions::templates::{self, NewTemplate, TemplateChange};

use crate::blocks::SlotView;

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TemplateView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub slots: Vec<SlotView>,
    /// The caller's own, rather than the organisation's.
    pub personal: bool,
    /// The slots' planned minutes together.
    pub total_minutes: u32,
    pub created_by: String,
    pub updated_at: String,
    /// Its `ETag`, for `If-Match`.
    pub version: u64,
}

impl From<Doc<Template>> for TemplateView {
    fn from(doc: Doc<Template>) -> Self {
        let t = doc.value;
        Self {
            id: t.id,
            name: t.name,
            description: t.description,
            total_minutes: t.slots.iter().map(|s| s.minutes).sum(),
            slots: t.slots.into_iter().map(Into::into).collect(),
            personal: t.owner.is_some(),
            created_by: t.created_by,
            updated_at: crate::rfc3339(t.updated_at),
            version: doc.version,
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TemplateList {
    /// The organisation's first, then the caller's own, each by name.
    pub templates: Vec<TemplateView>,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewTemplateBody {
    /// 1 to 200 characters on one line.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: String,
    /// At most 100, in order.
    #[serde(default)]
    pub slots: Vec<SlotView>,
    /// The caller's own template rather than the organisation's.
    #[serde(default)]
    pub personal: bool,
}

/// A change: each field present replaces what is there.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct TemplateChangeBody {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// The whole list in its new order.
    pub slots: Option<Vec<SlotView>>,
}

type Answer = ApiResult<crate::Versioned<TemplateView>>;

fn answer(status: StatusCode, doc: Doc<Template>) -> crate::Versioned<TemplateView> {
    let version = doc.version;
    crate::versioned(status, version, doc.into())
}

/// The templates the caller may use.
#[utoipa::path(
    get, path = "/api/sessions/{org}/templates", tag = "sessions", operation_id = "listSessionTemplates",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Templates", body = TemplateList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<TemplateList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let found = templates::list(&p, &actor).await?;
    Ok(Json(TemplateList { templates: found.into_iter().map(Into::into).collect() }))
}

/// Adds a template: the organisation's (admins and pastors), or one's own.
#[utoipa::path(
    post, path = "/api/sessions/{org}/templates", tag = "sessions", operation_id = "createSessionTemplate",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewTemplateBody,
    responses(
        (status = 201, description = "Added", body = TemplateView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewTemplateBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let input = NewTemplate {
        name: body.name,
        description: body.description,
        slots: body.slots.into_iter().map(Into::into).collect(),
        personal: body.personal,
    };
    Ok(answer(StatusCode::CREATED, templates::create(&p, &actor, input).await?))
}

/// One template.
#[utoipa::path(
    get, path = "/api/sessions/{org}/templates/{template}", tag = "sessions", operation_id = "getSessionTemplate",
    params(("org" = String, Path, description = "Organisation id"), ("template" = String, Path, description = "Template id")),
    responses(
        (status = 200, description = "The template", body = TemplateView, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, template)): Path<(String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(answer(StatusCode::OK, templates::get(&p, &actor, &template).await?))
}

/// Changes a template; `If-Match` names the version read.
#[utoipa::path(
    patch, path = "/api/sessions/{org}/templates/{template}", tag = "sessions", operation_id = "updateSessionTemplate",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("template" = String, Path, description = "Template id"),
        ("If-Match" = String, Header, description = "The ETag of the template as read"),
    ),
    request_body = TemplateChangeBody,
    responses(
        (status = 200, description = "Changed", body = TemplateView, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, template)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(body): Json<TemplateChangeBody>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let change = TemplateChange {
        name: body.name,
        description: body.description,
        slots: body.slots.map(|slots| slots.into_iter().map(Into::into).collect()),
    };
    Ok(answer(StatusCode::OK, templates::update(&p, &actor, &template, expected, change).await?))
}

/// Removes a template; sessions made from it keep their blocks. `If-Match` names the version read.
#[utoipa::path(
    delete, path = "/api/sessions/{org}/templates/{template}", tag = "sessions", operation_id = "deleteSessionTemplate",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("template" = String, Path, description = "Template id"),
        ("If-Match" = String, Header, description = "The ETag of the template as read"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, template)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    templates::delete(&p, &actor, &template, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

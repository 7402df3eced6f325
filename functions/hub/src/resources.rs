//! `/api/hub/{org}/notes`, `/links` and `/resources/{resource}`: adding to the library, and one
//! resource read, changed and deleted under its version.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path};
use emmaus_hub::{Change, Content, Described, resources};

use crate::views::{ResourceDetail, VisibilityView};

/// A note to add.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewNote {
    /// 1 to 200 characters, not only spaces.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Hierarchical tags such as `theology/grace`; a leading `#` is dropped, case is ignored.
    #[serde(default)]
    pub tags: Vec<String>,
    /// A collection path such as `Sermons/Advent 2026`.
    pub collection: Option<String>,
    /// Default: the organisation.
    pub visibility: Option<VisibilityView>,
    /// Markdown, at most 256 KiB.
    #[serde(default)]
    #[schema(max_length = 262_144)]
    pub body: String,
}

/// A link to add.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewLink {
    /// An absolute http or https address with a host, without a user name or password.
    #[schema(min_length = 1, max_length = 2048, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://")]
    pub url: String,
    /// Default: the address's host name.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub collection: Option<String>,
    pub visibility: Option<VisibilityView>,
}

/// A change: each field present replaces what is there.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ResourceChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    /// A collection path; an empty text takes the resource out of its collection.
    pub collection: Option<String>,
    pub visibility: Option<VisibilityView>,
    /// A note's new markdown; saved as a new version when it differs.
    pub body: Option<String>,
    /// A link's new address.
    pub url: Option<String>,
}

pub(crate) fn answer(status: StatusCode, detail: ResourceDetail) -> crate::Versioned<ResourceDetail> {
    crate::versioned(status, detail.summary.version, detail)
}

pub(crate) type Answer = ApiResult<crate::Versioned<ResourceDetail>>;

/// What describes a new resource, as a request body gives it.
pub(crate) fn described(
    title: String,
    description: String,
    tags: Vec<String>,
    collection: Option<String>,
    visibility: Option<VisibilityView>,
) -> Described {
    Described { title, description, tags, collection, visibility: visibility.map(Into::into) }
}

/// Adds a markdown note.
#[utoipa::path(
    post, path = "/api/hub/{org}/notes", tag = "hub", operation_id = "createNote",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "Added", body = ResourceDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_note(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewNote>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let described = described(body.title, body.description, body.tags, body.collection, body.visibility);
    let view = resources::create(&p, &actor, described, Content::Note { body: body.body }).await?;
    Ok(answer(StatusCode::CREATED, view.into()))
}

/// Adds a link to a web page.
#[utoipa::path(
    post, path = "/api/hub/{org}/links", tag = "hub", operation_id = "createLink",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewLink,
    responses(
        (status = 201, description = "Added", body = ResourceDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_link(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewLink>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let described = described(body.title, body.description, body.tags, body.collection, body.visibility);
    let view = resources::create(&p, &actor, described, Content::Link { url: body.url }).await?;
    Ok(answer(StatusCode::CREATED, view.into()))
}

/// One resource, with a note's text as markdown and as safe HTML.
#[utoipa::path(
    get, path = "/api/hub/{org}/resources/{resource}", tag = "hub", operation_id = "getResource",
    params(("org" = String, Path, description = "Organisation id"), ("resource" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "The resource", body = ResourceDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let view = resources::read(&p, &actor, &resource).await?;
    Ok(answer(StatusCode::OK, view.into()))
}

/// Changes a resource as read: `If-Match` names the version (its `ETag`); 412 when it has changed
/// since, and nothing is written.
#[utoipa::path(
    patch, path = "/api/hub/{org}/resources/{resource}", tag = "hub", operation_id = "updateResource",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("resource" = String, Path, description = "Resource id"),
        ("If-Match" = String, Header, description = "The ETag of the version read"),
    ),
    request_body = ResourceChange,
    responses(
        (status = 200, description = "The resource as changed", body = ResourceDetail, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
    IfMatch(version): IfMatch,
    Json(body): Json<ResourceChange>,
) -> Answer {
    let actor = crate::actor(&p, &who, &org).await?;
    let change = Change {
        title: body.title,
        description: body.description,
        tags: body.tags,
        collection: body.collection.map(|c| Some(c).filter(|c| !c.trim().is_empty())),
        visibility: body.visibility.map(Into::into),
        body: body.body,
        url: body.url,
    };
    let view = resources::update(&p, &actor, &resource, version, change).await?;
    Ok(answer(StatusCode::OK, view.into()))
}

/// Moves a resource to the trash, where its author or an admin can restore it for 30 days.
#[utoipa::path(
    delete, path = "/api/hub/{org}/resources/{resource}", tag = "hub", operation_id = "deleteResource",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("resource" = String, Path, description = "Resource id"),
        ("If-Match" = String, Header, description = "The ETag of the version read"),
    ),
    responses(
        (status = 204, description = "In the trash"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    resources::delete(&p, &actor, &resource, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

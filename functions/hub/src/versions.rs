//! `/api/hub/{org}/resources/{resource}/versions`: a note's saved versions, read and restored.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, IfMatch, Json, Path};
use emmaus_hub::notes;

use crate::views::{ResourceDetail, VersionView};

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VersionList {
    /// Newest first; the first is the current text.
    pub versions: Vec<VersionView>,
}

/// One saved version with its text.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VersionText {
    #[serde(flatten)]
    pub version: VersionView,
    pub body: String,
    /// Rendered as the viewer shows a note (safe HTML).
    pub html: String,
}

fn number(text: &str) -> Result<u32, DomainError> {
    text.parse().ok().filter(|n| *n > 0).ok_or_else(|| DomainError::NotFound("that version of the note".into()))
}

/// The note's kept versions: the current one and up to 20 before it.
#[utoipa::path(
    get, path = "/api/hub/{org}/resources/{resource}/versions", tag = "hub", operation_id = "listNoteVersions",
    params(("org" = String, Path, description = "Organisation id"), ("resource" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "Versions", body = VersionList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
) -> ApiResult<Json<VersionList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let versions = notes::versions(&p, &actor, &resource).await?;
    Ok(Json(VersionList { versions: versions.into_iter().map(Into::into).collect() }))
}

/// One kept version of the note, with its text.
#[utoipa::path(
    get, path = "/api/hub/{org}/resources/{resource}/versions/{version}", tag = "hub", operation_id = "getNoteVersion",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("resource" = String, Path, description = "Resource id"),
        ("version" = String, Path, description = "Version number"),
    ),
    responses(
        (status = 200, description = "The version", body = VersionText),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource, version)): Path<(String, String, String)>,
) -> ApiResult<Json<VersionText>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let mut version = notes::version(&p, &actor, &resource, number(&version)?).await?;
    let body = std::mem::take(&mut version.text);
    Ok(Json(VersionText { version: version.into(), html: emmaus_hub::markdown::to_html(&body), body }))
}

/// Makes an earlier version's text the current one, saved as a new version (the text it replaces
/// stays a version too). `If-Match` names the note's version as read.
#[utoipa::path(
    post, path = "/api/hub/{org}/resources/{resource}/versions/{version}/restore", tag = "hub", operation_id = "restoreNoteVersion",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("resource" = String, Path, description = "Resource id"),
        ("version" = String, Path, description = "Version number"),
        ("If-Match" = String, Header, description = "The ETag of the note as read"),
    ),
    responses(
        (status = 200, description = "The note with the restored text", body = ResourceDetail, headers(("ETag" = String, description = "The new version"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource, version)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<crate::Versioned<ResourceDetail>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let view = notes::restore(&p, &actor, &resource, number(&version)?, expected).await?;
    Ok(crate::versioned(StatusCode::OK, view.version, view.into()))
}

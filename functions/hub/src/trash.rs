//! `/api/hub/{org}/trash`: deleted resources the caller may restore, for 30 days.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path, Query};
use emmaus_hub::resources;
use emmaus_ports::Cursor;

use crate::views::{ResourceDetail, ResourceSummary};

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct TrashQuery {
    /// Page size, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// From a previous page's `next`.
    pub cursor: Option<String>,
}

/// A resource in the trash.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TrashedView {
    pub resource: ResourceSummary,
    /// Unix milliseconds.
    pub deleted_at: i64,
    pub deleted_by: String,
    /// When it is removed for good (Unix milliseconds).
    pub purge_at: i64,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TrashPage {
    /// Most recently deleted first.
    pub items: Vec<TrashedView>,
    /// Present when more may follow.
    pub next: Option<String>,
}

/// The trash: one's own deleted resources, and for admins every one they can see.
#[utoipa::path(
    get, path = "/api/hub/{org}/trash", tag = "hub", operation_id = "listTrash",
    params(("org" = String, Path, description = "Organisation id"), TrashQuery),
    responses(
        (status = 200, description = "Deleted resources", body = TrashPage),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Query(query): Query<TrashQuery>,
) -> ApiResult<Json<TrashPage>> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(DomainError::invalid("limit", "must be between 1 and 100").into());
    }
    let actor = crate::actor(&p, &who, &org).await?;
    let cursor = query.cursor.filter(|c| !c.is_empty()).map(Cursor::from_token);
    let (items, next) = resources::trash(&p, &actor, cursor, limit).await?;
    let items = items
        .into_iter()
        .filter_map(|t| {
            let deletion = t.resource.deleted.clone()?;
            Some(TrashedView {
                resource: ResourceSummary::new(t.resource, t.version),
                deleted_at: deletion.at.unix_millis(),
                deleted_by: deletion.by,
                purge_at: t.purge_at.unix_millis(),
            })
        })
        .collect();
    Ok(Json(TrashPage { items, next: next.map(|c| c.token().to_owned()) }))
}

/// Takes a resource out of the trash, as it was.
#[utoipa::path(
    post, path = "/api/hub/{org}/trash/{resource}/restore", tag = "hub", operation_id = "restoreResource",
    params(("org" = String, Path, description = "Organisation id"), ("resource" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "Restored", body = ResourceDetail, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn restore(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
) -> ApiResult<crate::Versioned<ResourceDetail>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let view = resources::restore(&p, &actor, &resource).await?;
    Ok(crate::versioned(StatusCode::OK, view.version, view.into()))
}

//! `GET` and `PATCH /api/people/{org}`: the organisation itself.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};
use emmaus_identity::members;

use crate::views::{OrgView, SessionPolicyView};

/// What to change; every field optional.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct OrgChange {
    pub name: Option<String>,
    /// How long sessions last, from each person's next sign-in on.
    #[schema(value_type = Option<SessionPolicyView>)]
    pub sessions: Option<emmaus_domain::identity::SessionPolicy>,
    /// Whether admins must sign in with a second factor. Only an admin who has one may turn it on.
    pub admins_need_second_factor: Option<bool>,
}

/// The organisation.
#[utoipa::path(
    get, path = "/api/people/{org}", tag = "people", operation_id = "getOrg",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrgView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<OrgView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(members::org(&p, &actor).await?.into()))
}

/// Renames the organisation, changes how long its sessions last, or whether its admins need a second factor.
#[utoipa::path(
    patch, path = "/api/people/{org}", tag = "people", operation_id = "updateOrg",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = OrgChange,
    responses(
        (status = 200, description = "The organisation", body = OrgView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<OrgChange>,
) -> ApiResult<Json<OrgView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let change = members::OrgChange {
        name: body.name.as_deref(),
        sessions: body.sessions,
        admins_need_second_factor: body.admins_need_second_factor,
    };
    Ok(Json(members::update_org(&p, &actor, change).await?.into()))
}

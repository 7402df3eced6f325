//! `/api/people/{org}/members`: listing members, one member, roles, removal.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_domain::identity::{Role, RoleSet};
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};
use emmaus_identity::members;

use crate::views::{MemberRole, MemberView};

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct RolesChange {
    /// The member's roles from now on; at least one.
    #[schema(value_type = Vec<MemberRole>, min_items = 1)]
    pub roles: Vec<Role>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MemberList {
    pub members: Vec<MemberView>,
}

/// Every member, by name.
#[utoipa::path(
    get, path = "/api/people/{org}/members", tag = "people", operation_id = "listMembers",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The members", body = MemberList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<MemberList>> {
    // Finds the actor among the members it lists (one read fewer than `crate::actor` first).
    let members = members::list_signed_in(&p, &who, &org).await?.into_iter().map(MemberView::from).collect();
    Ok(Json(MemberList { members }))
}

/// One member.
#[utoipa::path(
    get, path = "/api/people/{org}/members/{person}", tag = "people", operation_id = "getMember",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    responses(
        (status = 200, description = "The member", body = MemberView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
) -> ApiResult<Json<MemberView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(members::read(&p, &actor, &person).await?.into()))
}

/// Replaces a member's roles.
#[utoipa::path(
    put, path = "/api/people/{org}/members/{person}/roles", tag = "people", operation_id = "setMemberRoles",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    request_body = RolesChange,
    responses(
        (status = 200, description = "The member", body = MemberView),
        (status = "default", description = "A problem (409 when the last admin would go)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_roles(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
    Json(body): Json<RolesChange>,
) -> ApiResult<Json<MemberView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(members::set_roles(&p, &actor, &person, RoleSet::new(body.roles)).await?.into()))
}

/// Removes a member from the organisation.
#[utoipa::path(
    delete, path = "/api/people/{org}/members/{person}", tag = "people", operation_id = "removeMember",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    responses(
        (status = 204, description = "Removed"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    members::remove(&p, &actor, &person).await?;
    Ok(StatusCode::NO_CONTENT)
}

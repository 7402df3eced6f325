//! `/api/people/{org}/groups`: groups led by pastors, and who is in them.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};
use emmaus_identity::groups;

use crate::views::GroupView;

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewGroup {
    pub name: String,
    /// A pastor of the organisation.
    pub leader_id: String,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupChange {
    pub name: Option<String>,
    pub leader_id: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupList {
    pub groups: Vec<GroupView>,
}

/// Every group, by name.
#[utoipa::path(
    get, path = "/api/people/{org}/groups", tag = "people", operation_id = "listGroups",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Groups", body = GroupList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<GroupList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let groups = groups::list(&p, &actor).await?.into_iter().map(|g| GroupView::new(g, None)).collect();
    Ok(Json(GroupList { groups }))
}

/// Creates a group led by a pastor.
#[utoipa::path(
    post, path = "/api/people/{org}/groups", tag = "people", operation_id = "createGroup",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewGroup,
    responses(
        (status = 201, description = "Created", body = GroupView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewGroup>,
) -> ApiResult<(StatusCode, Json<GroupView>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let group = groups::create(&p, &actor, &body.name, &body.leader_id).await?;
    Ok((StatusCode::CREATED, Json(GroupView::new(group, Some(Vec::new())))))
}

/// One group with its members.
#[utoipa::path(
    get, path = "/api/people/{org}/groups/{group}", tag = "people", operation_id = "getGroup",
    params(("org" = String, Path, description = "Organisation id"), ("group" = String, Path, description = "Group id")),
    responses(
        (status = 200, description = "The group", body = GroupView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, group)): Path<(String, String)>,
) -> ApiResult<Json<GroupView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let view = groups::read(&p, &actor, &group).await?;
    Ok(Json(GroupView::new(view.group, Some(view.members))))
}

/// Renames a group or changes its leader.
#[utoipa::path(
    patch, path = "/api/people/{org}/groups/{group}", tag = "people", operation_id = "updateGroup",
    params(("org" = String, Path, description = "Organisation id"), ("group" = String, Path, description = "Group id")),
    request_body = GroupChange,
    responses(
        (status = 200, description = "The group", body = GroupView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, group)): Path<(String, String)>,
    Json(body): Json<GroupChange>,
) -> ApiResult<Json<GroupView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let updated = groups::update(&p, &actor, &group, body.name.as_deref(), body.leader_id.as_deref()).await?;
    Ok(Json(GroupView::new(updated, None)))
}

/// Deletes a group (its members stay in the organisation).
#[utoipa::path(
    delete, path = "/api/people/{org}/groups/{group}", tag = "people", operation_id = "deleteGroup",
    params(("org" = String, Path, description = "Organisation id"), ("group" = String, Path, description = "Group id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, group)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    groups::delete(&p, &actor, &group).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Puts a member in the group (again is fine).
#[utoipa::path(
    put, path = "/api/people/{org}/groups/{group}/members/{person}", tag = "people", operation_id = "addGroupMember",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("group" = String, Path, description = "Group id"),
        ("person" = String, Path, description = "Person id"),
    ),
    responses(
        (status = 204, description = "In the group"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_member(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, group, person)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    groups::add_member(&p, &actor, &group, &person).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a member out of the group.
#[utoipa::path(
    delete, path = "/api/people/{org}/groups/{group}/members/{person}", tag = "people", operation_id = "removeGroupMember",
    params(
        ("org" = String, Path, description = "Organisation id"),
        ("group" = String, Path, description = "Group id"),
        ("person" = String, Path, description = "Person id"),
    ),
    responses(
        (status = 204, description = "Out of the group"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_member(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, group, person)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    groups::remove_member(&p, &actor, &group, &person).await?;
    Ok(StatusCode::NO_CONTENT)
}

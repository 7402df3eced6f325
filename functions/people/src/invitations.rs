//! `/api/people/{org}/invitations`: inviting, listing and revoking.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use emmaus_app::Platform;
use emmaus_domain::identity::Role;
use emmaus_http::auth::{self, Session};
use emmaus_http::{ApiResult, Json, Path};
use emmaus_identity::invitations;

use crate::views::{InvitationView, MemberRole};

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewInvitation {
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(value_type = MemberRole)]
    pub role: Role,
    /// The group the invitee joins; pastors may invite only into groups they lead.
    pub group_id: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvitationList {
    /// Newest first.
    pub invitations: Vec<InvitationView>,
}

/// The invitations the caller may see, newest first.
#[utoipa::path(
    get, path = "/api/people/{org}/invitations", tag = "people", operation_id = "listInvitations",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Invitations", body = InvitationList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<InvitationList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let now = p.clock.now();
    let invitations =
        invitations::list(&p, &actor).await?.into_iter().map(|i| InvitationView::new(i, now, None)).collect();
    Ok(Json(InvitationList { invitations }))
}

/// Invites someone by email; the answer carries the single-use link to share.
#[utoipa::path(
    post, path = "/api/people/{org}/invitations", tag = "people", operation_id = "createInvitation",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewInvitation,
    responses(
        (status = 201, description = "Invited; `link` is shown once", body = InvitationView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    headers: HeaderMap,
    Json(body): Json<NewInvitation>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let origin = auth::public_origin(&p, &headers);
    let created = invitations::create(&p, &actor, &body.email, body.role, body.group_id.as_deref(), &origin).await?;
    Ok((StatusCode::CREATED, Json(InvitationView::new(created.invitation, p.clock.now(), Some(created.link)))))
}

/// Revokes a pending invitation.
#[utoipa::path(
    delete, path = "/api/people/{org}/invitations/{invitation}", tag = "people", operation_id = "revokeInvitation",
    params(("org" = String, Path, description = "Organisation id"), ("invitation" = String, Path, description = "Invitation id")),
    responses(
        (status = 200, description = "Revoked", body = InvitationView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, invitation)): Path<(String, String)>,
) -> ApiResult<Json<InvitationView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let revoked = invitations::revoke(&p, &actor, &invitation).await?;
    Ok(Json(InvitationView::new(revoked, p.clock.now(), None)))
}

//! The invitee's side of an invitation: what it offers, and accepting it.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_app::identity::invitations;
use emmaus_http::auth::{self, Meta};
use emmaus_http::{ApiResult, Json};

use crate::views::{MemberRole, SessionView, session_view};

/// The token from the invitation link; sent in a body so it stays out of access logs.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct InvitationToken {
    pub token: String,
}

/// What the invitation offers.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvitationPreview {
    pub organisation: String,
    pub email: String,
    #[schema(value_type = MemberRole)]
    pub role: emmaus_domain::identity::Role,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub state: String,
    /// Whether an account with this email exists (then its password is asked, not a new one).
    pub existing_account: bool,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct Acceptance {
    pub token: String,
    /// Required for a new account.
    pub display_name: Option<String>,
    /// A new password, or the existing account's password.
    pub password: String,
}

/// Shows what an invitation link offers.
#[utoipa::path(
    post,
    path = "/api/auth/invitations/preview",
    tag = "auth",
    operation_id = "previewInvitation",
    request_body = InvitationToken,
    responses(
        (status = 200, description = "The invitation", body = InvitationPreview),
        (status = "default", description = "A problem (401 for an unknown link)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn preview(
    State(p): State<Platform>,
    Json(body): Json<InvitationToken>,
) -> ApiResult<Json<InvitationPreview>> {
    let (invitation, organisation) = invitations::preview(&p, &body.token).await?;
    let existing = emmaus_app::identity::directory::person_by_email(&p, &invitation.email).await?.is_some();
    Ok(Json(InvitationPreview {
        organisation,
        email: invitation.email.to_string(),
        role: invitation.role,
        state: invitation.state(p.clock.now()).as_str().to_owned(),
        existing_account: existing,
    }))
}

/// Accepts an invitation and signs in.
#[utoipa::path(
    post,
    path = "/api/auth/invitations/accept",
    tag = "auth",
    operation_id = "acceptInvitation",
    request_body = Acceptance,
    responses(
        (status = 200, description = "Joined and signed in; the session cookies are set", body = SessionView),
        (status = "default", description = "A problem (401 unknown or expired link, 409 already used)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept(State(p): State<Platform>, Meta(meta): Meta, Json(body): Json<Acceptance>) -> ApiResult<Response> {
    let issued = invitations::accept(&p, &body.token, body.display_name.as_deref(), &body.password, &meta).await?;
    let view = session_view(&p, &issued.person_id).await?;
    let mut headers = HeaderMap::new();
    auth::set_session_cookies(&mut headers, &issued);
    Ok((headers, Json(view)).into_response())
}

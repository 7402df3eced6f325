//! The invitee's side of an invitation: what it offers, and accepting it.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::{self, Meta};
use emmaus_http::{ApiResult, Json};
use emmaus_identity::invitations;

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
}

/// Accepting: signed in as the invited address's account (send no password), or as someone
/// new with a name and a password.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct Acceptance {
    pub token: String,
    /// For a new account: the name to show.
    pub display_name: Option<String>,
    /// For a new account: its password. Leave out to accept with the session you are signed in with.
    pub password: Option<String>,
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
    Ok(Json(InvitationPreview {
        organisation,
        email: invitation.email.to_string(),
        role: invitation.role,
        state: invitation.state(p.clock.now()).as_str().to_owned(),
    }))
}

/// Accepts an invitation: with a password, as a new account (and signs it in); without one, as
/// the signed-in account, which must be the invited address's.
#[utoipa::path(
    post,
    path = "/api/auth/invitations/accept",
    tag = "auth",
    operation_id = "acceptInvitation",
    request_body = Acceptance,
    responses(
        (status = 200, description = "Joined; a new account is signed in (the session cookies are set)", body = SessionView),
        (status = "default", description = "A problem (401 unknown or expired link, or not signed in as the invited account; 409 already used)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept(
    State(p): State<Platform>,
    Meta(meta): Meta,
    session: Result<auth::Session, emmaus_http::ApiError>,
    Json(body): Json<Acceptance>,
) -> ApiResult<Response> {
    let acceptor = match (&body.password, &session) {
        (Some(password), _) => invitations::Acceptor::New { display_name: body.display_name.as_deref(), password },
        (None, Ok(auth::Session(who))) => invitations::Acceptor::SignedIn(who),
        (None, Err(_)) => {
            return Err(DomainError::Refused(
                "sign in as the invited address to accept, or give a password to create its account".into(),
            )
            .into());
        }
    };
    let accepted = invitations::accept(&p, &body.token, acceptor, &meta).await?;
    let view = session_view(&p, &accepted.person_id).await?;
    let mut headers = HeaderMap::new();
    if let Some(issued) = &accepted.issued {
        auth::set_session_cookies(&mut headers, issued);
    }
    Ok((headers, Json(view)).into_response())
}

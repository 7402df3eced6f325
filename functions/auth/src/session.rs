//! Signing in and out, refreshing, and reading the current session.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_domain::audit::AuditAction;
use emmaus_http::auth::{self, Meta, Session};
use emmaus_http::{ApiResult, Json};
use emmaus_identity::accounts::{self, SignInStep};
use emmaus_identity::sessions::{self, Refreshed};

use crate::views::{SessionView, session_view};

/// Email and password.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct SignIn {
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

/// A sign-in waiting for its second step.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SecondFactorChallenge {
    /// Send back with the code to `completeSignIn`; it works once.
    pub challenge: String,
    pub expires_in_seconds: u64,
}

/// The signed-in person and their organisations.
#[utoipa::path(
    get,
    path = "/api/auth/session",
    tag = "auth",
    operation_id = "getSession",
    responses(
        (status = 200, description = "The session", body = SessionView),
        (status = "default", description = "A problem (401 when signed out)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn current(State(p): State<Platform>, Session(who): Session) -> ApiResult<Json<SessionView>> {
    Ok(Json(session_view(&p, &who.person_id).await?))
}

/// Signs in with a password; sets the session cookies.
#[utoipa::path(
    post,
    path = "/api/auth/sign-in",
    tag = "auth",
    operation_id = "signIn",
    request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; the session cookies are set", body = SessionView),
        (status = 202, description = "The password is right and the account has a second factor: complete the sign-in with a code (`completeSignIn`)", body = SecondFactorChallenge),
        (status = "default", description = "A problem (401 wrong email or password, 429 too many attempts)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_in(State(p): State<Platform>, Meta(meta): Meta, Json(body): Json<SignIn>) -> ApiResult<Response> {
    let issued = match accounts::begin_sign_in(&p, &body.email, &body.password, &meta).await? {
        SignInStep::Session(issued) => issued,
        SignInStep::SecondFactor(pending) => {
            let challenge =
                SecondFactorChallenge { challenge: pending.token, expires_in_seconds: pending.expires_in.as_secs() };
            return Ok((StatusCode::ACCEPTED, [(CACHE_CONTROL, "no-store")], Json(challenge)).into_response());
        }
    };
    let view = session_view(&p, &issued.person_id).await?;
    let mut headers = HeaderMap::new();
    auth::set_session_cookies(&mut headers, &issued);
    Ok((headers, Json(view)).into_response())
}

/// Rotates the refresh token and issues a new access token.
#[utoipa::path(
    post,
    path = "/api/auth/refresh",
    tag = "auth",
    operation_id = "refreshSession",
    responses(
        (status = 204, description = "Refreshed; new session cookies are set"),
        (status = "default", description = "A problem (401 when the session is over, 409 when another tab refreshed first: retry)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refresh(State(p): State<Platform>, Meta(meta): Meta, headers: HeaderMap) -> ApiResult<Response> {
    let token = auth::cookie(&headers, auth::REFRESH_COOKIE).ok_or(DomainError::Unauthenticated)?;
    let mut out = HeaderMap::new();
    match sessions::refresh(&p, token).await {
        Ok(Refreshed::Issued(issued)) => {
            auth::set_session_cookies(&mut out, &issued);
            Ok((StatusCode::NO_CONTENT, out).into_response())
        }
        Ok(Refreshed::Reused { person_id }) => {
            tracing::warn!(person = %person_id, "a used refresh token came back; the session family is revoked");
            accounts::record_everywhere(&p, &person_id, &meta, AuditAction::RefreshReuse, None).await;
            auth::clear_session_cookies(&mut out);
            Ok((out, emmaus_http::ApiError(DomainError::Unauthenticated)).into_response())
        }
        Err(DomainError::Unauthenticated) => {
            auth::clear_session_cookies(&mut out);
            Ok((out, emmaus_http::ApiError(DomainError::Unauthenticated)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// Ends this session.
#[utoipa::path(
    post,
    path = "/api/auth/sign-out",
    tag = "auth",
    operation_id = "signOut",
    responses(
        (status = 204, description = "Signed out; the cookies are cleared"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_out(State(p): State<Platform>, Session(who): Session) -> ApiResult<Response> {
    sessions::close(&p, &who.person_id, &who.session_id).await?;
    accounts::record_everywhere(&p, &who.person_id, &who.meta, AuditAction::SignOut, None).await;
    let mut headers = HeaderMap::new();
    auth::clear_session_cookies(&mut headers);
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// Ends every session of the signed-in person, on every device.
#[utoipa::path(
    post,
    path = "/api/auth/sign-out-everywhere",
    tag = "auth",
    operation_id = "signOutEverywhere",
    responses(
        (status = 204, description = "Every session ended; the cookies are cleared"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_out_everywhere(State(p): State<Platform>, Session(who): Session) -> ApiResult<Response> {
    let closed = sessions::close_all(&p, &who.person_id).await?;
    let detail = Some(format!("{closed} sessions ended"));
    accounts::record_everywhere(&p, &who.person_id, &who.meta, AuditAction::SignOutEverywhere, detail).await;
    let mut headers = HeaderMap::new();
    auth::clear_session_cookies(&mut headers);
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

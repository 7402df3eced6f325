//! Changing a password, and resetting a forgotten one by email.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use emmaus_app::Platform;
use emmaus_http::auth::{self, Meta, Session};
use emmaus_http::{ApiResult, Json};
use emmaus_identity::{accounts, resets};

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ResetRequest {
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct PasswordReset {
    /// The token from the emailed link.
    pub token: String,
    pub password: String,
}

/// Changes the signed-in person's password.
#[utoipa::path(
    post,
    path = "/api/auth/password",
    tag = "auth",
    operation_id = "changePassword",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change(
    State(p): State<Platform>,
    Session(who): Session,
    Json(body): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    accounts::change_password(&p, &who, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queues a reset link, emailed within a minute when the account exists; answers the same either way.
#[utoipa::path(
    post,
    path = "/api/auth/password/forgot",
    tag = "auth",
    operation_id = "forgotPassword",
    request_body = ResetRequest,
    responses(
        (status = 202, description = "If the account exists, a link is on its way"),
        (status = 429, description = "Too many requests from this address; wait `Retry-After` seconds", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn forgot(
    State(p): State<Platform>,
    Meta(meta): Meta,
    headers: HeaderMap,
    Json(body): Json<ResetRequest>,
) -> ApiResult<StatusCode> {
    let origin = auth::public_origin(&p, &headers);
    resets::request(&p, &body.email, &origin, &meta).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with the emailed token; every session of the account ends.
#[utoipa::path(
    post,
    path = "/api/auth/password/reset",
    tag = "auth",
    operation_id = "resetPassword",
    request_body = PasswordReset,
    responses(
        (status = 204, description = "The password is set; sign in with it"),
        (status = "default", description = "A problem (401 when the link is used or expired)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset(
    State(p): State<Platform>,
    Meta(meta): Meta,
    Json(body): Json<PasswordReset>,
) -> ApiResult<StatusCode> {
    resets::complete(&p, &body.token, &body.password, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

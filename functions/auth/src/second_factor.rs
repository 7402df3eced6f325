//! The second factor: setting up an authenticator app, renewing recovery codes, turning it off,
//! and the second step of a sign-in.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::auth::{self, Meta, Session};
use emmaus_http::{ApiResult, Json};
use emmaus_identity::second_factor;

use crate::views::session_view;

/// The cookie that carries a challenge when the first step was a provider's redirect: only for
/// this host, over HTTPS, unreadable by scripts, five minutes.
pub const CHALLENGE_COOKIE: &str = "__Host-emmaus-second-factor";

pub fn challenge_cookie(value: &str, max_age: u64) -> HeaderValue {
    let text = format!("{CHALLENGE_COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age}");
    HeaderValue::from_str(&text).expect("tokens are printable ASCII")
}

/// What to type or scan into an authenticator app.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SetupView {
    /// The secret in base32 (RFC 4648, no padding), for typing by hand.
    pub secret: String,
    /// The `otpauth://totp/…` URI, for a QR code.
    pub otpauth_uri: String,
}

/// A code from the authenticator app, or an unused recovery code.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct CodeInput {
    #[schema(min_length = 1, max_length = 64, example = "123456")]
    pub code: String,
}

/// Recovery codes, shown this once: each signs in once in place of an app's code.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RecoveryCodesView {
    pub recovery_codes: Vec<String>,
}

/// The second step of a sign-in.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct SecondStep {
    /// The `challenge` a password sign-in answered. A sign-in through a provider keeps it in a
    /// cookie instead, and leaves this out.
    #[schema(max_length = 200)]
    pub challenge: Option<String>,
    /// A code from the authenticator app, or an unused recovery code.
    #[schema(min_length = 1, max_length = 64, example = "123456")]
    pub code: String,
}

/// Starts setting up an authenticator app (or starts again); needs a sign-in of the last ten minutes.
#[utoipa::path(
    post,
    path = "/api/auth/second-factor/setup",
    tag = "auth",
    operation_id = "beginSecondFactorSetup",
    responses(
        (status = 200, description = "The secret to put into the app", body = SetupView),
        (status = "default", description = "A problem (401 when the sign-in is older than ten minutes, 409 when one is set up already)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn begin(State(p): State<Platform>, Session(who): Session) -> ApiResult<Response> {
    let enrolment = second_factor::begin(&p, &who).await?;
    let view = SetupView { secret: enrolment.secret, otpauth_uri: enrolment.uri };
    Ok(no_store(Json(view)))
}

/// Finishes the setup with a code from the app; answers the recovery codes, shown this once.
/// Every other session of the person ends.
#[utoipa::path(
    post,
    path = "/api/auth/second-factor/setup/confirm",
    tag = "auth",
    operation_id = "confirmSecondFactorSetup",
    request_body = CodeInput,
    responses(
        (status = 200, description = "Set up; the recovery codes", body = RecoveryCodesView),
        (status = "default", description = "A problem (422 a wrong code, 409 no setup in progress, 429 too many attempts)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn confirm(
    State(p): State<Platform>,
    Session(who): Session,
    Json(body): Json<CodeInput>,
) -> ApiResult<Response> {
    let recovery_codes = second_factor::confirm(&p, &who, &body.code).await?;
    Ok(no_store(Json(RecoveryCodesView { recovery_codes })))
}

/// Replaces every recovery code, after a current code or an unused recovery code.
#[utoipa::path(
    post,
    path = "/api/auth/second-factor/recovery-codes",
    tag = "auth",
    operation_id = "renewRecoveryCodes",
    request_body = CodeInput,
    responses(
        (status = 200, description = "The new recovery codes; the old ones no longer work", body = RecoveryCodesView),
        (status = "default", description = "A problem (422 a wrong code, 409 no second factor, 429 too many attempts)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn renew_recovery_codes(
    State(p): State<Platform>,
    Session(who): Session,
    Json(body): Json<CodeInput>,
) -> ApiResult<Response> {
    let recovery_codes = second_factor::renew_recovery_codes(&p, &who, &body.code).await?;
    Ok(no_store(Json(RecoveryCodesView { recovery_codes })))
}

/// Turns the second factor off, after a current code or an unused recovery code.
#[utoipa::path(
    post,
    path = "/api/auth/second-factor/disable",
    tag = "auth",
    operation_id = "disableSecondFactor",
    request_body = CodeInput,
    responses(
        (status = 204, description = "Turned off; sign-in asks for the password only"),
        (status = "default", description = "A problem (422 a wrong code, 409 none set up or an organisation requires it, 429 too many attempts)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn disable(
    State(p): State<Platform>,
    Session(who): Session,
    Json(body): Json<CodeInput>,
) -> ApiResult<StatusCode> {
    second_factor::disable(&p, &who, &body.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Completes a sign-in with a code from the app or a recovery code; sets the session cookies.
#[utoipa::path(
    post,
    path = "/api/auth/sign-in/second-factor",
    tag = "auth",
    operation_id = "completeSignIn",
    request_body = SecondStep,
    responses(
        (status = 200, description = "Signed in; the session cookies are set", body = crate::views::SessionView),
        (status = "default", description = "A problem (401 the sign-in expired or was used: start again, 422 a wrong code, 429 too many attempts)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complete(
    State(p): State<Platform>,
    Meta(meta): Meta,
    headers: HeaderMap,
    Json(body): Json<SecondStep>,
) -> ApiResult<Response> {
    let token = body
        .challenge
        .as_deref()
        .or_else(|| auth::cookie(&headers, CHALLENGE_COOKIE))
        .ok_or(DomainError::Unauthenticated)?;
    let issued = second_factor::complete(&p, token, &body.code, &meta).await?;
    let view = session_view(&p, &issued.person_id).await?;
    let mut out = HeaderMap::new();
    auth::set_session_cookies(&mut out, &issued);
    out.append(SET_COOKIE, challenge_cookie("", 0));
    Ok((out, Json(view)).into_response())
}

/// Secrets and recovery codes stay out of every cache.
fn no_store(body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

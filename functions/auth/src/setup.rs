//! The first-run page's endpoints: whether setup is open, and completing it with the logged code.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_http::auth::{self, Meta};
use emmaus_http::{ApiResult, Json};
use emmaus_identity::{accounts, setup};

use crate::views::{SessionView, session_view};

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SetupStatus {
    /// True until the first organisation exists.
    pub needed: bool,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct FirstRun {
    /// The one-time code printed in the server log.
    pub code: String,
    pub org_slug: String,
    pub org_name: String,
    pub email: String,
    pub display_name: String,
    pub password: String,
}

/// Whether first-run setup is open. While it is, a setup code is printed in the server log.
#[utoipa::path(
    get,
    path = "/api/auth/setup",
    tag = "auth",
    operation_id = "getSetup",
    responses(
        (status = 200, description = "Whether setup is needed", body = SetupStatus),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn status(State(p): State<Platform>) -> ApiResult<Json<SetupStatus>> {
    let needed = setup::needed(&p).await?;
    if needed {
        setup::issue_code(&p).await?;
    }
    Ok(Json(SetupStatus { needed }))
}

/// Creates the first organisation and its admin, and signs the admin in.
#[utoipa::path(
    post,
    path = "/api/auth/setup",
    tag = "auth",
    operation_id = "completeSetup",
    request_body = FirstRun,
    responses(
        (status = 200, description = "Set up and signed in; the session cookies are set", body = SessionView),
        (status = "default", description = "A problem (401 wrong code, 409 already set up)", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complete(State(p): State<Platform>, Meta(meta): Meta, Json(body): Json<FirstRun>) -> ApiResult<Response> {
    let new = setup::NewOrg {
        slug: &body.org_slug,
        name: &body.org_name,
        admin_email: &body.email,
        admin_name: &body.display_name,
        admin_password: &body.password,
    };
    setup::with_code(&p, &body.code, &new, &meta).await?;
    let issued = accounts::sign_in(&p, &body.email, &body.password, &meta).await?;
    let view = session_view(&p, &issued.person_id).await?;
    let mut headers = HeaderMap::new();
    auth::set_session_cookies(&mut headers, &issued);
    Ok((headers, Json(view)).into_response())
}

//! The signed-in person's own profile.

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json};
use emmaus_identity::accounts;

use crate::views::{SessionView, session_view};

/// Fields to change; absent ones stay as they are.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ProfileChange {
    pub display_name: Option<String>,
    /// The organisation to open first after sign-in (the organisation switcher sets it).
    pub last_org: Option<String>,
}

/// Changes the signed-in person's name or default organisation.
#[utoipa::path(
    patch,
    path = "/api/auth/profile",
    tag = "auth",
    operation_id = "updateProfile",
    request_body = ProfileChange,
    responses(
        (status = 200, description = "The updated session", body = SessionView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(p): State<Platform>,
    Session(who): Session,
    Json(body): Json<ProfileChange>,
) -> ApiResult<Json<SessionView>> {
    accounts::update_profile(&p, &who, body.display_name.as_deref(), body.last_org.as_deref()).await?;
    Ok(Json(session_view(&p, &who.person_id).await?))
}

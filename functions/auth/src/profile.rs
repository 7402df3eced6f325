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
    /// A BCP 47 language tag (`en-GB`, `de-CH`) for the app's language and how dates and numbers
    /// are written; an empty string goes back to the browser's.
    #[schema(max_length = 35, example = "en-GB")]
    pub locale: Option<String>,
    /// An IANA time zone name (`Europe/Berlin`) that dates and times are shown in; an empty
    /// string goes back to the browser's.
    #[schema(max_length = 64, example = "Europe/Berlin")]
    pub time_zone: Option<String>,
}

/// Changes the signed-in person's name, default organisation, locale or time zone.
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
    let change = accounts::ProfileChange {
        display_name: body.display_name.as_deref(),
        last_org: body.last_org.as_deref(),
        locale: body.locale.as_deref(),
        time_zone: body.time_zone.as_deref(),
    };
    accounts::update_profile(&p, &who, &change).await?;
    Ok(Json(session_view(&p, &who.person_id).await?))
}

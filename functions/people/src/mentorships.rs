//! `/api/people/{org}/mentorships`: pairing mentors with mentees, and ending it.

use axum::extract::State;
use axum::http::StatusCode;
use emmaus_app::Platform;
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path};
use emmaus_identity::mentorships;

use crate::views::MentorshipView;

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewMentorship {
    pub mentor_id: String,
    pub mentee_id: String,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MentorshipList {
    /// Newest first; ended ones included.
    pub mentorships: Vec<MentorshipView>,
}

/// The mentorships the caller may see.
#[utoipa::path(
    get, path = "/api/people/{org}/mentorships", tag = "people", operation_id = "listMentorships",
    params(("org" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "Mentorships", body = MentorshipList),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
) -> ApiResult<Json<MentorshipList>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let mentorships = mentorships::list(&p, &actor).await?.into_iter().map(MentorshipView::from).collect();
    Ok(Json(MentorshipList { mentorships }))
}

/// Pairs a mentor with a mentee.
#[utoipa::path(
    post, path = "/api/people/{org}/mentorships", tag = "people", operation_id = "createMentorship",
    params(("org" = String, Path, description = "Organisation id")),
    request_body = NewMentorship,
    responses(
        (status = 201, description = "Paired", body = MentorshipView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Json(body): Json<NewMentorship>,
) -> ApiResult<(StatusCode, Json<MentorshipView>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let created = mentorships::create(&p, &actor, &body.mentor_id, &body.mentee_id).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Ends a mentorship; it stays in the history.
#[utoipa::path(
    post, path = "/api/people/{org}/mentorships/{mentorship}/end", tag = "people", operation_id = "endMentorship",
    params(("org" = String, Path, description = "Organisation id"), ("mentorship" = String, Path, description = "Mentorship id")),
    responses(
        (status = 200, description = "Ended", body = MentorshipView),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn end(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, mentorship)): Path<(String, String)>,
) -> ApiResult<Json<MentorshipView>> {
    let actor = crate::actor(&p, &who, &org).await?;
    Ok(Json(mentorships::end(&p, &actor, &mentorship).await?.into()))
}

//! `/api/planner/{org}/people/{person}/feed`: one's private calendar feed, made, renewed and
//! revoked; and `/api/planner-feeds/{token}`, the feed itself, which calendar apps read without
//! signing in (the token is the secret).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_http::auth::{Session, public_origin};
use emmaus_http::{ApiResult, Json, Path};
use emmaus_planner::feed;

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FeedStatus {
    /// Whether the person has a feed address that works.
    pub active: bool,
    /// RFC 3339, when the working address was made.
    pub created_at: Option<String>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FeedAddress {
    /// The address to subscribe to; shown this once (only its digest is kept). `webcal://` for
    /// apps that open subscriptions from a link is the same address with that scheme.
    pub url: String,
    pub created_at: String,
}

/// Whether one has a feed address.
#[utoipa::path(
    get, path = "/api/planner/{org}/people/{person}/feed", tag = "planner", operation_id = "getFeed",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    responses(
        (status = 200, description = "The feed's state", body = FeedStatus),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn status(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
) -> ApiResult<Json<FeedStatus>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let created = feed::status(&p, &actor, &person).await?;
    Ok(Json(FeedStatus { active: created.is_some(), created_at: created.map(crate::rfc3339) }))
}

/// Makes one's feed address, or a new one in place of the old (which stops working at once).
#[utoipa::path(
    post, path = "/api/planner/{org}/people/{person}/feed", tag = "planner", operation_id = "renewFeed",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    responses(
        (status = 201, description = "The new address", body = FeedAddress),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn renew(
    State(p): State<Platform>,
    Session(who): Session,
    headers: HeaderMap,
    Path((org, person)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<FeedAddress>)> {
    let actor = crate::actor(&p, &who, &org).await?;
    let (token, created) = feed::renew(&p, &actor, &person).await?;
    let url = format!("{}/api/planner-feeds/{token}", public_origin(&p, &headers));
    Ok((StatusCode::CREATED, Json(FeedAddress { url, created_at: crate::rfc3339(created) })))
}

/// Revokes one's feed address: calendar apps subscribed to it get nothing more.
#[utoipa::path(
    delete, path = "/api/planner/{org}/people/{person}/feed", tag = "planner", operation_id = "revokeFeed",
    params(("org" = String, Path, description = "Organisation id"), ("person" = String, Path, description = "Person id")),
    responses(
        (status = 204, description = "Revoked, or there was none"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, person)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let actor = crate::actor(&p, &who, &org).await?;
    feed::revoke(&p, &actor, &person).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's study tasks as an iCalendar feed (RFC 5545), for calendar apps to subscribe to. No
/// session: the token in the address is the secret; an address renewed or revoked is 404.
#[utoipa::path(
    get, path = "/api/planner-feeds/{token}", tag = "planner", operation_id = "readFeed",
    params(("token" = String, Path, description = "The feed's secret token")),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(State(p): State<Platform>, Path(token): Path<String>) -> ApiResult<Response> {
    let calendar = feed::read(&p, &token).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            // Apps poll it; a few minutes old is fresh enough, and no shared cache keeps it.
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        calendar,
    )
        .into_response())
}

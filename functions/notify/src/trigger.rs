//! `POST /api/jobs/<name>` for each job of this function (ADR 0007).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use emmaus_app::Platform;

/// Turns queued password-reset requests into links, then sends queued mail. Schedulers call it
/// every minute with the jobs token.
#[utoipa::path(
    post,
    path = "/api/jobs/deliver-mail",
    tag = "jobs",
    operation_id = "runDeliverMail",
    security(("jobs_token" = [])),
    responses(
        (status = 200, description = "The run ended: done, idle, or failed without hope of a retry", body = emmaus_http::jobs::JobRun),
        (status = 401, description = "No valid jobs token, or jobs are not enabled on this host", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The run failed for now; retry after `Retry-After` seconds", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deliver_mail(State(p): State<Platform>, headers: HeaderMap) -> Response {
    emmaus_http::jobs::trigger(&p, crate::JOBS, "deliver-mail", &headers).await
}

/// Applies the follow-up work changes left in the outbox (index entries, extracted text, notices).
/// Schedulers call it every minute with the jobs token.
#[utoipa::path(
    post,
    path = "/api/jobs/apply-outbox",
    tag = "jobs",
    operation_id = "runApplyOutbox",
    security(("jobs_token" = [])),
    responses(
        (status = 200, description = "The run ended: done, idle, or failed without hope of a retry", body = emmaus_http::jobs::JobRun),
        (status = 401, description = "No valid jobs token, or jobs are not enabled on this host", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The run failed for now; retry after `Retry-After` seconds", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn apply_outbox(State(p): State<Platform>, headers: HeaderMap) -> Response {
    emmaus_http::jobs::trigger(&p, crate::JOBS, "apply-outbox", &headers).await
}

/// Removes for good what has been in the hub's trash for 30 days, blobs and versions included.
/// Schedulers call it every hour with the jobs token.
#[utoipa::path(
    post,
    path = "/api/jobs/purge-trash",
    tag = "jobs",
    operation_id = "runPurgeTrash",
    security(("jobs_token" = [])),
    responses(
        (status = 200, description = "The run ended: done, idle, or failed without hope of a retry", body = emmaus_http::jobs::JobRun),
        (status = 401, description = "No valid jobs token, or jobs are not enabled on this host", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The run failed for now; retry after `Retry-After` seconds", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn purge_trash(State(p): State<Platform>, headers: HeaderMap) -> Response {
    emmaus_http::jobs::trigger(&p, crate::JOBS, "purge-trash", &headers).await
}

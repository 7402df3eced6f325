//! `POST /api/jobs/ingest` (ADR 0007).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use emmaus_app::Platform;

/// Reads the text of files uploaded since the last run, and makes thumbnails of pictures.
/// Schedulers call it every minute with the jobs token.
#[utoipa::path(
    post,
    path = "/api/jobs/ingest",
    tag = "jobs",
    operation_id = "runIngest",
    security(("jobs_token" = [])),
    responses(
        (status = 200, description = "The run ended: done, idle, or failed without hope of a retry", body = emmaus_http::jobs::JobRun),
        (status = 401, description = "No valid jobs token, or jobs are not enabled on this host", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The run failed for now; retry after `Retry-After` seconds", body = emmaus_http::Problem, content_type = "application/problem+json"),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ingest(State(p): State<Platform>, headers: HeaderMap) -> Response {
    emmaus_http::jobs::trigger(&p, crate::JOBS, "ingest", &headers).await
}

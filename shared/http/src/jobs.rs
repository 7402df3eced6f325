//! The HTTP trigger of background jobs (ADR 0007): `POST /api/jobs/<name>` with the jobs token as
//! a bearer token, answered the way the Lambda runner reports a run, so a scheduler's `curl --fail`
//! retries exactly the runs that may succeed later.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_app::jobs::{self, Outcome};

use crate::{ApiError, Json, Problem};

/// How long a scheduler should wait before retrying a run that failed for now.
const RETRY_AFTER_SECONDS: u64 = 60;

/// The answer to a run that ended (it may have failed without hope of a retry).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JobRun {
    pub job: String,
    /// `done`, `idle` (nothing was due) or `failed` (not worth retrying; see `error`).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Runs `name`, one of `jobs` (a function's), for the request whose headers are `headers`.
pub async fn trigger(p: &Platform, jobs: &[jobs::JobSpec], name: &str, headers: &HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    let outcome = match jobs::trigger(p, jobs, name, token).await {
        Ok(outcome) => outcome,
        Err(error) => {
            let mut response = ApiError(error).into_response();
            if response.status() == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            return response;
        }
    };
    let run = |status: &str, summary: Option<String>, error: Option<String>| {
        Json(JobRun { job: name.to_owned(), status: status.to_owned(), summary, error }).into_response()
    };
    outcome.log(name);
    match outcome {
        Outcome::Done(summary) => run("done", Some(summary), None),
        Outcome::Idle => run("idle", None, None),
        Outcome::Retryable(reason) => {
            let problem =
                Problem::new(StatusCode::SERVICE_UNAVAILABLE, "job-retry", "The job failed for now", Some(reason));
            let mut response = problem.into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
            response
        }
        Outcome::NonRetryable(reason) => run("failed", None, Some(reason)),
    }
}

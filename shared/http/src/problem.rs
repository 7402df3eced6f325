//! RFC 9457 problem details: the only place a `DomainError` becomes an HTTP response.
//!
//! Policy: the status and title come from the error's variant; `detail` is the error's own
//! message, written for people. An `Unexpected` error answers an opaque 500 and its full source
//! chain is logged with the request id, which the body carries so a person can quote it.

use std::fmt::Write as _;

use axum::response::{IntoResponse, Response};
use emmaus_domain::{DomainError, FieldError};
use http::{HeaderValue, StatusCode, header};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `urn:emmaus:problem:validation`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The id of the request, to quote when reporting the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The fields that failed validation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldProblem>)]
    pub errors: Vec<FieldError>,
}

/// One invalid field (schema of `FieldError`).
#[derive(Debug, utoipa::ToSchema)]
#[expect(dead_code, reason = "documents the JSON shape of emmaus_domain::FieldError for OpenAPI")]
pub struct FieldProblem {
    field: String,
    message: String,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: Option<String>) -> Self {
        Self {
            kind: format!("urn:emmaus:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            instance: None,
            request_id: None,
            errors: Vec::new(),
        }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn to_body(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a problem always serialises")
    }
}

/// The response form of a problem; the request-context middleware later adds the request id.
impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response =
            (self.status(), [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], self.to_body())
                .into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// A `DomainError` on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub DomainError);

pub type ApiResult<T> = Result<T, ApiError>;

impl<E: Into<DomainError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let detail = Some(error.to_string());
        let (problem, retry_after) = match error {
            DomainError::Validation(errors) => {
                let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", "Invalid request", detail);
                p.errors = errors;
                (p, None)
            }
            DomainError::NotFound(_) => (Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail), None),
            DomainError::Conflict(_) => (Problem::new(StatusCode::CONFLICT, "conflict", "Conflict", detail), None),
            DomainError::Forbidden => (Problem::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail), None),
            DomainError::Stale(_) => {
                (Problem::new(StatusCode::PRECONDITION_FAILED, "stale", "Changed since it was read", detail), None)
            }
            DomainError::NeedsSecondFactor(_) => {
                (Problem::new(StatusCode::FORBIDDEN, "second-factor-required", "Second factor required", detail), None)
            }
            DomainError::Unauthenticated => {
                (Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Sign-in required", detail), None)
            }
            DomainError::Refused(_) => {
                (Problem::new(StatusCode::UNAUTHORIZED, "refused", "Not accepted", detail), None)
            }
            DomainError::TooLarge { .. } => {
                (Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Too large", detail), None)
            }
            DomainError::RateLimited { retry_after } => (
                Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", "Too many requests", detail),
                Some(retry_after.as_secs().max(1)),
            ),
            DomainError::Unavailable(_) => {
                (Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable", detail), None)
            }
            DomainError::Misconfigured { what, reason } => {
                tracing::error!(what = %what, reason = %reason, "a setting is missing or wrong");
                let detail = format!("{what} is not set up on this server; its operator can read why in the log");
                (
                    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable", Some(detail)),
                    None,
                )
            }
            DomainError::Unexpected(source) => {
                tracing::error!(error = %error_chain(source.as_ref()), "unexpected error");
                (Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal server error", None), None)
            }
        };
        let mut response = problem.into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// An error and all its sources on one line, for the log.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use http_body_util::BodyExt as _;

    use super::*;

    async fn body_of(response: Response) -> (StatusCode, http::HeaderMap, Problem) {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn validation_errors_list_their_fields() {
        let error = ApiError(DomainError::Validation(vec![FieldError::new("email", "is required")]));
        let (status, headers, problem) = body_of(error.into_response()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(headers[header::CONTENT_TYPE], PROBLEM_JSON);
        assert_eq!(problem.kind, "urn:emmaus:problem:validation");
        assert_eq!(problem.errors, vec![FieldError::new("email", "is required")]);
    }

    #[tokio::test]
    async fn unexpected_errors_are_opaque() {
        let error = ApiError(DomainError::unexpected(std::io::Error::other("password=hunter2 in /etc/x")));
        let (status, _, problem) = body_of(error.into_response()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(problem.detail, None);
        assert!(!serde_json::to_string(&problem).unwrap().contains("hunter2"));
    }

    #[tokio::test]
    async fn rate_limits_say_when_to_retry() {
        let error = ApiError(DomainError::RateLimited { retry_after: Duration::from_secs(30) });
        let (status, headers, _) = body_of(error.into_response()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(headers[header::RETRY_AFTER], "30");
    }

    #[test]
    fn error_chains_include_every_source() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        assert_eq!(error_chain(&Outer(std::io::Error::other("inner"))), "outer: inner");
    }
}

//! `GET /api/health`: probes the stores this host was given; 503 when any probe fails.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use emmaus_app::Platform;
use emmaus_app::health::{self, HealthReport, Status};
use emmaus_http::Json;

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverallStatus {
    /// Every store answered.
    Ok,
    /// At least one store did not answer; see `checks`.
    Degraded,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Failing,
}

/// The health of this host.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Health {
    pub status: OverallStatus,
    /// Version of Emmaus.
    pub version: String,
    /// The source revision of the build, or `unknown`.
    pub build: String,
    /// Which host serves this request: `local`, `lambda` or `spin`.
    pub host: String,
    pub checks: Vec<HealthCheck>,
}

/// One probed dependency.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HealthCheck {
    /// `kv`, `blob` or `search`.
    pub name: String,
    /// The adapter behind it, e.g. `sqlite`, `filesystem`, `dynamodb`.
    pub adapter: String,
    pub status: CheckStatus,
    #[schema(minimum = 0)]
    pub latency_ms: u64,
    /// Why the check failed.
    pub detail: Option<String>,
}

fn to_body(platform: &Platform, report: &HealthReport) -> Health {
    Health {
        status: if report.healthy() { OverallStatus::Ok } else { OverallStatus::Degraded },
        version: platform.host.version.to_owned(),
        build: platform.host.build.to_owned(),
        host: platform.host.kind.to_owned(),
        checks: report
            .checks
            .iter()
            .map(|c| HealthCheck {
                name: c.name.to_owned(),
                adapter: c.adapter.to_owned(),
                status: match c.status {
                    Status::Ok => CheckStatus::Ok,
                    Status::Failing => CheckStatus::Failing,
                },
                latency_ms: c.latency.as_millis() as u64,
                detail: c.detail.clone(),
            })
            .collect(),
    }
}

/// Health of the stores, version and build.
#[utoipa::path(
    get,
    path = "/api/health",
    tag = "system",
    operation_id = "getHealth",
    responses(
        (status = 200, description = "Every store answered", body = Health),
        (status = 503, description = "A store did not answer", body = Health),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn health(State(platform): State<Platform>) -> Response {
    let report = health::check(&platform).await;
    let status = if report.healthy() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let mut response = (status, Json(to_body(&platform, &report))).into_response();
    // A cached health answer would hide an outage.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

//! `GET /api/openapi.json`: the OpenAPI document of the whole API.
//!
//! The document is generated from every function's code by `emmaus openapi` and kept in
//! `functions/system/openapi.json`; a test fails when it differs from what the code generates.
//! Embedding it lets each host serve the whole API's description without linking every function.

use axum::http::header;
use axum::response::IntoResponse;

/// The generated document, byte for byte.
pub const API_DOCUMENT: &str = include_str!("../openapi.json");

/// The OpenAPI 3.1 document describing every endpoint.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "system",
    operation_id = "getOpenApi",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-cache")], API_DOCUMENT)
}

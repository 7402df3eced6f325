//! Layers every function's router gets: request ids, spans, access logs, limits, and fallbacks.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use emmaus_ports::Ids;
use http::{HeaderValue, StatusCode, header};
use tracing::Instrument as _;

use crate::problem::Problem;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served, as an extension handlers may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Settings applied to every request and response.
#[derive(Debug, Clone, Copy)]
pub struct HttpSettings {
    /// Largest request body read into memory, in bytes.
    pub max_body_bytes: usize,
    /// Whether responses tell browsers to use HTTPS only (HSTS): the site is served over TLS.
    pub strict_transport: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self { max_body_bytes: 1024 * 1024, strict_transport: false }
    }
}

impl HttpSettings {
    /// The defaults for a platform: HSTS on Lambda (API Gateway serves only HTTPS) and wherever the
    /// public URL is `https://`.
    pub fn for_platform(platform: &emmaus_app::Platform) -> Self {
        let https = platform.config.get("EMMAUS_PUBLIC_URL").is_some_and(|url| url.starts_with("https://"));
        Self { strict_transport: https || platform.host.kind == "lambda", ..Self::default() }
    }
}

/// Wraps a function's routes with the shared layers; anything unmatched is a problem+json 404.
pub fn finish(routes: Router, ids: Arc<dyn Ids>, limits: HttpSettings) -> Router {
    layers(routes.fallback(not_found), ids, limits)
}

/// The shared layers alone, for a host that brings its own fallback (the local host's web app).
pub fn layers(routes: Router, ids: Arc<dyn Ids>, limits: HttpSettings) -> Router {
    routes
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(from_fn_with_state(ids, request_context))
        .layer(axum::middleware::map_response(move |mut response: Response| async move {
            crate::security::apply(response.headers_mut(), limits.strict_transport);
            response
        }))
}

/// The problem for a path no route serves.
pub async fn not_found(request: Request) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        Some(format!("no endpoint at {}", request.uri().path())),
    )
}

/// The problem for a known path asked with a method it does not take.
pub async fn method_not_allowed(request: Request) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        Some(format!("{} is not allowed on {}", request.method(), request.uri().path())),
    )
}

/// Accepts a caller's request id when it is short and plain, so ids can be followed across
/// services; anything else is replaced rather than echoed into logs and headers.
fn acceptable_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let plain = !text.is_empty()
        && text.len() <= 64
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    plain.then(|| text.to_owned())
}

async fn request_context(State(ids): State<Arc<dyn Ids>>, mut request: Request, next: Next) -> Response {
    let id = request.headers().get(REQUEST_ID_HEADER).and_then(acceptable_request_id).unwrap_or_else(|| ids.new_id());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    let started = Instant::now();
    // One guard for every write on every route, signed in or not (sign-in forms included).
    let mut response = match crate::auth::same_site_writes(request.method(), request.headers()) {
        Ok(()) => next.run(request).instrument(span.clone()).await,
        Err(error) => crate::problem::ApiError(error).into_response(),
    };

    if let Some(mut problem) = response.extensions_mut().remove::<Problem>() {
        problem.request_id = Some(id.clone());
        problem.instance = Some(path.clone());
        let (parts, _) = response.into_parts();
        response = Response::from_parts(parts, Body::from(problem.to_body()));
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let status = response.status().as_u16();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| tracing::info!(status, duration_ms = millis, "served"));
    response.into_response()
}

#[cfg(test)]
mod tests {
    use axum::routing::post;
    use emmaus_memory::SequentialIds;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;
    use crate::extract::Json;

    #[derive(serde::Deserialize, serde::Serialize)]
    struct Note {
        text: String,
    }

    fn app() -> Router {
        let routes = Router::new().route("/notes", post(|Json(note): Json<Note>| async move { Json(note) }));
        finish(routes, Arc::new(SequentialIds::default()), HttpSettings { max_body_bytes: 64, strict_transport: true })
    }

    async fn send(request: http::Request<Body>) -> (StatusCode, http::HeaderMap, serde_json::Value) {
        let response = app().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }

    fn post_json(body: &str) -> http::Request<Body> {
        http::Request::post("/notes")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap()
    }

    #[tokio::test]
    async fn unknown_routes_are_problems_with_the_request_id() {
        let request = http::Request::get("/nope").header(REQUEST_ID_HEADER, "abc-123").body(Body::empty()).unwrap();
        let (status, headers, body) = send(request).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(headers[REQUEST_ID_HEADER], "abc-123");
        assert_eq!(body["request_id"], "abc-123");
        assert_eq!(body["instance"], "/nope");
    }

    #[tokio::test]
    async fn unsafe_request_ids_are_replaced() {
        let request = http::Request::get("/nope").header(REQUEST_ID_HEADER, "evil\tid").body(Body::empty()).unwrap();
        let (_, headers, body) = send(request).await;
        assert_ne!(headers[REQUEST_ID_HEADER], "evil\tid");
        assert_eq!(body["request_id"], headers[REQUEST_ID_HEADER].to_str().unwrap());
    }

    #[tokio::test]
    async fn json_errors_are_told_apart() {
        assert_eq!(send(post_json(r#"{"text":"hi"}"#)).await.0, StatusCode::OK);
        assert_eq!(send(post_json("{not json")).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(send(post_json(r#"{"txt":"hi"}"#)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, body) = send(post_json(&format!(r#"{{"text":"{}"}}"#, "x".repeat(100)))).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["type"], "urn:emmaus:problem:too-large");
        let plain = http::Request::post("/notes").body(Body::from(r#"{"text":"hi"}"#)).unwrap();
        assert_eq!(send(plain).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    #[tokio::test]
    async fn wrong_methods_are_problems() {
        let (status, _, body) = send(http::Request::get("/notes").body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["title"], "Method not allowed");
    }
}

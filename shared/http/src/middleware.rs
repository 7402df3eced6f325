//! Layers every function's router gets: request ids, spans, access logs, limits, and fallbacks.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::response::{IntoResponse, Response};
use emmaus_ports::Ids;
use http::{HeaderName, HeaderValue, StatusCode, header};
use tracing::Instrument as _;

use crate::problem::Problem;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

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
    layers_in(routes, ids, limits, NoScope)
}

/// [`layers`] with what a host adds around each request (see [`RequestScope`]).
pub fn layers_in(routes: Router, ids: Arc<dyn Ids>, limits: HttpSettings, scope: impl RequestScope) -> Router {
    routes
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(Shared { ids, strict_transport: limits.strict_transport, scope })
}

/// What a host adds around each of its requests, inside the shared layer: marks on the request
/// (the local host's client address) and a scope the handler runs in (its one read snapshot).
/// One layer does all of it, with one allocation for its future, where the four axum middlewares
/// it replaced each boxed a future and cloned the service they wrapped.
pub trait RequestScope: Clone + Send + Sync + 'static {
    /// Called first, before the request id is chosen.
    fn prepare(&self, _request: &mut Request) {}

    /// Runs `work` (the handler and the shared layer's finishing) in the host's scope.
    fn run<F>(&self, work: F) -> impl Future<Output = Response> + Send + 'static
    where
        F: Future<Output = Response> + Send + 'static;
}

/// No host scope: Lambda and Spin.
#[derive(Debug, Clone, Copy)]
pub struct NoScope;

impl RequestScope for NoScope {
    fn run<F>(&self, work: F) -> impl Future<Output = Response> + Send + 'static
    where
        F: Future<Output = Response> + Send + 'static,
    {
        work
    }
}

/// The shared layer: request ids, the span and access log, the same-site write guard, problem
/// bodies completed with their request id and path, and the security headers.
#[derive(Clone)]
struct Shared<H> {
    ids: Arc<dyn Ids>,
    strict_transport: bool,
    scope: H,
}

impl<S, H: Clone> tower::Layer<S> for Shared<H> {
    type Service = SharedService<S, H>;

    fn layer(&self, inner: S) -> Self::Service {
        SharedService { inner, shared: self.clone() }
    }
}

#[derive(Clone)]
struct SharedService<S, H> {
    inner: S,
    shared: Shared<H>,
}

impl<S, H> tower::Service<Request> for SharedService<S, H>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
    H: RequestScope,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send + 'static>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let shared = &self.shared;
        shared.scope.prepare(&mut request);
        let id = request
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(acceptable_request_id)
            .unwrap_or_else(|| shared.ids.new_id());
        let uri = request.uri().clone();
        let span = tracing::info_span!("request", request_id = %id, method = %request.method(), path = uri.path());
        // One guard for every write on every route, signed in or not (sign-in forms included).
        let guard = crate::auth::same_site_writes(request.method(), request.headers());
        request.extensions_mut().insert(RequestId(id.clone()));
        // Polled inside the host's scope below; the handler does nothing until then.
        let answer = guard.map(|()| self.inner.call(request));
        let strict_transport = shared.strict_transport;
        let work = async move {
            // The clock is read only when the access log is on.
            let started = tracing::enabled!(tracing::Level::INFO).then(Instant::now);
            let response = match answer {
                Ok(answer) => match answer.instrument(span.clone()).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                },
                Err(error) => crate::problem::ApiError(error).into_response(),
            };
            let response = finish_response(response, &id, uri.path(), strict_transport);
            if let Some(started) = started {
                let millis = started.elapsed().as_secs_f64() * 1000.0;
                span.in_scope(|| tracing::info!(status = response.status().as_u16(), duration_ms = millis, "served"));
            }
            response
        };
        let work = shared.scope.run(work);
        Box::pin(async move { Ok(work.await) })
    }
}

/// A problem's body completed with the request id and path, the request id header, and the
/// security headers.
fn finish_response(mut response: Response, id: &str, path: &str, strict_transport: bool) -> Response {
    if let Some(mut problem) = response.extensions_mut().remove::<Problem>() {
        problem.request_id = Some(id.to_owned());
        problem.instance = Some(path.to_owned());
        let (parts, _) = response.into_parts();
        response = Response::from_parts(parts, Body::from(problem.to_body()));
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    crate::security::apply(response.headers_mut(), strict_transport);
    response
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

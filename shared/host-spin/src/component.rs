//! Bridges Spin's wasi:http types to the axum router.

use axum::Router;
use axum::body::Body;
use emmaus_app::Platform;
use http_body_util::BodyExt as _;
use spin_sdk::http::{Fields, IncomingRequest, OutgoingResponse, ResponseOutparam};
use tower::ServiceExt as _;

/// Serves one request with the router `build` makes from the component's Platform. Every request
/// is a fresh instance, so the Platform and the router are built for each; with the Spin variable
/// `server_timing` set to `true` the response says how long each step took (`Server-Timing`), which
/// `scripts/bench/spin` reads to show where a request's time goes inside the component.
pub async fn serve(
    build: fn(Platform) -> Router,
    version: &'static str,
    build_id: &'static str,
    request: IncomingRequest,
    out: ResponseOutparam,
) {
    let mut phases = Phases::start();
    let request = to_http(request).await;
    phases.mark("request");
    let platform = crate::platform(version, build_id);
    phases.mark("platform");
    let mut response = match (request, platform) {
        (Ok(request), Ok(platform)) => {
            let router = build(platform);
            phases.mark("router");
            let response = router.oneshot(request).await.unwrap_or_else(|never| match never {});
            phases.mark("handler");
            response
        }
        (_, Err(error)) => unconfigured(&error),
        (Err(reason), Ok(_)) => plain(http::StatusCode::BAD_REQUEST, reason),
    };
    if server_timing_wanted()
        && let Ok(value) = http::HeaderValue::from_str(&phases.header())
    {
        response.headers_mut().append("server-timing", value);
    }
    write(response, out).await;
}

/// Whether the operator asked for `Server-Timing` (off unless the variable says `true`).
fn server_timing_wanted() -> bool {
    use emmaus_ports::ConfigSource as _;
    emmaus_spin::SpinVariables.get("server_timing").is_some_and(|value| value.trim() == "true")
}

/// How long each step of one request took, in the order they ran.
struct Phases {
    last: std::time::Instant,
    marks: Vec<(&'static str, std::time::Duration)>,
}

impl Phases {
    fn start() -> Self {
        Self { last: std::time::Instant::now(), marks: Vec::with_capacity(4) }
    }

    fn mark(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.marks.push((name, now - self.last));
        self.last = now;
    }

    /// `request;dur=0.012, platform;dur=0.310, …` in milliseconds (the header's unit).
    fn header(&self) -> String {
        self.marks
            .iter()
            .map(|(name, took)| format!("{name};dur={:.3}", took.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn to_http(request: IncomingRequest) -> Result<http::Request<Body>, String> {
    let method = http::Method::from_bytes(request.method().to_string().as_bytes()).map_err(|e| e.to_string())?;
    let uri = request.path_with_query().unwrap_or_else(|| "/".into());
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in request.headers().entries() {
        builder = builder.header(name, value);
    }
    let body = request.into_body().await.map_err(|e| format!("could not read the request body: {e:?}"))?;
    let mut request = builder.body(Body::from(body)).map_err(|e| e.to_string())?;
    if let Some(address) = crate::client_address(request.headers()) {
        request.extensions_mut().insert(address);
    }
    Ok(request)
}

/// A problem+json 500 naming what is missing; logged too, since nobody may read the response.
fn unconfigured(error: &crate::PlatformError) -> http::Response<Body> {
    eprintln!("the component cannot start: {error}");
    let problem = emmaus_http::problem::Problem::new(
        http::StatusCode::INTERNAL_SERVER_ERROR,
        "configuration",
        "The component is not configured",
        Some(error.to_string()),
    );
    let mut response = http::Response::new(Body::from(problem.to_body()));
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    response
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(emmaus_http::problem::PROBLEM_JSON));
    response
}

fn plain(status: http::StatusCode, reason: String) -> http::Response<Body> {
    let mut response = http::Response::new(Body::from(reason));
    *response.status_mut() = status;
    response
}

async fn write(response: http::Response<Body>, out: ResponseOutparam) {
    let (parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let entries: Vec<(String, Vec<u8>)> =
        parts.headers.iter().map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec())).collect();
    let headers = Fields::from_list(&entries).unwrap_or_else(|_| Fields::new());
    let outgoing = OutgoingResponse::new(headers);
    let _ = outgoing.set_status_code(parts.status.as_u16());
    let _ = out.set_with_body(outgoing, bytes).await;
}

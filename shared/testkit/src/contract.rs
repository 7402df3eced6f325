//! The API contract suite: what every host must answer, whichever host it is.
//!
//! A host proves itself with `contract_tests!(make)`, where `make()` returns an [`ApiTarget`].
//! Cases check behaviour a client relies on (status, content types, bodies, headers), never
//! which adapters the host chose.

use crate::api::ApiTarget;

/// Expands to one `#[tokio::test]` per contract case.
#[macro_export]
macro_rules! contract_tests {
    ($make:path) => {
        $crate::contract_tests!(@cases $make;
            health_reports_every_store_as_ok,
            health_is_never_cached,
            openapi_document_describes_every_route,
            unknown_api_paths_are_problem_json_404s,
            wrong_methods_are_problem_json_405s,
            request_ids_are_echoed_or_made,
            bodies_and_query_strings_reach_the_router_intact,
            every_answer_carries_the_security_headers,
        );
    };
    (@cases $make:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::contract::$case($make().await).await;
            }
        )*
    };
}

fn assert_problem(response: &crate::api::ApiResponse, status: u16) -> serde_json::Value {
    assert_eq!(response.status, status, "body: {}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.header("content-type"), Some("application/problem+json"));
    let problem = response.json();
    assert_eq!(problem["status"], status);
    assert!(problem["type"].as_str().is_some_and(|t| t.starts_with("urn:emmaus:problem:")), "{problem}");
    assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()), "{problem}");
    assert_eq!(problem["request_id"].as_str(), response.header("x-request-id"), "the body quotes the request id");
    problem
}

pub async fn health_reports_every_store_as_ok(api: ApiTarget) {
    let response = api.get("/api/health").await;
    assert_eq!(response.status, 200, "body: {}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.header("content-type"), Some("application/json"));
    let health = response.json();
    assert_eq!(health["status"], "ok");
    assert!(health["version"].as_str().is_some_and(|v| v.split('.').count() == 3), "{health}");
    assert!(health["build"].as_str().is_some_and(|b| !b.is_empty()), "{health}");
    assert!(["local", "lambda", "spin"].contains(&health["host"].as_str().unwrap_or_default()), "{health}");
    let checks = health["checks"].as_array().expect("checks is a list");
    let names: Vec<&str> = checks.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["kv", "blob", "search"]);
    for check in checks {
        assert_eq!(check["status"], "ok", "{check}");
        assert!(check["adapter"].as_str().is_some_and(|a| !a.is_empty()), "{check}");
        assert!(check["latency_ms"].is_u64(), "{check}");
    }
}

/// Answers and problems alike: nothing may frame them, load from them or sniff their type.
pub async fn every_answer_carries_the_security_headers(api: ApiTarget) {
    for response in [api.get("/api/health").await, api.get("/api/no-such-route").await] {
        let policy = response.header("content-security-policy").unwrap_or_default();
        assert!(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"), "{policy:?}");
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(response.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(response.header("x-frame-options"), Some("DENY"));
    }
}

pub async fn health_is_never_cached(api: ApiTarget) {
    assert_eq!(api.get("/api/health").await.header("cache-control"), Some("no-store"));
}

pub async fn openapi_document_describes_every_route(api: ApiTarget) {
    let response = api.get("/api/openapi.json").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let document = response.json();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["title"], "Emmaus API");
    for path in ["/api/health", "/api/openapi.json"] {
        assert!(document["paths"][path]["get"].is_object(), "{path} is described");
    }
    assert!(document["components"]["schemas"]["Problem"].is_object(), "errors are described");
}

pub async fn unknown_api_paths_are_problem_json_404s(api: ApiTarget) {
    let problem = assert_problem(&api.get("/api/no-such-endpoint").await, 404);
    assert_eq!(problem["instance"], "/api/no-such-endpoint");
}

pub async fn wrong_methods_are_problem_json_405s(api: ApiTarget) {
    let request = http::Request::post("/api/health").body(Vec::new()).expect("valid request");
    assert_problem(&api.send(request).await, 405);
}

pub async fn request_ids_are_echoed_or_made(api: ApiTarget) {
    let request = http::Request::get("/api/health").header("x-request-id", "trace-42").body(Vec::new()).expect("valid");
    assert_eq!(api.send(request).await.header("x-request-id"), Some("trace-42"));
    let first = api.get("/api/health").await;
    let second = api.get("/api/health").await;
    let (a, b) = (first.header("x-request-id").expect("made"), second.header("x-request-id").expect("made"));
    assert_ne!(a, b, "each request gets its own id");
}

/// Whatever the host does to carry a request (API Gateway events, wasi:http), the router sees the
/// raw path, the query string and a binary body exactly as sent.
pub async fn bodies_and_query_strings_reach_the_router_intact(api: ApiTarget) {
    let body: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    let request = http::Request::post("/api/caf%C3%A9/x?tag=a&tag=b%20c&empty")
        .header("content-type", "application/octet-stream")
        .header("cookie", "session=abc; theme=dark")
        .body(body)
        .expect("a valid request");
    let problem = assert_problem(&api.send(request).await, 404);
    // The raw path arrives still encoded and without the query string.
    assert_eq!(problem["instance"], "/api/caf%C3%A9/x");

    let request = http::Request::put("/api/health?probe=1").body(vec![0xff, 0x00, 0xfe]).expect("a valid request");
    let problem = assert_problem(&api.send(request).await, 405);
    assert_eq!(problem["detail"], "PUT is not allowed on /api/health");
}

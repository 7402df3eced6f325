//! An API client that can point at any host: a router in process, or a server over HTTP.
//!
//! Contract tests take an [`ApiTarget`] and never know which host answers, so the same suite
//! judges `emmaus serve`, a function's own router, and later the Lambda and Wasm hosts.

use std::any::Any;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use futures::future::BoxFuture;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// A response as the client saw it.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl ApiResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A transport supplied by the caller, for hosts reached neither in process nor over HTTP.
pub type SendFn = Arc<dyn Fn(http::Request<Vec<u8>>) -> BoxFuture<'static, ApiResponse> + Send + Sync>;

enum Transport {
    InProcess(Router),
    Remote { base: String, client: reqwest::Client },
    Custom(SendFn),
}

/// Where contract tests send their requests; holds whatever keeps the host alive.
pub struct ApiTarget {
    transport: Transport,
    keep_alive: Vec<Box<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for ApiTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.transport {
            Transport::InProcess(_) => f.write_str("ApiTarget(in process)"),
            Transport::Remote { base, .. } => write!(f, "ApiTarget({base})"),
            Transport::Custom(_) => f.write_str("ApiTarget(custom)"),
        }
    }
}

impl ApiTarget {
    pub fn in_process(router: Router) -> Self {
        Self { transport: Transport::InProcess(router), keep_alive: Vec::new() }
    }

    pub fn remote(base: impl Into<String>) -> Self {
        // A fresh connection per request: a server may close a kept-alive connection after answering
        // without reading a body (a 404 to a large POST), and a pooled client that reuses it at that
        // moment fails with `IncompleteMessage`. The contract is about answers, not connection reuse.
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(0)
            .build()
            .expect("a plain HTTP client");
        Self {
            transport: Transport::Remote { base: base.into().trim_end_matches('/').to_owned(), client },
            keep_alive: Vec::new(),
        }
    }

    /// Requests go to `send`, e.g. through an emulator that turns them into platform events.
    pub fn custom(send: SendFn) -> Self {
        Self { transport: Transport::Custom(send), keep_alive: Vec::new() }
    }

    /// Keeps `value` (a temp dir, a server process) alive as long as the target.
    #[must_use]
    pub fn keeping(mut self, value: impl Any + Send + Sync) -> Self {
        self.keep_alive.push(Box::new(value));
        self
    }

    pub async fn send(&self, request: http::Request<Vec<u8>>) -> ApiResponse {
        match &self.transport {
            Transport::InProcess(router) => {
                let response =
                    router.clone().oneshot(request.map(Body::from)).await.unwrap_or_else(|never| match never {});
                let (parts, body) = response.into_parts();
                let body = body.collect().await.expect("in-process body").to_bytes().to_vec();
                ApiResponse { status: parts.status.as_u16(), headers: parts.headers, body }
            }
            Transport::Remote { base, client } => {
                let (parts, body) = request.into_parts();
                let url = format!("{base}{}", parts.uri.path_and_query().map_or("/", |p| p.as_str()));
                let response = client
                    .request(parts.method, url)
                    .headers(parts.headers)
                    .body(body)
                    .send()
                    .await
                    .expect("the host answers");
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = response.bytes().await.expect("response body").to_vec();
                ApiResponse { status, headers, body }
            }
            Transport::Custom(send) => send(request).await,
        }
    }

    pub async fn get(&self, path: &str) -> ApiResponse {
        self.get_with(path, &[]).await
    }

    /// A GET with extra request headers (a `Range`, say).
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> ApiResponse {
        let mut request = http::Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Vec::new()).expect("valid request")).await
    }
}

/// A server process that is killed when dropped.
#[derive(Debug)]
pub struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `program args…`, waits for it to print `http://host:port` on standard output, and
/// returns that base URL with the process guard. Panics with the output seen after `timeout`.
pub fn spawn_server(program: &Path, args: &[&str], timeout: Duration) -> (String, ServerProcess) {
    let mut child = Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let guard = ServerProcess(child);
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(line) = receiver.recv_timeout(left) else { break };
        if let Some(start) = line.find("http://") {
            return (line[start..].split_whitespace().next().unwrap_or_default().to_owned(), guard);
        }
        seen.push(line);
    }
    panic!("{} printed no URL within {timeout:?}; output: {seen:?}", program.display());
}

/// The `name=value` of each `Set-Cookie` header, as a browser would send them back.
pub fn set_cookies(headers: &http::HeaderMap) -> std::collections::BTreeMap<String, String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next()?.split_once('='))
        .map(|(name, value)| (name.trim().to_owned(), value.to_owned()))
        .collect()
}

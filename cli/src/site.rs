//! Serves the web app: from the copy embedded at build time, or from a folder while developing.
//!
//! Unknown paths outside `/api/` get `index.html`, so the app's own routes work on reload; paths
//! under `/api/` that no function serves stay problem+json 404s.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use include_dir::{Dir, include_dir};

static EMBEDDED: Dir<'static> = include_dir!("$EMMAUS_SITE_DIR");

/// Where the web app's files come from.
#[derive(Debug, Clone)]
pub enum Site {
    Embedded,
    Folder(PathBuf),
}

impl Site {
    /// Whether this binary carries a built web app.
    pub fn embedded_available() -> bool {
        EMBEDDED.get_file("index.html").is_some()
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        match self {
            Self::Embedded => EMBEDDED.get_file(path).map(|f| f.contents().to_vec()),
            Self::Folder(root) => {
                let relative = Path::new(path);
                // Only plain names: no `..`, no absolute paths, so nothing outside the folder is served.
                if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
                    return None;
                }
                let full = root.join(relative);
                full.is_file().then(|| std::fs::read(full).ok()).flatten()
            }
        }
    }

    /// Answers a request no API route matched.
    pub async fn respond(&self, request: Request) -> Response {
        let path = request.uri().path().to_owned();
        if path.starts_with("/api/") || path == "/api" {
            return emmaus_http::middleware::not_found(request).await.into_response();
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return emmaus_http::middleware::method_not_allowed(request).await.into_response();
        }
        let wanted = path.trim_start_matches('/');
        if !wanted.is_empty()
            && let Some(bytes) = self.read(wanted)
        {
            let mime = mime_guess::from_path(wanted).first_or_octet_stream();
            // Vite fingerprints everything under assets/, so those may be cached for good.
            let cache = if wanted.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
            return file_response(bytes, mime.as_ref(), cache);
        }
        match self.read("index.html") {
            Some(index) => file_response(index, "text/html; charset=utf-8", "no-cache"),
            None => no_site(),
        }
    }
}

fn file_response(bytes: Vec<u8>, content_type: &str, cache: &'static str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The app's own policy; the shared layers add the other security headers.
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(emmaus_http::security::SITE_POLICY));
    response
}

fn no_site() -> Response {
    let page = "<!doctype html><meta charset=utf-8><title>Emmaus</title>\
        <h1>The web app is not built into this binary</h1>\
        <p>The API is running under <a href=\"/api/health\">/api/health</a>. \
        Build the app with <code>scripts/serve</code>, or pass <code>--site-dir static-site/dist</code>.</p>";
    let mut response = file_response(page.as_bytes().to_vec(), "text/html; charset=utf-8", "no-cache");
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response
}

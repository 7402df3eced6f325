//! The access log the shared layer writes for each request. In a test binary of its own: tracing
//! caches whether a log line is wanted per call site, process-wide, so a subscriber set for one
//! test while others run beside it is not reliably asked.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use emmaus_http::middleware::{HttpSettings, REQUEST_ID_HEADER, finish};
use emmaus_memory::SequentialIds;
use http::StatusCode;
use tower::ServiceExt as _;

/// A log writer the test reads back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The access log line carries the request id, path, status and time taken when the log is at
/// `info`; below that nothing is written (and the clock is not read).
#[tokio::test]
async fn requests_are_logged_with_status_and_duration_at_info_only() {
    let app = finish(Router::new(), Arc::new(SequentialIds::default()), HttpSettings::default());
    for (level, logged) in [(tracing::Level::INFO, true), (tracing::Level::WARN, false)] {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        let request = http::Request::get("/nope").header(REQUEST_ID_HEADER, "log-1").body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        drop(guard);
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        match text.lines().find(|line| line.contains("served")) {
            Some(line) => {
                assert!(logged, "{level}: {line}");
                assert!(line.contains("status=404") && line.contains("duration_ms="), "{line}");
                assert!(line.contains("request_id=log-1") && line.contains("path=\"/nope\""), "{line}");
            }
            None => assert!(!logged, "{level}: no access log line in {text:?}"),
        }
    }
}

//! A test double of Postmark's Email API, "send a single email", served on loopback; no real Postmark
//! is reachable from tests.
//!
//! It follows Postmark's published API reference (postmarkapp.com/developer: "Email API" and the API
//! overview's "HTTP response codes" and "API error codes"):
//! - `POST /email` with the server token in `X-Postmark-Server-Token` (header name and value case
//!   insensitive, as documented); a missing or wrong token answers 401.
//! - `Accept` and `Content-Type` must both be `application/json`, else 422 with `ErrorCode` 409
//!   ("JSON required"); a body that is not JSON is 422 `ErrorCode` 402 ("Invalid JSON").
//! - The body's `From`, `To`, `Subject`, `TextBody`, `HtmlBody`, `MessageStream` fields; `To` is a
//!   comma-separated list of up to 50 addresses, each bare or `Name <address>`. A missing or illegal
//!   address, or neither body, is 422 `ErrorCode` 300 ("Invalid email request"); a `MessageStream`
//!   other than `outbound` is 422 `ErrorCode` 1235 (stream not found).
//! - Success is 200 with `To`, `SubmittedAt`, `MessageID`, `ErrorCode` 0 and `Message` "OK"; every
//!   error body is `{"ErrorCode": n, "Message": "…"}`.
//!
//! Where it is knowingly not Postmark: the `Message` texts are paraphrased; address checking is
//! Postmark's documented "must contain @" plus no spaces, not its full parser; sender signatures,
//! `Cc`/`Bcc`, attachments, the 10 MB limit, and rate limits are not modelled, except that
//! [`PostmarkDouble::answer_next`] can script the next answers (a 429, a 503) for error-path tests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use emmaus_ports::EmailMessage;
use serde_json::{Value, json};

pub const TOKEN: &str = "d1a2b3c4-test-server-token";

/// One request as the double received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Default)]
struct Inbox {
    delivered: Vec<EmailMessage>,
    requests: Vec<Recorded>,
    scripted: VecDeque<(StatusCode, Value)>,
}

type Shared = Arc<Mutex<Inbox>>;

pub struct PostmarkDouble {
    pub base_url: String,
    inbox: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for PostmarkDouble {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl PostmarkDouble {
    pub async fn start() -> Self {
        let inbox = Shared::default();
        let app = Router::new().route("/email", post(send_email)).with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let server = tokio::spawn(async move { axum::serve(listener, app).await.expect("the double serves") });
        Self { base_url, inbox, server }
    }

    fn inbox(&self) -> std::sync::MutexGuard<'_, Inbox> {
        self.inbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What Postmark would deliver, one message per recipient, in the order accepted.
    pub fn delivered(&self) -> Vec<EmailMessage> {
        self.inbox().delivered.clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.inbox().requests.clone()
    }

    /// Answers the next valid request with `status` and `body` instead of sending it.
    pub fn answer_next(&self, status: u16, body: Value) {
        self.inbox().scripted.push_back((StatusCode::from_u16(status).expect("a status"), body));
    }

    /// A reader for the conformance harness.
    pub fn received(self: &Arc<Self>) -> emmaus_testkit::mailer::Received {
        let double = self.clone();
        Arc::new(move || {
            let delivered = double.delivered();
            Box::pin(async move { delivered })
        })
    }
}

fn error(status: StatusCode, code: i64, message: impl Into<String>) -> (StatusCode, Json<Value>) {
    (status, Json(json!({ "ErrorCode": code, "Message": message.into() })))
}

fn is_json(headers: &HeaderMap, name: HeaderName) -> bool {
    headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim().starts_with("application/json"))
}

/// The address in `Name <address>` or a bare address, if it is one Postmark would accept.
fn address(entry: &str) -> Option<String> {
    let entry = entry.trim();
    let address = match (entry.rfind('<'), entry.strip_suffix('>')) {
        (Some(open), Some(_)) => &entry[open + 1..entry.len() - 1],
        _ => entry,
    };
    let ok = address.contains('@') && !address.chars().any(|c| c.is_whitespace() || "<>,;\"".contains(c));
    ok.then(|| address.to_owned())
}

async fn send_email(
    State(inbox): State<Shared>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> (StatusCode, Json<Value>) {
    let mut inbox = inbox.lock().unwrap_or_else(PoisonError::into_inner);
    inbox.requests.push(Recorded { headers: headers.clone(), body: body.to_vec() });
    let token = headers.get("x-postmark-server-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !token.eq_ignore_ascii_case(TOKEN) {
        return error(StatusCode::UNAUTHORIZED, 10, "Request does not contain a valid Server token.");
    }
    if !is_json(&headers, ACCEPT) || !is_json(&headers, CONTENT_TYPE) {
        let message = "Your HTTP request does not have the Accept and Content-Type headers set to application/json.";
        return error(StatusCode::UNPROCESSABLE_ENTITY, 409, message);
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 402, "The request body is not valid JSON.");
    };
    if let Some((status, body)) = inbox.scripted.pop_front() {
        return (status, Json(body));
    }
    let field = |name: &str| request.get(name).and_then(Value::as_str);
    if field("From").and_then(address).is_none() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            300,
            format!("Invalid 'From' address: '{}'.", field("From").unwrap_or("")),
        );
    }
    let to = field("To").unwrap_or_default();
    let mut recipients = Vec::new();
    for entry in to.split(',') {
        let Some(address) = address(entry) else {
            let message = format!(
                "Error parsing 'To': Illegal email address '{}'. It must contain the '@' symbol.",
                entry.trim()
            );
            return error(StatusCode::UNPROCESSABLE_ENTITY, 300, message);
        };
        recipients.push(address);
    }
    if recipients.len() > 50 {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 300, "You may not send to more than 50 recipients.");
    }
    let (text, html) = (field("TextBody"), field("HtmlBody"));
    if text.is_none() && html.is_none() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, 300, "Provide either email TextBody or HtmlBody or both.");
    }
    if field("MessageStream").is_some_and(|stream| stream != "outbound") {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            1235,
            "The message stream for the provided 'ID' was not found.",
        );
    }
    let subject = field("Subject").unwrap_or_default();
    for to in &recipients {
        let text = text.unwrap_or_default().to_owned();
        inbox.delivered.push(EmailMessage { to: to.clone(), subject: subject.to_owned(), text });
    }
    let id = format!("{:08x}-0000-4000-8000-{:012x}", inbox.requests.len(), inbox.delivered.len());
    let ok = json!({ "To": to, "SubmittedAt": "2026-01-01T12:00:00.0000000-05:00", "MessageID": id, "ErrorCode": 0, "Message": "OK" });
    (StatusCode::OK, Json(ok))
}

//! The Runtime API server: the four `2018-06-01` routes a custom runtime calls, and the queue
//! between [`crate::LambdaProcess::invoke`] and the runtime's long-poll.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use crate::{InvocationError, MAX_PAYLOAD_BYTES};

/// Where the runtime's answer to one invocation goes.
pub(crate) type Reply = oneshot::Sender<Result<Vec<u8>, InvocationError>>;

/// One queued invocation: the event and where its outcome goes.
#[derive(Debug)]
pub(crate) struct Pending {
    pub id: String,
    pub event: Vec<u8>,
    pub deadline_ms: u64,
    pub trace_id: String,
    pub reply: Reply,
}

/// What the handlers share with the [`crate::LambdaProcess`] that owns the server.
#[derive(Debug)]
pub(crate) struct Shared {
    queue: tokio::sync::Mutex<mpsc::UnboundedReceiver<Pending>>,
    in_flight: Mutex<HashMap<String, Reply>>,
    // Ids already answered, so a second answer is told apart from an unknown id.
    answered: Mutex<HashSet<String>>,
    init_error: Mutex<Option<InvocationError>>,
    first_next: Mutex<Option<Instant>>,
    first_next_seen: Condvar,
    function_arn: String,
}

impl Shared {
    pub fn new(queue: mpsc::UnboundedReceiver<Pending>, function_arn: String) -> Self {
        Self {
            queue: tokio::sync::Mutex::new(queue),
            in_flight: Mutex::default(),
            answered: Mutex::default(),
            init_error: Mutex::default(),
            first_next: Mutex::default(),
            first_next_seen: Condvar::new(),
            function_arn,
        }
    }

    /// Blocks until the runtime first asks for an invocation, or `timeout` passes.
    pub fn wait_first_next(&self, timeout: std::time::Duration) -> Option<Instant> {
        let guard = self.first_next.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .first_next_seen
            .wait_timeout_while(guard, timeout, |seen| seen.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }

    pub fn init_error(&self) -> Option<InvocationError> {
        self.init_error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Forgets an invocation its caller gave up on, so a late answer is refused as Lambda does.
    pub fn abandon(&self, id: &str) {
        self.in_flight.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(init_error))
        // Lambda accepts responses up to 6 MB and answers 413 beyond; axum's 2 MB default would cut in first.
        .layer(DefaultBodyLimit::max(MAX_PAYLOAD_BYTES + 1024 * 1024))
        .with_state(shared)
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    {
        let mut first = shared.first_next.lock().unwrap_or_else(PoisonError::into_inner);
        if first.is_none() {
            *first = Some(Instant::now());
            shared.first_next_seen.notify_all();
        }
    }
    let mut queue = shared.queue.lock().await;
    loop {
        let Some(pending) = queue.recv().await else {
            return error_body(StatusCode::INTERNAL_SERVER_ERROR, "ServiceException", "the emulator is shutting down");
        };
        // The caller timed out before the runtime asked; Lambda would not deliver it either.
        if pending.reply.is_closed() {
            continue;
        }
        shared.in_flight.lock().unwrap_or_else(PoisonError::into_inner).insert(pending.id.clone(), pending.reply);
        return (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (header::HeaderName::from_static("lambda-runtime-aws-request-id"), pending.id),
                (header::HeaderName::from_static("lambda-runtime-deadline-ms"), pending.deadline_ms.to_string()),
                (header::HeaderName::from_static("lambda-runtime-invoked-function-arn"), shared.function_arn.clone()),
                (header::HeaderName::from_static("lambda-runtime-trace-id"), pending.trace_id),
            ],
            pending.event,
        )
            .into_response();
    }
}

async fn response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> Response {
    if body.len() > MAX_PAYLOAD_BYTES {
        let message = format!("Response payload size ({} bytes) exceeded maximum allowed payload size", body.len());
        let answer = complete(&shared, &id, Err(InvocationError::new("Function.ResponseSizeTooLarge", &message)));
        if answer.status() != StatusCode::ACCEPTED {
            return answer;
        }
        return error_body(StatusCode::PAYLOAD_TOO_LARGE, "RequestEntityTooLarge", &message);
    }
    complete(&shared, &id, Ok(body.to_vec()))
}

async fn error(State(shared): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    complete(&shared, &id, Err(reported_error(&headers, &body)))
}

async fn init_error(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    *shared.init_error.lock().unwrap_or_else(PoisonError::into_inner) = Some(reported_error(&headers, &body));
    accepted()
}

/// Hands an answer to the waiting caller; unknown ids are 400 `InvalidRequestID` as in Lambda.
fn complete(shared: &Shared, id: &str, outcome: Result<Vec<u8>, InvocationError>) -> Response {
    let waiting = shared.in_flight.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    let mut answered = shared.answered.lock().unwrap_or_else(PoisonError::into_inner);
    match waiting {
        Some(reply) => {
            answered.insert(id.to_owned());
            // The caller may have stopped waiting; the runtime's answer is still accepted.
            let _ = reply.send(outcome);
            accepted()
        }
        None if answered.contains(id) => error_body(
            StatusCode::FORBIDDEN,
            "InvalidStateTransition",
            &format!("State transition is not allowed: invocation {id} was already answered"),
        ),
        None => error_body(StatusCode::BAD_REQUEST, "InvalidRequestID", "Invalid request ID"),
    }
}

/// The error a runtime reported: the `{errorMessage, errorType}` body, else the type header.
fn reported_error(headers: &HeaderMap, body: &[u8]) -> InvocationError {
    let header_type = headers.get("lambda-runtime-function-error-type").and_then(|v| v.to_str().ok());
    let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error_type =
        parsed["errorType"].as_str().or(header_type).filter(|t| !t.is_empty()).unwrap_or("Unhandled").to_owned();
    let message = match parsed["errorMessage"].as_str() {
        Some(message) => message.to_owned(),
        None => String::from_utf8_lossy(body).into_owned(),
    };
    InvocationError { error_type, message }
}

fn accepted() -> Response {
    (StatusCode::ACCEPTED, axum::Json(json!({ "status": "OK" }))).into_response()
}

fn error_body(status: StatusCode, error_type: &str, message: &str) -> Response {
    (status, axum::Json(json!({ "errorMessage": message, "errorType": error_type }))).into_response()
}

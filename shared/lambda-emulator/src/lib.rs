//! A test double for AWS Lambda: the Lambda Runtime API, version `2018-06-01`, served on loopback.
//!
//! It follows the published protocol ("AWS Lambda runtime API", paths under `/2018-06-01/runtime/`):
//! `GET invocation/next` long-polls and answers the event with the `Lambda-Runtime-Aws-Request-Id`,
//! `Lambda-Runtime-Deadline-Ms`, `Lambda-Runtime-Invoked-Function-Arn` and `Lambda-Runtime-Trace-Id`
//! headers; `POST invocation/{id}/response`, `POST invocation/{id}/error` and `POST init/error`
//! complete it. A function's real binary runs against it as it would in the Lambda execution
//! environment ([`LambdaProcess`]), fed API Gateway HTTP API events in payload format 2.0
//! ([`apigw`]) or EventBridge Scheduler events ([`scheduler`]). No AWS account is involved.
//!
//! Where it is knowingly not AWS:
//! - `rawPath` is passed as received; API Gateway is reported to decode it first, which matters only
//!   for `%2F`, `%3F`, `%23` and `%25` in paths.
//! - Text bodies (JSON, XML, YAML, forms, `text/*`) travel as text and everything else as base64; AWS
//!   does not publish its rule for HTTP APIs.
//! - A response posted twice answers 403 `InvalidStateTransition`, which the published API leaves open.
//! - One execution environment at a time, never frozen or restarted after a crash, with no init time
//!   limit, memory cap, Extensions or Telemetry API, no role credentials (pass them in `envs`), and
//!   API Gateway's own response headers and 30 s / 10 MB limits are not added. Lambda's 6 MB payload
//!   limits are enforced.

pub mod apigw;
mod process;
mod runtime_api;
pub mod scheduler;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use process::LambdaProcess;

/// The account and region every emulated resource claims; ARNs need both.
pub const ACCOUNT_ID: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// Lambda's limit on a synchronous request or response payload (6 MB).
pub const MAX_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;

/// A failed invocation, as the Invoke API reports it (`errorType`, `errorMessage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvocationError {
    pub error_type: String,
    pub message: String,
}

impl InvocationError {
    pub(crate) fn new(error_type: &str, message: impl Into<String>) -> Self {
        Self { error_type: error_type.to_owned(), message: message.into() }
    }
}

impl std::fmt::Display for InvocationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error_type, self.message)
    }
}

impl std::error::Error for InvocationError {}

/// A random version-4 UUID, the shape of Lambda request ids and event ids.
pub(crate) fn uuid() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source");
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = format!("{:032x}", u128::from_be_bytes(bytes));
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Milliseconds since the Unix epoch, the unit of `Lambda-Runtime-Deadline-Ms` and `timeEpoch`.
pub(crate) fn epoch_ms(after: Duration) -> u64 {
    (SystemTime::now() + after).duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64
}

/// An X-Ray trace root, `Root=1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>`.
pub(crate) fn trace_root() -> String {
    format!("Root=1-{:08x}-{}", epoch_ms(Duration::ZERO) / 1000, &uuid().replace('-', "")[..24])
}

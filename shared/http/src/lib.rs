//! The HTTP layer every function shares, so each endpoint only speaks of its own work.
//!
//! - [`problem`]: the one mapping from `DomainError` to RFC 9457 problem+json.
//! - [`auth`]: session cookies or bearer tokens, CSRF defence, and request metadata.
//! - [`extract`]: JSON, query and path extractors whose rejections are problems too.
//! - [`middleware`]: request ids, per-request spans and access logs, and the finishing layers.
//! - [`function`]: the entry points every function exports around its `api()`.
//! - [`downloads`]: signed links to files, served with ranges and never as a page.
//! - [`jobs`]: the token-guarded HTTP trigger of background jobs.
//! - [`security`]: the security headers of every response (CSP, no framing, nosniff, HSTS).
//! - [`schemas`]: OpenAPI shapes of domain types several functions answer with.
//! - [`telemetry`]: logging set-up for hosts (JSON lines or human-readable).

pub mod auth;
pub mod downloads;
pub mod extract;
pub mod function;
pub mod jobs;
pub mod middleware;
pub mod problem;
pub mod schemas;
pub mod security;
pub mod telemetry;

pub use extract::{IfMatch, Json, Path, Query, etag};
pub use middleware::{HttpSettings, RequestId, RequestScope, finish, layers, layers_in};
pub use problem::{ApiError, ApiResult, Problem};

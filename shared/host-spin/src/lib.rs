//! The Spin host: turns a wasi:http request into an `http::Request`, runs the router, and
//! writes the response back, keeping every header (repeated ones such as `set-cookie` included).
//!
//! The Platform comes from Spin variables (see [`platform`]): key-value on Spin's SQLite, blobs on
//! an S3-compatible store over outbound HTTP (or in memory, which health reports by name), and
//! outbound HTTP over wasi:http. A component missing a required variable answers every request
//! with a problem+json 500 naming it, rather than trapping.

#[cfg(target_arch = "wasm32")]
mod component;
mod platform;

#[cfg(target_arch = "wasm32")]
pub use component::serve;
#[cfg(target_arch = "wasm32")]
pub use platform::platform;
pub use platform::{MAX_BLOB_BYTES, PlatformError, max_blob_bytes, s3_config};

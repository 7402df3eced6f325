//! The Spin host: turns a wasi:http request into an `http::Request`, runs the router, and
//! writes the response back, keeping every header (repeated ones such as `set-cookie` included).
//!
//! Storage here is in-memory until the Spin adapters arrive (see the Spin issue); health
//! reports the adapter by name, so a deployment can never mistake it for durable storage.

#[cfg(target_arch = "wasm32")]
mod component;
mod platform;

#[cfg(target_arch = "wasm32")]
pub use component::serve;
pub use platform::platform;

//! The `system` function: `GET /api/health` and `GET /api/openapi.json`.
//!
//! Like every function it exports `api()` (routes with their OpenAPI description), `routes()`
//! (bare, for the local host to merge) and `router()` (finished, for Lambda and Spin).

mod health;
mod openapi;

pub use openapi::API_DOCUMENT;

/// Version and build of this binary, for `HostInfo`.
pub const VERSION: &str = emmaus_app::VERSION;
pub const BUILD: &str = emmaus_app::BUILD;

emmaus_http::function_entry_points! {
    [health::health],
    [openapi::openapi_json],
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

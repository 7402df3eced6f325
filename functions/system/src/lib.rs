//! The `system` function: `GET /api/health` and `GET /api/openapi.json`.
//!
//! Like every function it exports `api()` (routes with their OpenAPI description), `routes()`
//! (bare, for the local host to merge) and `router()` (finished, for Lambda and Spin).

mod health;
mod openapi;

use axum::Router;
use emmaus_app::Platform;
use emmaus_http::HttpLimits;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use openapi::API_DOCUMENT;

/// Version and build of this binary, for `HostInfo`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const BUILD: &str = env!("EMMAUS_BUILD");

/// The routes of this function with their OpenAPI description.
pub fn api() -> OpenApiRouter<Platform> {
    OpenApiRouter::new().routes(routes!(health::health)).routes(routes!(openapi::openapi_json))
}

/// The bare routes, ready for the local host to merge with other functions.
pub fn routes(platform: Platform) -> Router {
    api().split_for_parts().0.with_state(platform)
}

/// The function as a deployable service: routes plus the shared layers.
pub fn router(platform: Platform) -> Router {
    let ids = platform.ids.clone();
    emmaus_http::finish(routes(platform), ids, HttpLimits::default())
}

#[cfg(target_arch = "wasm32")]
#[expect(unsafe_code, reason = "Spin's export macro emits the component ABI glue")]
mod spin {
    /// The Spin component's entry: every request goes through the same router as elsewhere.
    #[spin_sdk::http_component]
    async fn handle(request: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
        emmaus_host_spin::serve(super::router, super::VERSION, super::BUILD, request, out).await;
    }
}

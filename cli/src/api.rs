//! Every function's routes merged into one API, and the OpenAPI document they describe.

use axum::Router;
use emmaus_app::Platform;
use utoipa::openapi::{InfoBuilder, OpenApi};

/// The functions served by this host, by name; the drift test checks the manifests list the same.
pub const FUNCTIONS: &[&str] = &["system"];

/// The bare API routes of every function (no layers yet).
pub fn routes(platform: &Platform) -> Router {
    Router::new().merge(system::routes(platform.clone()))
}

/// The OpenAPI document of the whole API, generated from the functions' code.
pub fn document() -> OpenApi {
    let mut document = system::api().split_for_parts().1;
    document.info = InfoBuilder::new()
        .title("Emmaus API")
        .version(system::VERSION)
        .description(Some("Coaching and discipleship platform: learning planner, knowledge hub, session builder."))
        .build();
    document
}

/// The document as committed in `functions/system/openapi.json`: pretty JSON and a final newline.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

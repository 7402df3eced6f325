//! An HTTP function for the tests of the Lambda host: `GET /probe` answers what the host gave the
//! router (the client address, whether the origin secret header got through, the mailer, and the
//! test settings `EMMAUS_PROBE_*`), so the tests can check the request context and the settings
//! secret through the Runtime API.

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::routing::get;
use emmaus_app::Platform;
use emmaus_http::auth::ClientAddress;

async fn probe(
    State(platform): State<Platform>,
    address: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
) -> String {
    let setting = |key: &str| platform.config.get(key);
    serde_json::json!({
        "client_address": address.map(|Extension(a)| a.0),
        "origin_secret_header": headers.contains_key(emmaus_host_lambda::ORIGIN_SECRET_HEADER),
        "mailer": platform.mailer.adapter(),
        "from_secret": setting("EMMAUS_PROBE_FROM_SECRET"),
        "shadowed": setting("EMMAUS_PROBE_SHADOWED"),
    })
    .to_string()
}

fn router(platform: Platform) -> Router {
    Router::new().route("/probe", get(probe)).with_state(platform)
}

fn main() -> Result<(), emmaus_host_lambda::Error> {
    emmaus_host_lambda::run(router, "0.0.0", "probe")
}

//! Every function's routes merged into one API, and the OpenAPI document they describe.

use axum::Router;
use emmaus_app::Platform;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi};

/// One deployable function: its name (folder, crate, Spin component, SAM binary) and its routes.
#[derive(Debug)]
pub struct Function {
    pub name: &'static str,
    pub api: fn() -> utoipa_axum::router::OpenApiRouter<Platform>,
}

/// Every function, in the order the manifests list them; the drift test holds both to this list.
pub const FUNCTIONS: &[Function] = &[
    Function { name: "system", api: system::api },
    Function { name: "auth", api: auth::api },
    Function { name: "people", api: people::api },
    Function { name: "hub", api: hub::api },
    Function { name: "planner", api: planner::api },
    Function { name: "sessions", api: sessions::api },
    Function { name: "exports", api: exports::api },
    Function { name: "notify", api: notify::api },
    Function { name: "ingest", api: ingest::api },
];

/// A function's routes as `(METHOD, /path/{param})`, from its OpenAPI description.
pub fn routes_of(function: &Function) -> Vec<(String, String)> {
    let document = (function.api)().split_for_parts().1;
    let mut routes = Vec::new();
    for (path, item) in &document.paths.paths {
        let methods = [
            ("GET", item.get.is_some()),
            ("PUT", item.put.is_some()),
            ("POST", item.post.is_some()),
            ("DELETE", item.delete.is_some()),
            ("PATCH", item.patch.is_some()),
            ("HEAD", item.head.is_some()),
        ];
        for (method, present) in methods {
            if present {
                routes.push((method.to_owned(), path.clone()));
            }
        }
    }
    routes.sort();
    routes
}

/// The bare API routes of every function (no layers yet).
pub fn routes(platform: &Platform) -> Router {
    Router::new()
        .merge(system::routes(platform.clone()))
        .merge(auth::routes(platform.clone()))
        .merge(people::routes(platform.clone()))
        .merge(hub::routes(platform.clone()))
        .merge(planner::routes(platform.clone()))
        .merge(sessions::routes(platform.clone()))
        .merge(exports::routes(platform.clone()))
        .merge(notify::routes(platform.clone()))
        .merge(ingest::routes(platform.clone()))
}

/// The OpenAPI document of the whole API, generated from the functions' code.
pub fn document() -> OpenApi {
    let mut document = OpenApi::default();
    for function in FUNCTIONS {
        document.merge((function.api)().split_for_parts().1);
    }
    // The jobs routes take the jobs token as a bearer token (ADR 0007); nothing else uses one.
    document.components.get_or_insert_default().add_security_scheme(
        "jobs_token",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("EMMAUS_JOBS_TOKEN (Spin: jobs_token)"))
                .build(),
        ),
    );
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

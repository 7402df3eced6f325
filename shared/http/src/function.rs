//! The entry points every function exports around its routes, written once.

/// Declares a function's routes once, as groups of handlers that share a path (each handler a
/// `module::handler` with a `#[utoipa::path]`), and defines from them:
///
/// - `api()`: the routes with their OpenAPI description, for the API document;
/// - `routes(platform)`: the bare routes, for the local host to merge with other functions;
/// - `router(platform)`: with the shared layers, as Lambda and Spin serve it.
///
/// `routes` and `router` register the handlers without building their description: the paths and
/// methods come from the same `#[utoipa::path]` attributes, but the operations and schemas are
/// not assembled. A Spin component builds its router for every request, and the description alone
/// took 0.1 ms (system) to 0.8 ms (auth) there.
#[macro_export]
macro_rules! function_entry_points {
    ( $( [ $( $module:ident :: $handler:ident ),+ $(,)? ] ),+ $(,)? ) => {
        /// The routes of this function with their OpenAPI description.
        pub fn api() -> ::utoipa_axum::router::OpenApiRouter<::emmaus_app::Platform> {
            ::utoipa_axum::router::OpenApiRouter::new()
                $( .routes(::utoipa_axum::routes!( $( $module::$handler ),+ )) )+
        }

        /// The bare routes, ready for the local host to merge with other functions.
        pub fn routes(platform: ::emmaus_app::Platform) -> ::axum::Router {
            use ::utoipa::Path as _;
            use ::utoipa_axum::PathItemExt as _;
            let router = ::axum::Router::<::emmaus_app::Platform>::new();
            $( $(
                let router = ::utoipa_axum::paste! {{
                    let methods = $module::[<__path_ $handler>]::methods();
                    let handler = methods.iter().fold(::axum::routing::MethodRouter::new(), |handler, method| {
                        handler.on(method.to_method_filter(), $module::$handler)
                    });
                    // Routes on one path merge their methods.
                    router.route(&$module::[<__path_ $handler>]::path(), handler)
                }};
            )+ )+
            router.with_state(platform)
        }

        /// The function as a deployable service: routes plus the shared layers.
        pub fn router(platform: ::emmaus_app::Platform) -> ::axum::Router {
            let ids = platform.ids.clone();
            let settings = $crate::HttpSettings::for_platform(&platform);
            $crate::finish(routes(platform), ids, settings)
        }
    };
}

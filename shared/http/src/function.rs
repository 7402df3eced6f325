//! The entry points every function exports around its `api()`, written once.

/// Defines `routes(platform)` (bare, for the local host to merge with other functions) and
/// `router(platform)` (with the shared layers, as Lambda and Spin serve it) from the `api()`
/// function of the module it is invoked in.
#[macro_export]
macro_rules! function_entry_points {
    () => {
        /// The bare routes, ready for the local host to merge with other functions.
        pub fn routes(platform: ::emmaus_app::Platform) -> ::axum::Router {
            api().split_for_parts().0.with_state(platform)
        }

        /// The function as a deployable service: routes plus the shared layers.
        pub fn router(platform: ::emmaus_app::Platform) -> ::axum::Router {
            let ids = platform.ids.clone();
            let settings = $crate::HttpSettings::for_platform(&platform);
            $crate::finish(routes(platform), ids, settings)
        }
    };
}

//! The `auth` function: sign-in (password or SSO, then a second factor where set up) and
//! sessions, password reset, accepting invitations, the first-run setup, the signed-in person's
//! profile and second factor, and the dev outbox.
//!
//! Like every function it exports `api()` (routes with their OpenAPI description), `routes()`
//! (bare, for the local host to merge) and `router()` (finished, for Lambda and Spin).

mod invitation;
mod outbox;
mod password;
mod profile;
mod second_factor;
mod session;
mod setup;
mod sso;
pub mod views;

use emmaus_app::Platform;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this function with their OpenAPI description.
pub fn api() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(session::current))
        .routes(routes!(session::sign_in))
        .routes(routes!(second_factor::complete))
        .routes(routes!(second_factor::begin))
        .routes(routes!(second_factor::confirm))
        .routes(routes!(second_factor::renew_recovery_codes))
        .routes(routes!(second_factor::disable))
        .routes(routes!(session::refresh))
        .routes(routes!(session::sign_out))
        .routes(routes!(session::sign_out_everywhere))
        .routes(routes!(profile::update))
        .routes(routes!(password::change))
        .routes(routes!(password::forgot))
        .routes(routes!(password::reset))
        .routes(routes!(invitation::preview))
        .routes(routes!(invitation::accept))
        .routes(routes!(setup::status))
        .routes(routes!(setup::complete))
        .routes(routes!(outbox::list))
        .routes(routes!(sso::providers))
        .routes(routes!(sso::start))
        .routes(routes!(sso::link))
        .routes(routes!(sso::callback))
}

emmaus_http::function_entry_points!();

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

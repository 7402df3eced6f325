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

emmaus_http::function_entry_points! {
    [session::current],
    [session::sign_in],
    [second_factor::complete],
    [second_factor::begin],
    [second_factor::confirm],
    [second_factor::renew_recovery_codes],
    [second_factor::disable],
    [session::refresh],
    [session::sign_out],
    [session::sign_out_everywhere],
    [profile::update],
    [password::change],
    [password::forgot],
    [password::reset],
    [invitation::preview],
    [invitation::accept],
    [setup::status],
    [setup::complete],
    [outbox::list],
    [sso::providers],
    [sso::start],
    [sso::link],
    [sso::callback],
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

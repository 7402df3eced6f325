//! The `people` function: an organisation's members and roles, invitations, groups, mentoring
//! relationships and audit log, all under `/api/people/{org}`.
//!
//! Every handler resolves the caller to an actor in the organisation of the path (404 for anyone
//! who is not a member, as for an organisation that does not exist) and leaves the decision to the
//! use case, which asks the permission matrix.

mod audit;
mod groups;
mod invitations;
mod members;
mod mentorships;
mod org;
pub mod views;

use emmaus_app::Platform;
use emmaus_http::ApiResult;
use emmaus_identity::{Actor, Principal, directory};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes of this function with their OpenAPI description.
pub fn api() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
        .routes(routes!(org::read, org::update))
        .routes(routes!(members::list))
        .routes(routes!(members::read, members::remove))
        .routes(routes!(members::set_roles))
        .routes(routes!(invitations::list, invitations::create))
        .routes(routes!(invitations::revoke))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::read, groups::update, groups::delete))
        .routes(routes!(groups::add_member, groups::remove_member))
        .routes(routes!(mentorships::list, mentorships::create))
        .routes(routes!(mentorships::end))
        .routes(routes!(audit::list))
        .routes(routes!(audit::export))
        .routes(routes!(audit::verify))
}

emmaus_http::function_entry_points!();

/// The caller as a member of `org`.
async fn actor(p: &Platform, who: &Principal, org: &str) -> ApiResult<Actor> {
    Ok(directory::actor_in(p, who, org).await?)
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

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

emmaus_http::function_entry_points! {
    [org::read, org::update],
    [members::list],
    [members::read, members::remove],
    [members::set_roles],
    [invitations::list, invitations::create],
    [invitations::revoke],
    [groups::list, groups::create],
    [groups::read, groups::update, groups::delete],
    [groups::add_member, groups::remove_member],
    [mentorships::list, mentorships::create],
    [mentorships::end],
    [audit::list],
    [audit::export],
    [audit::verify],
}

/// The caller as a member of `org`.
async fn actor(p: &Platform, who: &Principal, org: &str) -> ApiResult<Actor> {
    Ok(directory::actor_in(p, who, org).await?)
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

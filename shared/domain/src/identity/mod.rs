//! Who people are to an organisation: organisations, memberships and roles, groups, mentoring.
//!
//! Plain data and the rules on it; storage and sign-in live in the application layer.

pub mod names;
pub mod records;
pub mod roles;

pub use names::{Email, OrgSlug, normalise_display_name};
pub use records::{Group, Invitation, InvitationState, Membership, Mentorship, Organisation, Person, SessionPolicy};
pub use roles::{Role, RoleSet};

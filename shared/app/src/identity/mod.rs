//! Identity use cases: organisations and people, sign-in and sessions, invitations, groups,
//! mentoring, the audit log, and the permission checks that guard them all.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod context;
pub mod directory;
pub mod groups;
pub mod invitations;
pub mod keys;
pub mod members;
pub mod mentorships;
pub mod notices;
pub mod passwords;
pub mod resets;
pub mod second_factor;
pub mod secrets;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod sso;
pub mod throttle;
pub mod tokens;

pub use context::{Actor, Principal, RequestMeta};

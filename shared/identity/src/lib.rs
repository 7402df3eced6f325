//! The identity module: organisations and people, sign-in (password, single sign-on, a second
//! factor) and sessions, invitations, groups, mentoring, the audit log, and the permission checks
//! that guard them all. Its rules and use cases over `emmaus_app`'s Platform; the `auth` and
//! `people` functions are thin HTTP shells over it.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod context;
pub mod directory;
pub mod groups;
pub mod invitations;
pub mod jobs;
pub mod keys;
pub mod members;
pub mod mentorships;
pub mod notices;
pub mod passwords;
pub mod resets;
pub mod second_factor;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod sso;
pub mod throttle;
pub mod tokens;

#[cfg(any(test, feature = "testing"))]
pub mod scenarios;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

/// Random tokens, their digests and constant-time comparison, shared with the other layers.
pub use emmaus_app::secrets;

pub use context::{Actor, Principal, RequestMeta};

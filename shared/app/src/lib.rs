//! Application layer: use cases that combine domain rules with the ports, host-independent.

pub mod docs;
pub mod error;
pub mod health;
pub mod identity;
pub mod jobs;
pub mod mail;
pub mod mail_queue;
pub mod outbox;
pub mod platform;
#[cfg(any(test, feature = "testing"))]
pub mod scenarios;
pub mod sealing;

pub use platform::{HostInfo, Platform};

/// Version of Emmaus, the same for every function of one build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The source revision this build comes from (`-modified` when the tree had changes), or `unknown`.
pub const BUILD: &str = env!("EMMAUS_BUILD");

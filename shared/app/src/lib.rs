//! Application layer, shared by every module: the Platform every host assembles, typed documents
//! over the key-value port, jobs and the outbox, the mail queue, sealing and secrets. Each module's
//! rules and use cases live in a crate of their own (`emmaus-identity`, ...) over this one.

pub mod docs;
pub mod error;
pub mod health;
pub mod jobs;
pub mod mail;
pub mod mail_queue;
pub mod outbox;
pub mod platform;
pub mod sealing;
pub mod secrets;

pub use platform::{HostInfo, Platform, PlatformParts};

/// Version of Emmaus, the same for every function of one build.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The source revision this build comes from (`-modified` when the tree had changes), or `unknown`.
pub const BUILD: &str = env!("EMMAUS_BUILD");

//! Application layer: use cases that combine domain rules with the ports, host-independent.

pub mod error;
pub mod health;
pub mod jobs;
pub mod mail;
pub mod platform;

pub use platform::{HostInfo, Platform};

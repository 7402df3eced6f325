//! The domain of Emmaus: entities, rules and the error type every use case speaks.
//!
//! This crate performs no I/O and calls no clock or random source; whatever it needs from the
//! world arrives as arguments, so the same code runs on Spin, Lambda and locally, and tests are
//! deterministic. `scripts/test` proves the absence of runtime crates with `cargo tree`.

pub mod audit;
pub mod error;
pub mod hub;
pub mod identity;
pub mod password;
pub mod permissions;
pub mod preferences;
pub mod throttle;
pub mod time;
pub mod totp;
pub mod validation;

pub use error::{DomainError, FieldError};
pub use time::Timestamp;

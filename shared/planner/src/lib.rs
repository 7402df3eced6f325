//! The Learning Planner's pure core. For now one part of it: recurring study tasks
//! ([`recurrence`]), a rule and a start on a person's wall clock expanded into instants in their
//! time zone.
//!
//! Pure functions over plain values: no clock, randomness or I/O, so the same code runs in Spin
//! components (wasm32-wasip2) and natively, and time zones come from the tz database that jiff
//! builds into every binary of the workspace.

pub mod recurrence;

//! The Learning Planner module: a person's goals (their own, or proposed by those who walk with
//! them), an ordered study queue of hub resources and links, study tasks that may recur, and the
//! calendar of their occurrences. Its use cases ask the permission matrix how the caller stands to
//! the person whose plan it is (`access`); its pure parts (`recurrence`, `rank`, `model`'s rules)
//! do no I/O and read no clock, so the same code runs in Spin components and natively, and time
//! zones come from the tz database that jiff builds into every binary of the workspace.

pub mod access;
pub mod calendar;
pub mod comments;
pub mod dashboard;
pub mod feed;
pub mod goals;
pub mod ics;
pub mod keys;
pub mod meetings;
pub mod model;
pub mod people;
mod placed;
pub mod queue;
pub mod rank;
pub mod recurrence;
pub mod tasks;

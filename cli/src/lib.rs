//! The local host of Emmaus: configuration, the merged router, the web app, the server and the
//! in-process job scheduler.

pub mod admin;
pub mod api;
pub mod config;
pub mod import;
pub mod platform;
pub mod proxies;
pub mod scheduler;
pub mod server;
pub mod site;

//! The local host of Emmaus: configuration, the merged router, the web app and the server.

pub mod admin;
pub mod api;
pub mod config;
pub mod platform;
pub mod server;
pub mod site;

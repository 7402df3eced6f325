//! The key-value port on `SQLite`: durable storage in one file for a single host (local runs, small
//! self-hosted installs), keeping the same contract as the memory and `DynamoDB` adapters.

mod error;
mod kv;
mod schema;
mod search;

pub use kv::SqliteKv;
pub use schema::SCHEMA_VERSION;
pub use search::SqliteSearch;

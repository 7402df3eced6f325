//! `SQLite` adapters: the key-value port in one durable file for a single host (local runs, small
//! self-hosted installs), keeping the same contract as the memory and `DynamoDB` adapters; the
//! search port on FTS5 in a file (`SqliteSearch`), and as snapshots in object storage for hosts
//! without a database of their own (`SnapshotSearch`, on Lambda).

mod error;
mod kv;
mod pool;
mod schema;
mod search;
mod snapshot;
mod snapshot_reads;

pub use kv::SqliteKv;
pub use schema::SCHEMA_VERSION;
pub use search::SqliteSearch;
pub use snapshot::SnapshotSearch;
pub use snapshot_reads::one_snapshot;

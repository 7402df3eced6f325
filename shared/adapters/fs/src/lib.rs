//! The blob port on the local filesystem: one file per blob holding its metadata and bytes, put
//! in place by an atomic rename, with signed URLs from the shared signer.

mod format;
mod paths;
mod store;
mod write;

pub use store::FsBlobStore;

//! Adapters for Spin components (spin-sdk 5, WASI 0.2).
//!
//! - [`SpinS3BlobStore`]: the blob port on an S3-compatible store over any `HttpClient`. It has no
//!   Spin dependency, so it is also tested natively (reqwest against moto).
//! - `SpinSqliteKv`: the key-value port on Spin's SQLite API (`fermyon:spin/sqlite@2.0.0`), with
//!   the table and semantics of `emmaus-sqlite`; Spin's key-value API has neither prefix listing
//!   nor compare-and-swap.
//! - `SpinSqliteSearch`: the search port on the same database, with FTS5 (host-side).
//! - `SpinVariables`: configuration from Spin variables. Spin variable names are lower snake case,
//!   so our key `EMMAUS_FOO_BAR` is read as the variable `foo_bar`.
//! - `WasiHttp`: outbound HTTP over `wasi:http/outgoing-handler@0.2.0`, driven synchronously.
//!
//! All but the first exist only on `wasm32`.

mod s3;
#[cfg(target_arch = "wasm32")]
mod schema;
#[cfg(target_arch = "wasm32")]
mod search;
#[cfg(target_arch = "wasm32")]
mod sqlite;
mod variables;
#[cfg(target_arch = "wasm32")]
mod wasi_http;

pub use s3::{ListPage, S3Config, S3Error, SignError, Signer, SpinS3BlobStore, error_code, list_page, uri_encode};
#[cfg(target_arch = "wasm32")]
pub use search::SpinSqliteSearch;
#[cfg(target_arch = "wasm32")]
pub use sqlite::SpinSqliteKv;
#[cfg(target_arch = "wasm32")]
pub use variables::SpinVariables;
pub use variables::{variable_hint, variable_name};
#[cfg(target_arch = "wasm32")]
pub use wasi_http::WasiHttp;

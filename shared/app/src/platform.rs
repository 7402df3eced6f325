//! The Platform bundle: the adapters a host chose, handed to every function's router.

use std::sync::Arc;

use emmaus_ports::{BlobStore, Clock, ConfigSource, HttpClient, Ids, KvStore};

/// Which host runs the code, and what build it is; reported by health and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInfo {
    /// `local`, `lambda` or `spin`.
    pub kind: &'static str,
    pub version: &'static str,
    /// The source revision the binary was built from, or `unknown`.
    pub build: &'static str,
}

/// Everything a use case may reach outside itself. Cloning is cheap (shared handles).
#[derive(Debug, Clone)]
pub struct Platform {
    pub kv: Arc<dyn KvStore>,
    pub blobs: Arc<dyn BlobStore>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub http: Arc<dyn HttpClient>,
    pub config: Arc<dyn ConfigSource>,
    pub host: HostInfo,
}

//! The Platform a Spin component runs with.

use std::sync::Arc;

use emmaus_app::{HostInfo, Platform};
use emmaus_memory::{MemoryBlobStore, MemoryKv, ScriptedHttp};
use emmaus_ports::{EnvConfig, Ids, RandomIds, SystemClock, UrlSigner};

const MAX_BLOB_BYTES: u64 = 25 * 1024 * 1024;

/// In-memory stores and an outbound client that answers nothing until the Spin adapters land.
pub fn platform(version: &'static str, build: &'static str) -> Platform {
    let clock = Arc::new(SystemClock);
    let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
    let signer = UrlSigner::new("", ids.random_bytes(32));
    Platform {
        kv: Arc::new(MemoryKv::new(clock.clone())),
        blobs: Arc::new(MemoryBlobStore::new(MAX_BLOB_BYTES, clock.clone(), signer)),
        clock,
        ids,
        // No function makes outbound calls yet; an empty script refuses each call with a clear error.
        http: Arc::new(ScriptedHttp::new()),
        config: Arc::new(EnvConfig),
        host: HostInfo { kind: "spin", version, build },
    }
}

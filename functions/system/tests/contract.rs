//! The system function's own router (as Lambda and Spin run it) against the API contract.

use std::sync::Arc;

use emmaus_app::{HostInfo, Platform};
use emmaus_memory::{ManualClock, MemoryBlobStore, MemoryKv, ScriptedHttp, SequentialIds};
use emmaus_ports::{MapConfig, UrlSigner};
use emmaus_testkit::api::ApiTarget;
use emmaus_testkit::contract_tests;

async fn function_router() -> ApiTarget {
    let clock = Arc::new(ManualClock::default());
    let platform = Platform {
        kv: Arc::new(MemoryKv::new(clock.clone())),
        blobs: Arc::new(MemoryBlobStore::new(1024, clock.clone(), UrlSigner::new("", vec![0; 32]))),
        clock,
        ids: Arc::new(SequentialIds::default()),
        http: Arc::new(ScriptedHttp::new()),
        config: Arc::new(MapConfig::new()),
        host: HostInfo { kind: "lambda", version: system::VERSION, build: system::BUILD },
    };
    ApiTarget::in_process(system::router(platform))
}

contract_tests!(function_router);

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let response = function_router().await.get("/api/openapi.json").await;
    assert_eq!(response.body, system::API_DOCUMENT.as_bytes());
}

//! The system function's own router (as Lambda and Spin run it) against the API contract.

use emmaus_app::{HostInfo, Platform, PlatformParts};
use emmaus_testkit::api::ApiTarget;
use emmaus_testkit::contract_tests;

async fn function_router() -> ApiTarget {
    let platform = Platform::new(PlatformParts {
        host: HostInfo { kind: "lambda", version: system::VERSION, build: system::BUILD },
        ..Platform::in_memory("lambda").0.parts()
    });
    ApiTarget::in_process(system::router(platform))
}

contract_tests!(function_router);

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let response = function_router().await.get("/api/openapi.json").await;
    assert_eq!(response.body, system::API_DOCUMENT.as_bytes());
}

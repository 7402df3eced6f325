//! The sign-in throttle holds under concurrency on Lambda's store: 30 wrong passwords for one
//! account at once, on DynamoDB (moto under `scripts/test`), reach the password check no more
//! often than the window allows (five); the rest are answered 429, never a conflict. Without a
//! configured endpoint the case says why and passes; under `scripts/test` it fails instead.

use std::sync::Arc;

use emmaus_app::{Platform, PlatformParts};
use emmaus_identity::scenarios::sign_in_burst;
use emmaus_testkit::aws::aws_endpoint;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_wrong_sign_ins_on_dynamodb_get_five_checks() {
    let Some(endpoint) = aws_endpoint() else { return };
    let (platform, clock) = Platform::in_memory("lambda");
    let table = format!("emmaus-throttle-{}", std::process::id());
    let kv = emmaus_dynamodb::testing::table_at(&endpoint, &table, clock).await;
    let platform = Platform::new(PlatformParts { kv: Arc::new(kv), ..platform.parts() });
    let burst = sign_in_burst(&platform, 30).await;
    assert!(burst.other.is_empty(), "{burst:?}");
    assert!((1..=5).contains(&burst.checked), "{burst:?}");
    assert_eq!(burst.refused, burst.checked, "{burst:?}");
    assert_eq!(burst.limited, 30 - burst.checked, "{burst:?}");
}

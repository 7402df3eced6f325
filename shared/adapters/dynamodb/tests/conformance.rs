//! The DynamoDB adapter against the key-value conformance suite, on a protocol server (moto in
//! `scripts/test`). One table per process; each case works in its harness's own partitions.
//! Without a configured server each case says why and passes; under `scripts/test` it fails instead.

use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::{Credentials, Region};
use emmaus_dynamodb::{DynamoKv, dynamodb_client};
use emmaus_memory::ManualClock;
use emmaus_ports::{KvStore, SystemClock};
use emmaus_testkit::aws::aws_endpoint;
use emmaus_testkit::kv::KvHarness;

const TABLE: &str = "emmaus-conformance";

/// A client for the test endpoint, with dummy credentials so nothing can reach a real account.
async fn store(endpoint: &str, clock: Arc<ManualClock>) -> DynamoKv {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "emmaus-tests"))
        .load()
        .await;
    DynamoKv::new(dynamodb_client(&config, Some(endpoint)), TABLE.to_owned(), clock)
}

/// A harness on the shared table, or `None` when no endpoint is configured (see `aws_endpoint`).
async fn kv() -> Option<KvHarness> {
    static TABLE_READY: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let endpoint = aws_endpoint()?;
    // Real time, not the suite's fixed 2026-01-01: a real table's TTL sweeper reads the wall clock.
    let clock = Arc::new(ManualClock::at(emmaus_ports::Clock::now(&SystemClock)));
    let kv = store(&endpoint, clock.clone()).await;
    TABLE_READY.get_or_init(|| async { kv.create_table_if_missing().await.expect("the table is created") }).await;
    assert_eq!(kv.adapter(), "dynamodb");
    Some(KvHarness::new(Arc::new(kv), clock, "dynamodb"))
}

emmaus_testkit::kv_conformance_tests!(optional kv);

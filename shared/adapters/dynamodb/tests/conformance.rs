//! The DynamoDB adapter against the key-value conformance suite, on a protocol server (moto in
//! `scripts/test`). One table per process; each case works in its harness's own partitions.
//!
//! The cases are listed here rather than through `kv_conformance_tests!`, because that macro
//! cannot skip a case when no server is configured; `the_case_list_is_the_whole_suite` keeps the
//! list equal to the suite's.

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

macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(harness) = kv().await {
                    emmaus_testkit::kv::$case(harness).await;
                }
            }
        )*

        #[test]
        fn the_case_list_is_the_whole_suite() {
            let listed: std::collections::BTreeSet<&str> = [$(stringify!($case)),*].into_iter().collect();
            let suite = include_str!("../../../testkit/src/kv.rs");
            let defined: std::collections::BTreeSet<&str> = suite
                .lines()
                .filter_map(|line| line.strip_prefix("pub async fn ")?.strip_suffix("(h: KvHarness) {"))
                .collect();
            assert_eq!(listed, defined, "list every case of emmaus_testkit::kv here");
        }
    };
}

cases!(
    get_of_a_missing_key_is_none,
    put_if_absent_creates_version_one,
    put_if_absent_refuses_a_live_item,
    put_if_version_advances_and_refuses_stale_versions,
    put_if_version_on_a_missing_item_conflicts,
    delete_if_version_needs_the_current_version,
    values_are_bytes_not_text,
    keys_and_values_have_limits,
    query_orders_by_sort_key_bytes_within_the_prefix,
    query_descends_on_request,
    query_pages_never_skip_or_repeat,
    query_pages_stay_exact_while_the_partition_changes,
    query_refuses_foreign_and_garbage_cursors,
    query_of_an_empty_partition_is_an_empty_page,
    batch_applies_every_write,
    batch_applies_nothing_when_one_condition_fails,
    batch_refuses_bad_shapes_before_writing,
    expired_items_are_gone_and_replaceable,
    two_writers_from_one_version_one_loses,
    concurrent_read_modify_write_loses_no_update,
);

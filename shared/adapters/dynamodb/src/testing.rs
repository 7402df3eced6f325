//! Tables at a DynamoDB protocol server for tests (moto in `scripts/test`): the store with the
//! credentials such a server accepts, and the settings that point a Lambda binary at the same
//! table, so each function's Lambda test provisions its table one way.

use std::sync::Arc;

use emmaus_ports::Clock;

use crate::{DynamoKv, dynamodb_client};

/// The SDK configuration every test of an AWS service uses at the protocol server: dummy
/// credentials (moto accepts any, and nothing here may reach a real account) in `us-east-1`.
/// Each client then takes the server's endpoint.
pub async fn sdk_config() -> aws_config::SdkConfig {
    let credentials = aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .load()
        .await
}

/// The store on `table` at `endpoint`, created when missing.
pub async fn table_at(endpoint: &str, table: &str, clock: Arc<dyn Clock>) -> DynamoKv {
    let config = sdk_config().await;
    let kv = DynamoKv::new(dynamodb_client(&config, Some(endpoint)), table.to_owned(), clock);
    kv.create_table_if_missing().await.expect("the test table is created");
    kv
}

/// The Lambda host's settings for that table (`EMMAUS_KV`, `EMMAUS_TABLE`, the endpoint and the
/// test credentials), as `template.yaml` sets them in AWS.
pub fn lambda_settings(endpoint: &str, table: &str) -> Vec<(String, String)> {
    [
        ("EMMAUS_KV", "dynamodb"),
        ("EMMAUS_TABLE", table),
        ("EMMAUS_AWS_ENDPOINT", endpoint),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

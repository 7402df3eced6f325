//! The key-value port on one DynamoDB table, for the Lambda host.
//!
//! Every write is a conditional `PutItem` / `DeleteItem`, a batch of two or more writes is one
//! `TransactWriteItems` with an idempotency token, reads are strongly consistent, and expiry uses
//! the table's TTL attribute with the port's exact semantics enforced by conditions and filters
//! (DynamoDB removes expired items only eventually). The layout is in `item.rs`, the mapping of
//! errors and the token in `error.rs`, paging in `query.rs`.

mod error;
mod item;
mod query;
mod table;
pub mod testing;

use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, KeysAndAttributes, Put, TransactWriteItem};
use emmaus_ports::kv::{in_key_order, validate_batch, validate_keys};
use emmaus_ports::{Clock, IndexKeys, Item, Key, KvError, KvStore, Page, Query, Write};

pub use error::request_token;
use item::Operation;

/// Attempts per call, the first included, before throttling or a transient failure is reported.
const MAX_ATTEMPTS: u32 = 5;

/// A DynamoDB client for `config`, optionally at another endpoint (DynamoDB Local, moto).
pub fn dynamodb_client(config: &aws_config::SdkConfig, endpoint: Option<&str>) -> Client {
    let mut builder = aws_sdk_dynamodb::config::Builder::from(config);
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    Client::from_conf(builder.build())
}

/// The key-value store on one table (see the crate documentation for the layout).
#[derive(Debug, Clone)]
pub struct DynamoKv {
    client: Client,
    table: String,
    clock: Arc<dyn Clock>,
}

impl DynamoKv {
    /// A store on `table`. The client's retry policy is replaced by the standard one with
    /// [`MAX_ATTEMPTS`], so throttling is absorbed here whatever the caller configured.
    #[expect(clippy::needless_pass_by_value, reason = "callers hand over their client, as to any SDK constructor")]
    pub fn new(client: Client, table: String, clock: Arc<dyn Clock>) -> Self {
        let config =
            client.config().to_builder().retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)).build();
        Self { client: Client::from_conf(config), table, clock }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    fn now(&self) -> i64 {
        self.clock.now().unix_seconds()
    }

    /// One conditional write as a plain `PutItem` / `DeleteItem`: half the cost of a transaction.
    async fn write_one(&self, write: Write) -> Result<(), KvError> {
        validate_batch(std::slice::from_ref(&write))?;
        let key = write.key();
        match Operation::of(&write, self.now()) {
            Operation::Put { item, condition } => {
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .condition_expression(condition.expression)
                    .set_expression_attribute_names(Some(condition.names))
                    .set_expression_attribute_values(Some(condition.values))
                    .send()
                    .await
                    .map_err(|e| error::conditional(e, key, PutItemError::is_conditional_check_failed_exception))?;
            }
            Operation::Check { .. } => {
                return Err(KvError::Invalid("a check goes in a batch with a write".into()));
            }
            Operation::Delete { key: attributes, condition } => {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(attributes))
                    .condition_expression(condition.expression)
                    .set_expression_attribute_names(Some(condition.names))
                    .set_expression_attribute_values(Some(condition.values))
                    .send()
                    .await
                    .map_err(|e| error::conditional(e, key, DeleteItemError::is_conditional_check_failed_exception))?;
            }
        }
        Ok(())
    }

    fn transact_item(&self, write: &Write, now: i64) -> Result<TransactWriteItem, KvError> {
        let built = match Operation::of(write, now) {
            Operation::Put { item, condition } => Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression(condition.expression)
                .set_expression_attribute_names(Some(condition.names))
                .set_expression_attribute_values(Some(condition.values))
                .build()
                .map(|put| TransactWriteItem::builder().put(put).build()),
            Operation::Delete { key, condition } => Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key))
                .condition_expression(condition.expression)
                .set_expression_attribute_names(Some(condition.names))
                .set_expression_attribute_values(Some(condition.values))
                .build()
                .map(|delete| TransactWriteItem::builder().delete(delete).build()),
            Operation::Check { key, condition } => ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(key))
                .condition_expression(condition.expression)
                .set_expression_attribute_names(Some(condition.names))
                .set_expression_attribute_values(Some(condition.values))
                .build()
                .map(|check| TransactWriteItem::builder().condition_check(check).build()),
        };
        built.map_err(KvError::backend)
    }
}

#[async_trait::async_trait]
impl KvStore for DynamoKv {
    fn adapter(&self) -> &'static str {
        "dynamodb"
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        key.validate()?;
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(item::key_attributes(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(error::sdk)?;
        let Some(attributes) = output.item else { return Ok(None) };
        let item = item::decode(&attributes)?;
        Ok(item::is_live(&item, self.now()).then_some(item))
    }

    /// One `BatchGetItem` with strongly consistent reads; keys DynamoDB leaves unprocessed (under
    /// load, or past 16 MB) are asked again, with a short growing pause, until none are left.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, KvError> {
        validate_keys(keys)?;
        let now = self.now();
        let mut found: Vec<Item> = Vec::with_capacity(keys.len());
        let mut pending: Vec<item::Attributes> = keys.iter().map(item::key_attributes).collect();
        let mut pause = std::time::Duration::from_millis(20);
        for attempt in 0.. {
            if pending.is_empty() {
                break;
            }
            if attempt >= 8 {
                return Err(KvError::Unavailable("DynamoDB left keys of a batch read unprocessed".into()));
            }
            let wanted = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()
                .map_err(KvError::backend)?;
            let output =
                self.client.batch_get_item().request_items(&self.table, wanted).send().await.map_err(error::sdk)?;
            for attributes in output.responses().and_then(|tables| tables.get(&self.table)).into_iter().flatten() {
                found.push(item::decode(attributes)?);
            }
            if let Some(left) = output.unprocessed_keys().and_then(|tables| tables.get(&self.table)) {
                pending = left.keys().to_vec();
                if !pending.is_empty() {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
            }
        }
        Ok(in_key_order(keys, found.into_iter().filter(|item| item::is_live(item, now)).collect()))
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        query::run(&self.client, &self.table, query, self.now()).await
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        validate_batch(&writes)?;
        if writes.len() == 1 {
            return self.write_one(writes.into_iter().next().expect("one write")).await;
        }
        let size = item::transaction_bytes(&writes);
        if size > item::MAX_TRANSACTION_BYTES {
            return Err(KvError::TooLarge { size, limit: item::MAX_TRANSACTION_BYTES });
        }
        let now = self.now();
        let items = writes.iter().map(|write| self.transact_item(write, now)).collect::<Result<Vec<_>, _>>()?;
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .client_request_token(request_token(&self.table, &writes))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => match e.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                    let reasons = cancelled.cancellation_reasons().to_vec();
                    Err(error::cancelled(&writes, &reasons, Box::new(e)))
                }
                _ => Err(error::sdk(e)),
            },
        }
    }

    async fn put_if_absent(&self, key: Key, value: Vec<u8>, expires_at: Option<i64>) -> Result<u64, KvError> {
        self.write_one(Write::PutIfAbsent { key, value, expires_at, index: IndexKeys::NONE }).await.map(|()| 1)
    }

    async fn put_if_version(
        &self,
        key: Key,
        value: Vec<u8>,
        expected: u64,
        expires_at: Option<i64>,
    ) -> Result<u64, KvError> {
        self.write_one(Write::PutIfVersion { key, value, expected, expires_at, index: IndexKeys::NONE })
            .await
            .map(|()| expected + 1)
    }

    async fn delete_if_version(&self, key: Key, expected: u64) -> Result<(), KvError> {
        self.write_one(Write::DeleteIfVersion { key, expected }).await
    }
}

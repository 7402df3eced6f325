//! Creating the table for tests and local setups; deployments create it from the SAM template.

use std::time::Duration;

use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TableStatus, TimeToLiveSpecification, TimeToLiveStatus,
};
use emmaus_ports::{Index, KvError};

use crate::DynamoKv;
use crate::error;
use crate::item::{PK, SK, TTL, index_attributes, index_name};

/// How long a new table may take to become active (seconds on AWS, instant on emulators).
const ACTIVE_TIMEOUT: Duration = Duration::from_mins(2);

impl DynamoKv {
    /// Creates the table (on-demand capacity, `pk`/`sk` keys, the global secondary indexes `gsi1`
    /// and `gsi2` projecting whole items, TTL on `ttl`; as `template.yaml` declares it) unless it exists,
    /// and waits until it is active. Safe to call concurrently from many processes.
    pub async fn create_table_if_missing(&self) -> Result<(), KvError> {
        let described = self.client.describe_table().table_name(self.table()).send().await;
        match described {
            Ok(_) => {}
            Err(e) if e.as_service_error().is_some_and(DescribeTableError::is_resource_not_found_exception) => {
                self.create_table().await?;
            }
            Err(e) => return Err(error::sdk(e)),
        }
        self.wait_until_active().await?;
        self.enable_ttl().await
    }

    async fn create_table(&self) -> Result<(), KvError> {
        let key = |name: &str, kind: KeyType| KeySchemaElement::builder().attribute_name(name).key_type(kind).build();
        let string = |name: &str| {
            AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build()
        };
        let mut request = self
            .client
            .create_table()
            .table_name(self.table())
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key(PK, KeyType::Hash).map_err(KvError::backend)?)
            .key_schema(key(SK, KeyType::Range).map_err(KvError::backend)?)
            .attribute_definitions(string(PK).map_err(KvError::backend)?)
            .attribute_definitions(string(SK).map_err(KvError::backend)?);
        for index in Index::ALL {
            let (partition, sort) = index_attributes(index);
            let secondary = GlobalSecondaryIndex::builder()
                .index_name(index_name(index))
                .key_schema(key(partition, KeyType::Hash).map_err(KvError::backend)?)
                .key_schema(key(sort, KeyType::Range).map_err(KvError::backend)?)
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .map_err(KvError::backend)?;
            request = request
                .global_secondary_indexes(secondary)
                .attribute_definitions(string(partition).map_err(KvError::backend)?)
                .attribute_definitions(string(sort).map_err(KvError::backend)?);
        }
        let created = request.send().await;
        match created {
            // Another process created it first; both wait for it below.
            Err(e) if e.as_service_error().is_some_and(CreateTableError::is_resource_in_use_exception) => Ok(()),
            other => other.map(|_| ()).map_err(error::sdk),
        }
    }

    async fn wait_until_active(&self) -> Result<(), KvError> {
        let started = std::time::Instant::now();
        loop {
            let output = self.client.describe_table().table_name(self.table()).send().await.map_err(error::sdk)?;
            if output.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                return Ok(());
            }
            if started.elapsed() > ACTIVE_TIMEOUT {
                return Err(KvError::Unavailable(format!("table {} did not become active", self.table()).into()));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Turns TTL on once; DynamoDB refuses to enable it again while it is on.
    async fn enable_ttl(&self) -> Result<(), KvError> {
        let ttl = self.client.describe_time_to_live().table_name(self.table()).send().await.map_err(error::sdk)?;
        let status = ttl.time_to_live_description().and_then(|d| d.time_to_live_status());
        if matches!(status, Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)) {
            return Ok(());
        }
        let specification =
            TimeToLiveSpecification::builder().enabled(true).attribute_name(TTL).build().map_err(KvError::backend)?;
        self.client
            .update_time_to_live()
            .table_name(self.table())
            .time_to_live_specification(specification)
            .send()
            .await
            .map(|_| ())
            .map_err(error::sdk)
    }
}

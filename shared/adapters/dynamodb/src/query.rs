//! Prefix queries over one partition, with the port's paging rules on top of DynamoDB's.
//!
//! DynamoDB applies `Limit` before the TTL filter and also stops at 1 MB, so one call may return
//! fewer live items than asked while more exist. The loop below keeps asking until it holds one
//! item more than the caller's limit or the partition is exhausted (see `Page::from_lookahead`).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use emmaus_ports::{Key, KvError, Page, Query};

use crate::error;
use crate::item::{self, LIVE, TTL, number};

pub(crate) async fn run(client: &Client, table: &str, query: &Query, now: i64) -> Result<Page, KvError> {
    let start_after = query.start_after()?;
    let limit = query.limit as usize;
    let wanted = limit + 1;
    let key_condition = if query.prefix.is_empty() { "pk = :pk" } else { "pk = :pk AND begins_with(sk, :prefix)" };
    // The cursor is a sort key, not necessarily a stored one: DynamoDB resumes after any key
    // inside the query's range, which keeps paging exact while items come and go.
    let mut start_key = start_after.map(|sort| item::key_attributes(&Key::new(query.partition.clone(), sort)));
    let mut items = Vec::with_capacity(wanted.min(128));
    loop {
        let mut request = client
            .query()
            .table_name(table)
            .consistent_read(true)
            .scan_index_forward(!query.descending)
            .key_condition_expression(key_condition)
            .filter_expression(LIVE)
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":pk", AttributeValue::S(query.partition.clone()))
            .expression_attribute_values(":now", number(&now))
            .limit(i32::try_from(wanted - items.len()).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start_key.take());
        if !query.prefix.is_empty() {
            request = request.expression_attribute_values(":prefix", AttributeValue::S(query.prefix.clone()));
        }
        let output = request.send().await.map_err(error::sdk)?;
        for attributes in output.items() {
            let found = item::decode(attributes)?;
            // The filter already did this; the check keeps the rule in one visible place.
            if item::is_live(&found, now) {
                items.push(found);
            }
        }
        match output.last_evaluated_key {
            Some(last) if items.len() < wanted => start_key = Some(last),
            _ => break,
        }
    }
    Ok(Page::from_lookahead(items, limit))
}

//! Queries over one partition of the table or of a global secondary index, with the port's
//! paging rules on top of DynamoDB's.
//!
//! DynamoDB applies `Limit` before the TTL filter and also stops at 1 MB, so one call may return
//! fewer live items than asked while more exist. The loop below keeps asking until it holds one
//! item more than the caller's limit or the partition is exhausted (see `Page::from_lookahead`).
//!
//! A key condition names the sort key once: `begins_with`, `BETWEEN` (inclusive at both ends) or one
//! comparison. The port's `[lower, upper)` becomes `BETWEEN lower AND upper` with an item exactly
//! at `upper` dropped here (a filter expression may not name a key attribute).
//!
//! Index reads cannot be strongly consistent on DynamoDB: the port's contract says they may lag.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use emmaus_ports::{Item, Key, KvError, Page, Query};

use crate::error;
use crate::item::{self, LIVE, PK, SK, TTL, index_attributes, index_name, number};

pub(crate) async fn run(client: &Client, table: &str, query: &Query, now: i64) -> Result<Page, KvError> {
    let start_after = query.start_after()?;
    let limit = query.limit as usize;
    let wanted = limit + 1;
    let (lower, upper) = query.bounds();
    if let (Some(lower), Some(upper)) = (&lower, &upper)
        && lower >= upper
    {
        // An empty range; DynamoDB would refuse `BETWEEN` with its ends reversed.
        return Ok(Page::default());
    }
    let (partition_attribute, sort_attribute) = match query.index {
        None => (PK, SK),
        Some(index) => index_attributes(index),
    };
    let sort_condition = match (&lower, &upper) {
        (None, None) => "",
        (Some(_), None) => " AND #sk >= :lower",
        (None, Some(_)) => " AND #sk < :upper",
        (Some(_), Some(_)) => " AND #sk BETWEEN :lower AND :upper",
    };
    let key_condition = format!("#pk = :pk{sort_condition}");
    // Where to resume: DynamoDB resumes after any key inside the query's range, stored or not,
    // which keeps paging exact while items come and go. In an index the start key names the
    // index key and the item's own key.
    let mut start_key = start_after.map(|after| match (&after.key, query.index) {
        (Some(own), Some(index)) => {
            let mut attributes = item::key_attributes(own);
            let (partition, sort) = index_attributes(index);
            attributes.insert(partition.to_owned(), AttributeValue::S(query.partition.clone()));
            attributes.insert(sort.to_owned(), AttributeValue::S(after.sort));
            attributes
        }
        _ => item::key_attributes(&Key::new(query.partition.clone(), after.sort)),
    });
    let mut items: Vec<Item> = Vec::with_capacity(wanted.min(128));
    loop {
        let mut request = client
            .query()
            .table_name(table)
            .scan_index_forward(!query.descending)
            .key_condition_expression(&key_condition)
            .filter_expression(LIVE)
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_names("#pk", partition_attribute)
            .expression_attribute_values(":pk", AttributeValue::S(query.partition.clone()))
            .expression_attribute_values(":now", number(&now))
            .limit(i32::try_from(wanted - items.len()).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start_key.take());
        request = match query.index {
            None => request.consistent_read(true),
            Some(index) => request.index_name(index_name(index)),
        };
        if !sort_condition.is_empty() {
            request = request.expression_attribute_names("#sk", sort_attribute);
        }
        if let Some(lower) = &lower {
            request = request.expression_attribute_values(":lower", AttributeValue::S(lower.clone()));
        }
        if let Some(upper) = &upper {
            request = request.expression_attribute_values(":upper", AttributeValue::S(upper.clone()));
        }
        let output = request.send().await.map_err(error::sdk)?;
        for attributes in output.items() {
            let found = item::decode(attributes)?;
            let listed_sort = match query.index {
                None => Some(&found.key.sort),
                Some(index) => found.index.get(index).map(|k| &k.sort),
            };
            // `BETWEEN` includes its upper end, which the port excludes.
            let past_upper = upper.as_ref().is_some_and(|upper| listed_sort == Some(upper));
            // The filter already dropped expired items; the check keeps the rule in one visible place.
            if item::is_live(&found, now) && !past_upper {
                items.push(found);
            }
        }
        match output.last_evaluated_key {
            Some(last) if items.len() < wanted => start_key = Some(last),
            _ => break,
        }
    }
    Ok(Page::from_lookahead(items, query))
}

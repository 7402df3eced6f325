//! How a key-value item is laid out in the table, and the conditions every write carries.
//!
//! One item per key: `pk` (string, partition), `sk` (string, sort), `v` (binary value), `ver`
//! (number), and `ttl` (number, Unix seconds) only when the item expires. `ttl` is also the table's
//! TTL attribute, so DynamoDB eventually deletes expired items; until it does, the conditions
//! and filters here treat an item with `ttl <= now` as absent. An item listed in a secondary
//! index also has that index's key, `i1pk`/`i1sk` or `i2pk`/`i2sk` (strings): the keys of the
//! global secondary indexes `gsi1` and `gsi2`, which hold only items that have them.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use emmaus_ports::{Index, IndexKeys, Item, Key, KvError, Write};

pub(crate) const PK: &str = "pk";
pub(crate) const SK: &str = "sk";
pub(crate) const VALUE: &str = "v";
pub(crate) const VERSION: &str = "ver";
pub(crate) const TTL: &str = "ttl";

pub(crate) type Attributes = HashMap<String, AttributeValue>;

/// The name of the global secondary index behind `index` (DynamoDB wants at least three characters).
pub(crate) fn index_name(index: Index) -> &'static str {
    match index {
        Index::One => "gsi1",
        Index::Two => "gsi2",
    }
}

/// The attributes holding an index's key: `(partition, sort)`.
pub(crate) fn index_attributes(index: Index) -> (&'static str, &'static str) {
    match index {
        Index::One => ("i1pk", "i1sk"),
        Index::Two => ("i2pk", "i2sk"),
    }
}

/// Matches items that are live at `:now`; used as the query filter.
pub(crate) const LIVE: &str = "attribute_not_exists(#ttl) OR #ttl > :now";
/// `PutIfAbsent`: nothing there, or only an expired item DynamoDB has not removed yet.
const ABSENT: &str = "attribute_not_exists(pk) OR #ttl <= :now";
/// `PutIfVersion` / `DeleteIfVersion`: the live item at exactly `:expected`.
const AT_VERSION: &str = "#ver = :expected AND (attribute_not_exists(#ttl) OR #ttl > :now)";

pub(crate) fn number(n: &impl ToString) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

pub(crate) fn key_attributes(key: &Key) -> Attributes {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(key.partition.clone())),
        (SK.to_owned(), AttributeValue::S(key.sort.clone())),
    ])
}

fn item_attributes(key: &Key, value: &[u8], version: u64, expires_at: Option<i64>, index: &IndexKeys) -> Attributes {
    let mut attributes = key_attributes(key);
    attributes.insert(VALUE.to_owned(), AttributeValue::B(Blob::new(value)));
    attributes.insert(VERSION.to_owned(), number(&version));
    if let Some(expires_at) = expires_at {
        attributes.insert(TTL.to_owned(), number(&expires_at));
    }
    for which in Index::ALL {
        if let Some(listed) = index.get(which) {
            let (partition, sort) = index_attributes(which);
            attributes.insert(partition.to_owned(), AttributeValue::S(listed.partition.clone()));
            attributes.insert(sort.to_owned(), AttributeValue::S(listed.sort.clone()));
        }
    }
    attributes
}

/// A condition expression with its placeholders, ready for `PutItem`, `DeleteItem` or a transaction.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub expression: &'static str,
    pub names: HashMap<String, String>,
    pub values: Attributes,
}

impl Condition {
    fn absent(now: i64) -> Self {
        Self {
            expression: ABSENT,
            names: HashMap::from([("#ttl".to_owned(), TTL.to_owned())]),
            values: HashMap::from([(":now".to_owned(), number(&now))]),
        }
    }

    /// A check's condition: the live item at `expected`, or none when `expected` is 0.
    fn check(expected: u64, now: i64) -> Self {
        if expected == 0 { Self::absent(now) } else { Self::at_version(expected, now) }
    }

    fn at_version(expected: u64, now: i64) -> Self {
        Self {
            expression: AT_VERSION,
            names: HashMap::from([("#ttl".to_owned(), TTL.to_owned()), ("#ver".to_owned(), VERSION.to_owned())]),
            values: HashMap::from([(":now".to_owned(), number(&now)), (":expected".to_owned(), number(&expected))]),
        }
    }
}

/// One write as DynamoDB sees it: a whole-item put, a delete or (in a transaction only) a
/// condition check, each under its condition.
#[derive(Debug, Clone)]
pub(crate) enum Operation {
    Put { item: Attributes, condition: Condition },
    Delete { key: Attributes, condition: Condition },
    Check { key: Attributes, condition: Condition },
}

impl Operation {
    pub(crate) fn of(write: &Write, now: i64) -> Self {
        match write {
            Write::PutIfAbsent { key, value, expires_at, index } => Self::Put {
                item: item_attributes(key, value, 1, *expires_at, index),
                condition: Condition::absent(now),
            },
            Write::PutIfVersion { key, value, expected, expires_at, index } => Self::Put {
                item: item_attributes(key, value, expected + 1, *expires_at, index),
                condition: Condition::at_version(*expected, now),
            },
            Write::DeleteIfVersion { key, expected } => {
                Self::Delete { key: key_attributes(key), condition: Condition::at_version(*expected, now) }
            }
            Write::Check { key, expected } => {
                Self::Check { key: key_attributes(key), condition: Condition::check(*expected, now) }
            }
        }
    }
}

/// DynamoDB refuses a transaction whose items add up to more than 4 MB, which 25 writes of the
/// port's largest values would; such a batch is refused before the call, as too large.
pub(crate) const MAX_TRANSACTION_BYTES: usize = 4_000_000;

/// An upper estimate of a transaction's aggregate item size: names, keys, values, and numbers.
pub(crate) fn transaction_bytes(writes: &[Write]) -> usize {
    const ATTRIBUTE_OVERHEAD: usize = 64;
    writes
        .iter()
        .map(|write| {
            let value = match write {
                Write::PutIfAbsent { value, index, .. } | Write::PutIfVersion { value, index, .. } => {
                    let listed = Index::ALL.into_iter().filter_map(|which| index.get(which));
                    value.len() + listed.map(|k| k.partition.len() + k.sort.len()).sum::<usize>()
                }
                Write::DeleteIfVersion { .. } | Write::Check { .. } => 0,
            };
            write.key().partition.len() + write.key().sort.len() + value + ATTRIBUTE_OVERHEAD
        })
        .sum()
}

/// Reads a stored item; anything malformed was not written by this adapter and is a backend error.
pub(crate) fn decode(attributes: &Attributes) -> Result<Item, KvError> {
    let text = |name: &str| match attributes.get(name) {
        Some(AttributeValue::S(s)) => Ok(s.clone()),
        _ => Err(malformed(name)),
    };
    let integer = |name: &str| match attributes.get(name) {
        Some(AttributeValue::N(n)) => n.parse::<i64>().map(Some).map_err(|_| malformed(name)),
        None => Ok(None),
        Some(_) => Err(malformed(name)),
    };
    let value = match attributes.get(VALUE) {
        Some(AttributeValue::B(blob)) => blob.clone().into_inner(),
        _ => return Err(malformed(VALUE)),
    };
    let version = integer(VERSION)?.and_then(|v| u64::try_from(v).ok()).ok_or_else(|| malformed(VERSION))?;
    let listed = |which: Index| -> Result<Option<Key>, KvError> {
        let (partition, sort) = index_attributes(which);
        match attributes.get(partition) {
            None => Ok(None),
            Some(_) => Ok(Some(Key::new(text(partition)?, text(sort)?))),
        }
    };
    let index = IndexKeys { one: listed(Index::One)?, two: listed(Index::Two)? };
    Ok(Item { key: Key::new(text(PK)?, text(SK)?), value, version, expires_at: integer(TTL)?, index })
}

fn malformed(attribute: &str) -> KvError {
    KvError::Backend(format!("a stored item has a missing or malformed `{attribute}` attribute").into())
}

/// The port's rule: an item is gone at its expiry second.
pub(crate) fn is_live(item: &Item, now: i64) -> bool {
    item.expires_at.is_none_or(|expires_at| expires_at > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip_through_attributes() {
        let key = Key::new("p", "s");
        let index = IndexKeys::NONE.with(Index::Two, Key::new("ip", "is"));
        let attributes = item_attributes(&key, &[0, 255], 3, Some(42), &index);
        assert!(!attributes.contains_key("i1pk"), "sparse: no attribute for an index the item is not in");
        let item = decode(&attributes).unwrap();
        assert_eq!(item, Item { key: key.clone(), value: vec![0, 255], version: 3, expires_at: Some(42), index });
        assert!(is_live(&item, 41));
        assert!(!is_live(&item, 42), "gone at its expiry second");
        assert!(
            !item_attributes(&key, &[], 1, None, &IndexKeys::NONE).contains_key(TTL),
            "no ttl attribute without expiry"
        );
    }

    #[test]
    fn transactions_of_the_largest_values_are_measured_too_large() {
        let put = |sort: &str, size| Write::PutIfAbsent {
            key: Key::new("p", sort),
            value: vec![0; size],
            expires_at: None,
            index: IndexKeys::NONE,
        };
        let largest = emmaus_ports::kv::MAX_VALUE_BYTES;
        let fits: Vec<Write> = (0..10).map(|i| put(&i.to_string(), largest)).collect();
        assert!(transaction_bytes(&fits) <= MAX_TRANSACTION_BYTES);
        let too_big: Vec<Write> = (0..12).map(|i| put(&i.to_string(), largest)).collect();
        assert!(transaction_bytes(&too_big) > MAX_TRANSACTION_BYTES);
    }

    #[test]
    fn malformed_items_are_backend_errors() {
        let mut attributes = item_attributes(&Key::new("p", "s"), b"x", 1, None, &IndexKeys::NONE);
        attributes.insert(VERSION.to_owned(), AttributeValue::S("one".into()));
        assert!(matches!(decode(&attributes), Err(KvError::Backend(_))));
    }
}

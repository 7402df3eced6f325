//! The key-value port over a `BTreeMap`, whose byte-ordered keys give the contract's sort order.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use emmaus_ports::kv::validate_batch;
use emmaus_ports::{Clock, Cursor, Item, Key, KvError, KvStore, Page, Query, Write};

#[derive(Debug, Clone)]
struct Stored {
    value: Vec<u8>,
    version: u64,
    expires_at: Option<i64>,
}

#[derive(Debug)]
pub struct MemoryKv {
    clock: Arc<dyn Clock>,
    items: Mutex<BTreeMap<(String, String), Stored>>,
}

impl MemoryKv {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, items: Mutex::new(BTreeMap::new()) }
    }
}

fn live(stored: &Stored, now: i64) -> bool {
    stored.expires_at.is_none_or(|at| at > now)
}

fn to_item(partition: &str, sort: &str, stored: &Stored) -> Item {
    Item {
        key: Key::new(partition, sort),
        value: stored.value.clone(),
        version: stored.version,
        expires_at: stored.expires_at,
    }
}

#[async_trait::async_trait]
impl KvStore for MemoryKv {
    fn adapter(&self) -> &'static str {
        "memory"
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        key.validate()?;
        let now = self.clock.now().unix_seconds();
        let items = self.items.lock().expect("kv lock");
        Ok(items
            .get(&(key.partition.clone(), key.sort.clone()))
            .filter(|s| live(s, now))
            .map(|s| to_item(&key.partition, &key.sort, s)))
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        let start_after = query.start_after()?;
        let now = self.clock.now().unix_seconds();
        let items = self.items.lock().expect("kv lock");
        let lower = (query.partition.clone(), query.prefix.clone());
        let mut matching: Vec<Item> = items
            .range(lower..)
            .take_while(|((p, s), _)| *p == query.partition && s.starts_with(&query.prefix))
            .filter(|(_, stored)| live(stored, now))
            .map(|((p, s), stored)| to_item(p, s, stored))
            .collect();
        if query.descending {
            matching.reverse();
        }
        let after_cursor = |item: &Item| match &start_after {
            None => true,
            Some(after) if query.descending => item.key.sort < *after,
            Some(after) => item.key.sort > *after,
        };
        let mut rest = matching.into_iter().filter(after_cursor);
        let items: Vec<Item> = rest.by_ref().take(query.limit as usize).collect();
        let next = match (rest.next(), items.last()) {
            (Some(_), Some(last)) => Some(Cursor::after(&last.key.sort)),
            _ => None,
        };
        Ok(Page { items, next })
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        validate_batch(&writes)?;
        let now = self.clock.now().unix_seconds();
        let mut items = self.items.lock().expect("kv lock");
        // Check every condition first, then apply: all or none.
        for write in &writes {
            let key = write.key();
            let current = items.get(&(key.partition.clone(), key.sort.clone())).filter(|s| live(s, now));
            let ok = match write {
                Write::PutIfAbsent { .. } => current.is_none(),
                Write::PutIfVersion { expected, .. } | Write::DeleteIfVersion { expected, .. } => {
                    current.is_some_and(|s| s.version == *expected)
                }
            };
            if !ok {
                return Err(KvError::Conflict(key.clone()));
            }
        }
        for write in writes {
            let version = write.resulting_version();
            match write {
                Write::PutIfAbsent { key, value, expires_at } | Write::PutIfVersion { key, value, expires_at, .. } => {
                    items.insert((key.partition, key.sort), Stored { value, version, expires_at });
                }
                Write::DeleteIfVersion { key, .. } => {
                    items.remove(&(key.partition, key.sort));
                }
            }
        }
        Ok(())
    }
}

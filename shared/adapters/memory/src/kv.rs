//! The key-value port over a `BTreeMap`, whose byte-ordered keys give the contract's sort order.
//! Index queries scan every item: this store is for tests and small worlds.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use emmaus_ports::kv::{validate_batch, validate_keys};
use emmaus_ports::{After, Clock, IndexKeys, Item, Key, KvError, KvStore, Page, Query, Write};

#[derive(Debug, Clone)]
struct Stored {
    value: Vec<u8>,
    version: u64,
    expires_at: Option<i64>,
    index: IndexKeys,
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

    /// The partitions holding items now, each once, for tests that check what a store left behind.
    pub fn partitions(&self) -> Vec<String> {
        let items = self.items.lock().expect("kv lock");
        let mut partitions: Vec<String> = items.keys().map(|(partition, _)| partition.clone()).collect();
        partitions.dedup();
        partitions
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
        index: stored.index.clone(),
    }
}

/// Where an item stands in a listing: the listed sort key, then (in an index) its own key.
fn position(query: &Query, item: &Item) -> (String, String, String) {
    match query.index.and_then(|index| item.index.get(index)) {
        Some(index_key) => (index_key.sort.clone(), item.key.partition.clone(), item.key.sort.clone()),
        None => (item.key.sort.clone(), String::new(), String::new()),
    }
}

fn past_cursor(query: &Query, after: &After, at: &(String, String, String)) -> bool {
    let mark = match &after.key {
        Some(key) => (after.sort.clone(), key.partition.clone(), key.sort.clone()),
        None => (after.sort.clone(), String::new(), String::new()),
    };
    if query.descending { *at < mark } else { *at > mark }
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

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, KvError> {
        validate_keys(keys)?;
        let now = self.clock.now().unix_seconds();
        let items = self.items.lock().expect("kv lock");
        Ok(keys
            .iter()
            .map(|key| {
                items
                    .get(&(key.partition.clone(), key.sort.clone()))
                    .filter(|s| live(s, now))
                    .map(|s| to_item(&key.partition, &key.sort, s))
            })
            .collect())
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        let start_after = query.start_after()?;
        let now = self.clock.now().unix_seconds();
        let items = self.items.lock().expect("kv lock");
        let mut matching: Vec<((String, String, String), Item)> = match query.index {
            None => items
                .range((query.partition.clone(), query.prefix.clone())..)
                .take_while(|((p, s), _)| *p == query.partition && s.starts_with(&query.prefix))
                .filter(|((_, s), stored)| live(stored, now) && query.admits(s))
                .map(|((p, s), stored)| to_item(p, s, stored))
                .map(|item| (position(query, &item), item))
                .collect(),
            Some(index) => items
                .iter()
                .filter(|(_, stored)| live(stored, now))
                .filter(|(_, stored)| {
                    stored.index.get(index).is_some_and(|k| k.partition == query.partition && query.admits(&k.sort))
                })
                .map(|((p, s), stored)| to_item(p, s, stored))
                .map(|item| (position(query, &item), item))
                .collect(),
        };
        matching.sort_by(|a, b| a.0.cmp(&b.0));
        if query.descending {
            matching.reverse();
        }
        let listed: Vec<Item> = matching
            .into_iter()
            .filter(|(at, _)| start_after.as_ref().is_none_or(|after| past_cursor(query, after, at)))
            .map(|(_, item)| item)
            .take(query.limit as usize + 1)
            .collect();
        Ok(Page::from_lookahead(listed, query))
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        validate_batch(&writes)?;
        let now = self.clock.now().unix_seconds();
        let mut items = self.items.lock().expect("kv lock");
        // Check every condition first, then apply: all or none.
        for write in &writes {
            let key = write.key();
            let current = items.get(&(key.partition.clone(), key.sort.clone())).filter(|s| live(s, now));
            if !write.holds(current.map(|s| s.version)) {
                return Err(KvError::Conflict(key.clone()));
            }
        }
        for write in writes {
            let version = write.resulting_version();
            match write {
                Write::PutIfAbsent { key, value, expires_at, index }
                | Write::PutIfVersion { key, value, expires_at, index, .. } => {
                    items.insert((key.partition, key.sort), Stored { value, version, expires_at, index });
                }
                Write::DeleteIfVersion { key, .. } => {
                    items.remove(&(key.partition, key.sort));
                }
                Write::Check { .. } => {}
            }
        }
        Ok(())
    }
}

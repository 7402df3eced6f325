//! A key-value store wrapper that records every operation it forwards, for tests that must show
//! two requests do the same store work (e.g. that a reset request for an unknown address reads
//! and writes exactly what one for a known address does).

use std::sync::{Arc, Mutex};

use emmaus_ports::{Item, Key, KvError, KvStore, Page, Query, Write};

/// Forwards to `inner` and notes each call as `"<operation> <partition> <sort>"`, with every key
/// segment (split on `#`) of 20 characters or more written `*`, so ids and digests that differ
/// between two otherwise equal requests compare equal.
#[derive(Debug)]
pub struct RecordingKv {
    inner: Arc<dyn KvStore>,
    calls: Mutex<Vec<String>>,
}

impl RecordingKv {
    pub fn new(inner: Arc<dyn KvStore>) -> Self {
        Self { inner, calls: Mutex::new(Vec::new()) }
    }

    /// The calls recorded since the last `take`, oldest first.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().expect("the call log is not poisoned"))
    }

    fn note(&self, operation: &str, partition: &str, sort: &str) {
        let line = format!("{operation} {} {}", shape(partition), shape(sort));
        self.calls.lock().expect("the call log is not poisoned").push(line);
    }
}

fn shape(part: &str) -> String {
    part.split('#').map(|segment| if segment.len() >= 20 { "*" } else { segment }).collect::<Vec<_>>().join("#")
}

#[async_trait::async_trait]
impl KvStore for RecordingKv {
    fn adapter(&self) -> &'static str {
        self.inner.adapter()
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        self.note("get", &key.partition, &key.sort);
        self.inner.get(key).await
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, KvError> {
        for key in keys {
            self.note("get_many", &key.partition, &key.sort);
        }
        self.inner.get_many(keys).await
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        self.note("query", &query.partition, &query.prefix);
        self.inner.query(query).await
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        for write in &writes {
            self.note("batch", &write.key().partition, &write.key().sort);
        }
        self.inner.batch(writes).await
    }

    async fn put_if_absent(&self, key: Key, value: Vec<u8>, expires_at: Option<i64>) -> Result<u64, KvError> {
        self.note("put_if_absent", &key.partition, &key.sort);
        self.inner.put_if_absent(key, value, expires_at).await
    }

    async fn put_if_version(
        &self,
        key: Key,
        value: Vec<u8>,
        expected: u64,
        expires_at: Option<i64>,
    ) -> Result<u64, KvError> {
        self.note("put_if_version", &key.partition, &key.sort);
        self.inner.put_if_version(key, value, expected, expires_at).await
    }

    async fn delete_if_version(&self, key: Key, expected: u64) -> Result<(), KvError> {
        self.note("delete_if_version", &key.partition, &key.sort);
        self.inner.delete_if_version(key, expected).await
    }
}

#[cfg(test)]
mod tests {
    use super::shape;

    #[test]
    fn long_segments_are_masked_and_short_ones_kept() {
        assert_eq!(shape("throttle#reset#0123456789abcdef0123456789abcdef"), "throttle#reset#*");
        assert_eq!(shape("throttle#address#192.0.2.1"), "throttle#address#192.0.2.1");
        assert_eq!(shape("req#01JD0000000000000000000001"), "req#*");
    }
}

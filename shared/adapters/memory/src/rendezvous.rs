//! A key-value wrapper for race tests: the first `parties` batches wait for each other, so that
//! every racer has done its reads before any of them writes, on every run, however the runtime
//! schedules them. Later batches pass straight through.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use emmaus_ports::{Item, Key, KvError, KvStore, Page, Query, Write};
use tokio::sync::Barrier;

pub struct RendezvousKv {
    inner: Arc<dyn KvStore>,
    parties: usize,
    arrived: AtomicUsize,
    barrier: Barrier,
}

impl std::fmt::Debug for RendezvousKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RendezvousKv").field("parties", &self.parties).finish_non_exhaustive()
    }
}

impl RendezvousKv {
    pub fn new(inner: Arc<dyn KvStore>, parties: usize) -> Self {
        Self { inner, parties, arrived: AtomicUsize::new(0), barrier: Barrier::new(parties) }
    }
}

#[async_trait::async_trait]
impl KvStore for RendezvousKv {
    fn adapter(&self) -> &'static str {
        self.inner.adapter()
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        self.inner.get(key).await
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, KvError> {
        self.inner.get_many(keys).await
    }

    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        self.inner.query(query).await
    }

    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        if self.arrived.fetch_add(1, Ordering::SeqCst) < self.parties {
            self.barrier.wait().await;
        }
        self.inner.batch(writes).await
    }
}

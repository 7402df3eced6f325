//! Deterministic ids and "random" bytes for tests; never use outside tests.

use std::sync::atomic::{AtomicU64, Ordering};

use emmaus_ports::Ids;
use emmaus_ports::ids::encode_id;

#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl Ids for SequentialIds {
    fn new_id(&self) -> String {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let mut random = [0u8; 10];
        random[2..].copy_from_slice(&n.to_be_bytes());
        encode_id(0, random)
    }

    fn random_bytes(&self, n: usize) -> Vec<u8> {
        let seed = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        (0..n).map(|i| (seed.wrapping_mul(31).wrapping_add(i as u64) & 0xFF) as u8).collect()
    }
}

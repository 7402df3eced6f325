//! The ids port: new identifiers and secret random bytes.
//!
//! Ids are 26-character, time-ordered, Crockford base32 strings (48 bits of milliseconds then 80
//! random bits), so keys built from them sort by creation time in every store.

use std::sync::Arc;

use crate::clock::Clock;

pub trait Ids: Send + Sync + std::fmt::Debug {
    /// A new unique, time-ordered identifier.
    fn new_id(&self) -> String;
    /// `n` bytes from a cryptographically secure source, for tokens and keys.
    fn random_bytes(&self, n: usize) -> Vec<u8>;
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Encodes a 48-bit time and 80 random bits as a 26-character id.
pub fn encode_id(unix_millis: u64, random: [u8; 10]) -> String {
    let mut value: u128 = u128::from(unix_millis & 0xFFFF_FFFF_FFFF) << 80;
    for (i, byte) in random.iter().enumerate() {
        value |= u128::from(*byte) << (8 * (9 - i));
    }
    (0..26).map(|i| CROCKFORD[((value >> (5 * (25 - i))) & 0x1F) as usize] as char).collect()
}

/// Ids from the operating system's random source (WASI random on wasm32-wasip2).
#[derive(Debug, Clone)]
pub struct RandomIds {
    clock: Arc<dyn Clock>,
}

impl RandomIds {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock }
    }
}

impl Ids for RandomIds {
    fn new_id(&self) -> String {
        encode_id(self.clock.now().unix_millis().max(0) as u64, id_randomness())
    }

    fn random_bytes(&self, n: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; n];
        fill_random(&mut bytes);
        bytes
    }
}

/// Bytes of OS randomness fetched at once for ids: every request takes an id (its request id), and
/// a system call per id was a measurable share of a short request. Secrets (`random_bytes`) still
/// come straight from the OS.
const ID_RANDOMNESS_BATCH: usize = 640;

/// Ten unpredictable bytes for an id, from this thread's batch of OS randomness. Each byte is used
/// once; a batch is refilled when spent.
fn id_randomness() -> [u8; 10] {
    thread_local! {
        static BATCH: std::cell::RefCell<([u8; ID_RANDOMNESS_BATCH], usize)> =
            const { std::cell::RefCell::new(([0; ID_RANDOMNESS_BATCH], ID_RANDOMNESS_BATCH)) };
    }
    BATCH.with_borrow_mut(|(bytes, used)| {
        if *used + 10 > ID_RANDOMNESS_BATCH {
            fill_random(bytes);
            *used = 0;
        }
        let mut random = [0u8; 10];
        random.copy_from_slice(&bytes[*used..*used + 10]);
        // Spent bytes are wiped so they cannot be read back out of this thread's memory.
        bytes[*used..*used + 10].fill(0);
        *used += 10;
        random
    })
}

fn fill_random(buffer: &mut [u8]) {
    // Without randomness no token or id is safe to hand out; stopping is the only honest answer.
    getrandom::fill(buffer).expect("the operating system's random source failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_one_batch_and_the_next_are_all_different() {
        let ids: std::collections::HashSet<[u8; 10]> =
            (0..3 * ID_RANDOMNESS_BATCH / 10).map(|_| id_randomness()).collect();
        assert_eq!(ids.len(), 3 * ID_RANDOMNESS_BATCH / 10);
        assert!(!ids.contains(&[0; 10]), "a wiped or unfilled slice was handed out");
    }

    #[test]
    fn ids_are_26_chars_and_sort_by_time() {
        let earlier = encode_id(1_700_000_000_000, [0xFF; 10]);
        let later = encode_id(1_700_000_000_001, [0; 10]);
        assert_eq!(earlier.len(), 26);
        assert!(earlier < later, "{earlier} should sort before {later}");
    }

    #[test]
    fn encoding_is_exact() {
        assert_eq!(encode_id(0, [0; 10]), "00000000000000000000000000");
        assert_eq!(encode_id(0, [0, 0, 0, 0, 0, 0, 0, 0, 0, 31]), "0000000000000000000000000Z");
        assert_eq!(encode_id(1, [0; 10]), "00000000010000000000000000");
    }

    #[test]
    fn random_ids_differ() {
        let ids = RandomIds::new(Arc::new(crate::clock::SystemClock));
        assert_ne!(ids.new_id(), ids.new_id());
        assert_eq!(ids.random_bytes(32).len(), 32);
    }
}

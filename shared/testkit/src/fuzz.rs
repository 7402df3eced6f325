//! Property-based fuzzing shared by the crates that read untrusted bytes (the extractors, the
//! Obsidian vault reader, the note renderer): how many cases a run tries, and random damage to a
//! real file, so mutated fixtures reach the parsers' error paths.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

/// 64 cases per property unless `PROPTEST_CASES` says otherwise, so the gate stays quick and a
/// long run is one variable away; no regression files written into the source tree (a failure
/// prints its smallest input).
pub fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(64);
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// One way a file gets damaged.
#[derive(Debug, Clone)]
pub enum Damage {
    Flip(Index, u8),
    Overwrite(Index, Vec<u8>),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Truncate(Index),
}

/// One to five steps of damage.
pub fn damage() -> impl Strategy<Value = Vec<Damage>> {
    let one = prop_oneof![
        4 => (any::<Index>(), 1..=255_u8).prop_map(|(at, mask)| Damage::Flip(at, mask)),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(at, b)| Damage::Overwrite(at, b)),
        2 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..64)).prop_map(|(at, b)| Damage::Insert(at, b)),
        1 => (any::<Index>(), 1..256_usize).prop_map(|(at, len)| Damage::Delete(at, len)),
        1 => any::<Index>().prop_map(Damage::Truncate),
    ];
    prop::collection::vec(one, 1..6)
}

/// `original` with `damage` done to it, in order (nothing more once it is empty).
pub fn damaged(original: &[u8], damage: &[Damage]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for step in damage {
        if bytes.is_empty() {
            break;
        }
        match step {
            Damage::Flip(at, mask) => {
                let at = at.index(bytes.len());
                bytes[at] ^= mask;
            }
            Damage::Overwrite(at, with) => {
                let start = at.index(bytes.len());
                let end = (start + with.len()).min(bytes.len());
                bytes[start..end].copy_from_slice(&with[..end - start]);
            }
            Damage::Insert(at, with) => {
                let at = at.index(bytes.len() + 1);
                bytes.splice(at..at, with.iter().copied());
            }
            Damage::Delete(at, len) => {
                let start = at.index(bytes.len());
                bytes.drain(start..(start + len).min(bytes.len()));
            }
            Damage::Truncate(at) => bytes.truncate(at.index(bytes.len())),
        }
    }
    bytes
}

//! A writer for the crash test (`tests/crash.rs`, `scripts/bench/kv-crash`): opens the store at the
//! path it is given and writes batches until it is killed, printing `ack <n>` on stdout once batch
//! `n` is acknowledged. Batch `n` puts three items, `batch#<n>#a`, `#b` and `#c`, each holding `n`,
//! and advances the counter item `counter` from `n - 1` to `n`; so after any kill the store must
//! hold every acknowledged batch whole, no batch in part, and a counter equal to the last batch.
//! It resumes from the counter it finds, so it can be killed and restarted many times.

use std::io::Write as _;
use std::sync::Arc;

use emmaus_ports::{IndexKeys, Key, KvStore, SystemClock, Write};
use emmaus_sqlite::SqliteKv;

fn main() {
    let path = std::env::args().nth(1).expect("usage: kv-crash-writer <database file>");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let kv = SqliteKv::open(std::path::Path::new(&path), Arc::new(SystemClock)).expect("the store opens");
        let counter = Key::new("crash", "counter");
        let (mut n, mut version) = match kv.get(&counter).await.expect("the counter reads") {
            Some(item) => {
                (String::from_utf8(item.value).expect("text").parse::<u64>().expect("a number"), item.version)
            }
            None => (0, 0),
        };
        let mut out = std::io::stdout().lock();
        loop {
            n += 1;
            let value = n.to_string().into_bytes();
            let mut writes: Vec<Write> = ["a", "b", "c"]
                .iter()
                .map(|part| Write::PutIfAbsent {
                    key: Key::new("crash", format!("batch#{n:09}#{part}")),
                    value: value.clone(),
                    expires_at: None,
                    index: IndexKeys::NONE,
                })
                .collect();
            writes.push(if version == 0 {
                Write::PutIfAbsent {
                    key: counter.clone(),
                    value: value.clone(),
                    expires_at: None,
                    index: IndexKeys::NONE,
                }
            } else {
                Write::PutIfVersion {
                    key: counter.clone(),
                    value: value.clone(),
                    expected: version,
                    expires_at: None,
                    index: IndexKeys::NONE,
                }
            });
            kv.batch(writes).await.expect("the batch applies");
            version += 1;
            // Acknowledged only now, after the store said it committed.
            writeln!(out, "ack {n}").and_then(|()| out.flush()).expect("stdout is open");
        }
    });
}

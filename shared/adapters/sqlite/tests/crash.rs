//! No acknowledged write is lost: a writer process (`kv-crash-writer`) is killed with SIGKILL at
//! random moments, again and again, on one database file. After every kill the file passes
//! `PRAGMA integrity_check`, every batch the writer acknowledged is there, and every batch is there
//! whole or not at all. A short run here; `scripts/bench/kv-crash` runs a thousand kills
//! (`EMMAUS_CRASH_KILLS`).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const WRITER: &str = env!("CARGO_BIN_EXE_kv-crash-writer");

/// A small deterministic generator (xorshift64*), so a failing run can be repeated by its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound
    }
}

/// Runs the writer until a random moment, kills it, and answers the last batch it acknowledged.
fn run_and_kill(path: &Path, rng: &mut Rng) -> Option<u64> {
    let mut child = Command::new(WRITER)
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the writer starts");
    let stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| line.strip_prefix("ack ").and_then(|n| n.parse::<u64>().ok()))
            .last()
    });
    // From before the file is opened to deep into a run of commits.
    std::thread::sleep(Duration::from_micros(500 + rng.below(40_000)));
    child.kill().expect("SIGKILL is sent");
    let status = child.wait().expect("the writer is reaped");
    let last = reader.join().expect("the reader thread ends");
    if status.success() {
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().expect("piped"), &mut err).ok();
        panic!("the writer ended by itself: {err}");
    }
    last
}

/// What the file holds: the counter, and each batch number with how many of its items exist.
fn check(path: &Path, acknowledged: u64) -> u64 {
    let conn = rusqlite::Connection::open(path).expect("the file opens");
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).expect("a check");
    assert_eq!(integrity, "ok");
    let has_table: bool = conn
        .query_row("SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'kv'", [], |row| row.get(0))
        .expect("the schema reads");
    if !has_table {
        // Killed while the first open was still migrating: the migration is one transaction, so
        // there is no table at all, which is sound only while nothing was acknowledged.
        assert_eq!(acknowledged, 0, "batches were acknowledged but the table is gone");
        return 0;
    }
    let counter: u64 = conn
        .query_row("SELECT value FROM kv WHERE pk = 'crash' AND sk = 'counter'", [], |row| row.get::<_, Vec<u8>>(0))
        .map_or(0, |value| String::from_utf8(value).expect("text").parse().expect("a number"));
    assert!(counter >= acknowledged, "batch {acknowledged} was acknowledged but the counter is {counter}");
    let mut statement = conn
        .prepare("SELECT substr(sk, 7, 9), COUNT(*), MIN(value) = MAX(value) FROM kv WHERE pk = 'crash' AND sk LIKE 'batch#%' GROUP BY 1")
        .expect("the statement prepares");
    let batches: Vec<(u64, u64, bool)> = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?.parse().unwrap_or(0), row.get(1)?, row.get(2)?)))
        .expect("the batches read")
        .map(Result::unwrap)
        .collect();
    assert_eq!(batches.len() as u64, counter, "exactly the batches the counter counts are there");
    for (n, items, consistent) in batches {
        assert!((1..=counter).contains(&n), "batch {n} is beyond the counter {counter}");
        assert_eq!(items, 3, "batch {n} is there in part");
        assert!(consistent, "batch {n} holds mixed values");
    }
    counter
}

#[test]
fn killed_writers_lose_no_acknowledged_batch() {
    let kills: u32 = std::env::var("EMMAUS_CRASH_KILLS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let seed = std::env::var("EMMAUS_CRASH_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1
    });
    eprintln!("crash test: {kills} kills, seed {seed} (EMMAUS_CRASH_SEED repeats it)");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("kv.sqlite3");
    let (mut acknowledged, mut unacknowledged_commits) = (0, 0);
    for _ in 0..kills {
        if let Some(last) = run_and_kill(&path, &mut rng) {
            acknowledged = last;
        }
        if path.exists() {
            let counter = check(&path, acknowledged);
            // Killed between the commit and its `ack` line: committed, never acknowledged, and kept.
            unacknowledged_commits += counter - acknowledged;
            acknowledged = counter;
        }
    }
    eprintln!(
        "crash test: {acknowledged} batches after {kills} kills ({unacknowledged_commits} committed unacknowledged)"
    );
    assert!(acknowledged > 0, "the writer never got a batch in before being killed; the test proved nothing");
}

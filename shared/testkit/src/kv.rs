//! The key-value conformance suite: the `KvStore` contract of `emmaus_ports::kv`, case by case.

use std::sync::Arc;
use std::time::Duration;

use emmaus_memory::ManualClock;
use emmaus_ports::kv::{MAX_BATCH, MAX_BATCH_GET, MAX_KEY_BYTES, MAX_VALUE_BYTES};
use emmaus_ports::{Clock, Cursor, Index, IndexKeys, Item, Key, KvError, KvStore, Query, Write};

/// A store under test, the clock it reads, and a namespace that keeps cases apart.
pub struct KvHarness {
    pub store: Arc<dyn KvStore>,
    pub clock: Arc<ManualClock>,
    pub namespace: String,
    /// Whatever must outlive the case (a temporary folder, a server), dropped after it.
    pub guard: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for KvHarness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KvHarness")
            .field("store", &self.store)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl KvHarness {
    /// A harness over `store`, reading `clock`, in a fresh namespace labelled `label`.
    pub fn new(store: Arc<dyn KvStore>, clock: Arc<ManualClock>, label: &str) -> Self {
        Self { store, clock, namespace: crate::unique_namespace(label), guard: None }
    }

    #[must_use]
    pub fn guarding(mut self, guard: impl std::any::Any + Send + Sync) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }

    fn partition(&self, name: &str) -> String {
        format!("{}#{name}", self.namespace)
    }

    fn key(&self, partition: &str, sort: &str) -> Key {
        Key::new(self.partition(partition), sort)
    }
}

/// Expands to one `#[tokio::test]` per case, each calling `$make().await` for a fresh harness.
#[macro_export]
macro_rules! kv_conformance_tests {
    ($make:path) => {
        $crate::__kv_cases!(@tests $make);
    };
    // For stores behind a server the run may not have: `$make` returns `Option<Harness>`, and a
    // `None` (after `aws::aws_endpoint` said why, or failed under `scripts/test`) skips the case.
    (optional $make:path) => {
        $crate::__kv_cases!(@optional $make);
    };
    (@cases $make:path; $($case:ident),* $(,)?) => {
        $crate::__kv_cases!(@expand [@tests $make] $($case),*);
    };
}

/// The one list of cases, expanded as tests (`@tests make`) or as the table of [`kv_cases`] (`@table`).
#[doc(hidden)]
#[macro_export]
macro_rules! __kv_cases {
    (@expand [@tests $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                $crate::kv::$case($make().await).await;
            }
        )*
    };
    (@expand [@optional $make:path] $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(harness) = $make().await {
                    $crate::kv::$case(harness).await;
                }
            }
        )*
    };
    (@expand [@table] $($case:ident),* $(,)?) => {
        vec![$((
            stringify!($case),
            (|h: $crate::kv::KvHarness| -> $crate::CaseFuture { Box::pin($crate::kv::$case(h)) }) as $crate::kv::KvCase,
        )),*]
    };
    ($($mode:tt)*) => {
        $crate::__kv_cases! { @expand [$($mode)*]
            get_of_a_missing_key_is_none,
            put_if_absent_creates_version_one,
            put_if_absent_refuses_a_live_item,
            put_if_version_advances_and_refuses_stale_versions,
            put_if_version_on_a_missing_item_conflicts,
            delete_if_version_needs_the_current_version,
            values_are_bytes_not_text,
            keys_and_values_have_limits,
            query_orders_by_sort_key_bytes_within_the_prefix,
            query_descends_on_request,
            query_pages_never_skip_or_repeat,
            query_pages_stay_exact_while_the_partition_changes,
            query_refuses_foreign_and_garbage_cursors,
            query_of_an_empty_partition_is_an_empty_page,
            batch_applies_every_write,
            batch_applies_nothing_when_one_condition_fails,
            batch_refuses_bad_shapes_before_writing,
            expired_items_are_gone_and_replaceable,
            two_writers_from_one_version_one_loses,
            concurrent_read_modify_write_loses_no_update,
            one_winner_among_a_hundred_writers_of_one_version,
            a_check_holds_a_batch_to_an_item_it_does_not_write,
            checks_keep_an_invariant_under_concurrency,
            get_many_answers_in_the_order_asked,
            range_queries_list_half_open_intervals,
            an_index_lists_items_under_their_index_keys,
            an_index_follows_puts_and_deletes,
            index_pages_never_skip_or_repeat_among_equal_keys,
        }
    };
}

/// One case of the suite: takes a fresh harness, panics when the store breaks the contract.
pub type KvCase = fn(KvHarness) -> crate::CaseFuture;

/// Every case by name, for hosts that dispatch cases themselves (a Spin component) rather than
/// through `#[test]`s; the same list the tests macro expands.
pub fn kv_cases() -> Vec<(&'static str, KvCase)> {
    crate::__kv_cases!(@table)
}

fn must_conflict(result: Result<impl std::fmt::Debug, KvError>, key: &Key) {
    match result {
        Err(KvError::Conflict(k)) => assert_eq!(&k, key, "the conflict names the key"),
        other => panic!("expected Conflict on {key}, got {other:?}"),
    }
}

pub async fn get_of_a_missing_key_is_none(h: KvHarness) {
    assert_eq!(h.store.get(&h.key("p", "nothing")).await.unwrap(), None);
}

pub async fn put_if_absent_creates_version_one(h: KvHarness) {
    let key = h.key("p", "doc#1");
    assert_eq!(h.store.put_if_absent(key.clone(), b"hello".to_vec(), None).await.unwrap(), 1);
    let item = h.store.get(&key).await.unwrap().expect("item stored");
    assert_eq!(item, Item { key, value: b"hello".to_vec(), version: 1, expires_at: None, index: IndexKeys::NONE });
}

pub async fn put_if_absent_refuses_a_live_item(h: KvHarness) {
    let key = h.key("p", "doc");
    h.store.put_if_absent(key.clone(), b"first".to_vec(), None).await.unwrap();
    must_conflict(h.store.put_if_absent(key.clone(), b"second".to_vec(), None).await, &key);
    assert_eq!(h.store.get(&key).await.unwrap().unwrap().value, b"first");
}

pub async fn put_if_version_advances_and_refuses_stale_versions(h: KvHarness) {
    let key = h.key("p", "doc");
    h.store.put_if_absent(key.clone(), b"v1".to_vec(), None).await.unwrap();
    assert_eq!(h.store.put_if_version(key.clone(), b"v2".to_vec(), 1, None).await.unwrap(), 2);
    assert_eq!(h.store.put_if_version(key.clone(), b"v3".to_vec(), 2, None).await.unwrap(), 3);
    must_conflict(h.store.put_if_version(key.clone(), b"stale".to_vec(), 2, None).await, &key);
    must_conflict(h.store.put_if_version(key.clone(), b"future".to_vec(), 9, None).await, &key);
    let item = h.store.get(&key).await.unwrap().unwrap();
    assert_eq!((item.value.as_slice(), item.version), (&b"v3"[..], 3));
}

pub async fn put_if_version_on_a_missing_item_conflicts(h: KvHarness) {
    let key = h.key("p", "ghost");
    must_conflict(h.store.put_if_version(key.clone(), b"x".to_vec(), 1, None).await, &key);
    assert_eq!(h.store.get(&key).await.unwrap(), None);
}

pub async fn delete_if_version_needs_the_current_version(h: KvHarness) {
    let key = h.key("p", "doc");
    must_conflict(h.store.delete_if_version(key.clone(), 1).await, &key);
    h.store.put_if_absent(key.clone(), b"v1".to_vec(), None).await.unwrap();
    h.store.put_if_version(key.clone(), b"v2".to_vec(), 1, None).await.unwrap();
    must_conflict(h.store.delete_if_version(key.clone(), 1).await, &key);
    assert!(h.store.get(&key).await.unwrap().is_some(), "a failed delete deletes nothing");
    h.store.delete_if_version(key.clone(), 2).await.unwrap();
    assert_eq!(h.store.get(&key).await.unwrap(), None);
    assert_eq!(h.store.put_if_absent(key.clone(), b"again".to_vec(), None).await.unwrap(), 1);
}

pub async fn values_are_bytes_not_text(h: KvHarness) {
    let every_byte: Vec<u8> = (0..=255).collect();
    let key = h.key("p", "bytes");
    h.store.put_if_absent(key.clone(), every_byte.clone(), None).await.unwrap();
    assert_eq!(h.store.get(&key).await.unwrap().unwrap().value, every_byte);
    let empty = h.key("p", "empty");
    h.store.put_if_absent(empty.clone(), Vec::new(), None).await.unwrap();
    assert_eq!(h.store.get(&empty).await.unwrap().unwrap().value, Vec::<u8>::new());
}

pub async fn keys_and_values_have_limits(h: KvHarness) {
    let partition = h.partition("limits");
    let cases = [
        Key::new("", "s"),
        Key::new(partition.clone(), ""),
        Key::new(partition.clone(), "s".repeat(MAX_KEY_BYTES + 1)),
    ];
    for key in cases {
        let result = h.store.put_if_absent(key.clone(), b"x".to_vec(), None).await;
        assert!(matches!(result, Err(KvError::Invalid(_))), "{key} should be refused, got {result:?}");
        assert!(matches!(h.store.get(&key).await, Err(KvError::Invalid(_))), "get of {key} should be refused");
    }
    let longest = Key::new(partition.clone(), "s".repeat(MAX_KEY_BYTES));
    h.store.put_if_absent(longest.clone(), b"x".to_vec(), None).await.unwrap();
    assert!(h.store.get(&longest).await.unwrap().is_some());

    let big = Key::new(partition.clone(), "big");
    h.store.put_if_absent(big.clone(), vec![7; MAX_VALUE_BYTES], None).await.unwrap();
    assert_eq!(h.store.get(&big).await.unwrap().unwrap().value.len(), MAX_VALUE_BYTES);
    let too_big = Key::new(partition, "too-big");
    let result = h.store.put_if_absent(too_big.clone(), vec![7; MAX_VALUE_BYTES + 1], None).await;
    assert!(matches!(result, Err(KvError::TooLarge { .. })), "got {result:?}");
    assert_eq!(h.store.get(&too_big).await.unwrap(), None);
}

async fn fill(h: &KvHarness, partition: &str, sorts: &[&str]) {
    for sort in sorts {
        h.store.put_if_absent(h.key(partition, sort), sort.as_bytes().to_vec(), None).await.unwrap();
    }
}

fn sorts(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.key.sort.clone()).collect()
}

pub async fn query_orders_by_sort_key_bytes_within_the_prefix(h: KvHarness) {
    fill(&h, "q", &["a#2", "B", "a#10", "a#1", "b", "\u{e4}", "a", "a#1#x"]).await;
    fill(&h, "other", &["a#1"]).await;
    let all = h.store.query(&Query::new(h.partition("q"), "", 100)).await.unwrap();
    assert_eq!(sorts(&all.items), ["B", "a", "a#1", "a#1#x", "a#10", "a#2", "b", "\u{e4}"]);
    assert_eq!(all.next, None);
    let prefixed = h.store.query(&Query::new(h.partition("q"), "a#1", 100)).await.unwrap();
    assert_eq!(sorts(&prefixed.items), ["a#1", "a#1#x", "a#10"]);
    assert_eq!(prefixed.items[0].value, b"a#1", "items carry their values");
    assert_eq!(prefixed.items[0].version, 1, "items carry their versions");
}

pub async fn query_descends_on_request(h: KvHarness) {
    fill(&h, "q", &["x#1", "x#3", "x#2", "y#1"]).await;
    let page = h.store.query(&Query::new(h.partition("q"), "x#", 2).descending()).await.unwrap();
    assert_eq!(sorts(&page.items), ["x#3", "x#2"]);
    let rest = h.store.query(&Query::new(h.partition("q"), "x#", 2).descending().after(page.next)).await.unwrap();
    assert_eq!(sorts(&rest.items), ["x#1"]);
    assert_eq!(rest.next, None);
}

async fn collect_pages(h: &KvHarness, query: Query) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    for _ in 0..100 {
        let page = h.store.query(&query.clone().after(cursor.clone())).await.unwrap();
        assert!(page.items.len() <= query.limit as usize, "a page never exceeds the limit");
        seen.extend(sorts(&page.items));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
    panic!("paging did not end");
}

pub async fn query_pages_never_skip_or_repeat(h: KvHarness) {
    let expected: Vec<String> = (0..57).map(|i| format!("item#{i:03}")).collect();
    for sort in &expected {
        h.store.put_if_absent(h.key("pages", sort), vec![], None).await.unwrap();
    }
    for limit in [1, 10, 56, 57, 58] {
        let ascending = collect_pages(&h, Query::new(h.partition("pages"), "item#", limit)).await;
        assert_eq!(ascending, expected, "ascending pages of {limit}");
        let descending = collect_pages(&h, Query::new(h.partition("pages"), "item#", limit).descending()).await;
        let mut reversed = expected.clone();
        reversed.reverse();
        assert_eq!(descending, reversed, "descending pages of {limit}");
    }
    let exact = h.store.query(&Query::new(h.partition("pages"), "item#", 57)).await.unwrap();
    assert_eq!(exact.next, None, "no cursor when nothing follows");
}

pub async fn query_pages_stay_exact_while_the_partition_changes(h: KvHarness) {
    let partition = h.partition("moving");
    for i in [10, 20, 30, 40, 50] {
        h.store.put_if_absent(Key::new(&partition, format!("k#{i}")), vec![], None).await.unwrap();
    }
    let first = h.store.query(&Query::new(&partition, "k#", 2)).await.unwrap();
    assert_eq!(sorts(&first.items), ["k#10", "k#20"]);
    // An insert behind the cursor, one ahead of it, and a deletion ahead of it.
    h.store.put_if_absent(Key::new(&partition, "k#15"), vec![], None).await.unwrap();
    h.store.put_if_absent(Key::new(&partition, "k#35"), vec![], None).await.unwrap();
    h.store.delete_if_version(Key::new(&partition, "k#40"), 1).await.unwrap();
    let mut rest = Vec::new();
    let mut cursor = first.next;
    while let Some(c) = cursor {
        let page = h.store.query(&Query::new(&partition, "k#", 2).after(Some(c))).await.unwrap();
        rest.extend(sorts(&page.items));
        cursor = page.next;
    }
    assert_eq!(rest, ["k#30", "k#35", "k#50"]);
}

pub async fn query_refuses_foreign_and_garbage_cursors(h: KvHarness) {
    fill(&h, "q", &["a#1", "a#2", "b#1"]).await;
    let partition = h.partition("q");
    let foreign = Query::new(&partition, "b#", 10).after(Some(Cursor::after("a#1")));
    assert!(matches!(h.store.query(&foreign).await, Err(KvError::InvalidCursor)));
    let garbage = Query::new(&partition, "", 10).after(Some(Cursor::from_token("%%not-base64%%")));
    assert!(matches!(h.store.query(&garbage).await, Err(KvError::InvalidCursor)));
    for limit in [0, 1001] {
        assert!(matches!(h.store.query(&Query::new(&partition, "", limit)).await, Err(KvError::Invalid(_))));
    }
}

pub async fn query_of_an_empty_partition_is_an_empty_page(h: KvHarness) {
    let page = h.store.query(&Query::new(h.partition("empty"), "", 10)).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.next, None);
}

pub async fn batch_applies_every_write(h: KvHarness) {
    let (a, b, c) = (h.key("b", "a"), h.key("b", "b"), h.key("b", "c"));
    h.store.put_if_absent(b.clone(), b"b1".to_vec(), None).await.unwrap();
    h.store.put_if_absent(c.clone(), b"c1".to_vec(), None).await.unwrap();
    h.store
        .batch(vec![
            Write::PutIfAbsent { key: a.clone(), value: b"a1".to_vec(), expires_at: None, index: IndexKeys::NONE },
            Write::PutIfVersion {
                key: b.clone(),
                value: b"b2".to_vec(),
                expected: 1,
                expires_at: None,
                index: IndexKeys::NONE,
            },
            Write::DeleteIfVersion { key: c.clone(), expected: 1 },
        ])
        .await
        .unwrap();
    assert_eq!(h.store.get(&a).await.unwrap().unwrap().version, 1);
    let b_now = h.store.get(&b).await.unwrap().unwrap();
    assert_eq!((b_now.value.as_slice(), b_now.version), (&b"b2"[..], 2));
    assert_eq!(h.store.get(&c).await.unwrap(), None);
}

pub async fn batch_applies_nothing_when_one_condition_fails(h: KvHarness) {
    let (a, b, c) = (h.key("b", "a"), h.key("b", "b"), h.key("b", "c"));
    h.store.put_if_absent(b.clone(), b"b1".to_vec(), None).await.unwrap();
    h.store.put_if_absent(c.clone(), b"c1".to_vec(), None).await.unwrap();
    let result = h
        .store
        .batch(vec![
            Write::PutIfAbsent { key: a.clone(), value: b"a1".to_vec(), expires_at: None, index: IndexKeys::NONE },
            Write::DeleteIfVersion { key: c.clone(), expected: 1 },
            Write::PutIfVersion {
                key: b.clone(),
                value: b"b2".to_vec(),
                expected: 7,
                expires_at: None,
                index: IndexKeys::NONE,
            },
        ])
        .await;
    must_conflict(result, &b);
    assert_eq!(h.store.get(&a).await.unwrap(), None, "the earlier put was not applied");
    assert_eq!(h.store.get(&b).await.unwrap().unwrap().version, 1);
    assert_eq!(h.store.get(&c).await.unwrap().unwrap().value, b"c1", "the delete was not applied");
}

pub async fn batch_refuses_bad_shapes_before_writing(h: KvHarness) {
    let put = |sort: String| Write::PutIfAbsent {
        key: h.key("shape", &sort),
        value: vec![1],
        expires_at: None,
        index: IndexKeys::NONE,
    };
    assert!(matches!(h.store.batch(vec![]).await, Err(KvError::Invalid(_))));
    let too_many: Vec<Write> = (0..=MAX_BATCH).map(|i| put(format!("n{i}"))).collect();
    assert!(matches!(h.store.batch(too_many).await, Err(KvError::Invalid(_))));
    let twice = vec![put("same".into()), put("same".into())];
    assert!(matches!(h.store.batch(twice).await, Err(KvError::Invalid(_))));
    let with_big = vec![
        put("ok".into()),
        Write::PutIfAbsent {
            key: h.key("shape", "big"),
            value: vec![0; MAX_VALUE_BYTES + 1],
            expires_at: None,
            index: IndexKeys::NONE,
        },
    ];
    assert!(matches!(h.store.batch(with_big).await, Err(KvError::TooLarge { .. })));
    let page = h.store.query(&Query::new(h.partition("shape"), "", 100)).await.unwrap();
    assert!(page.items.is_empty(), "nothing written: {:?}", sorts(&page.items));
    let full: Vec<Write> = (0..MAX_BATCH).map(|i| put(format!("n{i:02}"))).collect();
    h.store.batch(full).await.unwrap();
    let page = h.store.query(&Query::new(h.partition("shape"), "", 100)).await.unwrap();
    assert_eq!(page.items.len(), MAX_BATCH);
}

pub async fn expired_items_are_gone_and_replaceable(h: KvHarness) {
    let key = h.key("ttl", "session");
    let expires = h.clock.now().unix_seconds() + 10;
    h.store.put_if_absent(key.clone(), b"s".to_vec(), Some(expires)).await.unwrap();
    h.store.put_if_absent(h.key("ttl", "keeper"), b"k".to_vec(), None).await.unwrap();
    let item = h.store.get(&key).await.unwrap().expect("live before expiry");
    assert_eq!(item.expires_at, Some(expires));

    h.clock.advance(Duration::from_secs(10));
    assert_eq!(h.store.get(&key).await.unwrap(), None, "gone at its expiry second");
    let page = h.store.query(&Query::new(h.partition("ttl"), "", 10)).await.unwrap();
    assert_eq!(sorts(&page.items), ["keeper"]);
    must_conflict(h.store.put_if_version(key.clone(), b"x".to_vec(), 1, None).await, &key);
    must_conflict(h.store.delete_if_version(key.clone(), 1).await, &key);
    assert_eq!(h.store.put_if_absent(key.clone(), b"new".to_vec(), None).await.unwrap(), 1);
    assert_eq!(h.store.get(&key).await.unwrap().unwrap().value, b"new");
}

pub async fn two_writers_from_one_version_one_loses(h: KvHarness) {
    let key = h.key("race", "doc");
    h.store.put_if_absent(key.clone(), b"0".to_vec(), None).await.unwrap();
    let seen_by_a = h.store.get(&key).await.unwrap().unwrap();
    let seen_by_b = h.store.get(&key).await.unwrap().unwrap();
    h.store.put_if_version(key.clone(), b"a".to_vec(), seen_by_a.version, None).await.unwrap();
    must_conflict(h.store.put_if_version(key.clone(), b"b".to_vec(), seen_by_b.version, None).await, &key);
    assert_eq!(h.store.get(&key).await.unwrap().unwrap().value, b"a");
}

/// N tasks each add 1 to a counter M times with read-modify-write; the total must be N * M.
pub async fn concurrent_read_modify_write_loses_no_update(h: KvHarness) {
    const TASKS: u64 = 8;
    const INCREMENTS: u64 = 15;
    let key = h.key("race", "counter");
    h.store.put_if_absent(key.clone(), b"0".to_vec(), None).await.unwrap();
    let mut handles = Vec::new();
    for _ in 0..TASKS {
        let (store, key) = (h.store.clone(), key.clone());
        handles.push(tokio::spawn(async move {
            let mut conflicts = 0u64;
            for _ in 0..INCREMENTS {
                loop {
                    let item = store.get(&key).await.unwrap().unwrap();
                    let n: u64 = std::str::from_utf8(&item.value).unwrap().parse().unwrap();
                    match store.put_if_version(key.clone(), (n + 1).to_string().into_bytes(), item.version, None).await
                    {
                        Ok(_) => break,
                        Err(KvError::Conflict(_)) => conflicts += 1,
                        Err(other) => panic!("unexpected error: {other:?}"),
                    }
                    tokio::task::yield_now().await;
                }
            }
            conflicts
        }));
    }
    let conflicts: u64 = futures::future::join_all(handles).await.into_iter().map(Result::unwrap).sum();
    let item = h.store.get(&key).await.unwrap().unwrap();
    assert_eq!(std::str::from_utf8(&item.value).unwrap(), (TASKS * INCREMENTS).to_string());
    assert_eq!(item.version, TASKS * INCREMENTS + 1);
    eprintln!("{} increments, {conflicts} conflicts retried", TASKS * INCREMENTS);
}

/// 100 writers read version 1 and each try once to write it: exactly one wins, and its value is
/// the one stored.
pub async fn one_winner_among_a_hundred_writers_of_one_version(h: KvHarness) {
    const WRITERS: usize = 100;
    let key = h.key("race", "contested");
    h.store.put_if_absent(key.clone(), b"start".to_vec(), None).await.unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|i| {
            let (store, key, barrier) = (h.store.clone(), key.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                match store.put_if_version(key, format!("writer {i}").into_bytes(), 1, None).await {
                    Ok(version) => Some((i, version)),
                    Err(KvError::Conflict(_)) => None,
                    Err(other) => panic!("writer {i}: {other:?}"),
                }
            })
        })
        .collect();
    let winners: Vec<(usize, u64)> =
        futures::future::join_all(handles).await.into_iter().filter_map(Result::unwrap).collect();
    assert_eq!(winners.len(), 1, "exactly one writer of version 1 wins: {winners:?}");
    let stored = h.store.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.value, format!("writer {}", winners[0].0).into_bytes(), "the winner's write is the one kept");
}

pub async fn a_check_holds_a_batch_to_an_item_it_does_not_write(h: KvHarness) {
    let (guard, a, b, absent) = (h.key("c", "guard"), h.key("c", "a"), h.key("c", "b"), h.key("c", "absent"));
    h.store.put_if_absent(guard.clone(), b"g".to_vec(), None).await.unwrap();
    let put = |key: &Key| Write::PutIfAbsent {
        key: key.clone(),
        value: b"x".to_vec(),
        expires_at: None,
        index: IndexKeys::NONE,
    };
    h.store
        .batch(vec![
            Write::Check { key: guard.clone(), expected: 1 },
            Write::Check { key: absent.clone(), expected: 0 },
            put(&a),
        ])
        .await
        .unwrap();
    assert!(h.store.get(&a).await.unwrap().is_some(), "the checks held, so the write applied");
    let guard_now = h.store.get(&guard).await.unwrap().unwrap();
    assert_eq!((guard_now.version, guard_now.value.as_slice()), (1, &b"g"[..]), "a check writes nothing");

    h.store.put_if_version(guard.clone(), b"g2".to_vec(), 1, None).await.unwrap();
    must_conflict(h.store.batch(vec![put(&b), Write::Check { key: guard.clone(), expected: 1 }]).await, &guard);
    assert_eq!(h.store.get(&b).await.unwrap(), None, "a failed check applies nothing");
    must_conflict(h.store.batch(vec![Write::Check { key: a.clone(), expected: 0 }, put(&b)]).await, &a);
    assert_eq!(h.store.get(&b).await.unwrap(), None);
    let missing = h.key("c", "never");
    must_conflict(h.store.batch(vec![Write::Check { key: missing.clone(), expected: 1 }, put(&b)]).await, &missing);
    let alone = h.store.batch(vec![Write::Check { key: guard.clone(), expected: 2 }]).await;
    assert!(matches!(alone, Err(KvError::Invalid(_))), "a batch of checks alone is refused: {alone:?}");
}

/// Write skew: two of a kind (say, the last two admins), and two requests that each remove one
/// while checking that the other is still there. Without checks both could pass; with them, one does.
pub async fn checks_keep_an_invariant_under_concurrency(h: KvHarness) {
    for round in 0..10 {
        let (a, b) = (h.key("skew", &format!("{round}#a")), h.key("skew", &format!("{round}#b")));
        h.store.put_if_absent(a.clone(), b"admin".to_vec(), None).await.unwrap();
        h.store.put_if_absent(b.clone(), b"admin".to_vec(), None).await.unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let remove = |gone: Key, kept: Key| {
            let (store, barrier) = (h.store.clone(), barrier.clone());
            tokio::spawn(async move {
                let seen_gone = store.get(&gone).await.unwrap().unwrap();
                let seen_kept = store.get(&kept).await.unwrap().unwrap();
                barrier.wait().await;
                store
                    .batch(vec![
                        Write::DeleteIfVersion { key: gone, expected: seen_gone.version },
                        Write::Check { key: kept, expected: seen_kept.version },
                    ])
                    .await
            })
        };
        let (first, second) = (remove(a.clone(), b.clone()), remove(b.clone(), a.clone()));
        let results = [first.await.unwrap(), second.await.unwrap()];
        let passed = results.iter().filter(|r| r.is_ok()).count();
        assert!(passed <= 1, "round {round}: both removals passed");
        for result in &results {
            assert!(matches!(result, Ok(()) | Err(KvError::Conflict(_) | KvError::Unavailable(_))), "{result:?}");
        }
        let left = h.store.get_many(&[a, b]).await.unwrap().into_iter().flatten().count();
        assert!(left >= 1, "round {round}: one of the two is always left");
        assert_eq!(left, 2 - passed);
    }
}

pub async fn get_many_answers_in_the_order_asked(h: KvHarness) {
    let expires = h.clock.now().unix_seconds() + 5;
    h.store.put_if_absent(h.key("m", "one"), b"1".to_vec(), None).await.unwrap();
    h.store.put_if_absent(h.key("n", "two"), b"2".to_vec(), None).await.unwrap();
    h.store.put_if_absent(h.key("m", "fleeting"), b"f".to_vec(), Some(expires)).await.unwrap();
    h.clock.advance(Duration::from_secs(5));
    let keys = [h.key("n", "two"), h.key("m", "missing"), h.key("m", "fleeting"), h.key("m", "one")];
    let found = h.store.get_many(&keys).await.unwrap();
    let values: Vec<Option<Vec<u8>>> = found.iter().map(|item| item.as_ref().map(|i| i.value.clone())).collect();
    assert_eq!(
        values,
        [Some(b"2".to_vec()), None, None, Some(b"1".to_vec())],
        "in order; missing and expired are None"
    );
    assert_eq!(found[0].as_ref().unwrap().key, keys[0]);
    assert_eq!(h.store.get_many(&[]).await.unwrap(), Vec::<Option<Item>>::new());

    let many: Vec<Key> = (0..MAX_BATCH_GET).map(|i| h.key("many", &format!("k{i:03}"))).collect();
    for key in many.iter().step_by(3) {
        h.store.put_if_absent(key.clone(), key.sort.as_bytes().to_vec(), None).await.unwrap();
    }
    let found = h.store.get_many(&many).await.unwrap();
    assert_eq!(found.len(), MAX_BATCH_GET);
    for (i, (key, item)) in many.iter().zip(&found).enumerate() {
        assert_eq!(item.as_ref().map(|item| item.value.clone()), (i % 3 == 0).then(|| key.sort.as_bytes().to_vec()));
    }
    let too_many: Vec<Key> = (0..=MAX_BATCH_GET).map(|i| h.key("many", &format!("x{i}"))).collect();
    assert!(matches!(h.store.get_many(&too_many).await, Err(KvError::Invalid(_))));
    let twice = [h.key("m", "one"), h.key("m", "one")];
    assert!(matches!(h.store.get_many(&twice).await, Err(KvError::Invalid(_))));
    assert!(matches!(h.store.get_many(&[Key::new("", "x")]).await, Err(KvError::Invalid(_))));
}

pub async fn range_queries_list_half_open_intervals(h: KvHarness) {
    let days = ["d#2026-02-28", "d#2026-03-01", "d#2026-03-15", "d#2026-03-31", "d#2026-04-01", "e#2026-03-02"];
    fill(&h, "cal", &days).await;
    let partition = h.partition("cal");
    let range = |from: Option<&str>, to: Option<&str>| {
        Query::new(&partition, "d#", 100).range(from.map(str::to_owned), to.map(str::to_owned))
    };
    let march = h.store.query(&range(Some("d#2026-03"), Some("d#2026-04"))).await.unwrap();
    assert_eq!(sorts(&march.items), ["d#2026-03-01", "d#2026-03-15", "d#2026-03-31"]);
    let inclusive_from = h.store.query(&range(Some("d#2026-03-15"), Some("d#2026-04-01"))).await.unwrap();
    assert_eq!(sorts(&inclusive_from.items), ["d#2026-03-15", "d#2026-03-31"], "from is in, to is out");
    let open_end = h.store.query(&range(Some("d#2026-03-31"), None)).await.unwrap();
    assert_eq!(sorts(&open_end.items), ["d#2026-03-31", "d#2026-04-01"], "the prefix still bounds an open end");
    let open_start = h.store.query(&range(None, Some("d#2026-03-02"))).await.unwrap();
    assert_eq!(sorts(&open_start.items), ["d#2026-02-28", "d#2026-03-01"]);
    let no_prefix = Query::new(&partition, "", 100).range(Some("d#2026-04".into()), Some("e#2026-04".into()));
    assert_eq!(sorts(&h.store.query(&no_prefix).await.unwrap().items), ["d#2026-04-01", "e#2026-03-02"]);
    for (from, to) in [("d#2026-04", "d#2026-03"), ("d#2026-03", "d#2026-03")] {
        let empty = h.store.query(&range(Some(from), Some(to))).await.unwrap();
        assert!(empty.items.is_empty() && empty.next.is_none(), "[{from}, {to}) is empty");
    }
    let down = collect_pages(&h, range(Some("d#2026-03"), Some("d#2026-04")).descending().with_limit(1)).await;
    assert_eq!(down, ["d#2026-03-31", "d#2026-03-15", "d#2026-03-01"], "ranges page and descend");
    let up = collect_pages(&h, range(Some("d#2026-03"), Some("d#2026-04-01")).with_limit(2)).await;
    assert_eq!(up, ["d#2026-03-01", "d#2026-03-15", "d#2026-03-31"]);
}

/// Puts `sort` in partition `p` listed in `index` under `(index_partition, index_sort)`.
fn indexed(h: &KvHarness, sort: &str, index: Index, index_partition: &str, index_sort: &str) -> Write {
    Write::PutIfAbsent {
        key: h.key("docs", sort),
        value: sort.as_bytes().to_vec(),
        expires_at: None,
        index: IndexKeys::NONE.with(index, Key::new(h.partition(index_partition), index_sort)),
    }
}

/// Index reads may lag (the contract), so they are retried for a while until they show `expected`.
async fn eventually_listed(h: &KvHarness, query: &Query, expected: &[&str]) -> Vec<Item> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let items = h.store.query(query).await.unwrap().items;
        if sorts(&items) == expected {
            return items;
        }
        assert!(std::time::Instant::now() < deadline, "the index never listed {expected:?}; last {:?}", sorts(&items));
        pause().await;
    }
}

/// A short wait between reads of a lagging index. Inside a Spin component there is no timer (and
/// Spin's SQLite never lags), so there it only yields.
async fn pause() {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(Duration::from_millis(100)).await;
    #[cfg(target_arch = "wasm32")]
    tokio::task::yield_now().await;
}

pub async fn an_index_lists_items_under_their_index_keys(h: KvHarness) {
    h.store
        .batch(vec![
            indexed(&h, "doc#1", Index::One, "tag#psalms", "2026-03-02"),
            indexed(&h, "doc#2", Index::One, "tag#psalms", "2026-01-09"),
            indexed(&h, "doc#3", Index::One, "tag#prayer", "2026-02-01"),
            indexed(&h, "doc#4", Index::Two, "tag#psalms", "2026-02-01"),
            indexed(&h, "doc#5", Index::One, "tag#psalms", "2025-12-24"),
        ])
        .await
        .unwrap();
    h.store.put_if_absent(h.key("docs", "doc#6"), b"unlisted".to_vec(), None).await.unwrap();
    let psalms = Query::on_index(Index::One, h.partition("tag#psalms"), "", 100);
    let items = eventually_listed(&h, &psalms, &["doc#5", "doc#2", "doc#1"]).await;
    assert_eq!(items[0].value, b"doc#5", "whole items");
    assert_eq!(items[0].version, 1);
    assert_eq!(items[0].index.one, Some(Key::new(h.partition("tag#psalms"), "2025-12-24")), "with their index keys");
    assert_eq!(items[0].index.two, None);
    let by_key = h.store.get(&h.key("docs", "doc#4")).await.unwrap().unwrap();
    assert_eq!(by_key.index.two, Some(Key::new(h.partition("tag#psalms"), "2026-02-01")), "a get returns them too");

    let this_year = Query::on_index(Index::One, h.partition("tag#psalms"), "2026-", 100);
    assert_eq!(
        sorts(&h.store.query(&this_year).await.unwrap().items),
        ["doc#2", "doc#1"],
        "prefixes on the index sort"
    );
    let spring = psalms.clone().range(Some("2026-02".into()), Some("2026-04".into())).descending();
    assert_eq!(sorts(&h.store.query(&spring).await.unwrap().items), ["doc#1"], "ranges on the index sort");
    let second = Query::on_index(Index::Two, h.partition("tag#psalms"), "", 100);
    assert_eq!(sorts(&eventually_listed(&h, &second, &["doc#4"]).await), ["doc#4"], "the indexes are apart");
    let table = h.store.query(&Query::new(h.partition("tag#psalms"), "", 100)).await.unwrap();
    assert!(table.items.is_empty(), "an index partition is not a table partition");
}

pub async fn an_index_follows_puts_and_deletes(h: KvHarness) {
    let key = h.key("docs", "moving");
    let listed = |partition: &str| IndexKeys::NONE.with(Index::One, Key::new(h.partition(partition), "k"));
    let under = |partition: &str| Query::on_index(Index::One, h.partition(partition), "", 10);
    let put = |version: u64, index: IndexKeys| {
        let write = if version == 0 {
            Write::PutIfAbsent { key: key.clone(), value: b"v".to_vec(), expires_at: None, index }
        } else {
            Write::PutIfVersion { key: key.clone(), value: b"v".to_vec(), expected: version, expires_at: None, index }
        };
        h.store.batch(vec![write])
    };
    put(0, listed("a")).await.unwrap();
    eventually_listed(&h, &under("a"), &["moving"]).await;
    put(1, listed("b")).await.unwrap();
    eventually_listed(&h, &under("b"), &["moving"]).await;
    eventually_listed(&h, &under("a"), &[]).await;
    put(2, IndexKeys::NONE).await.unwrap();
    eventually_listed(&h, &under("b"), &[]).await;
    assert_eq!(h.store.get(&key).await.unwrap().unwrap().index, IndexKeys::NONE, "a put without keys leaves the index");
    put(3, listed("c")).await.unwrap();
    eventually_listed(&h, &under("c"), &["moving"]).await;
    h.store.delete_if_version(key.clone(), 4).await.unwrap();
    eventually_listed(&h, &under("c"), &[]).await;

    let expires = h.clock.now().unix_seconds() + 5;
    let fleeting =
        Write::PutIfAbsent { key: key.clone(), value: b"f".to_vec(), expires_at: Some(expires), index: listed("d") };
    h.store.batch(vec![fleeting]).await.unwrap();
    eventually_listed(&h, &under("d"), &["moving"]).await;
    h.clock.advance(Duration::from_secs(5));
    assert!(h.store.query(&under("d")).await.unwrap().items.is_empty(), "an expired item leaves the index listing");
}

pub async fn index_pages_never_skip_or_repeat_among_equal_keys(h: KvHarness) {
    let mut writes = Vec::new();
    let mut expected = Vec::new();
    for i in 0..24 {
        let day = ["2026-05-01", "2026-05-02", "2026-05-03"][i % 3];
        let sort = format!("doc#{i:02}");
        writes.push(indexed(&h, &sort, Index::Two, "due", day));
        expected.push((day.to_owned(), sort));
    }
    for chunk in writes.chunks(MAX_BATCH) {
        h.store.batch(chunk.to_vec()).await.unwrap();
    }
    expected.sort();
    let all = Query::on_index(Index::Two, h.partition("due"), "", 100);
    let expected_sorts: Vec<String> = {
        let listed = h.store.query(&all).await.unwrap().items;
        if listed.len() < expected.len() {
            let names: Vec<&str> = expected.iter().map(|(_, s)| s.as_str()).collect();
            let _ = eventually_listed(&h, &all, &names).await;
        }
        expected.iter().map(|(_, sort)| sort.clone()).collect()
    };
    for limit in [1, 5, 8, 24, 25] {
        for descending in [false, true] {
            let mut query = all.clone().with_limit(limit);
            if descending {
                query = query.descending();
            }
            let mut seen: Vec<(String, String)> = Vec::new();
            let mut cursor: Option<Cursor> = None;
            for _ in 0..100 {
                let page = h.store.query(&query.clone().after(cursor.clone())).await.unwrap();
                assert!(page.items.len() <= limit as usize);
                for item in &page.items {
                    let day = item.index.two.as_ref().expect("listed under its key").sort.clone();
                    seen.push((day, item.key.sort.clone()));
                }
                cursor = page.next;
                if cursor.is_none() {
                    break;
                }
            }
            let days: Vec<&String> = seen.iter().map(|(day, _)| day).collect();
            let mut ordered = days.clone();
            ordered.sort();
            if descending {
                ordered.reverse();
            }
            assert_eq!(days, ordered, "ordered by the index sort key (limit {limit}, descending {descending})");
            let mut names: Vec<String> = seen.into_iter().map(|(_, sort)| sort).collect();
            names.sort();
            let mut wanted = expected_sorts.clone();
            wanted.sort();
            assert_eq!(names, wanted, "every item once (limit {limit}, descending {descending})");
        }
    }
}

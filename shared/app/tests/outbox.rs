//! The outbox: tasks written atomically with the change that needs them, applied at least once and
//! idempotently, retried with backoff, parked visibly, and applied again after a run that dies
//! between the handler and the delete.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use emmaus_app::docs;
use emmaus_app::jobs::{Outcome, apply_outbox};
use emmaus_app::outbox::{self, Failure, Handlers, Queue};
use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::DomainError;
use emmaus_memory::ManualClock;
use emmaus_ports::{Clock, Item, Key, KvError, KvStore, Page, Query, Write};
use serde_json::json;

type Step = Pin<Box<dyn Future<Output = Result<(), Failure>> + Send>>;

/// Marks `payload.name` done, once: the effect is a document created if absent, so running the
/// task twice leaves one effect. It also counts its own runs, to show at-least-once.
fn mark(p: Platform, payload: serde_json::Value) -> Step {
    Box::pin(async move {
        let name = payload["name"].as_str().ok_or_else(|| Failure::Permanent("no name".into()))?.to_owned();
        count_run(&p, &name).await;
        match docs::create(p.kv.as_ref(), Key::new("effects", name), &json!({"done": true}), None).await {
            Ok(()) | Err(DomainError::Conflict(_)) => Ok(()),
            Err(other) => Err(other.into()),
        }
    })
}

/// Fails for now, every time.
fn flaky(_: Platform, _: serde_json::Value) -> Step {
    Box::pin(async { Err(Failure::Retry("the index service is unavailable".into())) })
}

/// Fails for good.
fn broken(_: Platform, _: serde_json::Value) -> Step {
    Box::pin(async { Err(Failure::Permanent("the payload names no document".into())) })
}

async fn count_run(p: &Platform, name: &str) {
    let key = Key::new("runs", name);
    loop {
        let current = p.kv.get(&key).await.unwrap();
        let result = match current {
            None => p.kv.put_if_absent(key.clone(), b"1".to_vec(), None).await,
            Some(item) => {
                let n: u64 = String::from_utf8(item.value).unwrap().parse().unwrap();
                p.kv.put_if_version(key.clone(), (n + 1).to_string().into_bytes(), item.version, None).await
            }
        };
        if result.is_ok() {
            return;
        }
    }
}

async fn runs(p: &Platform, name: &str) -> u64 {
    p.kv.get(&Key::new("runs", name))
        .await
        .unwrap()
        .map_or(0, |item| String::from_utf8(item.value).unwrap().parse().unwrap())
}

async fn effect(p: &Platform, name: &str) -> bool {
    p.kv.get(&Key::new("effects", name)).await.unwrap().is_some()
}

fn world() -> (Platform, Arc<ManualClock>) {
    let (p, clock) = Platform::in_memory("local");
    let handlers = Handlers::default().with("test.mark", mark).with("test.flaky", flaky).with("test.broken", broken);
    (Platform::new(PlatformParts { tasks: Arc::new(handlers), ..p.parts() }), clock)
}

async fn enqueue(p: &Platform, kind: &str, name: &str) {
    let write = outbox::enqueue(p, kind, json!({"name": name})).unwrap();
    p.kv.batch(vec![write]).await.unwrap();
}

#[tokio::test]
async fn a_task_is_stored_with_its_change_or_not_at_all() {
    let (p, _) = world();
    let change = Key::new("docs", "a");
    let task = outbox::enqueue(&p, "test.mark", json!({"name": "a"})).unwrap();
    let put = docs::create_write(change.clone(), &json!({"title": "A"}), None);
    p.kv.batch(vec![put.clone(), task]).await.unwrap();
    assert_eq!(outbox::list(&p, Queue::Pending, None, 10).await.unwrap().0.len(), 1);

    // The same change again fails its condition: the second task is not stored either.
    let again = outbox::enqueue(&p, "test.mark", json!({"name": "again"})).unwrap();
    assert!(matches!(p.kv.batch(vec![put, again]).await, Err(KvError::Conflict(_))));
    let (pending, _) = outbox::list(&p, Queue::Pending, None, 10).await.unwrap();
    assert_eq!(pending.iter().map(|t| t.payload["name"].as_str().unwrap()).collect::<Vec<_>>(), ["a"]);

    assert!(matches!(outbox::enqueue(&p, "Not A Kind", json!({})), Err(DomainError::Validation(_))));
}

#[tokio::test]
async fn the_job_applies_due_tasks_and_says_what_it_did() {
    let (p, clock) = world();
    assert_eq!(apply_outbox(p.clone(), clock.now()).await, Outcome::Idle);
    for name in ["one", "two", "three"] {
        enqueue(&p, "test.mark", name).await;
    }
    let outcome = apply_outbox(p.clone(), clock.now()).await;
    assert_eq!(outcome, Outcome::Done("3 applied, 0 deferred, 0 parked".into()));
    for name in ["one", "two", "three"] {
        assert!(effect(&p, name).await, "{name} applied");
        assert_eq!(runs(&p, name).await, 1);
    }
    assert!(outbox::list(&p, Queue::Pending, None, 10).await.unwrap().0.is_empty(), "applied tasks are gone");
    assert_eq!(apply_outbox(p.clone(), clock.now()).await, Outcome::Idle);
}

#[tokio::test]
async fn a_run_takes_at_most_its_share_and_leaves_the_rest_for_the_next() {
    let (p, clock) = world();
    for i in 0..outbox::PER_RUN + 3 {
        enqueue(&p, "test.mark", &format!("t{i:03}")).await;
    }
    let first = outbox::run(&p, clock.now()).await.unwrap();
    assert_eq!((first.done, first.more), (outbox::PER_RUN, true));
    assert!(effect(&p, "t000").await && !effect(&p, &format!("t{:03}", outbox::PER_RUN)).await, "oldest first");
    let second = outbox::run(&p, clock.now()).await.unwrap();
    assert_eq!((second.done, second.more), (3, false));
}

#[tokio::test]
async fn failures_back_off_then_park_visibly_and_a_requeue_tries_again() {
    let (p, clock) = world();
    enqueue(&p, "test.flaky", "slow").await;
    let first = outbox::run(&p, clock.now()).await.unwrap();
    assert_eq!(first.deferred, 1);
    let (pending, _) = outbox::list(&p, Queue::Pending, None, 10).await.unwrap();
    assert_eq!(pending[0].attempts, 1);
    assert_eq!(pending[0].last_error.as_deref(), Some("the index service is unavailable"));
    assert_eq!(outbox::run(&p, clock.now()).await.unwrap(), outbox::Applied::default(), "not before its backoff");
    let mut attempts = 1;
    while attempts < outbox::MAX_ATTEMPTS {
        clock.advance(outbox::backoff(attempts) + Duration::from_secs(1));
        let applied = outbox::run(&p, clock.now()).await.unwrap();
        attempts += 1;
        if attempts < outbox::MAX_ATTEMPTS {
            assert_eq!(applied.deferred, 1, "attempt {attempts}");
        } else {
            assert_eq!(applied.parked, 1, "parked after {attempts} attempts");
        }
    }
    assert!(outbox::list(&p, Queue::Pending, None, 10).await.unwrap().0.is_empty());
    let (parked, _) = outbox::list(&p, Queue::Parked, None, 10).await.unwrap();
    assert_eq!((parked.len(), parked[0].kind.as_str(), parked[0].attempts), (1, "test.flaky", outbox::MAX_ATTEMPTS));
    let summary = apply_outbox(p.clone(), clock.now()).await;
    assert_eq!(summary, Outcome::Done("0 applied, 0 deferred, 0 parked; 1 parked tasks wait for an operator".into()));

    // Mended (here: the task's kind now has a handler that succeeds), it goes back and runs.
    let mended =
        Platform::new(PlatformParts { tasks: Arc::new(Handlers::default().with("test.flaky", mark)), ..p.parts() });
    let requeued = outbox::requeue(&mended, &parked[0].id).await.unwrap();
    assert_eq!(requeued.attempts, 0);
    assert!(matches!(outbox::requeue(&mended, &parked[0].id).await, Err(DomainError::NotFound(_))));
    assert_eq!(outbox::run(&mended, clock.now()).await.unwrap().done, 1);
    assert!(effect(&mended, "slow").await);
    assert_eq!(outbox::parked_count(&mended, 100).await.unwrap(), 0);
}

#[tokio::test]
async fn permanent_failures_and_unknown_kinds_park_at_once() {
    let (p, clock) = world();
    enqueue(&p, "test.broken", "b").await;
    enqueue(&p, "test.nobody-handles", "n").await;
    let applied = outbox::run(&p, clock.now()).await.unwrap();
    assert_eq!(applied.parked, 2);
    let (parked, _) = outbox::list(&p, Queue::Parked, None, 10).await.unwrap();
    let reasons: Vec<&str> = parked.iter().map(|t| t.last_error.as_deref().unwrap()).collect();
    assert_eq!(reasons, ["the payload names no document", "no handler for the task kind test.nobody-handles"]);
}

/// A store that dies the first time a run deletes an applied task: the run ends there, as a
/// process killed between the handler and the delete would.
#[derive(Debug)]
struct DiesBeforeDelete {
    inner: Arc<dyn KvStore>,
    died: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl KvStore for DiesBeforeDelete {
    fn adapter(&self) -> &'static str {
        self.inner.adapter()
    }
    async fn get(&self, key: &Key) -> Result<Option<Item>, KvError> {
        self.inner.get(key).await
    }
    async fn query(&self, query: &Query) -> Result<Page, KvError> {
        self.inner.query(query).await
    }
    async fn batch(&self, writes: Vec<Write>) -> Result<(), KvError> {
        let deletes_a_task =
            matches!(writes.as_slice(), [Write::DeleteIfVersion { key, .. }] if key.partition == "outbox");
        let first_delete = deletes_a_task && !self.died.swap(true, std::sync::atomic::Ordering::SeqCst);
        assert!(!first_delete, "the run is killed between the handler and the delete");
        self.inner.batch(writes).await
    }
}

#[tokio::test]
async fn a_run_killed_between_the_handler_and_the_delete_is_applied_again_once() {
    let (p, clock) = world();
    let dying = Platform::new(PlatformParts {
        kv: Arc::new(DiesBeforeDelete { inner: p.kv.clone(), died: false.into() }),
        ..p.parts()
    });
    enqueue(&p, "test.mark", "kept").await;
    let now = clock.now();
    let killed = tokio::spawn(async move { outbox::run(&dying, now).await }).await;
    assert!(killed.is_err_and(|e| e.is_panic()), "the run died");
    assert!(effect(&p, "kept").await, "the handler had done its work");
    assert_eq!(outbox::list(&p, Queue::Pending, None, 10).await.unwrap().0.len(), 1, "the task is still there");

    assert_eq!(outbox::run(&p, clock.now()).await.unwrap().done, 0, "its lease holds off other runs");
    clock.advance(outbox::LEASE + Duration::from_secs(1));
    assert_eq!(outbox::run(&p, clock.now()).await.unwrap().done, 1);
    assert_eq!(runs(&p, "kept").await, 2, "applied at least once: twice here");
    assert!(effect(&p, "kept").await, "and its effect is there once (idempotent)");
    assert!(outbox::list(&p, Queue::Pending, None, 10).await.unwrap().0.is_empty());
}

#[tokio::test]
async fn two_runs_at_once_apply_each_task_once() {
    let (p, clock) = world();
    for i in 0..20 {
        enqueue(&p, "test.mark", &format!("c{i:02}")).await;
    }
    // Both runs read the queue before either claims: their first claims wait for each other.
    let racing =
        Platform::new(PlatformParts { kv: Arc::new(emmaus_memory::RendezvousKv::new(p.kv.clone(), 2)), ..p.parts() });
    let now = clock.now();
    let (a, b) = tokio::join!(outbox::run(&racing, now), outbox::run(&racing, now));
    assert_eq!(a.unwrap().done + b.unwrap().done, 20);
    for i in 0..20 {
        assert_eq!(runs(&p, &format!("c{i:02}")).await, 1, "c{i:02} ran once");
    }
}

#[tokio::test]
async fn a_lane_is_a_queue_of_its_own_and_a_parked_task_goes_back_to_its_lane() {
    let (p, clock) = world();
    let write = outbox::enqueue_in(&p, "ingest", "test.broken", json!({"name": "slow"})).unwrap();
    p.kv.batch(vec![write, outbox::enqueue(&p, "test.mark", json!({"name": "quick"})).unwrap()]).await.unwrap();
    assert_eq!(outbox::run(&p, clock.now()).await.unwrap().done, 1, "the default lane's job applies its own task");
    assert!(effect(&p, "quick").await);
    assert!(
        outbox::list(&p, Queue::Pending, None, 10).await.unwrap().0.is_empty(),
        "the lane's task is not the default's"
    );
    let lane = outbox::run_lane(&p, "ingest", clock.now()).await.unwrap();
    assert_eq!(lane.parked, 1, "the lane's job applies it (and parks it: it fails for good)");
    let (parked, _) = outbox::list(&p, Queue::Parked, None, 10).await.unwrap();
    assert_eq!(parked[0].lane, "ingest");
    let mended =
        Platform::new(PlatformParts { tasks: Arc::new(Handlers::default().with("test.broken", mark)), ..p.parts() });
    outbox::requeue(&mended, &parked[0].id).await.unwrap();
    assert_eq!(outbox::run(&mended, clock.now()).await.unwrap().done, 0, "not back in the default lane");
    assert_eq!(outbox::run_lane(&mended, "ingest", clock.now()).await.unwrap().done, 1, "back in its own");
    assert!(effect(&mended, "slow").await);
    assert!(matches!(outbox::enqueue_in(&p, "Bad Lane", "test.mark", json!({})), Err(DomainError::Validation(_))));
}

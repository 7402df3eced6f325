//! `dashboard_bench [ROUNDS]`: a mentor's dashboard (`dashboard::build`) with 30 mentees on the
//! local host's store (SQLite in a temporary folder). Each mentee has three goals (two active,
//! with milestones), twenty study items (some done, some overdue), five recurring study tasks
//! with occurrences done and moved over the last weeks, and ten meetings with the mentor; "now" is
//! Wednesday 4 March 2026, 12:00 UTC. Each goal has a comment of the mentee's, unread by the
//! mentor, and the mentor's answer.
//!
//! It prints the latency of one dashboard request (median and 95th percentile over ROUNDS, 30
//! unless given), the allocations one request makes (allocation-counter, on this thread; the plans
//! are read eight at a time on one thread), and the store operations one request makes (a
//! recording wrapper around the store: queries and gets, and the keys of batch reads). Release
//! build, for `scripts/bench/planner`.

use std::sync::Arc;
use std::time::Instant;

use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::Timestamp;
use emmaus_domain::identity::Role;
use emmaus_identity::{Actor, mentorships, testing};
use emmaus_memory::{ManualClock, RecordingKv};
use emmaus_planner::goals::{self, NewGoal};
use emmaus_planner::meetings::{self, NewMeeting};
use emmaus_planner::model::{OccurrenceStatus, Progress};
use emmaus_planner::queue::{self, ItemChange, NewItem, NewTarget};
use emmaus_planner::tasks::{self, OccurrenceChange, TaskInput};
use emmaus_planner::{comments, dashboard};

const MENTEES: usize = 30;

async fn setup() -> (Platform, Arc<RecordingKv>, Actor, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let clock = Arc::new(ManualClock::at(Timestamp::from_unix_millis(1_772_625_600_000)));
    let sqlite = emmaus_sqlite::SqliteKv::open(&dir.path().join("kv.db"), clock.clone()).expect("the store opens");
    let kv = Arc::new(RecordingKv::new(Arc::new(sqlite)));
    let (base, _) = Platform::in_memory("local");
    let p = Platform::new(PlatformParts { kv: kv.clone(), clock, ..base.parts() });
    let admin = testing::member(&p, "org", "ada", "Ada", &[Role::Admin]).await;
    let mentor = testing::member(&p, "org", "mara", "Mara", &[Role::Mentor]).await;
    for n in 0..MENTEES {
        let id = format!("mentee{n:02}");
        let mentee = testing::member(&p, "org", &id, &format!("Mentee{n}"), &[Role::Mentee]).await;
        mentorships::create(&p, &admin, "mara", &id).await.expect("a mentorship");
        for g in 0..3 {
            let goal = NewGoal {
                title: format!("Goal {g}"),
                milestones: vec!["Begin".into(), "Middle".into(), "End".into()],
                ..NewGoal::default()
            };
            let made = goals::create(&p, &mentee, &id, goal).await.expect("a goal");
            let thread = comments::ThreadId::parse(&format!("goal-{}", made.value.id)).expect("a thread");
            comments::add(&p, &mentee, &id, &thread, "How do I start?").await.expect("a comment");
            comments::add(&p, &mentor, &id, &thread, "With the first milestone.").await.expect("a comment");
            if g == 2 {
                let change = goals::GoalChange {
                    status: Some(emmaus_planner::model::GoalStatus::Achieved),
                    ..goals::GoalChange::default()
                };
                goals::update(&p, &mentee, &id, &made.value.id, made.version, change).await.expect("achieved");
            }
        }
        for i in 0..20 {
            let item = NewItem {
                target: NewTarget::Link { url: format!("https://example.org/{i}"), title: format!("Reading {i}") },
                note: String::new(),
                due_date: (i % 4 == 0).then(|| "2026-03-01".to_owned()),
                goal_id: None,
            };
            let made = queue::assign(&p, &mentor, &id, item).await.expect("a study item");
            if i % 3 == 0 {
                let change = ItemChange { progress: Some(Progress::Done), ..ItemChange::default() };
                queue::update(&p, &mentee, &id, &made.item.value.id, made.item.version, change).await.expect("done");
            }
        }
        for t in 0..5 {
            let rule = if t % 2 == 0 { "FREQ=DAILY" } else { "FREQ=WEEKLY;BYDAY=MO,WE,FR" };
            let input = TaskInput {
                title: Some(format!("Study {t}")),
                start: Some(format!("2026-01-05T{:02}:00", 7 + t)),
                rrule: Some(Some(rule.to_owned())),
                ..TaskInput::default()
            };
            let task = tasks::create(&p, &mentee, &id, input).await.expect("a task");
            for day in ["20260302", "20260304"] {
                let occurrence = format!("{day}T{:02}0000", 7 + t);
                let change = if day == "20260302" {
                    OccurrenceChange { status: OccurrenceStatus::Done, start: None }
                } else {
                    OccurrenceChange {
                        status: OccurrenceStatus::Pending,
                        start: Some(format!("2026-03-05T{:02}:30", 7 + t)),
                    }
                };
                tasks::set_occurrence(&p, &mentee, &id, &task.id, &occurrence, change).await.expect("a change");
            }
        }
        for m in 0..10 {
            let meeting = NewMeeting {
                start: format!("2026-0{}-{:02}T18:00", 1 + m / 5, 2 + (m % 5) * 5),
                duration_minutes: 60,
                shared_notes: "Notes".into(),
                private_notes: "Private".into(),
                next_steps: vec!["Read".into()],
            };
            meetings::create(&p, &mentor, &id, meeting).await.expect("a meeting");
        }
    }
    (p, kv, mentor, dir)
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(30, |r| r.parse().expect("ROUNDS is a number"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (p, kv, mentor, _dir) = runtime.block_on(setup());
    let board = runtime.block_on(dashboard::build(&p, &mentor)).expect("the dashboard");
    assert_eq!(board.mentees.len(), MENTEES);
    kv.take();
    let mut times = Vec::with_capacity(rounds);
    let counted = allocation_counter::measure(|| {
        for _ in 0..rounds {
            let started = Instant::now();
            std::hint::black_box(runtime.block_on(dashboard::build(&p, &mentor)).expect("the dashboard"));
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    });
    let operations = kv.take();
    let batch_keys = operations.iter().filter(|op| op.starts_with("get_many")).count() / rounds;
    let queries = operations.len() / rounds - batch_keys;
    times.sort_by(f64::total_cmp);
    let at = |percent: usize| times[(times.len() - 1) * percent / 100];
    println!(
        "mentor dashboard, {MENTEES} mentees (3 goals with 2 comments each, 20 study items, 5 recurring tasks, 10 meetings each): p50 {:.2} ms, p95 {:.2} ms, {} allocations, {queries} store queries and gets plus {batch_keys} keys in batch reads per request ({rounds} rounds)",
        at(50),
        at(95),
        counted.count_total / rounds as u64,
    );
}

//! `calendar_bench [ROUNDS]`: the planner's calendar use case (`calendar::range`) for one person
//! with 50 recurring study tasks (25 daily, 25 weekly, as in `recurrence_bench`) and 150 of their
//! occurrences done or moved, plus 500 one-off tasks finished in 2024, on the local host's store
//! (SQLite in a temporary folder), in Europe/Berlin.
//!
//! It prints, for the year 2026 and for one week, the latency of one request (median and 95th
//! percentile over ROUNDS, 50 unless given), the allocations one request makes (allocation-counter,
//! on this thread), and the store operations one request makes (a recording wrapper around the store):
//! the finished tasks of 2024 are never read. Then the same figures for the person's calendar feed
//! (`feed::read`, the iCalendar text a calendar app fetches). Release build, for
//! `scripts/bench/planner`.

use std::sync::Arc;
use std::time::Instant;

use emmaus_app::docs;
use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::Timestamp;
use emmaus_domain::identity::{Person, Role};
use emmaus_domain::preferences::TimeZoneName;
use emmaus_identity::{Actor, keys as identity_keys, testing};
use emmaus_memory::{ManualClock, RecordingKv};
use emmaus_planner::model::OccurrenceStatus;
use emmaus_planner::tasks::{self, OccurrenceChange, TaskInput};
use emmaus_planner::{calendar, feed};

const SERIES: usize = 50;
const ZONE: &str = "Europe/Berlin";

const DAILY: [&str; 5] = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=2",
    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=DAILY;COUNT=400",
    "FREQ=DAILY;UNTIL=20261231T230000Z",
];
const WEEKLY: [&str; 5] = [
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
    "FREQ=WEEKLY;COUNT=80",
    "FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20270630T000000Z",
];

/// Schedules the 50 series, each started on a day its rule generates in 2025; answers their ids.
async fn schedule(p: &Platform, tim: &Actor) -> Vec<String> {
    let mut ids = Vec::new();
    for index in 0..SERIES {
        let rule = if index % 2 == 0 { DAILY[(index / 2) % 5] } else { WEEKLY[(index / 2) % 5] };
        let mut day = jiff::civil::date(2025, 1, 6) + jiff::Span::new().days(i64::try_from(index * 7).unwrap_or(0));
        loop {
            let start = format!("{day}T{:02}:{:02}", 6 + index % 14, (index % 4) * 15);
            let input = TaskInput {
                title: Some(format!("Study {index}")),
                start: Some(start),
                duration_minutes: Some(30 + u32::try_from(index % 3).unwrap_or(0) * 15),
                rrule: Some(Some(rule.to_owned())),
                ..TaskInput::default()
            };
            match tasks::create(p, tim, "tim", input).await {
                Ok(task) => {
                    ids.push(task.id);
                    break;
                }
                // A start the rule does not generate (a Saturday for BYDAY=MO..FR): the next day.
                Err(_) => day = day.tomorrow().expect("a later day"),
            }
        }
    }
    ids
}

/// Median and 95th percentile in milliseconds, allocations and store operations per request.
fn measure(
    runtime: &tokio::runtime::Runtime,
    p: &Platform,
    kv: &RecordingKv,
    tim: &Actor,
    (from, to): (&str, &str),
    rounds: usize,
) -> (f64, f64, u64, usize, usize) {
    let request = || calendar::range(p, tim, "tim", from, to);
    let found = runtime.block_on(request()).expect("the calendar").entries.len();
    kv.take();
    let mut times = Vec::with_capacity(rounds);
    let counted = allocation_counter::measure(|| {
        for _ in 0..rounds {
            let started = Instant::now();
            std::hint::black_box(runtime.block_on(request()).expect("the calendar"));
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    });
    let operations = kv.take().len() / rounds;
    times.sort_by(f64::total_cmp);
    let at = |percent: usize| times[(times.len() - 1) * percent / 100];
    (at(50), at(95), counted.count_total / rounds as u64, operations, found)
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(50, |r| r.parse().expect("ROUNDS is a number"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (p, kv, tim, _dir, changed) = runtime.block_on(setup());
    println!(
        "one person in {ZONE}: {SERIES} recurring tasks, {changed} occurrences done or moved, 500 tasks finished in 2024"
    );
    for (what, range) in [("the year 2026", ("2026-01-01", "2027-01-01")), ("one week", ("2026-10-19", "2026-10-26"))] {
        let (p50, p95, allocations, operations, found) = measure(&runtime, &p, &kv, &tim, range, rounds);
        println!(
            "calendar of {what} ({found} occurrences): p50 {p50:.2} ms, p95 {p95:.2} ms, {allocations} allocations and {operations} store operations per request ({rounds} rounds)"
        );
    }
    // The same plan as a calendar feed: every series with its rule, its changed occurrences as
    // RECURRENCE-IDs, and a VTIMEZONE with ten years of transitions, as a calendar app reads it.
    let (url, _) = runtime.block_on(feed::renew(&p, &tim, "tim")).expect("a feed address");
    let token = url.rsplit('/').next().expect("a token").to_owned();
    let size = runtime.block_on(feed::read(&p, &token)).expect("the feed").len();
    kv.take();
    let mut times = Vec::with_capacity(rounds);
    let counted = allocation_counter::measure(|| {
        for _ in 0..rounds {
            let started = Instant::now();
            std::hint::black_box(runtime.block_on(feed::read(&p, &token)).expect("the feed"));
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    });
    let operations = kv.take().len() / rounds;
    times.sort_by(f64::total_cmp);
    let at = |percent: usize| times[(times.len() - 1) * percent / 100];
    println!(
        "calendar feed ({size} bytes of iCalendar): p50 {:.2} ms, p95 {:.2} ms, {} allocations and {operations} store operations per request ({rounds} rounds)",
        at(50),
        at(95),
        counted.count_total / rounds as u64
    );
}

/// The person and their plan, in a store in a temporary folder (kept while the answer lives).
async fn setup() -> (Platform, Arc<RecordingKv>, Actor, tempfile::TempDir, usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let clock = Arc::new(ManualClock::at(Timestamp::from_unix_millis(1_735_689_600_000)));
    let sqlite = emmaus_sqlite::SqliteKv::open(&dir.path().join("kv.db"), clock.clone()).expect("the store opens");
    let kv = Arc::new(RecordingKv::new(Arc::new(sqlite)));
    let (base, _) = Platform::in_memory("local");
    let p = Platform::new(PlatformParts { kv: kv.clone(), clock, ..base.parts() });
    let tim = testing::member(&p, "org", "tim", "Tim", &[Role::Mentee]).await;
    let mut person: docs::Doc<Person> = docs::get(p.kv.as_ref(), identity_keys::person("tim")).await.unwrap().unwrap();
    person.value.time_zone = Some(TimeZoneName::parse(ZONE).unwrap());
    docs::replace(p.kv.as_ref(), &person, None).await.unwrap();

    // 500 one-off tasks done with in 2024: a calendar of 2026 must not read them.
    for index in 0..500 {
        let due = jiff::civil::date(2024, 1, 1) + jiff::Span::new().days(index % 360);
        let input =
            TaskInput { title: Some(format!("Old {index}")), due: Some(due.to_string()), ..TaskInput::default() };
        tasks::create(&p, &tim, "tim", input).await.expect("a past task");
    }
    let ids = schedule(&p, &tim).await;
    // 150 occurrences in 2026 done or moved: three in every third week of ten series.
    let year = calendar::range(&p, &tim, "tim", "2026-01-01", "2027-01-01").await.expect("the calendar");
    let mut changed = 0;
    for entry in year.entries.iter().filter(|e| ids[..10].contains(&e.task_id)).step_by(7).take(150) {
        let change = if changed % 3 == 0 {
            let moved = jiff::Timestamp::from_millisecond(entry.start_ms + 3_600_000)
                .unwrap()
                .to_zoned(jiff::tz::TimeZone::get(ZONE).unwrap());
            OccurrenceChange {
                status: OccurrenceStatus::Pending,
                start: Some(moved.strftime("%Y-%m-%dT%H:%M").to_string()),
            }
        } else {
            OccurrenceChange { status: OccurrenceStatus::Done, start: None }
        };
        tasks::set_occurrence(&p, &tim, "tim", &entry.task_id, &entry.occurrence, change).await.expect("a change");
        changed += 1;
    }
    (p, kv, tim, dir, changed)
}

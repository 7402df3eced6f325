//! The calendar feed: made, renewed and revoked by its person alone; opened by its secret token
//! without signing in; and what it holds read back by a real iCalendar parser (Python's icalendar,
//! expanded by `recurring_ical_events`, `scripts/lib/ics_expand.py`): every TZID has a VTIMEZONE that
//! agrees with the tz database across daylight saving time, and the occurrences a subscribing
//! client shows are the ones the planner's own calendar shows, moved, done and skipped included.

mod support;

use emmaus_domain::DomainError;
use emmaus_planner::model::OccurrenceStatus;
use emmaus_planner::tasks::{self, OccurrenceChange, TaskInput};
use emmaus_planner::{calendar, feed};
use support::{set_zone, world};

/// The test venv's Python with icalendar and `recurring_ical_events` (`scripts/test` sets it). Where
/// it is not set the parser's half of the test is skipped, unless `EMMAUS_REQUIRE_ICS_PARSER` says
/// it must run.
fn python() -> Option<String> {
    let python = std::env::var("EMMAUS_TEST_PYTHON").ok().filter(|p| !p.is_empty());
    assert!(
        python.is_some() || std::env::var_os("EMMAUS_REQUIRE_ICS_PARSER").is_none(),
        "EMMAUS_TEST_PYTHON must name a Python with icalendar and recurring_ical_events"
    );
    python
}

/// The occurrences a client expands from `ics` between two dates, as `ics_expand.py` prints them.
fn expand(python: &str, ics: &str, from: &str, to: &str) -> Vec<serde_json::Value> {
    use std::io::Write as _;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/lib/ics_expand.py");
    let mut child = std::process::Command::new(python)
        .args([script, from, to])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    child.stdin.take().unwrap().write_all(ics.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}\n{ics}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn the_feed_is_its_persons_to_make_renew_and_revoke() {
    let w = world().await;
    assert_eq!(feed::status(&w.p, &w.tim, "tim").await.unwrap(), None);
    let (first, _) = feed::renew(&w.p, &w.tim, "tim").await.unwrap();
    assert!(feed::status(&w.p, &w.tim, "tim").await.unwrap().is_some());
    assert!(feed::read(&w.p, &first).await.unwrap().starts_with("BEGIN:VCALENDAR\r\n"));
    // Those who may read the plan may not hold its secret address.
    for other in [&w.mara, &w.paul] {
        assert!(matches!(feed::renew(&w.p, other, "tim").await, Err(DomainError::Forbidden)));
        assert!(matches!(feed::status(&w.p, other, "tim").await, Err(DomainError::Forbidden)));
    }
    let (second, _) = feed::renew(&w.p, &w.tim, "tim").await.unwrap();
    assert_ne!(first, second);
    assert!(
        matches!(feed::read(&w.p, &first).await, Err(DomainError::NotFound(_))),
        "renewed: the old address is dead"
    );
    feed::read(&w.p, &second).await.unwrap();
    feed::revoke(&w.p, &w.tim, "tim").await.unwrap();
    assert!(matches!(feed::read(&w.p, &second).await, Err(DomainError::NotFound(_))));
    feed::revoke(&w.p, &w.tim, "tim").await.unwrap();
    for nonsense in ["", "short", &"x".repeat(43), "../../etc/passwd"] {
        assert!(matches!(feed::read(&w.p, nonsense).await, Err(DomainError::NotFound(_))), "{nonsense}");
    }
}

#[tokio::test]
async fn a_client_reading_the_feed_sees_what_the_calendar_shows_across_daylight_saving_time() {
    let w = world().await;
    set_zone(&w.p, "tim", "Europe/Berlin").await;
    // Mondays at 19:00 in Berlin, five times from 16 March (summer time begins on 29 March), the
    // second week left out; and a due date without a time.
    let weekly = TaskInput {
        title: Some("Bible study; Luke, chapter 24".into()),
        notes: Some("Read slowly.\nPray after.".into()),
        start: Some("2026-03-16T19:00".into()),
        duration_minutes: Some(60),
        rrule: Some(Some("FREQ=WEEKLY;BYDAY=MO;COUNT=5".into())),
        exdates: Some(vec!["2026-03-23T19:00".into()]),
        ..TaskInput::default()
    };
    let task = tasks::create(&w.p, &w.tim, "tim", weekly).await.unwrap();
    let essay =
        TaskInput { title: Some("Hand in the essay".into()), due: Some("2026-04-03".into()), ..TaskInput::default() };
    tasks::create(&w.p, &w.tim, "tim", essay).await.unwrap();
    let change = |status, start: Option<&str>| OccurrenceChange { status, start: start.map(str::to_owned) };
    tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, "20260316T190000", change(OccurrenceStatus::Done, None))
        .await
        .unwrap();
    tasks::set_occurrence(
        &w.p,
        &w.tim,
        "tim",
        &task.id,
        "20260330T190000",
        change(OccurrenceStatus::Pending, Some("2026-04-01T07:30")),
    )
    .await
    .unwrap();
    tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, "20260406T190000", change(OccurrenceStatus::Skipped, None))
        .await
        .unwrap();
    let (token, _) = feed::renew(&w.p, &w.tim, "tim").await.unwrap();
    let ics = feed::read(&w.p, &token).await.unwrap();

    // What the writer itself promises: CRLF lines of at most 75 octets, a stable UID, the rule and
    // its exception, the zone with both its observances, and the text escaped.
    assert!(ics.split("\r\n").all(|line| line.len() <= 75), "folded:\n{ics}");
    assert!(ics.contains(&format!("UID:{}@planner.emmaus\r\n", task.id)));
    assert!(ics.contains("RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=MO\r\n"), "{ics}");
    assert!(ics.contains("EXDATE;TZID=Europe/Berlin:20260323T190000\r\n"));
    assert!(ics.contains("RECURRENCE-ID;TZID=Europe/Berlin:20260330T190000\r\n"));
    assert!(ics.contains("SUMMARY:Bible study\\; Luke\\, chapter 24\r\n"));
    assert!(ics.contains("DESCRIPTION:Read slowly.\\nPray after.\r\n"));
    assert!(ics.contains("BEGIN:DAYLIGHT\r\n") && ics.contains("BEGIN:STANDARD\r\n"));
    assert!(ics.contains("DTSTART;VALUE=DATE:20260403\r\n"));

    let Some(python) = python() else { return };
    let client = expand(&python, &ics, "2026-03-01", "2026-05-01");
    let seen: Vec<(&str, &str, &str)> = client
        .iter()
        .map(|o| (o["start"].as_str().unwrap(), o["summary"].as_str().unwrap(), o["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("2026-03-16T18:00:00Z", "✓ Bible study; Luke, chapter 24", ""),
            ("2026-04-01T05:30:00Z", "Bible study; Luke, chapter 24", ""),
            ("2026-04-03", "Hand in the essay", ""),
            ("2026-04-06T17:00:00Z", "Bible study; Luke, chapter 24", "CANCELLED"),
            ("2026-04-13T17:00:00Z", "Bible study; Luke, chapter 24", ""),
        ],
        "{ics}"
    );
    // The same instants as the planner's own calendar.
    let ours = calendar::range(&w.p, &w.tim, "tim", "2026-03-01", "2026-05-01").await.unwrap();
    let timed: Vec<i64> = ours.entries.iter().filter(|e| !e.all_day).map(|e| e.start_ms).collect();
    let theirs: Vec<i64> = client
        .iter()
        .filter_map(|o| o["start"].as_str().unwrap().parse::<jiff::Timestamp>().ok())
        .map(jiff::Timestamp::as_millisecond)
        .collect();
    assert_eq!(timed, theirs);
}

#[tokio::test]
async fn a_zone_without_daylight_saving_time_gets_one_observance() {
    let w = world().await;
    set_zone(&w.p, "sam", "Asia/Kolkata").await;
    let daily = TaskInput {
        title: Some("Morning prayer".into()),
        start: Some("2026-03-02T06:30".into()),
        rrule: Some(Some("FREQ=DAILY;COUNT=3".into())),
        ..TaskInput::default()
    };
    tasks::create(&w.p, &w.sam, "sam", daily).await.unwrap();
    let (token, _) = feed::renew(&w.p, &w.sam, "sam").await.unwrap();
    let ics = feed::read(&w.p, &token).await.unwrap();
    assert_eq!(ics.matches("BEGIN:STANDARD").count(), 1, "{ics}");
    assert!(!ics.contains("BEGIN:DAYLIGHT") && ics.contains("TZOFFSETTO:+0530\r\n"));
    let Some(python) = python() else { return };
    let client = expand(&python, &ics, "2026-03-01", "2026-03-10");
    let starts: Vec<&str> = client.iter().map(|o| o["start"].as_str().unwrap()).collect();
    assert_eq!(starts, ["2026-03-02T01:00:00Z", "2026-03-03T01:00:00Z", "2026-03-04T01:00:00Z"]);
}

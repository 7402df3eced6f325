//! Daylight saving: recurring tasks keep their local time when the clocks change (Europe's last
//! Sundays of March and October, America's second Sunday of March and first of November, a zone
//! without DST), and local times in a spring-forward gap or a fall-back overlap resolve as RFC 5545
//! says. Every case checks the wall clock and the UTC instant.

use emmaus_planner::recurrence::{Rule, Series};
use jiff::civil::{DateTime, date};
use jiff::{Timestamp, tz};

fn series(zone: &str, start: DateTime, rule: &str) -> Series {
    let series = Series {
        start,
        zone: zone.to_owned(),
        duration_minutes: 45,
        rule: Some(Rule::parse(rule).unwrap()),
        exdates: Vec::new(),
    };
    series.validate().unwrap();
    series
}

/// Every occurrence as (generated local start, wall clock at its instant, the instant in UTC).
fn expanded(series: &Series) -> Vec<(DateTime, DateTime, String)> {
    let zone = tz::db().get(&series.zone).unwrap();
    let found = series.between(i64::MIN, i64::MAX, 1000).unwrap();
    assert!(!found.truncated);
    found
        .occurrences
        .iter()
        .map(|occurrence| {
            let instant = Timestamp::from_millisecond(occurrence.start_ms).unwrap();
            assert_eq!(occurrence.end_ms - occurrence.start_ms, 45 * 60_000, "duration is elapsed time");
            (occurrence.local_start, zone.to_datetime(instant), instant.to_string())
        })
        .collect()
}

/// A weekly 09:00 task on Sundays in a zone, around one transition: the wall clock stays at 09:00
/// and the instant moves by the change of offset.
fn assert_weekly_nine(zone: &str, sundays: [(i8, i8); 3], utc: [&str; 3]) {
    let (month, day) = sundays[0];
    let task = series(zone, date(2026, month, day).at(9, 0, 0, 0), "FREQ=WEEKLY;COUNT=3");
    let expected: Vec<_> = sundays
        .iter()
        .zip(utc)
        .map(|(&(month, day), utc)| {
            let nine = date(2026, month, day).at(9, 0, 0, 0);
            (nine, nine, utc.to_owned())
        })
        .collect();
    assert_eq!(expanded(&task), expected, "{zone}");
}

#[test]
fn london_keeps_nine_oclock_across_the_last_sundays_of_march_and_october() {
    // BST from 01:00 UTC on 29 March 2026 to 01:00 UTC on 25 October 2026.
    assert_weekly_nine(
        "Europe/London",
        [(3, 22), (3, 29), (4, 5)],
        ["2026-03-22T09:00:00Z", "2026-03-29T08:00:00Z", "2026-04-05T08:00:00Z"],
    );
    assert_weekly_nine(
        "Europe/London",
        [(10, 18), (10, 25), (11, 1)],
        ["2026-10-18T08:00:00Z", "2026-10-25T09:00:00Z", "2026-11-01T09:00:00Z"],
    );
}

#[test]
fn berlin_keeps_nine_oclock_across_the_last_sundays_of_march_and_october() {
    assert_weekly_nine(
        "Europe/Berlin",
        [(3, 22), (3, 29), (4, 5)],
        ["2026-03-22T08:00:00Z", "2026-03-29T07:00:00Z", "2026-04-05T07:00:00Z"],
    );
    assert_weekly_nine(
        "Europe/Berlin",
        [(10, 18), (10, 25), (11, 1)],
        ["2026-10-18T07:00:00Z", "2026-10-25T08:00:00Z", "2026-11-01T08:00:00Z"],
    );
}

#[test]
fn new_york_keeps_nine_oclock_across_the_second_sunday_of_march_and_first_of_november() {
    // EDT from 8 March 2026 to 1 November 2026.
    assert_weekly_nine(
        "America/New_York",
        [(3, 1), (3, 8), (3, 15)],
        ["2026-03-01T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-15T13:00:00Z"],
    );
    assert_weekly_nine(
        "America/New_York",
        [(10, 25), (11, 1), (11, 8)],
        ["2026-10-25T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-08T14:00:00Z"],
    );
}

#[test]
fn kolkata_has_no_daylight_saving_so_the_instant_never_moves() {
    assert_weekly_nine(
        "Asia/Kolkata",
        [(3, 22), (3, 29), (4, 5)],
        ["2026-03-22T03:30:00Z", "2026-03-29T03:30:00Z", "2026-04-05T03:30:00Z"],
    );
    assert_weekly_nine(
        "Asia/Kolkata",
        [(10, 25), (11, 1), (11, 8)],
        ["2026-10-25T03:30:00Z", "2026-11-01T03:30:00Z", "2026-11-08T03:30:00Z"],
    );
}

#[test]
fn a_time_the_spring_forward_skips_moves_forward_by_the_gap() {
    // On 8 March 2026 New York's clocks go from 02:00 EST to 03:00 EDT: 02:30 does not exist, and
    // is 03:30 EDT that day; the day after, 02:30 exists again.
    let task = series("America/New_York", date(2026, 3, 7).at(2, 30, 0, 0), "FREQ=DAILY;COUNT=3");
    assert_eq!(
        expanded(&task),
        [
            (date(2026, 3, 7).at(2, 30, 0, 0), date(2026, 3, 7).at(2, 30, 0, 0), "2026-03-07T07:30:00Z".to_owned()),
            (date(2026, 3, 8).at(2, 30, 0, 0), date(2026, 3, 8).at(3, 30, 0, 0), "2026-03-08T07:30:00Z".to_owned()),
            (date(2026, 3, 9).at(2, 30, 0, 0), date(2026, 3, 9).at(2, 30, 0, 0), "2026-03-09T06:30:00Z".to_owned()),
        ]
    );
    // The occurrence keeps the name the rule gave it.
    assert!(task.contains(date(2026, 3, 8).at(2, 30, 0, 0)));
    assert!(!task.contains(date(2026, 3, 8).at(3, 30, 0, 0)));
}

#[test]
fn a_time_the_fall_back_repeats_is_the_first_one() {
    // On 1 November 2026 New York's clocks go from 02:00 EDT back to 01:00 EST: 01:30 happens
    // twice, and the task is at the first, 01:30 EDT (05:30 UTC), not 01:30 EST (06:30 UTC).
    let task = series("America/New_York", date(2026, 10, 31).at(1, 30, 0, 0), "FREQ=DAILY;COUNT=3");
    assert_eq!(
        expanded(&task),
        [
            (date(2026, 10, 31).at(1, 30, 0, 0), date(2026, 10, 31).at(1, 30, 0, 0), "2026-10-31T05:30:00Z".to_owned()),
            (date(2026, 11, 1).at(1, 30, 0, 0), date(2026, 11, 1).at(1, 30, 0, 0), "2026-11-01T05:30:00Z".to_owned()),
            (date(2026, 11, 2).at(1, 30, 0, 0), date(2026, 11, 2).at(1, 30, 0, 0), "2026-11-02T06:30:00Z".to_owned()),
        ]
    );
}

#[test]
fn a_series_that_starts_in_a_gap_keeps_its_nominal_time_afterwards() {
    // Starting at the nonexistent 02:30 on the spring-forward day: that one is at 03:30 EDT, and
    // the next days are at 02:30 again, not 03:30.
    let task = series("America/New_York", date(2026, 3, 8).at(2, 30, 0, 0), "FREQ=DAILY;COUNT=2");
    let wall: Vec<_> = expanded(&task).into_iter().map(|(_, wall, utc)| (wall, utc)).collect();
    assert_eq!(
        wall,
        [
            (date(2026, 3, 8).at(3, 30, 0, 0), "2026-03-08T07:30:00Z".to_owned()),
            (date(2026, 3, 9).at(2, 30, 0, 0), "2026-03-09T06:30:00Z".to_owned()),
        ]
    );
}

#[test]
fn a_range_query_in_utc_finds_the_moved_instants() {
    // The week of the European change in Berlin: the Sunday occurrence is at 07:00 UTC, and a
    // range that ends at 07:30 UTC takes it while one ending at 07:00 UTC does not.
    let task = series("Europe/Berlin", date(2026, 3, 22).at(9, 0, 0, 0), "FREQ=WEEKLY");
    let ms = |text: &str| text.parse::<Timestamp>().unwrap().as_millisecond();
    let found = task.between(ms("2026-03-29T06:00:00Z"), ms("2026-03-29T07:30:00Z"), 10).unwrap();
    assert_eq!(found.occurrences.len(), 1);
    assert_eq!(found.occurrences[0].start_ms, ms("2026-03-29T07:00:00Z"));
    assert!(task.between(ms("2026-03-29T06:00:00Z"), ms("2026-03-29T07:00:00Z"), 10).unwrap().occurrences.is_empty());
}

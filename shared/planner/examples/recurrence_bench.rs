//! `recurrence_bench [ROUNDS]`: the calendar range query for one person with 50 recurring study
//! tasks (25 daily, 25 weekly; some open, some with COUNT or UNTIL, some with EXDATEs; started over
//! 2025, in Europe/Berlin), expanded over the year 2026 ROUNDS times (200 unless given).
//!
//! It prints the occurrences the person has that year, the mean time of one `between` call over
//! the year and of all 50 (the whole query), and the same for one week, the range a calendar view
//! asks for. Release build, for `scripts/bench/planner`:
//! `cargo run --release -p emmaus-planner --example recurrence_bench`.

use std::hint::black_box;
use std::time::Instant;

use emmaus_planner::recurrence::{Rule, Series};
use jiff::Span;
use jiff::civil::date;

const ZONE: &str = "Europe/Berlin";
/// One person's recurring tasks, as the figure asks.
const SERIES: u32 = 50;

fn series_of_one_person() -> Vec<Series> {
    let daily = [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=2",
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=DAILY;COUNT=400",
        "FREQ=DAILY;UNTIL=20261231T230000Z",
    ];
    let weekly = [
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
        "FREQ=WEEKLY;COUNT=80",
        "FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20270630T000000Z",
    ];
    let mut all = Vec::new();
    for index in 0..i64::from(SERIES) {
        let (rules, kind) = if index % 2 == 0 { (&daily, index / 2) } else { (&weekly, index / 2) };
        let rule = Rule::parse(rules[(kind % 5) as usize]).expect("a valid rule");
        // Spread over 2025, on a day the rule generates: weekdays for BYDAY=MO-FR, else by rule.
        let mut start =
            date(2025, 1, 6).at(6 + (index % 14) as i8, (index % 4) as i8 * 15, 0, 0) + Span::new().days(index * 7);
        let mut series = Series {
            start,
            zone: ZONE.to_owned(),
            duration_minutes: 30 + (index % 3) as u32 * 15,
            rule: Some(rule),
            exdates: Vec::new(),
        };
        while series.validate().is_err() {
            start += Span::new().days(1);
            series.start = start;
        }
        // Every third series has three occurrences removed.
        if index % 3 == 0 {
            let year = series.between(ms("2026-01-01T00:00:00Z"), ms("2027-01-01T00:00:00Z"), 1000).expect("expands");
            series.exdates = year.occurrences.iter().step_by(5).take(3).map(|o| o.local_start).collect();
        }
        series.validate().expect("a valid series");
        all.push(series);
    }
    all
}

fn ms(instant: &str) -> i64 {
    instant.parse::<jiff::Timestamp>().expect("an instant").as_millisecond()
}

/// The mean time of one `between` call, in microseconds, and the occurrences one round found.
fn measure(person: &[Series], from_ms: i64, to_ms: i64, rounds: u32) -> (f64, usize) {
    let occurrences: usize =
        person.iter().map(|series| series.between(from_ms, to_ms, 10_000).expect("expands").occurrences.len()).sum();
    let started = Instant::now();
    for _ in 0..rounds {
        for series in person {
            black_box(series.between(black_box(from_ms), black_box(to_ms), 10_000).expect("expands"));
        }
    }
    let calls = f64::from(rounds) * f64::from(SERIES);
    (started.elapsed().as_secs_f64() * 1e6 / calls, occurrences)
}

fn main() {
    let rounds: u32 = std::env::args().nth(1).map_or(200, |rounds| rounds.parse().expect("ROUNDS is a number"));
    let person = series_of_one_person();
    let year = (ms("2025-12-31T23:00:00Z"), ms("2026-12-31T23:00:00Z"));
    let week = (ms("2026-10-18T22:00:00Z"), ms("2026-10-25T23:00:00Z"));
    let (per_call, occurrences) = measure(&person, year.0, year.1, rounds);
    println!("{SERIES} series (25 daily, 25 weekly) in {ZONE}, year 2026: {occurrences} occurrences");
    println!(
        "between over the year: {per_call:.1} µs per call, {:.2} ms for all {SERIES} series ({rounds} rounds)",
        per_call * f64::from(SERIES) / 1000.0
    );
    let (per_call, occurrences) = measure(&person, week.0, week.1, rounds);
    println!(
        "between over one week ({occurrences} occurrences): {per_call:.1} µs per call, {:.2} ms for all {SERIES} series",
        per_call * f64::from(SERIES) / 1000.0
    );
}

//! Property tests of recurrence expansion over random daily and weekly rules in zones with and
//! without daylight saving (half-hour changes, midnight changes and the southern hemisphere among
//! them): occurrence counts with COUNT and EXDATE, the start's time of day kept outside gaps,
//! strictly increasing occurrences, ranges that add up, a far range found as the walk from the
//! start finds it, splits that lose and add nothing, and rule text that never panics the parser.
//!
//! 64 cases per property by default, so the gate stays quick; `PROPTEST_CASES=5000` runs longer.

use emmaus_planner::recurrence::{Occurrence, Rule, Series};
use emmaus_testkit::fuzz::config;
use jiff::civil::{DateTime, Weekday, date};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Span, Timestamp};
use proptest::prelude::*;
use proptest::sample::Index;

const ZONES: [&str; 10] = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    // DST began at midnight until 2019, so 00:00 to 00:59 did not exist on those days.
    "America/Sao_Paulo",
    "Australia/Sydney",
    // Its clocks change by half an hour.
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Asia/Tokyo",
];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

/// A random daily or weekly series whose start is its first occurrence.
#[derive(Debug, Clone)]
struct Case {
    zone: &'static str,
    start: DateTime,
    weekly: bool,
    interval: u32,
    /// Other weekdays for BYDAY (the start's own is always among them), or none at all.
    other_days: Option<Vec<usize>>,
    count: Option<u32>,
    duration_minutes: u32,
}

impl Case {
    fn rule_text(&self) -> String {
        let mut parts = vec![
            format!("FREQ={}", if self.weekly { "WEEKLY" } else { "DAILY" }),
            format!("INTERVAL={}", self.interval),
        ];
        parts.extend(self.count.map(|count| format!("COUNT={count}")));
        if let Some(other_days) = &self.other_days {
            let own = WEEKDAYS.iter().position(|(_, weekday)| *weekday == self.start.weekday()).unwrap();
            let days: Vec<&str> =
                std::iter::once(own).chain(other_days.iter().copied()).map(|day| WEEKDAYS[day].0).collect();
            parts.push(format!("BYDAY={}", days.join(",")));
        }
        parts.join(";")
    }

    fn series(&self) -> Series {
        Series {
            start: self.start,
            zone: self.zone.to_owned(),
            duration_minutes: self.duration_minutes,
            rule: Some(Rule::parse(&self.rule_text()).unwrap()),
            exdates: Vec::new(),
        }
    }
}

fn case(count: impl Strategy<Value = Option<u32>>) -> impl Strategy<Value = Case> {
    (
        prop::sample::select(&ZONES[..]),
        // 2000 to 2039, so years with and without each zone's current rules come up.
        0..14_600_i64,
        0..24_i8,
        prop::sample::select(&[0_i8, 15, 30, 45][..]),
        any::<bool>(),
        1..=4_u32,
        prop::option::of(prop::collection::vec(0..7_usize, 0..4)),
        count,
        prop::sample::select(&[0_u32, 30, 45, 60, 90, 1440][..]),
    )
        .prop_map(|(zone, day, hour, minute, weekly, interval, other_days, count, duration_minutes)| Case {
            zone,
            start: date(2000, 1, 1).at(hour, minute, 0, 0).checked_add(Span::new().days(day)).unwrap(),
            weekly,
            interval,
            other_days,
            count,
            duration_minutes,
        })
}

fn every(series: &Series) -> Vec<Occurrence> {
    let found = series.between(i64::MIN, i64::MAX, 10_000).unwrap();
    assert!(!found.truncated);
    found.occurrences
}

fn instant(local: DateTime, zone: &str) -> i64 {
    jiff::tz::db().get(zone).unwrap().to_ambiguous_timestamp(local).compatible().unwrap().as_millisecond()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn count_less_the_exdates_that_hit_is_the_number_of_occurrences(
        case in case((1..=120_u32).prop_map(Some)),
        picks in prop::collection::vec(any::<Index>(), 0..8),
        strays in prop::collection::vec(1..500_i64, 0..3),
    ) {
        let mut series = case.series();
        series.validate().unwrap();
        let all: Vec<DateTime> = every(&series).iter().map(|o| o.local_start).collect();
        prop_assert_eq!(all.len(), case.count.unwrap() as usize);

        // Some occurrences (repeats allowed), and starts that are none: a minute off one.
        let mut exdates: Vec<DateTime> = picks.iter().map(|pick| all[pick.index(all.len())]).collect();
        exdates.extend(strays.iter().map(|minutes| case.start.checked_add(Span::new().minutes(*minutes * 7 + 1)).unwrap()));
        let mut hits = exdates.clone();
        hits.retain(|exdate| all.contains(exdate));
        hits.sort();
        hits.dedup();
        series.exdates = exdates;
        let left: Vec<DateTime> = every(&series).iter().map(|o| o.local_start).collect();
        prop_assert_eq!(left.len(), all.len() - hits.len());
        prop_assert!(left.iter().all(|start| !hits.contains(start)));
    }

    #[test]
    fn every_occurrence_keeps_the_starts_time_of_day_unless_a_gap_moved_it(case in case((1..=200_u32).prop_map(Some))) {
        let series = case.series();
        let zone: TimeZone = jiff::tz::db().get(case.zone).unwrap();
        for occurrence in every(&series) {
            prop_assert_eq!(occurrence.local_start.time(), case.start.time());
            let wall = zone.to_datetime(Timestamp::from_millisecond(occurrence.start_ms).unwrap());
            if wall != occurrence.local_start {
                // Only a local time that does not exist moves, and by exactly the gap.
                match zone.to_ambiguous_timestamp(occurrence.local_start).offset() {
                    AmbiguousOffset::Gap { before, after } => {
                        let gap = i64::from(after.seconds() - before.seconds());
                        prop_assert_eq!(occurrence.local_start.duration_until(wall).as_secs(), gap);
                    }
                    other => prop_assert!(false, "{} moved to {} without a gap ({:?})", occurrence.local_start, wall, other),
                }
            }
        }
    }

    #[test]
    fn occurrences_are_strictly_increasing(case in case((1..=200_u32).prop_map(Some))) {
        let occurrences = every(&case.series());
        for pair in occurrences.windows(2) {
            prop_assert!(pair[0].local_start < pair[1].local_start, "{:?}", pair);
            prop_assert!(pair[0].start_ms < pair[1].start_ms, "{:?}", pair);
        }
    }

    #[test]
    fn adjacent_ranges_add_up_to_their_union(
        case in case(prop::option::of(1..=200_u32)),
        minutes in (0..600_000_i64, 0..300_000_i64, 0..300_000_i64),
    ) {
        let series = case.series();
        let minute = 60_000;
        let a = instant(case.start, case.zone) - 1440 * minute + minutes.0 * minute;
        let b = a + minutes.1 * minute;
        let c = b + minutes.2 * minute;
        let left = series.between(a, b, 10_000).unwrap();
        let right = series.between(b, c, 10_000).unwrap();
        let union = series.between(a, c, 10_000).unwrap();
        prop_assert!(!left.truncated && !right.truncated && !union.truncated);
        let mut joined = [left.occurrences, right.occurrences].concat();
        // An occurrence that lasts across `b` is in both halves.
        joined.sort_by_key(|o| (o.start_ms, o.local_start));
        joined.dedup();
        prop_assert_eq!(joined, union.occurrences);
    }

    #[test]
    fn a_far_range_finds_what_the_walk_from_the_start_finds(
        case in case(Just(None)),
        years_on in 0..30_i64,
        days in 1..60_i64,
    ) {
        let series = case.series();
        let first = instant(case.start, case.zone);
        let day = 86_400_000;
        let from = first + years_on * 365 * day;
        let to = from + days * day;
        let direct = series.between(from, to, 10_000).unwrap().occurrences;
        // From before the start, nothing is skipped: every occurrence up to `to` is walked.
        let walked: Vec<Occurrence> = series
            .between(first - day, to, 100_000)
            .unwrap()
            .occurrences
            .into_iter()
            .filter(|o| o.end_ms > from || o.start_ms >= from)
            .collect();
        prop_assert_eq!(direct, walked);
    }

    #[test]
    fn a_split_keeps_every_occurrence_and_the_count(
        case in case(prop::option::of(2..=200_u32)),
        pick in any::<Index>(),
        excluded in prop::collection::vec(any::<Index>(), 0..4),
    ) {
        let mut series = case.series();
        let day = 86_400_000;
        let first = instant(case.start, case.zone);
        // Open series: what falls in the first three years.
        let window = (first - day, first + 3 * 365 * day);
        let all: Vec<DateTime> = series.between(window.0, window.1, 10_000).unwrap().occurrences.iter().map(|o| o.local_start).collect();
        prop_assume!(all.len() >= 2);
        series.exdates = excluded.iter().map(|pick| all[pick.index(all.len())]).collect();
        series.validate().unwrap();
        let at = all[1 + pick.index(all.len() - 1)];

        let (before, after) = series.split_at(at).unwrap();
        before.validate().unwrap();
        after.validate().unwrap();
        if let Some(count) = case.count {
            let counts = (before.rule.as_ref().unwrap().count().unwrap(), after.rule.as_ref().unwrap().count().unwrap());
            prop_assert_eq!(counts.0 + counts.1, count);
        }
        let whole = series.between(window.0, window.1, 10_000).unwrap().occurrences;
        let joined = [
            before.between(window.0, window.1, 10_000).unwrap().occurrences,
            after.between(window.0, window.1, 10_000).unwrap().occurrences,
        ]
        .concat();
        prop_assert_eq!(joined, whole);
        let parts = [&before, &after];
        prop_assert!(all.iter().all(|start| series.contains(*start) == parts.iter().any(|part| part.contains(*start))));
    }

    #[test]
    fn any_rule_text_is_read_or_refused_without_panicking(
        text in "(RRULE:)?(FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY|HOURLY);)?\
                 ((FREQ|COUNT|INTERVAL|UNTIL|BYDAY|BYMONTHDAY|BYMONTH|BYYEARDAY|BYWEEKNO|BYSETPOS|WKST|[A-Za-z-]{1,8})=\
                 ([-+]?[0-9]{1,4}|(-?[1-5]?(MO|TU|WE|FR|SU),?){1,3}|2026[0-9]{4}T[0-9]{6}Z?|[-+A-Za-z0-9,é]{0,12});?){0,6}",
    ) {
        if let Ok(rule) = Rule::parse(&text) {
            let again = Rule::parse(&rule.as_text()).unwrap();
            prop_assert_eq!(&again, &rule);
        }
    }

    #[test]
    fn generated_rule_text_reads_back_canonically(case in case(prop::option::of(1..=1000_u32))) {
        let rule = Rule::parse(&case.rule_text()).unwrap();
        prop_assert_eq!(Rule::parse(&rule.as_text()).unwrap().as_text(), rule.as_text());
    }
}

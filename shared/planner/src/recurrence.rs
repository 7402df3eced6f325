//! Recurring study tasks: a series (a start on a person's wall clock, their IANA time zone, a
//! duration, an optional RFC 5545 rule and the starts it excludes) expanded into occurrences, one
//! occurrence looked up, and a series split for "this and following".
//!
//! Expansion is on the wall clock, as RFC 5545 defines it: a 09:00 task stays at 09:00 when
//! daylight saving begins or ends, so its instant moves. The rule's local times come from
//! ical-rs (civil arithmetic, no zones); each is then resolved to an instant in the person's
//! zone through jiff, by RFC 5545's reading of a written local time: one that a spring-forward
//! skips is moved forward by the length of the gap (02:30 becomes 03:30), and one that a
//! fall-back repeats is the first, earlier one (01:30 in summer time). ADR 0022 says why.
//!
//! An occurrence is known by its `local_start`, the local time the rule generated (02:30 even
//! where the clock showed 03:30): that is what EXDATE lists, what [`Series::contains`] and
//! [`Series::split_at`] take, and what an ICS feed writes as RECURRENCE-ID.

mod rule;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use ical::recur::IcalRecurDateTime;
use ical::recur::expand::IcalRecurExpand;

pub use rule::{Frequency, MAX_COUNT, MAX_INTERVAL, Rule};

/// The most starts a series may exclude one by one; each costs a lookup on every expansion.
pub const MAX_EXDATES: usize = 1000;

const MILLIS_PER_MINUTE: i64 = 60_000;

/// Why a rule or a series was refused, or a question about one could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    /// The rule text is not a rule, or breaks RFC 5545; the text says how.
    #[error("the recurrence rule {0}")]
    Malformed(String),
    /// HOURLY, MINUTELY or SECONDLY.
    #[error(
        "FREQ={0} is refused: study tasks recur daily at most, and a rule more frequent than daily is \
         expanded on the wall clock, which repeats or skips an hour where daylight saving begins or ends"
    )]
    SubDaily(String),
    #[error("{part} is not supported: {reason}")]
    Unsupported { part: String, reason: &'static str },
    #[error("COUNT must be 1 to {MAX_COUNT}, not {0}")]
    Count(u32),
    #[error("INTERVAL must be 1 to {MAX_INTERVAL}, not {0}")]
    Interval(u32),
    #[error("{0:?} is not a time zone in the tz database")]
    UnknownZone(String),
    #[error("the start {0} has a fraction of a second; a series starts on a whole second")]
    FractionalSecond(DateTime),
    #[error("the start is not the rule's first occurrence")]
    StartNotFirst,
    #[error("UNTIL is before the start")]
    UntilBeforeStart,
    #[error("{0} is not an occurrence of the series")]
    NotAnOccurrence(DateTime),
    #[error("a series may exclude at most {MAX_EXDATES} starts, not {0}")]
    TooManyExdates(usize),
    #[error("a series without a rule has one occurrence and cannot be split")]
    NotRecurring,
    #[error("nothing comes before the first occurrence: change the whole series instead of splitting it")]
    SplitAtStart,
    #[error("the range ends ({to_ms}) before it starts ({from_ms})")]
    Range { from_ms: i64, to_ms: i64 },
    #[error("{0} is outside the years the tz database can resolve")]
    OutOfRange(DateTime),
}

/// What a recurring (or single) study task stores about its timing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The local wall-clock start of the first occurrence.
    pub start: DateTime,
    /// The person's IANA time zone, such as `Europe/Berlin`.
    pub zone: String,
    /// How long each occurrence lasts; 0 for a task that has only a due date.
    pub duration_minutes: u32,
    /// `None` for a single occurrence.
    pub rule: Option<Rule>,
    /// Local starts removed from the series (EXDATE).
    pub exdates: Vec<DateTime>,
}

/// One occurrence of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// The local start the rule generated: the occurrence's name (see the module's documentation).
    /// The wall clock at `start_ms` differs from it only when a spring-forward skipped it.
    pub local_start: DateTime,
    /// Unix milliseconds.
    pub start_ms: i64,
    /// Unix milliseconds; `start_ms` plus the duration, as elapsed time.
    pub end_ms: i64,
}

/// What [`Series::between`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// In order of their starts.
    pub occurrences: Vec<Occurrence>,
    /// Whether more occurrences fall in the range than the limit let through.
    pub truncated: bool,
}

impl Series {
    /// Whether the series may be stored: the zone exists, the start is a whole second the zone can
    /// resolve and is the rule's first occurrence, UNTIL is not before it, and every EXDATE names
    /// an occurrence.
    pub fn validate(&self) -> Result<(), RecurrenceError> {
        let zone = self.time_zone()?;
        if self.start.subsec_nanosecond() != 0 {
            return Err(RecurrenceError::FractionalSecond(self.start));
        }
        let start_ms = resolve(&zone, self.start)?;
        if self.exdates.len() > MAX_EXDATES {
            return Err(RecurrenceError::TooManyExdates(self.exdates.len()));
        }
        if let Some(rule) = &self.rule {
            if rule.until().is_some_and(|until| until.as_millisecond() < start_ms) {
                return Err(RecurrenceError::UntilBeforeStart);
            }
            if self.generated(None).next() != Some(self.start) {
                return Err(RecurrenceError::StartNotFirst);
            }
        }
        match self.exdates.iter().find(|exdate| !self.generates(&zone, **exdate)) {
            Some(stray) => Err(RecurrenceError::NotAnOccurrence(*stray)),
            None => Ok(()),
        }
    }

    /// The occurrences whose `[start, end)` overlaps `[from_ms, to_ms)`, in order, at most `limit`
    /// of them. An occurrence without duration counts when `from_ms <= start < to_ms`.
    pub fn between(&self, from_ms: i64, to_ms: i64, limit: usize) -> Result<Expansion, RecurrenceError> {
        if from_ms > to_ms {
            return Err(RecurrenceError::Range { from_ms, to_ms });
        }
        let zone = self.time_zone()?;
        let duration_ms = i64::from(self.duration_minutes) * MILLIS_PER_MINUTE;
        // An occurrence that starts before this ends before the range. A day earlier still on the
        // wall clock, since an offset changes by less than that, and no later start is left out.
        let earliest_ms =
            from_ms.saturating_sub(duration_ms).clamp(Timestamp::MIN.as_millisecond(), Timestamp::MAX.as_millisecond());
        let earliest = zone.to_datetime(Timestamp::from_millisecond(earliest_ms).unwrap_or(Timestamp::MIN));
        let not_before = earliest.checked_sub(Span::new().days(1)).unwrap_or(DateTime::MIN);
        let until_ms = self.rule.as_ref().and_then(Rule::until).map(Timestamp::as_millisecond);
        let mut exdates = self.exdates.clone();
        exdates.sort_unstable();

        let mut expansion = Expansion::default();
        for local_start in self.generated(Some(not_before)) {
            let start_ms = resolve(&zone, local_start)?;
            if start_ms >= to_ms || until_ms.is_some_and(|until_ms| start_ms > until_ms) {
                break;
            }
            if exdates.binary_search(&local_start).is_ok() {
                continue;
            }
            let end_ms = start_ms + duration_ms;
            if end_ms <= from_ms && start_ms < from_ms {
                continue;
            }
            if expansion.occurrences.len() == limit {
                expansion.truncated = true;
                break;
            }
            expansion.occurrences.push(Occurrence { local_start, start_ms, end_ms });
        }
        Ok(expansion)
    }

    /// Whether `local_start` names an occurrence of the series (for completing, skipping or moving
    /// one): the rule generates it, within COUNT and UNTIL, and no EXDATE removed it.
    pub fn contains(&self, local_start: DateTime) -> bool {
        !self.exdates.contains(&local_start) && self.time_zone().is_ok_and(|zone| self.generates(&zone, local_start))
    }

    /// "This and following": the series up to `at` (ending with a COUNT of the occurrences before
    /// `at`, or an UNTIL at the last of them) and the series from `at` on, with the same rule and
    /// the rest of the COUNT. Each keeps the EXDATEs on its side; together they have exactly the
    /// occurrences of this one. `at` must be a start the rule generates, and not the first.
    pub fn split_at(&self, at: DateTime) -> Result<(Series, Series), RecurrenceError> {
        let rule = self.rule.as_ref().ok_or(RecurrenceError::NotRecurring)?;
        let zone = self.time_zone()?;
        if !self.generates(&zone, at) {
            return Err(RecurrenceError::NotAnOccurrence(at));
        }
        // At most MAX_COUNT starts come before `at` in a counted series.
        let mut had: u32 = 0;
        let mut last_before = None;
        for local in self.generated(None).take_while(|local| *local < at) {
            had = had.saturating_add(1);
            last_before = Some(local);
        }
        let Some(last_before) = last_before else {
            return Err(RecurrenceError::SplitAtStart);
        };
        let (before_rule, after_rule) = if let Some(count) = rule.count() {
            (rule.ending_after(had), rule.ending_after(count - had))
        } else {
            let until = Timestamp::from_millisecond(resolve(&zone, last_before)?)
                .map_err(|_| RecurrenceError::OutOfRange(last_before))?;
            (rule.ending_at(until), rule.clone())
        };
        let (exdates_before, exdates_after) = self.exdates.iter().partition(|exdate| **exdate < at);
        let before = Series { rule: Some(before_rule), exdates: exdates_before, ..self.clone() };
        let after = Series { start: at, rule: Some(after_rule), exdates: exdates_after, ..self.clone() };
        Ok((before, after))
    }

    fn time_zone(&self) -> Result<TimeZone, RecurrenceError> {
        jiff::tz::db().get(&self.zone).map_err(|_| RecurrenceError::UnknownZone(self.zone.clone()))
    }

    /// Whether the rule generates `local` within its COUNT and UNTIL, EXDATEs aside.
    fn generates(&self, zone: &TimeZone, local: DateTime) -> bool {
        if self.generated(Some(local)).next() != Some(local) {
            return false;
        }
        match self.rule.as_ref().and_then(Rule::until) {
            Some(until) => resolve(zone, local).is_ok_and(|start_ms| start_ms <= until.as_millisecond()),
            None => true,
        }
    }

    /// The local starts the rule generates, in order, within COUNT but before UNTIL (an instant)
    /// and the EXDATEs are applied. Starts before `not_before` are left out, and for the rules that
    /// allow it never computed (see [`Series::fast_forward`]).
    fn generated(&self, not_before: Option<DateTime>) -> impl Iterator<Item = DateTime> + '_ {
        let expansion = self.rule.as_ref().map(|rule| {
            let from = not_before.map_or(self.start, |not_before| self.fast_forward(rule, not_before));
            IcalRecurExpand::new(rule.engine().clone(), to_engine(from)).map_while(from_engine)
        });
        let single = self.rule.is_none().then_some(self.start);
        expansion
            .into_iter()
            .flatten()
            .chain(single)
            .skip_while(move |local| not_before.is_some_and(|not_before| *local < not_before))
    }

    /// A later start to expand from that generates the same starts from `not_before` on, so a
    /// range years after the first occurrence costs no more than one near it. Only for daily and
    /// weekly rules without COUNT: moving the start by whole periods of `INTERVAL` days or weeks
    /// keeps the lattice of periods, the weekday and the time of day that the rule takes from the
    /// start. A COUNT is counted from the first occurrence; monthly and yearly rules take a day of
    /// the month from the start and cost a dozen steps a year, so they expand from the start.
    fn fast_forward(&self, rule: &Rule, not_before: DateTime) -> DateTime {
        let days_per_period = match (rule.count(), rule.frequency()) {
            (None, Frequency::Daily) => 1,
            (None, Frequency::Weekly) => 7,
            _ => return self.start,
        };
        let step = i64::from(rule.interval()) * days_per_period;
        let Ok(elapsed) = self.start.date().until(not_before.date()) else {
            return self.start;
        };
        // One period short of `not_before`, so nothing at or after it is passed over.
        let periods = i64::from(elapsed.get_days()) / step - 1;
        if periods <= 0 {
            return self.start;
        }
        Span::new().try_days(periods * step).and_then(|span| self.start.checked_add(span)).unwrap_or(self.start)
    }
}

/// The instant of a local time in the zone, by RFC 5545 3.3.5: forward by the gap's length in a
/// spring-forward, the earlier offset in a fall-back (jiff's "compatible" disambiguation).
/// The instant (Unix ms) of the local time `local` in the zone named `zone`, read as a series
/// reads its starts (a skipped time moves forward by the gap, a repeated one is the earlier).
pub fn instant_of(zone: &str, local: DateTime) -> Result<i64, RecurrenceError> {
    let zone = jiff::tz::db().get(zone).map_err(|_| RecurrenceError::UnknownZone(zone.to_owned()))?;
    resolve(&zone, local)
}

fn resolve(zone: &TimeZone, local: DateTime) -> Result<i64, RecurrenceError> {
    zone.to_ambiguous_timestamp(local)
        .compatible()
        .map(Timestamp::as_millisecond)
        .map_err(|_| RecurrenceError::OutOfRange(local))
}

fn to_engine(local: DateTime) -> IcalRecurDateTime {
    IcalRecurDateTime {
        year: i32::from(local.year()),
        month: local.month() as u8,
        day: local.day() as u8,
        hour: local.hour() as u8,
        minute: local.minute() as u8,
        second: local.second() as u8,
    }
}

/// `None` past the years jiff spells (the engine stops at 9999 too).
fn from_engine(local: IcalRecurDateTime) -> Option<DateTime> {
    DateTime::new(
        i16::try_from(local.year).ok()?,
        i8::try_from(local.month).ok()?,
        i8::try_from(local.day).ok()?,
        i8::try_from(local.hour).ok()?,
        i8::try_from(local.minute).ok()?,
        i8::try_from(local.second).ok()?,
        0,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const BERLIN: &str = "Europe/Berlin";

    fn series(start: DateTime, rule: Option<&str>) -> Series {
        Series {
            start,
            zone: BERLIN.to_owned(),
            duration_minutes: 60,
            rule: rule.map(|text| Rule::parse(text).unwrap()),
            exdates: Vec::new(),
        }
    }

    fn ms(instant: &str) -> i64 {
        instant.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn starts(series: &Series) -> Vec<DateTime> {
        series.between(i64::MIN, i64::MAX, usize::MAX).unwrap().occurrences.iter().map(|o| o.local_start).collect()
    }

    #[test]
    fn a_single_task_has_one_occurrence_with_its_duration() {
        let task = series(date(2026, 5, 4).at(9, 0, 0, 0), None);
        task.validate().unwrap();
        let found = task.between(ms("2026-05-01T00:00:00Z"), ms("2026-06-01T00:00:00Z"), 10).unwrap();
        assert_eq!(
            found.occurrences,
            [Occurrence {
                local_start: date(2026, 5, 4).at(9, 0, 0, 0),
                start_ms: ms("2026-05-04T07:00:00Z"),
                end_ms: ms("2026-05-04T08:00:00Z"),
            }]
        );
        assert!(!found.truncated);
        assert!(task.contains(date(2026, 5, 4).at(9, 0, 0, 0)));
        assert!(!task.contains(date(2026, 5, 5).at(9, 0, 0, 0)));
        assert_eq!(task.split_at(date(2026, 5, 4).at(9, 0, 0, 0)), Err(RecurrenceError::NotRecurring));
    }

    #[test]
    fn count_is_honoured() {
        let task = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5"));
        task.validate().unwrap();
        assert_eq!(
            starts(&task),
            [
                date(2026, 5, 4).at(9, 0, 0, 0),
                date(2026, 5, 6).at(9, 0, 0, 0),
                date(2026, 5, 11).at(9, 0, 0, 0),
                date(2026, 5, 13).at(9, 0, 0, 0),
                date(2026, 5, 18).at(9, 0, 0, 0),
            ]
        );
        assert!(task.contains(date(2026, 5, 18).at(9, 0, 0, 0)));
        assert!(!task.contains(date(2026, 5, 20).at(9, 0, 0, 0)), "the sixth is past COUNT");
    }

    #[test]
    fn until_is_an_inclusive_instant() {
        // 09:00 in Berlin on 7 May is 07:00 UTC: an UNTIL at that instant keeps it, a second less does not.
        let kept = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=DAILY;UNTIL=20260507T070000Z"));
        kept.validate().unwrap();
        assert_eq!(starts(&kept).last(), Some(&date(2026, 5, 7).at(9, 0, 0, 0)));
        assert_eq!(starts(&kept).len(), 4);
        let cut = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=DAILY;UNTIL=20260507T065959Z"));
        assert_eq!(starts(&cut).len(), 3);
        assert!(!cut.contains(date(2026, 5, 7).at(9, 0, 0, 0)));
    }

    #[test]
    fn an_exdate_removes_exactly_one_occurrence() {
        let mut task = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=DAILY;COUNT=5"));
        let all = starts(&task);
        task.exdates = vec![date(2026, 5, 6).at(9, 0, 0, 0)];
        task.validate().unwrap();
        let left = starts(&task);
        assert_eq!(left.len(), 4);
        assert_eq!(
            left,
            all.iter().copied().filter(|start| *start != date(2026, 5, 6).at(9, 0, 0, 0)).collect::<Vec<_>>()
        );
        assert!(!task.contains(date(2026, 5, 6).at(9, 0, 0, 0)));
        assert!(task.contains(date(2026, 5, 7).at(9, 0, 0, 0)));
    }

    #[test]
    fn a_range_without_occurrences_is_empty() {
        let task = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=WEEKLY;BYDAY=MO"));
        // Tuesday to Sunday of one week, and an empty range on an occurrence's start.
        let found = task.between(ms("2026-05-05T00:00:00Z"), ms("2026-05-10T22:00:00Z"), 10).unwrap();
        assert_eq!(found, Expansion::default());
        let on_start = ms("2026-05-11T07:00:00Z");
        assert_eq!(task.between(on_start, on_start, 10).unwrap(), Expansion::default());
        // Before the first occurrence.
        assert_eq!(task.between(0, ms("2026-05-04T06:59:59Z"), 10).unwrap(), Expansion::default());
    }

    #[test]
    fn between_takes_occurrences_that_overlap_the_range_and_stops_at_the_limit() {
        let task = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=DAILY"));
        // 09:30 Berlin on 5 May is inside the 09:00-10:00 occurrence of that day.
        let found = task.between(ms("2026-05-05T07:30:00Z"), ms("2026-05-07T07:00:00Z"), 10).unwrap();
        let local: Vec<_> = found.occurrences.iter().map(|o| o.local_start).collect();
        assert_eq!(local, [date(2026, 5, 5).at(9, 0, 0, 0), date(2026, 5, 6).at(9, 0, 0, 0)]);
        // Ending exactly at the range's start does not overlap it.
        let found = task.between(ms("2026-05-05T08:00:00Z"), ms("2026-05-06T07:00:00Z"), 10).unwrap();
        assert!(found.occurrences.is_empty());

        let page = task.between(ms("2026-05-01T00:00:00Z"), ms("2026-06-01T00:00:00Z"), 3).unwrap();
        assert_eq!(page.occurrences.len(), 3);
        assert!(page.truncated);
        let whole = task.between(ms("2026-05-01T00:00:00Z"), ms("2026-05-07T00:00:00Z"), 3).unwrap();
        assert_eq!(whole.occurrences.len(), 3);
        assert!(!whole.truncated, "exactly the limit is not truncated");
    }

    #[test]
    fn a_task_with_only_a_due_date_is_an_instant() {
        let mut task = series(date(2026, 5, 4).at(17, 0, 0, 0), Some("FREQ=WEEKLY"));
        task.duration_minutes = 0;
        let due = ms("2026-05-11T15:00:00Z");
        let found = task.between(due, due + 1, 10).unwrap();
        assert_eq!(found.occurrences.len(), 1);
        assert_eq!((found.occurrences[0].start_ms, found.occurrences[0].end_ms), (due, due));
        assert!(task.between(due - 1, due, 10).unwrap().occurrences.is_empty());
    }

    #[test]
    fn a_range_years_after_the_start_matches_the_walk_from_the_start() {
        let task = series(date(2026, 1, 5).at(7, 0, 0, 0), Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"));
        let found = task.between(ms("2046-03-01T00:00:00Z"), ms("2046-04-01T00:00:00Z"), 100).unwrap();
        let local: Vec<_> = found.occurrences.iter().map(|o| o.local_start).collect();
        let walked: Vec<_> = series(date(2026, 1, 5).at(7, 0, 0, 0), Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"))
            .generated(None)
            .skip_while(|start| *start < date(2046, 3, 1).at(0, 0, 0, 0))
            .take_while(|start| *start < date(2046, 4, 1).at(0, 0, 0, 0))
            .collect();
        assert_eq!(local, walked);
        assert_eq!(local.len(), 4, "{local:?}");
    }

    #[test]
    fn validate_checks_the_zone_the_start_and_the_exdates() {
        let good = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=WEEKLY;BYDAY=MO,WE"));
        good.validate().unwrap();

        let unknown = Series { zone: "Mars/Olympus_Mons".into(), ..good.clone() };
        assert_eq!(unknown.validate(), Err(RecurrenceError::UnknownZone("Mars/Olympus_Mons".into())));
        assert!(unknown.between(0, 1, 1).is_err());
        assert!(!unknown.contains(good.start));

        let tuesday = Series { start: date(2026, 5, 5).at(9, 0, 0, 0), ..good.clone() };
        assert_eq!(tuesday.validate(), Err(RecurrenceError::StartNotFirst));

        let fraction = Series { start: date(2026, 5, 4).at(9, 0, 0, 5), ..good.clone() };
        assert!(matches!(fraction.validate(), Err(RecurrenceError::FractionalSecond(_))));

        let stray = Series { exdates: vec![date(2026, 5, 5).at(9, 0, 0, 0)], ..good.clone() };
        assert_eq!(stray.validate(), Err(RecurrenceError::NotAnOccurrence(date(2026, 5, 5).at(9, 0, 0, 0))));

        let past_until = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=DAILY;UNTIL=20260504T065959Z"));
        assert_eq!(past_until.validate(), Err(RecurrenceError::UntilBeforeStart));

        let many = Series { exdates: vec![good.start; MAX_EXDATES + 1], ..good.clone() };
        assert_eq!(many.validate(), Err(RecurrenceError::TooManyExdates(MAX_EXDATES + 1)));

        let unsatisfiable = series(date(2026, 2, 1).at(9, 0, 0, 0), Some("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"));
        assert_eq!(unsatisfiable.validate(), Err(RecurrenceError::StartNotFirst));
        assert!(starts(&unsatisfiable).is_empty());
    }

    #[test]
    fn between_refuses_a_backwards_range() {
        let task = series(date(2026, 5, 4).at(9, 0, 0, 0), None);
        assert_eq!(task.between(2, 1, 10), Err(RecurrenceError::Range { from_ms: 2, to_ms: 1 }));
    }

    #[test]
    fn split_keeps_the_count_and_the_exdates_on_their_sides() {
        let mut task = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=DAILY;COUNT=10"));
        task.exdates = vec![date(2026, 5, 5).at(9, 0, 0, 0), date(2026, 5, 10).at(9, 0, 0, 0)];
        let (before, after) = task.split_at(date(2026, 5, 8).at(9, 0, 0, 0)).unwrap();
        before.validate().unwrap();
        after.validate().unwrap();
        assert_eq!(before.rule.as_ref().unwrap().as_text(), "FREQ=DAILY;COUNT=4");
        assert_eq!(after.rule.as_ref().unwrap().as_text(), "FREQ=DAILY;COUNT=6");
        assert_eq!(before.rule.as_ref().unwrap().count().unwrap() + after.rule.as_ref().unwrap().count().unwrap(), 10);
        assert_eq!(before.exdates, [date(2026, 5, 5).at(9, 0, 0, 0)]);
        assert_eq!(after.exdates, [date(2026, 5, 10).at(9, 0, 0, 0)]);
        assert_eq!(after.start, date(2026, 5, 8).at(9, 0, 0, 0));
        assert_eq!([starts(&before), starts(&after)].concat(), starts(&task));
    }

    #[test]
    fn split_of_an_open_series_ends_the_first_part_at_its_last_occurrence() {
        let task = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=WEEKLY;BYDAY=MO,FR"));
        let (before, after) = task.split_at(date(2026, 5, 18).at(9, 0, 0, 0)).unwrap();
        // Friday 15 May, 09:00 in Berlin, is 07:00 UTC.
        assert_eq!(before.rule.as_ref().unwrap().as_text(), "FREQ=WEEKLY;UNTIL=20260515T070000Z;BYDAY=MO,FR");
        assert_eq!(after.rule.as_ref().unwrap().as_text(), "FREQ=WEEKLY;BYDAY=MO,FR");
        assert_eq!(starts(&before).len(), 4);
        let year = (ms("2026-05-01T00:00:00Z"), ms("2027-05-01T00:00:00Z"));
        let joined: Vec<_> =
            [before.between(year.0, year.1, 1000).unwrap(), after.between(year.0, year.1, 1000).unwrap()]
                .into_iter()
                .flat_map(|expansion| expansion.occurrences)
                .collect();
        assert_eq!(joined, task.between(year.0, year.1, 1000).unwrap().occurrences);
    }

    #[test]
    fn split_needs_an_occurrence_after_the_first() {
        let task = series(date(2026, 5, 4).at(9, 0, 0, 0), Some("FREQ=DAILY;COUNT=3"));
        assert_eq!(task.split_at(task.start), Err(RecurrenceError::SplitAtStart));
        let off = date(2026, 5, 5).at(10, 0, 0, 0);
        assert_eq!(task.split_at(off), Err(RecurrenceError::NotAnOccurrence(off)));
        let past = date(2026, 5, 7).at(9, 0, 0, 0);
        assert_eq!(task.split_at(past), Err(RecurrenceError::NotAnOccurrence(past)));
    }
}

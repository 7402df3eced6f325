//! A recurrence rule (RFC 5545 RRULE) as a study task stores it: parsed, refused where the planner
//! could not honour it, and written back in one canonical form for storage and ICS feeds.

use std::fmt;
use std::str::FromStr;

use ical::recur::{IcalRecurFreq, IcalRecurRule, IcalRecurWeekday, IcalRecurWeekdayNum};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::RecurrenceError;

/// The most occurrences `COUNT` may ask for: a daily task for almost three years, and a bound on
/// the work of expanding a counted series, which always starts from its first occurrence.
pub const MAX_COUNT: u32 = 1000;
/// The largest `INTERVAL`: once a year for a daily rule; more says nothing a planner needs.
pub const MAX_INTERVAL: u32 = 366;
/// The longest rule text read; a real rule is well under 200 characters, and this bounds the
/// work spent on untrusted input.
const MAX_TEXT: usize = 512;

/// How often a rule's periods come round. Nothing more frequent than daily: see
/// [`RecurrenceError::SubDaily`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A validated recurrence rule. Every occurrence it generates takes its time of day from the
/// series' start, and there is at most one a day.
///
/// Built by [`Rule::parse`] (or `str::parse`); [`Rule::as_text`] (or `Display`) writes it back in
/// canonical form: parts in a fixed order, lists sorted without repeats, defaults (`INTERVAL=1`,
/// `WKST=MO`) left out, so two rules that mean the same read the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The parts as the engine expands them. Its own `until` stays empty: the engine compares
    /// wall-clock times, while `UNTIL` is an instant (below).
    parts: IcalRecurRule,
    /// `UNTIL`, inclusive. RFC 5545 asks for UTC when the start has a time zone, as a task's always
    /// does, so it is an instant, compared with each occurrence once that is resolved in the zone.
    until: Option<Timestamp>,
}

impl Rule {
    /// Reads `FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10`, with or without a leading `RRULE:`, names in any
    /// case. Refused: anything more frequent than daily, the parts that set a time of day
    /// (`BYHOUR`, `BYMINUTE`, `BYSECOND`), other calendars (`RSCALE`, `SKIP`), unknown or repeated
    /// parts, `COUNT` over [`MAX_COUNT`], `INTERVAL` over [`MAX_INTERVAL`], `UNTIL` other than a
    /// UTC date-time, `UNTIL` with `COUNT`, and the combinations RFC 5545 forbids.
    pub fn parse(text: &str) -> Result<Rule, RecurrenceError> {
        let text = text.trim();
        if text.len() > MAX_TEXT {
            return Err(malformed(format!("is longer than {MAX_TEXT} characters")));
        }
        let body = match text.get(..6) {
            Some(prefix) if prefix.eq_ignore_ascii_case("RRULE:") => &text[6..],
            _ => text,
        };
        let mut seen: Vec<String> = Vec::new();
        let mut until = None;
        // What the engine reads: every part but UNTIL, which is ours to compare as an instant.
        let mut engine_text = String::with_capacity(body.len());
        for part in body.split(';').filter(|part| !part.trim().is_empty()) {
            let (name, value) =
                part.split_once('=').ok_or_else(|| malformed(format!("has a part without '=': {part:?}")))?;
            let name = name.trim().to_ascii_uppercase();
            let value = value.trim();
            if value.is_empty() {
                return Err(malformed(format!("gives {name} no value")));
            }
            if seen.contains(&name) {
                return Err(malformed(format!("gives {name} twice")));
            }
            match name.as_str() {
                "FREQ" if ["HOURLY", "MINUTELY", "SECONDLY"].iter().any(|sub| value.eq_ignore_ascii_case(sub)) => {
                    return Err(RecurrenceError::SubDaily(value.to_ascii_uppercase()));
                }
                "UNTIL" => until = Some(parse_until(value)?),
                "FREQ" | "COUNT" | "INTERVAL" | "BYDAY" | "BYMONTHDAY" | "BYMONTH" | "BYYEARDAY" | "BYWEEKNO"
                | "BYSETPOS" | "WKST" => {
                    engine_text.push_str(&name);
                    engine_text.push('=');
                    engine_text.push_str(value);
                    engine_text.push(';');
                }
                "BYHOUR" | "BYMINUTE" | "BYSECOND" => {
                    return Err(RecurrenceError::Unsupported {
                        part: name,
                        reason: "an occurrence takes its time of day from the start, once a day at most",
                    });
                }
                "RSCALE" | "SKIP" => {
                    return Err(RecurrenceError::Unsupported {
                        part: name,
                        reason: "only the Gregorian calendar is expanded",
                    });
                }
                _ => {
                    return Err(RecurrenceError::Unsupported {
                        part: name,
                        reason: "it is not a part of an RFC 5545 rule that the planner knows",
                    });
                }
            }
            seen.push(name);
        }
        if !seen.iter().any(|name| name == "FREQ") {
            return Err(malformed("has no FREQ".to_owned()));
        }
        if until.is_some() && seen.iter().any(|name| name == "COUNT") {
            return Err(malformed("gives both UNTIL and COUNT, which RFC 5545 forbids".to_owned()));
        }
        let mut parts =
            IcalRecurRule::parse(&engine_text).map_err(|error| malformed(format!("is not valid: {error}")))?;
        if let Some(count) = parts.count
            && !(1..=MAX_COUNT).contains(&count)
        {
            return Err(RecurrenceError::Count(count));
        }
        if parts.interval > MAX_INTERVAL {
            return Err(RecurrenceError::Interval(parts.interval));
        }
        if let Some(problem) = parts.problems().first() {
            return Err(malformed(format!("breaks RFC 5545: {problem}")));
        }
        normalise(&mut parts);
        Ok(Rule { parts, until })
    }

    /// The canonical RRULE text, without the `RRULE:` name: what is stored, and what an ICS feed
    /// writes after it.
    pub fn as_text(&self) -> String {
        self.to_string()
    }

    pub fn frequency(&self) -> Frequency {
        match self.parts.freq {
            IcalRecurFreq::Daily => Frequency::Daily,
            IcalRecurFreq::Weekly => Frequency::Weekly,
            IcalRecurFreq::Monthly => Frequency::Monthly,
            // `parse` refuses the sub-daily frequencies, so the rest is yearly.
            _ => Frequency::Yearly,
        }
    }

    pub fn interval(&self) -> u32 {
        self.parts.interval
    }

    /// `COUNT`: how many occurrences the rule generates, the first one and any that an EXDATE
    /// later removes included.
    pub fn count(&self) -> Option<u32> {
        self.parts.count
    }

    /// `UNTIL`: the last instant an occurrence may start at, inclusive.
    pub fn until(&self) -> Option<Timestamp> {
        self.until
    }

    /// The parts as the expansion engine takes them.
    pub(super) fn engine(&self) -> &IcalRecurRule {
        &self.parts
    }

    /// The same rule ending after `count` occurrences instead of its own end.
    pub(super) fn ending_after(&self, count: u32) -> Rule {
        let mut parts = self.parts.clone();
        parts.count = Some(count);
        Rule { parts, until: None }
    }

    /// The same rule ending at the instant `until` instead of its own end.
    pub(super) fn ending_at(&self, until: Timestamp) -> Rule {
        let mut parts = self.parts.clone();
        parts.count = None;
        Rule { parts, until: Some(until) }
    }
}

impl FromStr for Rule {
    type Err = RecurrenceError;

    fn from_str(text: &str) -> Result<Rule, RecurrenceError> {
        Rule::parse(text)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = &self.parts;
        let frequency = match self.frequency() {
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
            Frequency::Yearly => "YEARLY",
        };
        write!(f, "FREQ={frequency}")?;
        if parts.interval != 1 {
            write!(f, ";INTERVAL={}", parts.interval)?;
        }
        if let Some(count) = parts.count {
            write!(f, ";COUNT={count}")?;
        }
        if let Some(until) = self.until {
            write!(f, ";UNTIL={}", TimeZone::UTC.to_datetime(until).strftime("%Y%m%dT%H%M%SZ"))?;
        }
        write_list(f, "BYMONTH", &parts.by_month)?;
        write_list(f, "BYWEEKNO", &parts.by_week_no)?;
        write_list(f, "BYYEARDAY", &parts.by_year_day)?;
        write_list(f, "BYMONTHDAY", &parts.by_month_day)?;
        if !parts.by_day.is_empty() {
            f.write_str(";BYDAY=")?;
            for (index, day) in parts.by_day.iter().enumerate() {
                if index > 0 {
                    f.write_str(",")?;
                }
                if let Some(ordinal) = day.ordinal {
                    write!(f, "{ordinal}")?;
                }
                f.write_str(weekday_code(day.weekday))?;
            }
        }
        write_list(f, "BYSETPOS", &parts.by_set_pos)?;
        if parts.week_start != IcalRecurWeekday::Monday {
            write!(f, ";WKST={}", weekday_code(parts.week_start))?;
        }
        Ok(())
    }
}

fn malformed(what: String) -> RecurrenceError {
    RecurrenceError::Malformed(what)
}

/// `UNTIL` as RFC 5545 wants it for a start in a time zone: `YYYYMMDDTHHMMSSZ`, in UTC.
fn parse_until(value: &str) -> Result<Timestamp, RecurrenceError> {
    let refuse = || {
        malformed(format!(
            "gives UNTIL={value}, not a UTC date-time such as 20261231T235959Z (RFC 5545 wants UTC for a start in a time zone)"
        ))
    };
    let bytes = value.as_bytes();
    let shaped = bytes.len() == 16
        && bytes[8] == b'T'
        && bytes[15].eq_ignore_ascii_case(&b'Z')
        && bytes[..8].iter().chain(&bytes[9..15]).all(u8::is_ascii_digit);
    if !shaped {
        return Err(refuse());
    }
    // All ASCII digits, so every slice below is on a character boundary and parses.
    let number = |from: usize, to: usize| value[from..to].parse::<i16>().map_err(|_| refuse());
    let civil = jiff::civil::DateTime::new(
        number(0, 4)?,
        i8::try_from(number(4, 6)?).map_err(|_| refuse())?,
        i8::try_from(number(6, 8)?).map_err(|_| refuse())?,
        i8::try_from(number(9, 11)?).map_err(|_| refuse())?,
        i8::try_from(number(11, 13)?).map_err(|_| refuse())?,
        i8::try_from(number(13, 15)?).map_err(|_| refuse())?,
        0,
    )
    .map_err(|_| refuse())?;
    TimeZone::UTC.to_timestamp(civil).map_err(|_| refuse())
}

/// Sorts every list and drops repeats: the parts are sets, and the canonical text must not
/// depend on how a client ordered them.
fn normalise(parts: &mut IcalRecurRule) {
    fn set<T: Ord>(list: &mut Vec<T>) {
        list.sort_unstable();
        list.dedup();
    }
    set(&mut parts.by_month);
    set(&mut parts.by_week_no);
    set(&mut parts.by_year_day);
    set(&mut parts.by_month_day);
    set(&mut parts.by_set_pos);
    parts.by_day.sort_unstable_by_key(|day| day_order(*day));
    parts.by_day.dedup();
}

/// Weekdays from Monday, as people read a week; an unqualified day before its ordinals.
fn day_order(day: IcalRecurWeekdayNum) -> (u8, Option<i16>) {
    ((day.weekday as u8 + 6) % 7, day.ordinal)
}

fn weekday_code(weekday: IcalRecurWeekday) -> &'static str {
    match weekday {
        IcalRecurWeekday::Monday => "MO",
        IcalRecurWeekday::Tuesday => "TU",
        IcalRecurWeekday::Wednesday => "WE",
        IcalRecurWeekday::Thursday => "TH",
        IcalRecurWeekday::Friday => "FR",
        IcalRecurWeekday::Saturday => "SA",
        IcalRecurWeekday::Sunday => "SU",
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, name: &str, list: &[T]) -> fmt::Result {
    if list.is_empty() {
        return Ok(());
    }
    write!(f, ";{name}=")?;
    for (index, item) in list.iter().enumerate() {
        if index > 0 {
            f.write_str(",")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        Rule::parse(text).unwrap_or_else(|error| panic!("{text}: {error}")).as_text()
    }

    #[test]
    fn a_rule_reads_with_or_without_its_name_in_any_case_and_writes_back_canonically() {
        assert_eq!(canonical("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"), "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE");
        assert_eq!(canonical("RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"), "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE");
        assert_eq!(canonical("  rrule:freq=weekly;byday=we,mo,we;count=10;  "), "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE");
        assert_eq!(canonical("FREQ=DAILY;INTERVAL=1;WKST=MO"), "FREQ=DAILY");
        assert_eq!(
            canonical("WKST=SU;BYSETPOS=-1;BYDAY=FR,-1SU,SU;BYMONTH=12,3;INTERVAL=2;FREQ=MONTHLY"),
            "FREQ=MONTHLY;INTERVAL=2;BYMONTH=3,12;BYDAY=FR,SU,-1SU;BYSETPOS=-1;WKST=SU"
        );
        assert_eq!(canonical("FREQ=YEARLY;BYWEEKNO=20,1;BYDAY=MO"), "FREQ=YEARLY;BYWEEKNO=1,20;BYDAY=MO");
        assert_eq!(canonical("FREQ=YEARLY;BYYEARDAY=-1,100"), "FREQ=YEARLY;BYYEARDAY=-1,100");
        assert_eq!(canonical("FREQ=MONTHLY;BYMONTHDAY=-1,15,1"), "FREQ=MONTHLY;BYMONTHDAY=-1,1,15");
    }

    #[test]
    fn canonical_text_reads_back_as_the_same_rule() {
        for text in [
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20261231T235959Z",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=12",
            "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;WKST=SU",
        ] {
            let rule = Rule::parse(text).unwrap();
            let again = Rule::parse(&rule.as_text()).unwrap();
            assert_eq!(again, rule, "{text}");
            assert_eq!(again.as_text(), rule.as_text(), "{text}");
        }
    }

    #[test]
    fn the_parts_are_told_apart() {
        let rule = Rule::parse("FREQ=WEEKLY;INTERVAL=3;UNTIL=20270101T080000Z").unwrap();
        assert_eq!(rule.frequency(), Frequency::Weekly);
        assert_eq!(rule.interval(), 3);
        assert_eq!(rule.count(), None);
        assert_eq!(rule.until(), Some("2027-01-01T08:00:00Z".parse().unwrap()));
        let rule: Rule = "FREQ=YEARLY;COUNT=5".parse().unwrap();
        assert_eq!((rule.frequency(), rule.count(), rule.until()), (Frequency::Yearly, Some(5), None));
        assert_eq!(Rule::parse("FREQ=MONTHLY").unwrap().frequency(), Frequency::Monthly);
        assert_eq!(Rule::parse("FREQ=DAILY").unwrap().frequency(), Frequency::Daily);
    }

    #[test]
    fn frequencies_above_daily_are_refused_with_the_reason() {
        for frequency in ["HOURLY", "minutely", "SECONDLY"] {
            let error = Rule::parse(&format!("FREQ={frequency};COUNT=3")).unwrap_err();
            assert_eq!(error, RecurrenceError::SubDaily(frequency.to_ascii_uppercase()));
            assert!(error.to_string().contains("daily at most"), "{error}");
        }
    }

    #[test]
    fn parts_that_set_a_time_of_day_or_another_calendar_are_refused() {
        for (text, part) in [
            ("FREQ=DAILY;BYHOUR=9,17", "BYHOUR"),
            ("FREQ=DAILY;BYMINUTE=30", "BYMINUTE"),
            ("FREQ=DAILY;BYSECOND=0", "BYSECOND"),
            ("RSCALE=HEBREW;FREQ=YEARLY", "RSCALE"),
            ("FREQ=YEARLY;SKIP=FORWARD", "SKIP"),
            ("FREQ=DAILY;X-VENDOR=1", "X-VENDOR"),
        ] {
            match Rule::parse(text) {
                Err(RecurrenceError::Unsupported { part: refused, .. }) => assert_eq!(refused, part, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn count_and_interval_are_bounded() {
        assert_eq!(Rule::parse("FREQ=DAILY;COUNT=1000").unwrap().count(), Some(1000));
        assert_eq!(Rule::parse("FREQ=DAILY;COUNT=1001"), Err(RecurrenceError::Count(1001)));
        assert_eq!(Rule::parse("FREQ=DAILY;COUNT=0"), Err(RecurrenceError::Count(0)));
        assert_eq!(Rule::parse("FREQ=DAILY;INTERVAL=366").unwrap().interval(), 366);
        assert_eq!(Rule::parse("FREQ=DAILY;INTERVAL=367"), Err(RecurrenceError::Interval(367)));
        assert!(matches!(Rule::parse("FREQ=DAILY;INTERVAL=0"), Err(RecurrenceError::Malformed(_))));
        assert!(matches!(Rule::parse("FREQ=DAILY;COUNT=-1"), Err(RecurrenceError::Malformed(_))));
        assert!(matches!(Rule::parse("FREQ=DAILY;COUNT=99999999999"), Err(RecurrenceError::Malformed(_))));
    }

    #[test]
    fn until_is_a_utc_date_time_and_never_beside_count() {
        for until in ["20261231", "20261231T235959", "2026-12-31T23:59:59Z", "20261331T000000Z", "20260230T000000Z"] {
            let error = Rule::parse(&format!("FREQ=DAILY;UNTIL={until}")).unwrap_err();
            assert!(matches!(error, RecurrenceError::Malformed(_)), "{until}: {error:?}");
        }
        let error = Rule::parse("FREQ=DAILY;COUNT=3;UNTIL=20261231T235959Z").unwrap_err();
        assert!(error.to_string().contains("both UNTIL and COUNT"), "{error}");
        assert_eq!(
            Rule::parse("FREQ=DAILY;UNTIL=20261231T235959z").unwrap().as_text(),
            "FREQ=DAILY;UNTIL=20261231T235959Z"
        );
    }

    #[test]
    fn malformed_rules_are_refused() {
        for text in [
            "",
            "RRULE:",
            "COUNT=3",
            "FREQ=FORTNIGHTLY",
            "FREQ=DAILY;FREQ=WEEKLY",
            "FREQ=DAILY;COUNT",
            "FREQ=DAILY;COUNT=",
            "FREQ=WEEKLY;BYDAY=XX",
            "FREQ=MONTHLY;BYMONTHDAY=32",
            "FREQ=MONTHLY;BYMONTHDAY=0",
            "FREQ=YEARLY;BYMONTH=13",
            &format!("FREQ=DAILY;BYDAY={}", "MO,".repeat(200)),
        ] {
            assert!(matches!(Rule::parse(text), Err(RecurrenceError::Malformed(_))), "{text:?}");
        }
    }

    #[test]
    fn combinations_rfc_5545_forbids_are_refused() {
        for text in [
            "FREQ=WEEKLY;BYMONTHDAY=15",
            "FREQ=MONTHLY;BYWEEKNO=3",
            "FREQ=WEEKLY;BYYEARDAY=100",
            "FREQ=WEEKLY;BYDAY=2MO",
            "FREQ=DAILY;BYDAY=-1FR",
            "FREQ=YEARLY;BYWEEKNO=20;BYDAY=2MO",
            "FREQ=DAILY;BYSETPOS=2",
        ] {
            let error = Rule::parse(text).unwrap_err();
            assert!(error.to_string().contains("RFC 5545"), "{text}: {error}");
        }
    }
}

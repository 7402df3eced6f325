//! A person's study tasks as an iCalendar feed (RFC 5545) that Google, Outlook and Apple calendars
//! subscribe to: one VEVENT per task with a stable UID, its RRULE and EXDATEs, and one more per
//! occurrence that changed (moved, done, skipped) under its RECURRENCE-ID; times are local in the
//! task's zone (`TZID`), and each zone used gets a VTIMEZONE with its transitions over the feed's
//! years, which strict clients and older Outlook need.
//!
//! Pure: the caller gives the tasks, their occurrence states, the instant the feed is made and the
//! span of years its time zones must cover.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

use crate::model::{OccurrenceState, OccurrenceStatus, Task, occurrence_time};

/// What the feed holds of one task.
#[derive(Debug, Clone)]
pub struct FeedTask<'a> {
    pub task: &'a Task,
    pub states: Vec<&'a OccurrenceState>,
}

/// The feed: `name` is the calendar's display name, `now_ms` its DTSTAMP, and the VTIMEZONEs cover
/// `[from_ms, to_ms)`.
pub fn feed(name: &str, tasks: &[FeedTask<'_>], now_ms: i64, from_ms: i64, to_ms: i64) -> String {
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//Emmaus//Learning Planner//EN");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.property("X-WR-CALNAME", &text(name));
    let zones: BTreeSet<&str> = tasks.iter().filter(|t| !t.task.all_day).map(|t| t.task.zone.as_str()).collect();
    for zone in zones {
        timezone(&mut out, zone, from_ms, to_ms);
    }
    let stamp = utc(now_ms);
    for entry in tasks {
        event(&mut out, entry, &stamp);
    }
    out.line("END:VCALENDAR");
    out.0
}

/// Content lines: CRLF after each, folded at 75 octets (RFC 5545 3.1) without splitting a character.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn line(&mut self, line: &str) {
        let mut width = 0;
        for ch in line.chars() {
            let size = ch.len_utf8();
            if width + size > 75 {
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(ch);
            width += size;
        }
        self.0.push_str("\r\n");
    }

    fn property(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{value}"));
    }
}

/// A TEXT value: backslashes, semicolons, commas and line breaks escaped; other controls dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn utc(ms: i64) -> String {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH).strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn local(time: DateTime) -> String {
    time.strftime("%Y%m%dT%H%M%S").to_string()
}

fn day(time: DateTime) -> String {
    time.strftime("%Y%m%d").to_string()
}

fn offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if rest == 0 { format!("{sign}{hours:02}{minutes:02}") } else { format!("{sign}{hours:02}{minutes:02}{rest:02}") }
}

/// A VTIMEZONE for `zone` with an observance for the offset in force at `from_ms` and one for each
/// transition until `to_ms`, each starting at its local time before the change (RFC 5545 3.6.5).
fn timezone(out: &mut Lines, zone: &str, from_ms: i64, to_ms: i64) {
    let Ok(tz) = jiff::tz::db().get(zone) else { return };
    let from = Timestamp::from_millisecond(from_ms).unwrap_or(Timestamp::UNIX_EPOCH);
    out.property("BEGIN", "VTIMEZONE");
    out.property("TZID", zone);
    // The observance in force at the start: from its last transition (or, for a zone that never
    // changed, from 1970), in the offset that applied before it.
    let first = tz.to_offset_info(from);
    let (onset, before) = match tz.preceding(from).next() {
        Some(transition) => {
            let before = tz.to_offset(transition.timestamp() - jiff::SignedDuration::from_secs(1));
            (before.to_datetime(transition.timestamp()), before)
        }
        None => (jiff::civil::date(1970, 1, 1).at(0, 0, 0, 0), first.offset()),
    };
    observance(out, first.dst().is_dst(), onset, before, first.offset(), first.abbreviation());
    let mut previous = first.offset();
    for transition in tz.following(from).take_while(|t| t.timestamp().as_millisecond() < to_ms) {
        let onset = previous.to_datetime(transition.timestamp());
        observance(out, transition.dst().is_dst(), onset, previous, transition.offset(), transition.abbreviation());
        previous = transition.offset();
    }
    out.property("END", "VTIMEZONE");
}

fn observance(out: &mut Lines, dst: bool, onset: DateTime, from: Offset, to: Offset, name: &str) {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    out.property("BEGIN", kind);
    out.property("DTSTART", &local(onset));
    out.property("TZOFFSETFROM", &offset(from));
    out.property("TZOFFSETTO", &offset(to));
    // An abbreviation the tz database has (`CET`); a zone that has only numbers (`+0530`) is named
    // by its TZID alone.
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-') {
        out.property("TZNAME", name);
    }
    out.property("END", kind);
}

/// The task's VEVENT, then one per changed occurrence.
fn event(out: &mut Lines, entry: &FeedTask<'_>, stamp: &str) {
    let task = entry.task;
    let Ok(start) = task.start.parse::<DateTime>() else { return };
    let uid = format!("{}@planner.emmaus", task.id);
    let recurring = task.rrule.is_some();
    // A single task's own state changes the one event; a series' states become overrides.
    let single_state = if recurring { None } else { entry.states.first().copied() };
    out.property("BEGIN", "VEVENT");
    out.property("UID", &uid);
    out.property("DTSTAMP", stamp);
    let shown_start = single_state.and_then(|s| s.moved_to.as_deref()).and_then(|m| m.parse().ok()).unwrap_or(start);
    timing(out, task, "DTSTART", shown_start);
    out.property("SUMMARY", &text(&summary(task, single_state.map(|s| s.status))));
    if !task.notes.is_empty() {
        out.property("DESCRIPTION", &text(&task.notes));
    }
    if let Some(rule) = &task.rrule {
        out.property("RRULE", rule);
    }
    if !task.exdates.is_empty() {
        let list: Vec<String> = task
            .exdates
            .iter()
            .filter_map(|d| d.parse::<DateTime>().ok())
            .map(|d| if task.all_day { day(d) } else { local(d) })
            .collect();
        let name = if task.all_day { "EXDATE;VALUE=DATE".to_owned() } else { format!("EXDATE;TZID={}", task.zone) };
        out.property(&name, &list.join(","));
    }
    if single_state.is_some_and(|s| s.status == OccurrenceStatus::Skipped) {
        out.property("STATUS", "CANCELLED");
    }
    out.property("END", "VEVENT");
    if !recurring {
        return;
    }
    // Overrides in a stable order (by the occurrence they replace).
    let states: BTreeMap<&str, &OccurrenceState> = entry.states.iter().map(|s| (s.occurrence.as_str(), *s)).collect();
    for (name, state) in states {
        let Ok(original) = occurrence_time("occurrence", name) else { continue };
        let moved: DateTime = state.moved_to.as_deref().and_then(|m| m.parse().ok()).unwrap_or(original);
        out.property("BEGIN", "VEVENT");
        out.property("UID", &uid);
        out.property("DTSTAMP", stamp);
        timing(out, task, "RECURRENCE-ID", original);
        timing(out, task, "DTSTART", moved);
        out.property("SUMMARY", &text(&summary(task, Some(state.status))));
        if state.status == OccurrenceStatus::Skipped {
            out.property("STATUS", "CANCELLED");
        }
        out.property("END", "VEVENT");
    }
}

/// DTSTART or RECURRENCE-ID at `at` (a date for an all-day task), with the DURATION after a start.
fn timing(out: &mut Lines, task: &Task, name: &str, at: DateTime) {
    if task.all_day {
        out.property(&format!("{name};VALUE=DATE"), &day(at));
    } else {
        out.property(&format!("{name};TZID={}", task.zone), &local(at));
    }
    if name == "DTSTART" {
        let duration = if task.all_day { "P1D".to_owned() } else { format!("PT{}M", task.duration_minutes) };
        out.property("DURATION", &duration);
    }
}

fn summary(task: &Task, status: Option<OccurrenceStatus>) -> String {
    match status {
        Some(OccurrenceStatus::Done) => format!("✓ {}", task.title),
        _ => task.title.clone(),
    }
}

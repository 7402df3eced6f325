//! The planner's records as stored, and the rules every write checks: lengths, dates and times
//! as a person writes them, and the states goals, study items and occurrences move through.

use emmaus_domain::{DomainError, Timestamp};
use jiff::civil::{Date, DateTime};

pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 4000;
pub const MAX_MILESTONES: usize = 50;
pub const MAX_GOALS: usize = 200;
pub const MAX_QUEUE: usize = 500;
pub const MAX_TASKS: usize = 1000;
/// Meeting notes (each of the shared and the private ones): longer than a note on a goal.
pub const MAX_NOTES: usize = 20_000;
pub const MAX_NEXT_STEPS: usize = 20;
pub const MAX_MEETINGS: usize = 1000;
/// The longest a meeting lasts.
pub const MAX_MEETING_MINUTES: u32 = 12 * 60;
/// The longest a task lasts: a whole day.
pub const MAX_DURATION_MINUTES: u32 = 24 * 60;
/// How far one occurrence may be moved from where its series put it; further is a change to the
/// series, or a task of its own. It bounds what a calendar reads around its range.
pub const MAX_MOVE_DAYS: i64 = 60;
pub const MAX_MOVE_MS: i64 = MAX_MOVE_DAYS * 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// Suggested by a mentor or pastor, waiting for the person to accept or decline it.
    Proposed,
    Active,
    Achieved,
    Dropped,
    /// A proposal the person declined; kept so its proposer sees the answer.
    Declined,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    pub done: bool,
    #[serde(default)]
    pub done_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Goal {
    pub id: String,
    pub person_id: String,
    pub title: String,
    #[serde(default)]
    pub why: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub target_date: Option<String>,
    pub status: GoalStatus,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Who proposed it, for a goal that began as someone else's proposal.
    #[serde(default)]
    pub proposed_by: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    NotStarted,
    InProgress,
    Done,
}

/// What a study item points at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StudyTarget {
    /// A resource of the hub, shown as it is now and only to those who may see it.
    Resource { resource_id: String },
    /// A page on the web.
    Link { url: String, title: String },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueueItem {
    pub id: String,
    pub person_id: String,
    #[serde(default)]
    pub goal_id: Option<String>,
    pub target: StudyTarget,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub due_date: Option<String>,
    pub progress: Progress,
    /// The day it was marked done, in the person's time zone.
    #[serde(default)]
    pub done_on: Option<String>,
    pub assigned_by: String,
    pub assigned_at: Timestamp,
    /// Its place in the queue (`crate::rank`); ties are ordered by id.
    pub rank: String,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Task {
    pub id: String,
    pub person_id: String,
    pub title: String,
    #[serde(default)]
    pub notes: String,
    /// The first occurrence's local start, `YYYY-MM-DDTHH:MM:SS`; midnight for an all-day task.
    pub start: String,
    /// A task with a due date rather than a time: it lasts its whole day.
    pub all_day: bool,
    pub duration_minutes: u32,
    /// The IANA zone its local times are read in (the person's when it was made).
    pub zone: String,
    #[serde(default)]
    pub rrule: Option<String>,
    #[serde(default)]
    pub exdates: Vec<String>,
    #[serde(default)]
    pub goal_id: Option<String>,
    #[serde(default)]
    pub queue_item_id: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts its changes: its `ETag`, which stays with it when its record moves to a new key.
    pub revision: u64,
    /// When its last occurrence ends (Unix ms; `crate::keys::MAX_MS` for a series without end):
    /// part of its key.
    pub ends_ms: i64,
}

/// Where a task's record is, by its id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaskPointer {
    pub ends_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceStatus {
    Pending,
    Done,
    Skipped,
}

/// What happened to one occurrence of a task; an occurrence without one is pending where its
/// series put it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OccurrenceState {
    pub task_id: String,
    /// The local start the series gave it (its RECURRENCE-ID).
    pub occurrence: String,
    pub original_ms: i64,
    pub status: OccurrenceStatus,
    /// Its new local start, when it was moved.
    #[serde(default)]
    pub moved_to: Option<String>,
    #[serde(default)]
    pub moved_start_ms: Option<i64>,
    pub changed_at: Timestamp,
    pub changed_by: String,
}

/// A meeting of a person with someone who walks with them (their mentor, their group's pastor).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Meeting {
    pub id: String,
    /// The person met, whose plan holds it.
    pub person_id: String,
    /// Who recorded it: the only one who changes it or reads its private notes.
    pub recorded_by: String,
    /// Its local start, `YYYY-MM-DDTHH:MM:SS`, in `zone`.
    pub start: String,
    pub zone: String,
    /// Its start as an instant (Unix ms): part of its key, so meetings list newest first.
    pub start_ms: i64,
    pub duration_minutes: u32,
    /// Markdown the person met reads too.
    #[serde(default)]
    pub shared_notes: String,
    /// The recorder's private notes, sealed at rest (`emmaus_app::sealing`) for this meeting.
    #[serde(default)]
    pub private_notes: Option<String>,
    #[serde(default)]
    pub next_steps: Vec<NextStep>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts its changes: its `ETag`, which stays with it when its record moves to a new key.
    pub revision: u64,
}

/// Something agreed in a meeting, which may become a task of the person's plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NextStep {
    pub id: String,
    pub title: String,
    /// The task it became, once it did.
    #[serde(default)]
    pub task_id: Option<String>,
}

/// Where a meeting's record is, by its id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MeetingPointer {
    pub start_ms: i64,
}

/// A title: 1 to 200 characters, not only spaces; kept trimmed.
pub fn title(field: &str, raw: &str) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if text.chars().count() > MAX_TITLE || text.chars().any(char::is_control) {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_TITLE} characters on one line")));
    }
    Ok(text.to_owned())
}

/// A longer text (why, a note): at most 4,000 characters.
pub fn text(field: &str, raw: &str) -> Result<String, DomainError> {
    if raw.chars().count() > MAX_TEXT {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_TEXT} characters")));
    }
    Ok(raw.trim().to_owned())
}

/// Notes: at most 20,000 characters, kept trimmed.
pub fn notes(field: &str, raw: &str) -> Result<String, DomainError> {
    if raw.chars().count() > MAX_NOTES {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_NOTES} characters")));
    }
    Ok(raw.trim().to_owned())
}

/// A calendar date, `YYYY-MM-DD`, between the years 1970 and 2200.
pub fn date(field: &str, raw: &str) -> Result<Date, DomainError> {
    let invalid = || DomainError::invalid(field, "must be a date such as 2027-03-14");
    let parsed: Date = raw.trim().parse().map_err(|_| invalid())?;
    if raw.trim().len() != 10 || !(1970..=2200).contains(&parsed.year()) {
        return Err(invalid());
    }
    Ok(parsed)
}

/// An optional date as a request gives it: absent or blank is none, anything else a date as
/// [`date`] reads it, kept as `YYYY-MM-DD`.
pub fn optional_date(field: &str, raw: Option<&str>) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
        None => Ok(None),
        Some(raw) => Ok(Some(date(field, raw)?.to_string())),
    }
}

/// A local date and time, `YYYY-MM-DDTHH:MM` or with seconds, between the years 1970 and 2200;
/// whole seconds only.
pub fn local_time(field: &str, raw: &str) -> Result<DateTime, DomainError> {
    let invalid = || DomainError::invalid(field, "must be a local date and time such as 2027-03-14T19:30");
    let raw = raw.trim();
    if !(16..=19).contains(&raw.len()) || raw.as_bytes().get(10) != Some(&b'T') {
        return Err(invalid());
    }
    let parsed: DateTime = raw.parse().map_err(|_| invalid())?;
    if !(1970..=2200).contains(&parsed.year()) || parsed.subsec_nanosecond() != 0 {
        return Err(invalid());
    }
    Ok(parsed)
}

/// A local time as stored and as the API names an occurrence: `YYYY-MM-DDTHH:MM:SS`.
pub fn local_text(time: DateTime) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The name of an occurrence, as paths and the calendar carry it: its local start in RFC 5545's
/// basic form, `YYYYMMDDTHHMMSS` (what an ICS feed writes as RECURRENCE-ID).
pub fn occurrence_id(time: DateTime) -> String {
    time.strftime("%Y%m%dT%H%M%S").to_string()
}

/// An occurrence named by [`occurrence_id`] or by its local start as [`local_time`] reads it.
pub fn occurrence_time(field: &str, raw: &str) -> Result<DateTime, DomainError> {
    let raw = raw.trim();
    if raw.len() == 15 && raw.as_bytes().get(8) == Some(&b'T') && raw.bytes().filter(u8::is_ascii_digit).count() == 14 {
        return DateTime::strptime("%Y%m%dT%H%M%S", raw)
            .map_err(|_| DomainError::invalid(field, "must name an occurrence such as 20270314T193000"));
    }
    local_time(field, raw)
}

/// An id someone chose in a request (a goal, a resource): the id alphabet, else `field` is invalid.
pub fn id(field: &str, raw: &str) -> Result<String, DomainError> {
    if emmaus_domain::validation::plausible_id(raw) {
        Ok(raw.to_owned())
    } else {
        Err(DomainError::invalid(field, "is not an id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_local_times_are_read_strictly() {
        assert_eq!(date("d", "2027-03-14").unwrap().to_string(), "2027-03-14");
        for bad in ["2027-3-14", "14.03.2027", "", "2027-02-30", "1900-01-01", "2027-03-14T10:00"] {
            assert!(date("d", bad).is_err(), "{bad}");
        }
        assert_eq!(local_text(local_time("t", "2027-03-14T19:30").unwrap()), "2027-03-14T19:30:00");
        assert_eq!(local_text(local_time("t", "2027-03-14T19:30:05").unwrap()), "2027-03-14T19:30:05");
        for bad in ["2027-03-14", "2027-03-14 19:30", "2027-03-14T25:00", "2027-03-14T19:30:00.5", "x"] {
            assert!(local_time("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn occurrences_are_named_in_the_basic_form_and_read_in_either() {
        let at = local_time("t", "2027-03-14T19:30").unwrap();
        assert_eq!(occurrence_id(at), "20270314T193000");
        assert_eq!(occurrence_time("o", "20270314T193000").unwrap(), at);
        assert_eq!(occurrence_time("o", "2027-03-14T19:30:00").unwrap(), at);
        assert!(occurrence_time("o", "20270314T253000").is_err());
        assert!(occurrence_time("o", "2027031").is_err());
    }

    #[test]
    fn titles_are_trimmed_single_lines_within_the_limit() {
        assert_eq!(title("t", "  Read Romans  ").unwrap(), "Read Romans");
        assert!(title("t", "   ").is_err());
        assert!(title("t", "a\nb").is_err());
        assert!(title("t", &"x".repeat(201)).is_err());
        assert!(text("n", &"x".repeat(4001)).is_err());
    }
}

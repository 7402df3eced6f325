//! The Session Builder's records as stored, and the rules every write checks: lengths, the kinds
//! of block and what each needs, nesting under headings, planned durations and their total.

use std::collections::BTreeSet;

use emmaus_domain::{DomainError, Timestamp};

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
/// A block's text (markdown, a passage, a question): long enough for a chapter of scripture.
pub const MAX_BLOCK_TEXT: usize = 20_000;
pub const MAX_REFERENCE: usize = 200;
pub const MAX_BLOCKS: usize = 200;
pub const MAX_SLOTS: usize = 100;
/// The longest one block is planned to take: ten hours.
pub const MAX_BLOCK_MINUTES: u32 = 600;
pub const MAX_FACILITATORS: usize = 10;
/// Templates in an organisation, its own and its leaders' personal ones together.
pub const MAX_TEMPLATES: usize = 500;
/// Hub resources embedded in one session: each is read when the session is.
pub const MAX_EMBEDS: usize = 50;
/// Notes on how a held session went.
pub const MAX_NOTES: usize = 20_000;
/// Earlier versions of a session's outline kept for restoring.
pub const MAX_REVISIONS: usize = 20;
/// A pinned excerpt of a hub resource: the first characters of its text.
pub const MAX_EXCERPT: usize = 1500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Heading,
    /// Markdown.
    Text,
    /// A passage: its reference, and the text the user pasted (no translation is bundled).
    Scripture,
    Question,
    /// An activity with a timer of its planned minutes.
    Activity,
    /// Prayer or reflection.
    Prayer,
    /// A hub resource, shown as it is now or as pinned.
    Resource,
}

impl BlockKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Heading => "Heading",
            Self::Text => "Text",
            Self::Scripture => "Scripture",
            Self::Question => "Discussion question",
            Self::Activity => "Activity",
            Self::Prayer => "Prayer or reflection",
            Self::Resource => "Resource",
        }
    }
}

/// One place in a template: the kind of block that goes there, a title and its planned minutes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Slot {
    pub kind: BlockKind,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Template {
    pub id: String,
    /// The leader whose personal template it is; `None` for the organisation's.
    #[serde(default)]
    pub owner: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub slots: Vec<Slot>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

/// Whom a session is for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// Anyone its facilitators choose to show it to; nobody sees it through the app but them.
    Open,
    Person {
        person_id: String,
    },
    Group {
        group_id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Ready,
    Held,
}

/// How a hub resource shows in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Show {
    /// Its title, kind and description as they are now.
    Live,
    /// As live, with the first part of its text.
    Excerpt,
}

/// A resource as it was when pinned: what the session shows instead of the live resource.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pinned {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub excerpt: String,
    /// The note's version number when pinned (0 for a link or a file).
    #[serde(default)]
    pub note_version: u32,
    pub pinned_at: Timestamp,
}

/// A hub resource in a block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Embed {
    pub resource_id: String,
    pub show: Show,
    #[serde(default)]
    pub pinned: Option<Pinned>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Block {
    /// Chosen by the composer (so undo and autosave agree on which block is which), unique within
    /// the session.
    pub id: String,
    pub kind: BlockKind,
    /// A heading's text; for other kinds an optional short title.
    #[serde(default)]
    pub title: String,
    /// Markdown: the text, the passage, the question, the activity's instructions, the prayer.
    #[serde(default)]
    pub body: String,
    /// A scripture passage's reference, such as "John 3:16-21".
    #[serde(default)]
    pub reference: Option<String>,
    /// Planned minutes (0: none); an activity's timer runs this long.
    #[serde(default)]
    pub minutes: u32,
    /// Nested under the heading before it.
    #[serde(default)]
    pub nested: bool,
    #[serde(default)]
    pub embed: Option<Embed>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`, in `zone`.
    pub date: String,
    /// `HH:MM`, in `zone`; none for a session not yet given a time.
    #[serde(default)]
    pub time: Option<String>,
    /// The IANA zone the date and time are in: its creator's when it was made.
    pub zone: String,
    /// The instant it starts (midnight of its date for one without a time), for ordering.
    pub starts_at: Timestamp,
    pub audience: Audience,
    /// Leaders of the organisation who prepare and run it; its creator first.
    pub facilitators: Vec<String>,
    pub status: Status,
    /// The length it should keep to, from its template or set; none for no limit.
    #[serde(default)]
    pub planned_minutes: Option<u32>,
    #[serde(default)]
    pub blocks: Vec<Block>,
    /// How it went, once held.
    #[serde(default)]
    pub notes: String,
    /// Whether its audience sees it (in their planner).
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub template_id: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

impl Session {
    /// The minutes its blocks are planned to take.
    pub fn total_minutes(&self) -> u32 {
        total_minutes(&self.blocks)
    }

    /// Whether its blocks take longer than it should.
    pub fn over_plan(&self) -> bool {
        self.planned_minutes.is_some_and(|planned| self.total_minutes() > planned)
    }
}

/// An earlier outline of a session, kept when a save replaced it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Revision {
    /// The session's version this outline was.
    pub version: u64,
    pub title: String,
    pub blocks: Vec<Block>,
    pub saved_at: Timestamp,
    pub saved_by: String,
}

pub fn total_minutes(blocks: &[Block]) -> u32 {
    blocks.iter().map(|block| block.minutes).sum()
}

/// A name or title: 1 to 200 characters on one line, trimmed.
pub fn title(field: &str, raw: &str) -> Result<String, DomainError> {
    emmaus_planner::model::title(field, raw)
}

/// A longer text of at most `max` characters, trimmed.
pub fn text(field: &str, raw: &str, max: usize) -> Result<String, DomainError> {
    if raw.chars().count() > max {
        return Err(DomainError::invalid(field, format!("must be at most {max} characters")));
    }
    Ok(raw.trim().to_owned())
}

fn minutes(field: &str, minutes: u32) -> Result<u32, DomainError> {
    if minutes > MAX_BLOCK_MINUTES {
        return Err(DomainError::invalid(field, format!("must be at most {MAX_BLOCK_MINUTES} minutes")));
    }
    Ok(minutes)
}

/// A template's slots, checked.
pub fn slots(raw: Vec<Slot>) -> Result<Vec<Slot>, DomainError> {
    if raw.len() > MAX_SLOTS {
        return Err(DomainError::invalid("slots", format!("a template has at most {MAX_SLOTS} slots")));
    }
    raw.into_iter()
        .enumerate()
        .map(|(i, slot)| {
            let title = if slot.kind == BlockKind::Heading {
                title(&format!("slots.{i}.title"), &slot.title)?
            } else {
                optional_title(&format!("slots.{i}.title"), &slot.title)?
            };
            Ok(Slot { kind: slot.kind, title, minutes: minutes(&format!("slots.{i}.minutes"), slot.minutes)? })
        })
        .collect()
}

fn optional_title(field: &str, raw: &str) -> Result<String, DomainError> {
    if raw.trim().is_empty() { Ok(String::new()) } else { title(field, raw) }
}

/// A block as a composer sends it, before its rules are checked.
#[derive(Debug, Clone)]
pub struct BlockInput {
    pub id: String,
    pub kind: BlockKind,
    pub title: String,
    pub body: String,
    pub reference: Option<String>,
    pub minutes: u32,
    pub nested: bool,
    pub resource_id: Option<String>,
    pub show: Show,
    pub pin: bool,
}

/// A block checked against its kind's rules, its embed not yet resolved (the use case checks that
/// the resource exists and pins it). A block may still be a place to fill (a question without its
/// text, a resource block naming none): [`unfinished`] says what a session needs before it is ready.
pub fn block(i: usize, input: BlockInput, after_heading: bool) -> Result<Block, DomainError> {
    let field = |name: &str| format!("blocks.{i}.{name}");
    if !emmaus_domain::validation::plausible_id(&input.id) {
        return Err(DomainError::invalid(field("id"), "must be 1 to 64 letters, digits, '-' or '_'"));
    }
    let title = if input.kind == BlockKind::Heading {
        title(&field("title"), &input.title)?
    } else {
        optional_title(&field("title"), &input.title)?
    };
    let body = text(&field("body"), &input.body, MAX_BLOCK_TEXT)?;
    if input.kind == BlockKind::Heading && !body.is_empty() {
        return Err(DomainError::invalid(field("body"), "a heading has a title and no text"));
    }
    let reference = match (input.kind, input.reference.as_deref().map(str::trim).filter(|r| !r.is_empty())) {
        (_, None) => None,
        (BlockKind::Scripture, Some(reference)) => {
            if reference.chars().count() > MAX_REFERENCE || reference.chars().any(char::is_control) {
                return Err(DomainError::invalid(
                    field("reference"),
                    format!("must be at most {MAX_REFERENCE} characters on one line"),
                ));
            }
            Some(reference.to_owned())
        }
        (_, Some(_)) => return Err(DomainError::invalid(field("reference"), "only a scripture block has a reference")),
    };
    if input.nested && (input.kind == BlockKind::Heading || !after_heading) {
        return Err(DomainError::invalid(
            field("nested"),
            "only a block that follows a heading is nested under it, and a heading is never nested",
        ));
    }
    let embed = match (input.kind, input.resource_id.filter(|id| !id.is_empty())) {
        (_, None) => None,
        (BlockKind::Resource, Some(id)) if emmaus_domain::validation::plausible_id(&id) => {
            Some(Embed { resource_id: id, show: input.show, pinned: None })
        }
        (BlockKind::Resource, Some(_)) => {
            return Err(DomainError::invalid(field("resource_id"), "is not the id of a hub resource"));
        }
        (_, Some(_)) => return Err(DomainError::invalid(field("resource_id"), "only a resource block names one")),
    };
    Ok(Block {
        id: input.id,
        kind: input.kind,
        title,
        body,
        reference,
        minutes: minutes(&field("minutes"), input.minutes)?,
        nested: input.nested,
        embed,
    })
}

/// A whole outline checked: its size, every block, ids unique, nesting under a heading.
pub fn blocks(inputs: Vec<BlockInput>) -> Result<Vec<Block>, DomainError> {
    if inputs.len() > MAX_BLOCKS {
        return Err(DomainError::invalid("blocks", format!("a session has at most {MAX_BLOCKS} blocks")));
    }
    let embeds = inputs.iter().filter(|input| input.kind == BlockKind::Resource).count();
    if embeds > MAX_EMBEDS {
        return Err(DomainError::invalid("blocks", format!("a session embeds at most {MAX_EMBEDS} hub resources")));
    }
    let mut ids = BTreeSet::new();
    let mut after_heading = false;
    let mut out = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        if !ids.insert(input.id.clone()) {
            return Err(DomainError::invalid(format!("blocks.{i}.id"), "is the id of an earlier block"));
        }
        let block = block(i, input, after_heading)?;
        after_heading = block.kind == BlockKind::Heading || (after_heading && block.nested);
        out.push(block);
    }
    Ok(out)
}

/// The notes on how a session went: only once it is held.
pub fn notes(status: Status, raw: &str) -> Result<String, DomainError> {
    let notes = text("notes", raw, MAX_NOTES)?;
    if !notes.is_empty() && status != Status::Held {
        return Err(DomainError::invalid("notes", "notes on how it went are kept once the session is held"));
    }
    Ok(notes)
}

/// What is left to fill before a session is ready: a text or question without its words, a passage
/// without its reference, a resource block naming no resource; as field problems, so the composer
/// can point at each block.
pub fn unfinished(blocks: &[Block]) -> Result<(), DomainError> {
    let problems: Vec<emmaus_domain::error::FieldError> = blocks
        .iter()
        .enumerate()
        .filter_map(|(i, block)| {
            let (field, message) = match block.kind {
                BlockKind::Text | BlockKind::Question if block.body.is_empty() => ("body", "needs its text"),
                BlockKind::Scripture if block.reference.is_none() => ("reference", "needs its reference"),
                BlockKind::Resource if block.embed.is_none() => ("resource_id", "needs a hub resource"),
                _ => return None,
            };
            let label = block.kind.label();
            Some(emmaus_domain::error::FieldError::new(
                format!("blocks.{i}.{field}"),
                format!("this {label} block {message} before the session is ready"),
            ))
        })
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(DomainError::Validation(problems)) }
}

/// A planned length: 1 minute to a day.
pub fn planned(raw: Option<u32>) -> Result<Option<u32>, DomainError> {
    match raw {
        None | Some(0) => Ok(None),
        Some(minutes) if minutes <= 24 * 60 => Ok(Some(minutes)),
        Some(_) => Err(DomainError::invalid("planned_minutes", "must be at most 1440 minutes (a day)")),
    }
}

/// A time of day, `HH:MM`.
pub fn time_of_day(raw: &str) -> Result<jiff::civil::Time, DomainError> {
    let invalid = || DomainError::invalid("time", "must be a time of day such as 19:30");
    let raw = raw.trim();
    if raw.len() != 5 || raw.as_bytes()[2] != b':' {
        return Err(invalid());
    }
    jiff::civil::Time::strptime("%H:%M", raw).map_err(|_| invalid())
}

/// The instant a session starts: its date at its time (midnight without one) in its zone. A time
/// that a daylight-saving change skips is taken as the instant after the gap, as calendars do.
pub fn starts_at(
    date: jiff::civil::Date,
    time: Option<jiff::civil::Time>,
    zone: &str,
) -> Result<Timestamp, DomainError> {
    let tz = jiff::tz::TimeZone::get(zone).map_err(|_| DomainError::invalid("zone", "is not a known time zone"))?;
    let local = date.to_datetime(time.unwrap_or(jiff::civil::Time::midnight()));
    let zoned = tz
        .to_ambiguous_zoned(local)
        .compatible()
        .map_err(|_| DomainError::invalid("date", "cannot be placed in the session's time zone"))?;
    Ok(Timestamp::from_unix_millis(zoned.timestamp().as_millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: &str, kind: BlockKind) -> BlockInput {
        BlockInput {
            id: id.into(),
            kind,
            title: if kind == BlockKind::Heading { "Opening".into() } else { String::new() },
            body: if matches!(kind, BlockKind::Text | BlockKind::Question) { "Words".into() } else { String::new() },
            reference: (kind == BlockKind::Scripture).then(|| "John 3:16".into()),
            minutes: 5,
            nested: false,
            resource_id: (kind == BlockKind::Resource).then(|| "R1".into()),
            show: Show::Live,
            pin: false,
        }
    }

    fn field_of(error: DomainError) -> String {
        match error {
            DomainError::Validation(errors) => errors[0].field.clone(),
            other => panic!("expected a validation problem, got {other:?}"),
        }
    }

    #[test]
    fn every_kind_with_what_it_needs_is_accepted_and_minutes_add_up() {
        let kinds = [
            BlockKind::Heading,
            BlockKind::Text,
            BlockKind::Scripture,
            BlockKind::Question,
            BlockKind::Activity,
            BlockKind::Prayer,
            BlockKind::Resource,
        ];
        let inputs = kinds.iter().enumerate().map(|(i, kind)| input(&format!("b{i}"), *kind)).collect();
        let blocks = blocks(inputs).unwrap();
        assert_eq!(blocks.len(), 7);
        assert_eq!(total_minutes(&blocks), 35);
        assert_eq!(blocks[6].embed.as_ref().unwrap().resource_id, "R1");
    }

    #[test]
    fn a_block_missing_what_its_kind_needs_is_a_place_to_fill_until_the_session_is_ready() {
        let mut question = input("q", BlockKind::Question);
        question.body = "  ".into();
        let mut passage = input("s", BlockKind::Scripture);
        passage.reference = None;
        let mut slot = input("r", BlockKind::Resource);
        slot.resource_id = None;
        let outline = blocks(vec![input("h", BlockKind::Heading), question, passage, slot]).unwrap();
        let Err(DomainError::Validation(problems)) = unfinished(&outline) else { panic!("expected problems") };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["blocks.1.body", "blocks.2.reference", "blocks.3.resource_id"]);
        assert!(unfinished(&blocks(vec![input("t", BlockKind::Text)]).unwrap()).is_ok());
    }

    #[test]
    fn a_block_with_what_its_kind_has_not_names_its_field() {
        let mut heading = input("h", BlockKind::Heading);
        heading.body = "text".into();
        assert_eq!(field_of(blocks(vec![heading]).unwrap_err()), "blocks.0.body");
        let mut prayer = input("p", BlockKind::Prayer);
        prayer.reference = Some("Psalm 23".into());
        assert_eq!(field_of(blocks(vec![prayer]).unwrap_err()), "blocks.0.reference");
        let mut embed = input("r", BlockKind::Resource);
        embed.resource_id = Some("not an id!".into());
        assert_eq!(field_of(blocks(vec![embed]).unwrap_err()), "blocks.0.resource_id");
        let mut text = input("t", BlockKind::Text);
        text.resource_id = Some("R1".into());
        assert_eq!(field_of(blocks(vec![text]).unwrap_err()), "blocks.0.resource_id");
        let mut long = input("l", BlockKind::Activity);
        long.minutes = MAX_BLOCK_MINUTES + 1;
        assert_eq!(field_of(blocks(vec![long]).unwrap_err()), "blocks.0.minutes");
    }

    #[test]
    fn nesting_needs_a_heading_above_and_ids_are_unique() {
        let mut nested = input("t", BlockKind::Text);
        nested.nested = true;
        assert_eq!(field_of(blocks(vec![nested.clone()]).unwrap_err()), "blocks.0.nested");
        let mut second = nested.clone();
        second.id = "t2".into();
        let ok = blocks(vec![input("h", BlockKind::Heading), nested.clone(), second]).unwrap();
        assert!(ok[1].nested && ok[2].nested);
        // A block that is not nested ends the heading's reach.
        let mut after = nested.clone();
        after.id = "t3".into();
        let plain = input("p", BlockKind::Prayer);
        assert_eq!(
            field_of(blocks(vec![input("h", BlockKind::Heading), plain, after]).unwrap_err()),
            "blocks.2.nested"
        );
        let twice = vec![input("a", BlockKind::Text), input("a", BlockKind::Prayer)];
        assert_eq!(field_of(blocks(twice).unwrap_err()), "blocks.1.id");
    }

    #[test]
    fn outlines_and_embeds_have_limits() {
        let many = (0..=MAX_BLOCKS).map(|i| input(&format!("b{i}"), BlockKind::Prayer)).collect();
        assert_eq!(field_of(blocks(many).unwrap_err()), "blocks");
        let embeds = (0..=MAX_EMBEDS).map(|i| input(&format!("r{i}"), BlockKind::Resource)).collect();
        assert_eq!(field_of(blocks(embeds).unwrap_err()), "blocks");
    }

    #[test]
    fn notes_wait_for_the_session_to_be_held() {
        assert_eq!(field_of(notes(Status::Ready, "went well").unwrap_err()), "notes");
        assert_eq!(notes(Status::Held, " went well ").unwrap(), "went well");
        assert_eq!(notes(Status::Draft, "  ").unwrap(), "");
    }

    #[test]
    fn a_start_is_placed_in_its_zone_across_daylight_saving() {
        let date: jiff::civil::Date = "2026-03-29".parse().unwrap();
        // 02:30 does not exist in Berlin that night: the instant after the gap, 03:30 CEST.
        let skipped = starts_at(date, Some(time_of_day("02:30").unwrap()), "Europe/Berlin").unwrap();
        assert_eq!(skipped.unix_millis(), 1_774_747_800_000);
        let evening = starts_at(date, Some(time_of_day("19:00").unwrap()), "Europe/Berlin").unwrap();
        assert_eq!(evening.unix_millis(), 1_774_803_600_000);
        assert!(time_of_day("7pm").is_err() && time_of_day("24:00").is_err());
        assert!(starts_at(date, None, "Mars/Olympus").is_err());
    }
}

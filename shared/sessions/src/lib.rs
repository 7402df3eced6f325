//! The Session Builder module: an organisation's session templates (and a leader's own), and
//! sessions composed of blocks (headings, text, scripture, questions, activities, prayer, and
//! hub resources embedded live or pinned), with their planned durations, their facilitators and
//! audience, sharing with that audience, private links for following one read-only and the block
//! being presented, the versions autosave leaves, and exports as Markdown and self-contained HTML. Its pure parts (`model`'s rules, `export`) do no I/O and read no
//! clock; the use cases ask `access` how the caller stands to a template or a session.

pub mod access;
pub mod embeds;
pub mod export;
pub mod keys;
pub mod links;
pub mod model;
pub mod print;
pub mod sessions;
pub mod templates;

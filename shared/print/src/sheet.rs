//! What both printed formats hold, worked out once from the session as its reader sees it: the
//! title and the lines under it, each block's heading line with its duration, its text as
//! paragraphs and list items (markdown's marks taken off, each paragraph's direction judged from
//! its first strong letter), a hub resource's card, and a picture where a hub file is one.

use std::collections::BTreeMap;

use emmaus_sessions::embeds::Shown;
use emmaus_sessions::export::Printable;
use emmaus_sessions::model::{Block, BlockKind};

/// A paragraph or a list item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Para {
    pub text: String,
    pub bullet: bool,
    /// Set right to left: its first strong letter is Hebrew or Arabic.
    pub rtl: bool,
}

/// A hub resource as the reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Card {
    pub title: String,
    pub description: Option<Para>,
    pub url: Option<String>,
    pub file: Option<String>,
    pub excerpt: Option<Para>,
    pub pinned: bool,
}

/// One part of the document: a heading, or a block under it. Its flags are what the template tests
/// one by one, so they stay plain fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[expect(clippy::struct_excessive_bools, reason = "the template's data: each flag is read by name")]
pub struct Part {
    pub heading: bool,
    /// The kind, as a reader names it ("Discussion question"), printed above a block whose label
    /// is its own title or reference; empty where the label is the kind already.
    pub kind: String,
    /// A heading's text, a block's title or reference or kind.
    pub label: String,
    /// "5 min", or empty.
    pub minutes: String,
    pub nested: bool,
    /// A passage's text, set as a quotation.
    pub quote: bool,
    pub reference: Option<String>,
    pub paras: Vec<Para>,
    pub card: Option<Card>,
    /// For a resource the reader may not see.
    pub unavailable: bool,
    /// The index of its picture in [`Sheet::pictures`].
    pub picture: Option<usize>,
    /// An activity's timer, in minutes.
    pub timer: Option<u32>,
}

/// A picture from a hub file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub kind: PictureKind,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureKind {
    Png,
    Jpeg,
}

impl PictureKind {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
        }
    }
}

/// The document to print.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sheet {
    pub title: String,
    pub summary: Vec<String>,
    pub parts: Vec<Part>,
    /// How it went, once held.
    pub notes: Vec<Para>,
    #[serde(skip)]
    pub pictures: Vec<Picture>,
}

pub const UNAVAILABLE: &str = "A hub resource that is not available to you.";

impl Sheet {
    /// The sheet of `doc`; `pictures` holds, by block id, the pictures of hub files shown in it.
    pub fn of(doc: &Printable<'_>, mut pictures: BTreeMap<String, Picture>) -> Self {
        let session = doc.session;
        let mut sheet = Self {
            title: session.title.clone(),
            summary: emmaus_sessions::export::summary(doc),
            parts: Vec::new(),
            notes: paragraphs(&session.notes),
            pictures: Vec::new(),
        };
        for block in &session.blocks {
            let picture = pictures.remove(&block.id).map(|picture| {
                sheet.pictures.push(picture);
                sheet.pictures.len() - 1
            });
            sheet.parts.push(part(block, doc.embeds.get(&block.id), picture));
        }
        sheet
    }
}

fn part(block: &Block, shown: Option<&Shown>, picture: Option<usize>) -> Part {
    let card = match shown {
        Some(Shown::Resource(card)) => Some(Card {
            title: card.title.clone(),
            description: (!card.description.is_empty()).then(|| para(&card.description, false)),
            url: card.url.clone(),
            file: card.file_name.clone(),
            excerpt: card.excerpt.as_deref().map(|text| para(text, false)),
            pinned: card.pinned,
        }),
        _ => None,
    };
    let label = emmaus_sessions::export::label(block);
    Part {
        heading: block.kind == BlockKind::Heading,
        kind: if label == block.kind.label() { String::new() } else { block.kind.label().to_owned() },
        label,
        minutes: if block.minutes == 0 { String::new() } else { format!("{} min", block.minutes) },
        nested: block.nested,
        quote: block.kind == BlockKind::Scripture,
        reference: block.reference.clone(),
        paras: paragraphs(&block.body),
        unavailable: block.kind == BlockKind::Resource && card.is_none(),
        card,
        picture,
        timer: (block.kind == BlockKind::Activity && block.minutes > 0).then_some(block.minutes),
    }
}

/// Markdown as paragraphs and list items: a blank line ends a paragraph, a line starting with
/// `-`, `*`, `+` or `1.` is a list item, and inline marks are taken off.
pub fn paragraphs(markdown: &str) -> Vec<Para> {
    let mut out = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    let flush = |open: &mut Vec<&str>, out: &mut Vec<Para>| {
        if !open.is_empty() {
            out.push(para(&open.join(" "), false));
            open.clear();
        }
    };
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut open, &mut out);
        } else if let Some(item) = list_item(trimmed) {
            flush(&mut open, &mut out);
            out.push(para(item, true));
        } else if trimmed.starts_with('#') {
            flush(&mut open, &mut out);
            out.push(para(trimmed, false));
        } else {
            open.push(trimmed);
        }
    }
    flush(&mut open, &mut out);
    out.retain(|p| !p.text.is_empty());
    out
}

fn list_item(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest);
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(". ") {
        return Some(&line[digits + 2..]);
    }
    None
}

fn para(markdown: &str, bullet: bool) -> Para {
    let text = emmaus_hub::markdown::plain_text(markdown).split_whitespace().collect::<Vec<_>>().join(" ");
    Para { rtl: right_to_left(&text), text, bullet }
}

/// Whether a text's first strong letter belongs to a script written right to left (Hebrew,
/// Arabic, Syriac, Thaana and their presentation forms).
pub fn right_to_left(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_paragraphs_and_list_items_without_marks() {
        let paras = paragraphs("One **bold**\nline.\n\n- first\n- second [link](https://x.test)\n\n1. numbered");
        let texts: Vec<(&str, bool)> = paras.iter().map(|p| (p.text.as_str(), p.bullet)).collect();
        assert_eq!(texts, [("One bold line.", false), ("first", true), ("second link", true), ("numbered", true)]);
    }

    #[test]
    fn a_paragraph_runs_right_to_left_when_its_first_letter_does() {
        assert!(right_to_left("  «בְּרֵאשִׁית» bara"));
        assert!(right_to_left("١٢ مرحبا"));
        assert!(!right_to_left("Genesis בְּרֵאשִׁית"));
        assert!(!right_to_left("오늘"));
    }
}

//! A session written out for handing out and printing, as its reader sees it: Markdown, and one
//! self-contained HTML page (its styles inline, nothing fetched, text direction judged per block so
//! Hebrew and Arabic run right to left). Pure: the use case gathers the names and the embeds as the
//! reader sees them, and these functions only write.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use emmaus_hub::markdown::escape;

use crate::embeds::{ResourceCard, Shown};
use crate::model::{Block, BlockKind, Session};

/// What an export needs besides the session: the names to print and the embeds as seen.
#[derive(Debug, Clone)]
pub struct Printable<'a> {
    pub session: &'a Session,
    pub embeds: &'a BTreeMap<String, Shown>,
    pub facilitators: Vec<String>,
    /// Whom it is for, as a person reads it: a name, a group's name, or "Open".
    pub audience: String,
}

fn minutes(n: u32) -> String {
    if n == 0 { String::new() } else { format!("{n} min") }
}

/// The line under the title: when, how long, who runs it and for whom.
pub fn summary(doc: &Printable<'_>) -> Vec<String> {
    let s = doc.session;
    let when = match &s.time {
        Some(time) => format!("{} {} ({})", s.date, time, s.zone),
        None => format!("{} ({})", s.date, s.zone),
    };
    let total = s.total_minutes();
    let length = match s.planned_minutes {
        Some(planned) if total > planned => {
            format!("{total} min planned, {} over the {planned} min it should take", total - planned)
        }
        Some(planned) => format!("{total} min planned of {planned} min"),
        None => format!("{total} min planned"),
    };
    vec![
        format!("When: {when}"),
        format!("Length: {length}"),
        format!("Facilitators: {}", doc.facilitators.join(", ")),
        format!("For: {}", doc.audience),
    ]
}

/// A block's heading line: a heading's text, else its title or its kind, and a passage's reference.
pub fn label(block: &Block) -> String {
    let mut label = if block.title.is_empty() { block.kind.label().to_owned() } else { block.title.clone() };
    if let Some(reference) = &block.reference {
        if block.title.is_empty() {
            label.clone_from(reference);
        } else {
            let _ = write!(label, " ({reference})");
        }
    }
    label
}

const UNAVAILABLE: &str = "A hub resource that is not available to you.";

pub fn markdown(doc: &Printable<'_>) -> String {
    let mut out = format!("# {}\n\n", one_line(&doc.session.title));
    for line in summary(doc) {
        let _ = writeln!(out, "- {}", one_line(&line));
    }
    for block in &doc.session.blocks {
        let level = if block.kind == BlockKind::Heading { "##" } else { "###" };
        let time = minutes(block.minutes);
        let time = if time.is_empty() { time } else { format!(" · {time}") };
        let _ = write!(out, "\n{level} {}{time}\n\n", one_line(&label(block)));
        match block.kind {
            BlockKind::Heading => {}
            BlockKind::Scripture => {
                for line in block.body.lines() {
                    let _ = writeln!(out, "> {line}");
                }
                if let Some(reference) = &block.reference {
                    let _ = writeln!(out, ">\n> — {}", one_line(reference));
                }
            }
            BlockKind::Resource => match doc.embeds.get(&block.id) {
                Some(Shown::Resource(card)) => markdown_card(&mut out, card),
                _ => {
                    let _ = writeln!(out, "_{UNAVAILABLE}_");
                }
            },
            BlockKind::Text | BlockKind::Question | BlockKind::Activity | BlockKind::Prayer => {
                if !block.body.is_empty() {
                    let _ = writeln!(out, "{}", block.body);
                }
                if block.kind == BlockKind::Activity && block.minutes > 0 {
                    let _ = writeln!(out, "\nTimer: {} minutes", block.minutes);
                }
            }
        }
    }
    if !doc.session.notes.is_empty() {
        let _ = write!(out, "\n## How it went\n\n{}\n", doc.session.notes);
    }
    out
}

fn markdown_card(out: &mut String, card: &ResourceCard) {
    let _ = writeln!(out, "**{}**{}", one_line(&card.title), if card.pinned { " (pinned)" } else { "" });
    if !card.description.is_empty() {
        let _ = writeln!(out, "\n{}", card.description);
    }
    if let Some(url) = &card.url {
        let _ = writeln!(out, "\n<{url}>");
    }
    if let Some(name) = &card.file_name {
        let _ = writeln!(out, "\nFile: {}", one_line(name));
    }
    if let Some(excerpt) = &card.excerpt {
        let _ = writeln!(out, "\n> {}", one_line(excerpt));
    }
}

/// Text that must stay on one line of Markdown.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const STYLE: &str = "body{font-family:'Noto Sans','Noto Sans Hebrew','Noto Sans KR','Noto Sans CJK KR',system-ui,sans-serif;\
max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}\
h1{font-size:1.8rem;margin-bottom:.25rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}.nested{margin-inline-start:1.5rem}\
.minutes{color:#555;font-weight:normal;font-size:.9em}.summary{color:#333;padding:0;list-style:none}\
.kind{color:#555;font-size:.8em;text-transform:uppercase;letter-spacing:.04em}\
blockquote{border-inline-start:3px solid #999;margin:.5rem 0;padding:.1rem 1rem;color:#222}\
.card{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem}.unavailable{color:#666;font-style:italic}\
@media print{body{margin:0;max-width:none}h2,h3{break-after:avoid}}";

pub fn html(doc: &Printable<'_>) -> String {
    let s = doc.session;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1 dir=\"auto\">{}</h1>\n<ul class=\"summary\">\n",
        escape(&s.title),
        escape(&s.title)
    );
    for line in summary(doc) {
        let _ = writeln!(out, "<li dir=\"auto\">{}</li>", escape(&line));
    }
    out.push_str("</ul>\n");
    for block in &s.blocks {
        let time = minutes(block.minutes);
        let time = if time.is_empty() { time } else { format!(" <span class=\"minutes\">· {time}</span>") };
        if block.kind == BlockKind::Heading {
            let _ = writeln!(out, "<h2 dir=\"auto\">{}{time}</h2>", escape(&block.title));
            continue;
        }
        let class = if block.nested { "block nested" } else { "block" };
        let _ = write!(
            out,
            "<section class=\"{class}\" data-kind=\"{}\">\n<div class=\"kind\">{}</div>\n<h3 dir=\"auto\">{}{time}</h3>\n",
            escape(&format!("{:?}", block.kind).to_lowercase()),
            escape(block.kind.label()),
            escape(&label(block))
        );
        match block.kind {
            BlockKind::Scripture => {
                let _ = writeln!(
                    out,
                    "<blockquote dir=\"auto\">{}</blockquote>",
                    emmaus_hub::markdown::to_html(&block.body)
                );
            }
            BlockKind::Resource => match doc.embeds.get(&block.id) {
                Some(Shown::Resource(card)) => html_card(&mut out, card),
                _ => {
                    let _ = writeln!(out, "<p class=\"unavailable\">{UNAVAILABLE}</p>");
                }
            },
            _ => {
                if !block.body.is_empty() {
                    let _ = writeln!(out, "<div dir=\"auto\">{}</div>", emmaus_hub::markdown::to_html(&block.body));
                }
                if block.kind == BlockKind::Activity && block.minutes > 0 {
                    let _ = writeln!(out, "<p>Timer: {} minutes</p>", block.minutes);
                }
            }
        }
        out.push_str("</section>\n");
    }
    if !s.notes.is_empty() {
        let _ =
            write!(out, "<h2>How it went</h2>\n<div dir=\"auto\">{}</div>\n", emmaus_hub::markdown::to_html(&s.notes));
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_card(out: &mut String, card: &ResourceCard) {
    let _ = write!(
        out,
        "<div class=\"card\">\n<p dir=\"auto\"><strong>{}</strong>{}</p>\n",
        escape(&card.title),
        if card.pinned { " (pinned)" } else { "" }
    );
    if !card.description.is_empty() {
        let _ = writeln!(out, "<p dir=\"auto\">{}</p>", escape(&card.description));
    }
    if let Some(url) = &card.url {
        // Only web addresses become links; the hub accepts no other kind for a link.
        if url.starts_with("https://") || url.starts_with("http://") {
            let _ = writeln!(out, "<p><a href=\"{}\">{}</a></p>", escape(url), escape(url));
        }
    }
    if let Some(name) = &card.file_name {
        let _ = writeln!(out, "<p dir=\"auto\">File: {}</p>", escape(name));
    }
    if let Some(excerpt) = &card.excerpt {
        let _ = writeln!(out, "<blockquote dir=\"auto\">{}</blockquote>", escape(excerpt));
    }
    out.push_str("</div>\n");
}

/// A file name for an export: the title's letters and digits, joined by dashes.
pub fn file_name(title: &str, extension: &str) -> String {
    let stem: String =
        title.split(|c: char| !c.is_alphanumeric()).filter(|part| !part.is_empty()).collect::<Vec<_>>().join("-");
    let stem: String = stem.chars().take(80).collect();
    format!("{}.{extension}", if stem.is_empty() { "session".to_owned() } else { stem })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Audience, Embed, Show, Status};
    use emmaus_domain::Timestamp;

    fn block(id: &str, kind: BlockKind, title: &str, body: &str) -> Block {
        Block {
            id: id.into(),
            kind,
            title: title.into(),
            body: body.into(),
            reference: None,
            minutes: 5,
            nested: kind != BlockKind::Heading,
            embed: None,
        }
    }

    fn session(blocks: Vec<Block>) -> Session {
        Session {
            id: "S1".into(),
            title: "Evening <one> & two".into(),
            date: "2026-03-03".into(),
            time: Some("19:30".into()),
            zone: "Europe/London".into(),
            starts_at: Timestamp::from_unix_millis(0),
            audience: Audience::Open,
            facilitators: vec!["p".into()],
            status: Status::Draft,
            planned_minutes: Some(10),
            blocks,
            notes: String::new(),
            shared: false,
            template_id: None,
            created_by: "p".into(),
            created_at: Timestamp::from_unix_millis(0),
            updated_at: Timestamp::from_unix_millis(0),
            updated_by: "p".into(),
        }
    }

    fn outline() -> Vec<Block> {
        let mut passage = block("s", BlockKind::Scripture, "", "Ἐν ἀρχῇ ἦν ὁ λόγος");
        passage.reference = Some("John 1:1".into());
        let mut embed = block("r", BlockKind::Resource, "", "");
        embed.embed = Some(Embed { resource_id: "R1".into(), show: Show::Live, pinned: None });
        let mut hidden = block("h2", BlockKind::Resource, "", "");
        hidden.embed = Some(Embed { resource_id: "R2".into(), show: Show::Live, pinned: None });
        vec![
            block("h", BlockKind::Heading, "Opening", ""),
            passage,
            block("q", BlockKind::Question, "", "בְּרֵאשִׁית — what <b>strikes</b> you?"),
            embed,
            hidden,
            block("k", BlockKind::Prayer, "", "오늘 함께 기도합시다"),
        ]
    }

    fn embeds() -> BTreeMap<String, Shown> {
        let card = ResourceCard {
            kind: emmaus_domain::hub::ResourceKind::Link,
            title: "Study guide".into(),
            description: String::new(),
            url: Some("javascript:alert(1)".into()),
            file_name: None,
            excerpt: None,
            pinned: false,
            picture: None,
        };
        BTreeMap::from([("r".to_owned(), Shown::Resource(card)), ("h2".to_owned(), Shown::Unavailable)])
    }

    #[test]
    fn markdown_holds_every_block_with_its_minutes_and_the_total_against_the_plan() {
        let session = session(outline());
        let embeds = embeds();
        let doc = Printable {
            session: &session,
            embeds: &embeds,
            facilitators: vec!["Paul".into()],
            audience: "Open".into(),
        };
        let md = markdown(&doc);
        assert!(md.starts_with("# Evening <one> & two\n"));
        assert!(md.contains("- Length: 30 min planned, 20 over the 10 min it should take"));
        assert!(md.contains("## Opening · 5 min"));
        assert!(md.contains("### John 1:1 · 5 min\n\n> Ἐν ἀρχῇ ἦν ὁ λόγος\n>\n> — John 1:1"));
        assert!(md.contains("בְּרֵאשִׁית"));
        assert!(md.contains("**Study guide**"));
        assert!(md.contains(UNAVAILABLE));
        assert!(md.contains("오늘 함께 기도합시다"));
    }

    #[test]
    fn html_escapes_what_people_wrote_and_links_only_web_addresses() {
        let session = session(outline());
        let embeds = embeds();
        let doc = Printable {
            session: &session,
            embeds: &embeds,
            facilitators: vec!["Paul".into()],
            audience: "Open".into(),
        };
        let page = html(&doc);
        assert!(page.contains("<title>Evening &lt;one&gt; &amp; two</title>"));
        assert!(!page.contains("<b>strikes</b>"), "markdown's raw HTML is not passed through");
        assert!(!page.contains("javascript:"));
        assert!(page.contains("<section class=\"block nested\" data-kind=\"question\">"));
        assert!(page.contains("dir=\"auto\""));
        assert!(!page.contains("<script") && !page.contains("src=\"http"));
    }

    #[test]
    fn file_names_keep_letters_of_any_script() {
        assert_eq!(file_name("Evening: one/two", "md"), "Evening-one-two.md");
        assert_eq!(file_name("שלום עולם", "html"), "שלום-עולם.html");
        assert_eq!(file_name("???", "md"), "session.md");
    }
}

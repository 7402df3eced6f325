//! Property-based fuzzing: arbitrary and damaged notes and archives must give `Ok` or `Err` (never
//! a panic), spans must be usable slices of the body, archives must stay within their limits, and
//! generated frontmatter, wikilinks and tags must read back exactly as they were written.
//!
//! 64 cases per property by default, so the gate stays quick; `PROPTEST_CASES=5000` runs longer.

use std::io::{Cursor, Write as _};

use emmaus_obsidian::archive::{Limits, VaultArchive};
use emmaus_obsidian::frontmatter::{self, Frontmatter};
use emmaus_obsidian::syntax::{self, LinkForm, LinkTarget, Scan};
use emmaus_testkit::fuzz::{config, damage, damaged};
use proptest::prelude::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const NOTE: &str = "---
title: Weekly meeting
description: \"What we said, and who does what\"
tags: [meeting, team/leaders]
aliases:
  - Monday meeting
  - Meeting notes
date: 2024-01-05
attendees:
  - name: Ann
    role: chair
  - name: Bob
budget: 12.50
done: false
---
# Agenda ^top
See [[People/Ann|Ann]] and ![[chart.png|300x200]], #follow-up.
";

/// Markdown's and YAML's punctuation, so random text hits the parsers' special cases often.
const SYNTAX_ALPHABET: &str = "[-\\[\\](){}<>!#|^`~%$&*:;,.'\"\\\\/=+?@_ a-zA-Z0-9éü日\n\t\r]{0,300}";

/// Every span is a slice of the body; each list is sorted and its spans do not overlap.
fn check_spans(body: &str, scan: &Scan) -> Result<(), TestCaseError> {
    let lists: [Vec<std::ops::Range<usize>>; 4] = [
        scan.links.iter().map(|token| token.span.clone()).collect(),
        scan.tags.iter().map(|token| token.span.clone()).collect(),
        scan.blocks.iter().map(|block| block.span.clone()).collect(),
        scan.headings.iter().map(|heading| heading.span.clone()).collect(),
    ];
    for spans in lists {
        let mut previous_end = 0;
        for span in spans {
            prop_assert!(span.start < span.end && span.end <= body.len(), "{span:?} in {} bytes", body.len());
            prop_assert!(body.is_char_boundary(span.start) && body.is_char_boundary(span.end));
            prop_assert!(span.start >= previous_end, "{span:?} overlaps the one before");
            previous_end = span.end;
        }
    }
    for tag in &scan.tags {
        prop_assert_eq!(&body[tag.span.start + 1..tag.span.end], tag.name.as_str());
    }
    for heading in &scan.headings {
        prop_assert!((1..=6).contains(&heading.level) && !heading.text.is_empty());
    }
    Ok(())
}

fn yaml_list(items: &[String]) -> String {
    items.iter().flat_map(|item| ["  - \"", item.as_str(), "\"\n"]).collect()
}

fn first_seen(items: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for item in items {
        if !kept.contains(item) {
            kept.push(item.clone());
        }
    }
    kept
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn frontmatter_of_arbitrary_text_never_panics(text in any::<String>(), syntax_text in SYNTAX_ALPHABET) {
        for text in [&text, &syntax_text, &format!("---\n{syntax_text}\n---\n")] {
            let split = frontmatter::split(text);
            prop_assert_eq!(&text[split.body_offset..], split.body);
            if let Some(yaml) = split.yaml {
                let _ = frontmatter::parse(yaml);
            }
            let _ = frontmatter::parse(text);
        }
    }

    #[test]
    fn damaged_frontmatter_never_panics(damage in damage()) {
        let text = String::from_utf8_lossy(&damaged(NOTE.as_bytes(), &damage)).into_owned();
        let split = frontmatter::split(&text);
        if let Some(yaml) = split.yaml {
            let _ = frontmatter::parse(yaml);
        }
        check_spans(split.body, &syntax::scan(split.body))?;
    }

    #[test]
    fn generated_frontmatter_reads_back(
        title in "[A-Za-z][A-Za-z0-9 ,:]{0,20}[A-Za-z0-9]",
        tags in prop::collection::vec("[a-z][a-z0-9_-]{0,8}(/[a-z][a-z0-9_-]{0,6})?", 0..5),
        aliases in prop::collection::vec("[A-Za-z][A-Za-z0-9 ]{0,12}[A-Za-z0-9]", 0..4),
        hashes in any::<bool>(),
        crlf in any::<bool>(),
        body in "[a-z .\n]{0,80}",
    ) {
        let written_tags: Vec<String> = tags.iter().map(|tag| if hashes { format!("#{tag}") } else { tag.clone() }).collect();
        let mut note = format!("---\ntitle: \"{title}\"\ntags:\n{}aliases:\n{}---\n{body}", yaml_list(&written_tags), yaml_list(&aliases));
        if crlf {
            note = note.replace('\n', "\r\n");
        }
        let split = frontmatter::split(&note);
        let read = frontmatter::parse(split.yaml.expect("frontmatter")).unwrap();
        let expected = Frontmatter { title: Some(title), tags: first_seen(&tags), aliases: first_seen(&aliases), ..Frontmatter::default() };
        prop_assert_eq!(read, expected);
        let body = if crlf { body.replace('\n', "\r\n") } else { body };
        prop_assert_eq!(split.body, body.as_str());
    }

    #[test]
    fn scan_of_arbitrary_text_never_panics(text in any::<String>(), syntax_text in SYNTAX_ALPHABET, heading in "[a-z#^ ]{0,8}") {
        for body in [&text, &syntax_text] {
            let scan = syntax::scan(body);
            check_spans(body, &scan)?;
            let _ = syntax::section(body, &heading);
            let _ = syntax::block(body, &heading);
            for found in &scan.headings {
                prop_assert!(syntax::section(body, &found.text).is_some());
            }
            for found in &scan.blocks {
                let _ = syntax::block(body, &found.id);
            }
        }
    }

    #[test]
    fn generated_wikilinks_are_found_exactly(
        before in "[a-z .,]{0,40}",
        after in "[a-z .,]{0,40}",
        folder in proptest::option::of("[A-Za-z][A-Za-z0-9 ]{0,8}[A-Za-z0-9]"),
        name in "[A-Za-z][A-Za-z0-9 .]{0,15}[A-Za-z0-9]",
        heading in proptest::option::of("[A-Za-z][A-Za-z0-9 ]{0,10}[A-Za-z0-9]"),
        label in proptest::option::of("[A-Za-z][A-Za-z0-9 ,.]{0,10}[A-Za-z0-9]"),
        embed in any::<bool>(),
    ) {
        let path = folder.map_or_else(|| name.clone(), |folder| format!("{folder}/{name}"));
        let link = format!(
            "{}[[{path}{}{}]]",
            if embed { "!" } else { "" },
            heading.as_ref().map(|heading| format!("#{heading}")).unwrap_or_default(),
            label.as_ref().map(|label| format!("|{label}")).unwrap_or_default(),
        );
        let body = format!("{before} {link} {after}");
        let scan = syntax::scan(&body);
        prop_assert_eq!(scan.links.len(), 1);
        let token = &scan.links[0];
        prop_assert_eq!(&body[token.span.clone()], link.as_str());
        prop_assert_eq!((token.embed, token.form), (embed, LinkForm::Wiki));
        prop_assert_eq!(&token.target, &LinkTarget { path, heading, block: None, label, size: None });
        prop_assert!(scan.tags.is_empty());
    }

    #[test]
    fn generated_tags_are_found_exactly(
        before in "[a-z ,.]{0,20}",
        space in "[ \t\n(,]",
        tag in "[a-z\u{e9}\u{65e5}_][a-z0-9_\u{e9}-]{0,10}(/[a-z][a-z0-9_-]{0,8}){0,2}",
        end in "[ .,;!?)\n]",
        after in "[a-z ,.]{0,20}",
    ) {
        let body = format!("{before}{space}#{tag}{end}{after}");
        let scan = syntax::scan(&body);
        prop_assert_eq!(scan.tags.len(), 1, "{:?}", body);
        prop_assert_eq!(&scan.tags[0].name, &tag);
        let start = before.len() + space.len();
        prop_assert_eq!(scan.tags[0].span.clone(), start..start + 1 + tag.len());
    }

    #[test]
    fn arbitrary_bytes_as_an_archive(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_archive(&bytes)?;
    }

    #[test]
    fn damaged_archives_stay_within_their_limits(damage in damage(), method in prop_oneof![Just(CompressionMethod::Stored), Just(CompressionMethod::Deflated)]) {
        let archive = sample_archive(method);
        check_archive(&damaged(&archive, &damage))?;
    }
}

/// Small limits, so damage that inflates sizes runs into them.
const LIMITS: Limits = Limits { max_total_bytes: 64 * 1024, max_files: 20, max_file_bytes: 16 * 1024, max_ratio: 100 };

/// Opening and reading every entry gives `Ok` or `Err`, and never more than the limits allow.
fn check_archive(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(mut archive) = VaultArchive::open(bytes, LIMITS) else { return Ok(()) };
    prop_assert!(archive.entries().len() <= LIMITS.max_files);
    prop_assert!(archive.entries().windows(2).all(|pair| pair[0].path < pair[1].path));
    let mut total = 0_u64;
    for entry in archive.entries().to_vec() {
        prop_assert!(entry.size <= LIMITS.max_file_bytes);
        if let Ok(read) = archive.read(&entry) {
            let read = read.len() as u64;
            prop_assert!(read <= entry.size && read <= LIMITS.max_file_bytes);
            total += read;
        }
    }
    prop_assert!(total <= LIMITS.max_total_bytes);
    Ok(())
}

/// A small vault in a top folder, as zipping one makes it.
fn sample_archive(method: CompressionMethod) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    let repeated = "All work and no play. ".repeat(200);
    let files: [(&str, &[u8]); 5] = [
        ("Vault/Weekly meeting.md", NOTE.as_bytes()),
        ("Vault/People/Ann.md", b"# Ann\nChair of [[Weekly meeting]]. #people\n"),
        ("Vault/chart.png", &[0x89, b'P', b'N', b'G', 0, 1, 2, 3, 4, 5]),
        ("Vault/long.md", repeated.as_bytes()),
        ("Vault/.obsidian/app.json", b"{}"),
    ];
    for (name, bytes) in files {
        writer.start_file(name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn the_sample_archive_reads_whole() {
    for method in [CompressionMethod::Stored, CompressionMethod::Deflated] {
        let bytes = sample_archive(method);
        let mut archive = VaultArchive::open(&bytes, LIMITS).unwrap();
        let paths: Vec<String> = archive.entries().iter().map(|entry| entry.path.to_string()).collect();
        assert_eq!(paths, ["People/Ann.md", "Weekly meeting.md", "chart.png", "long.md"]);
        assert_eq!(archive.skipped(), 1);
        let note = archive.entries()[1].clone();
        assert_eq!(archive.read(&note).unwrap(), NOTE.as_bytes());
    }
}

#[test]
fn the_sample_note_reads_whole() {
    let split = frontmatter::split(NOTE);
    let read = frontmatter::parse(split.yaml.unwrap()).unwrap();
    assert_eq!(read.title.as_deref(), Some("Weekly meeting"));
    assert_eq!(read.tags, ["meeting", "team/leaders"]);
    assert_eq!(read.aliases, ["Monday meeting", "Meeting notes"]);
    assert_eq!(read.properties["attendees"][0]["role"], "chair");
    assert_eq!(read.properties["budget"], 12.5);
    let scan = syntax::scan(split.body);
    assert_eq!(scan.links.len(), 2);
    assert_eq!(scan.tags.len(), 1);
    assert_eq!(scan.blocks[0].id, "top");
    assert_eq!(scan.headings[0].text, "Agenda");
}

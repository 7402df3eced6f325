//! The printed formats read back by independent readers: a 32-block session with Greek, Hebrew
//! and Korean text, a passage, a hub card, a resource the reader may not see and a picture, as a
//! PDF read by poppler's `pdftotext` and `pdffonts` (every block's text, page numbers, the fonts
//! embedded) and as a DOCX read by python-docx (the heading styles, every block's text, the page
//! number field in the footer). `scripts/test` installs the readers and the fonts (Debian's
//! fonts-dejavu-core and fonts-nanum); they are required, never skipped.

use std::collections::BTreeMap;
use std::process::Command;

use emmaus_domain::Timestamp;
use emmaus_domain::hub::ResourceKind;
use emmaus_print::pdf::Fonts;
use emmaus_print::{Picture, PictureKind, Sheet};
use emmaus_sessions::embeds::{ResourceCard, Shown};
use emmaus_sessions::export::Printable;
use emmaus_sessions::model::{Audience, Block, BlockKind, Embed, Session, Show, Status};

const FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
];
/// A PNG made by Pillow (`scripts/fixtures/make_documents.py`).
const PNG: &[u8] = include_bytes!("../../extract/tests/fixtures/transparent.png");
/// A 640 × 480 photograph, written by Pillow (`scripts/fixtures/make_documents.py`).
const JPEG: &[u8] = include_bytes!("../../extract/tests/fixtures/photo.jpg");

fn fonts() -> Fonts {
    let files = FONTS
        .iter()
        .map(|path| {
            std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}; scripts/test installs the print fonts"))
        })
        .collect();
    Fonts::new(files).unwrap()
}

fn block(id: &str, kind: BlockKind, title: &str, body: &str, nested: bool) -> Block {
    Block {
        id: id.into(),
        kind,
        title: title.into(),
        body: body.into(),
        reference: None,
        minutes: 5,
        nested,
        embed: None,
    }
}

/// The texts every format must hold, and the session that holds them in 30 blocks.
fn session() -> (Session, Vec<String>) {
    let mut blocks = Vec::new();
    let mut texts = Vec::new();
    for part in 0..5 {
        blocks.push(block(&format!("h{part}"), BlockKind::Heading, &format!("Part {part} heading"), "", false));
        texts.push(format!("Part {part} heading"));
        for item in 0..4 {
            let text = format!("Question {part}.{item} about the reading");
            blocks.push(block(&format!("q{part}{item}"), BlockKind::Question, "", &text, true));
            texts.push(text);
        }
    }
    let mut passage = block("greek", BlockKind::Scripture, "", "Ἐν ἀρχῇ ἦν ὁ λόγος", true);
    passage.reference = Some("John 1:1".into());
    blocks.push(passage);
    texts.extend(["λόγος".to_owned(), "John 1:1".to_owned()]);
    blocks.push(block("hebrew", BlockKind::Prayer, "", "שָׁלוֹם עֲלֵיכֶם", true));
    texts.push("עֲלֵיכֶם".to_owned());
    blocks.push(block("korean", BlockKind::Prayer, "", "오늘 함께 기도합시다", true));
    texts.push("기도합시다".to_owned());
    let mut card = block("card", BlockKind::Resource, "", "", true);
    card.embed = Some(Embed { resource_id: "R1".into(), show: Show::Excerpt, pinned: None });
    blocks.push(card);
    texts.extend(["Study guide".to_owned(), "The father ran to meet him.".to_owned()]);
    let mut hidden = block("hidden", BlockKind::Resource, "", "", true);
    hidden.embed = Some(Embed { resource_id: "R2".into(), show: Show::Live, pinned: None });
    blocks.push(hidden);
    texts.push("not available to you".to_owned());
    let mut timer = block("act", BlockKind::Activity, "Walk and pray", "In pairs", true);
    timer.minutes = 12;
    blocks.push(timer);
    texts.extend(["Walk and pray".to_owned(), "Timer: 12 minutes".to_owned()]);
    blocks.push(block("pic", BlockKind::Resource, "", "", true));
    blocks.last_mut().unwrap().embed = Some(Embed { resource_id: "R3".into(), show: Show::Live, pinned: None });
    assert_eq!(blocks.len(), 32);
    let session = Session {
        id: "S1".into(),
        title: "Prodigal evening".into(),
        date: "2026-03-10".into(),
        time: Some("19:30".into()),
        zone: "Europe/London".into(),
        starts_at: Timestamp::from_unix_millis(0),
        audience: Audience::Open,
        facilitators: vec!["p".into()],
        status: Status::Ready,
        planned_minutes: Some(90),
        blocks,
        notes: String::new(),
        shared: false,
        template_id: None,
        created_by: "p".into(),
        created_at: Timestamp::from_unix_millis(0),
        updated_at: Timestamp::from_unix_millis(0),
        updated_by: "p".into(),
    };
    texts.push("Prodigal evening".to_owned());
    (session, texts)
}

fn embeds() -> BTreeMap<String, Shown> {
    let card = |title: &str, kind, excerpt: Option<&str>| ResourceCard {
        kind,
        title: title.into(),
        description: String::new(),
        url: None,
        file_name: None,
        excerpt: excerpt.map(str::to_owned),
        pinned: false,
        picture: None,
    };
    BTreeMap::from([
        (
            "card".to_owned(),
            Shown::Resource(card("Study guide", ResourceKind::Note, Some("The father ran to meet him."))),
        ),
        ("hidden".to_owned(), Shown::Unavailable),
        ("pic".to_owned(), Shown::Resource(card("A picture", ResourceKind::File, None))),
    ])
}

fn sheet(session: &Session, embeds: &BTreeMap<String, Shown>) -> Sheet {
    let printable = Printable { session, embeds, facilitators: vec!["Paul".into()], audience: "Open".into() };
    let pictures = BTreeMap::from([("pic".to_owned(), Picture { kind: PictureKind::Png, bytes: PNG.to_vec() })]);
    Sheet::of(&printable, pictures)
}

/// A text's letters as a reader extracts them in any order of marks: Hebrew's points and cantillation
/// (which pdftotext puts before their letter in a right-to-left run) and the direction marks it adds
/// are left out.
fn letters(text: &str) -> String {
    text.chars().filter(|c| !matches!(*c as u32, 0x0591..=0x05C7 | 0x202A..=0x202E | 0x200E | 0x200F)).collect()
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}; scripts/test installs it"));
    assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_pdf_holds_every_block_in_embedded_fonts_with_page_numbers() {
    let (session, texts) = session();
    let embeds = embeds();
    let pdf = emmaus_print::pdf::pdf(&sheet(&session, &embeds), &fonts()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let path = path.to_str().unwrap();
    let text = run("pdftotext", &["-enc", "UTF-8", path, "-"]);
    let flat = letters(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    for expected in &texts {
        assert!(flat.contains(&letters(expected)), "{expected:?} is not in the PDF's text:\n{text}");
    }
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 2, "30 blocks take more than a page");
    assert!(flat.replace(" / ", "/").contains(&format!("1/{pages}")), "page numbers: {flat}");
    let fonts = run("pdffonts", &[path]);
    for family in ["DejaVuSans", "NanumGothic"] {
        let line = fonts.lines().find(|l| l.contains(family)).unwrap_or_else(|| panic!("{family} missing:\n{fonts}"));
        assert!(line.contains(" yes "), "{family} is embedded: {line}");
    }
    let info = run("pdfinfo", &[path]);
    assert!(info.lines().any(|l| l.starts_with("Title:") && l.ends_with(" Prodigal evening")), "{info}");
}

#[test]
fn a_docx_holds_every_block_under_heading_styles_with_a_page_number() {
    let (session, texts) = session();
    let embeds = embeds();
    let fonts = fonts();
    let docx = emmaus_print::docx::docx(&sheet(&session, &embeds), fonts.families()).unwrap();
    let paragraphs = read_docx(&docx);
    let all: String = paragraphs.iter().map(|p| p["text"].as_str().unwrap()).collect::<Vec<_>>().join("\n");
    for expected in &texts {
        assert!(all.contains(expected.as_str()), "{expected:?} is not in the DOCX:\n{all}");
    }
    let styled = |style: &str| -> Vec<&str> {
        paragraphs.iter().filter(|p| p["style"] == style).map(|p| p["text"].as_str().unwrap()).collect()
    };
    assert_eq!(styled("Title"), ["Prodigal evening"]);
    assert_eq!(styled("Heading 1").len(), 5, "{:?}", styled("Heading 1"));
    assert!(styled("Heading 1")[0].starts_with("Part 0 heading · 5 min"));
    assert!(styled("Heading 2").iter().any(|t| t.starts_with("John 1:1")));
    let footer = paragraphs.iter().find(|p| p["style"] == "footer").unwrap();
    assert_eq!(footer["page_field"], true, "{footer}");
}

/// python-docx's reading of a DOCX: one JSON object per paragraph, footer and picture.
fn read_docx(docx: &[u8]) -> Vec<serde_json::Value> {
    let python = std::env::var("EMMAUS_TEST_PYTHON")
        .expect("EMMAUS_TEST_PYTHON names a Python with python-docx (scripts/test sets it)");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.docx");
    std::fs::write(&path, docx).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/lib/docx_read.py");
    run(&python, &[script, path.to_str().unwrap()]).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn pictures_go_into_the_docx_as_pngs_a_jpeg_turned_into_one_of_its_size() {
    let (mut session, _) = session();
    let mut photo = block("photo", BlockKind::Resource, "", "", true);
    photo.embed = Some(Embed { resource_id: "R4".into(), show: Show::Live, pinned: None });
    session.blocks.push(photo);
    let mut embeds = embeds();
    let file = |title: &str| ResourceCard {
        kind: ResourceKind::File,
        title: title.into(),
        description: String::new(),
        url: None,
        file_name: None,
        excerpt: None,
        pinned: false,
        picture: None,
    };
    embeds.insert("photo".to_owned(), Shown::Resource(file("A photograph")));
    let printable = Printable { session: &session, embeds: &embeds, facilitators: vec![], audience: "Open".into() };
    let pictures = BTreeMap::from([
        ("pic".to_owned(), Picture { kind: PictureKind::Png, bytes: PNG.to_vec() }),
        ("photo".to_owned(), Picture { kind: PictureKind::Jpeg, bytes: JPEG.to_vec() }),
        // Bytes that are no JPEG leave no picture, and the rest of the document stands.
        ("card".to_owned(), Picture { kind: PictureKind::Jpeg, bytes: b"not a picture".to_vec() }),
    ]);
    let docx = emmaus_print::docx::docx(&Sheet::of(&printable, pictures), fonts().families()).unwrap();
    let read = read_docx(&docx);
    let found: Vec<(String, u64, u64)> = read
        .iter()
        .filter(|p| p["style"] == "picture")
        .map(|p| {
            (
                p["content_type"].as_str().unwrap().to_owned(),
                p["width"].as_u64().unwrap(),
                p["height"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("image/png".to_owned(), 1200, 800), ("image/png".to_owned(), 640, 480)]);
    let texts: Vec<&str> = read.iter().filter_map(|p| p["text"].as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("Study guide")), "the card whose picture was broken is still there");
}

#[test]
fn without_fonts_nothing_is_printed() {
    assert_eq!(Fonts::new(vec![b"not a font".to_vec()]).unwrap_err(), emmaus_print::PrintError::NoFonts);
}

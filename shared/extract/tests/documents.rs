//! Each extractor on documents made by real producers (see `scripts/fixtures/make_documents.py`),
//! and the ways uploads go wrong: broken files, zip bombs, picture bombs, unknown types.

use std::io::Write as _;

use emmaus_extract::{ExtractError, Extracted, extract, extract_contained, thumbnail};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const PDF: &[u8] = include_bytes!("fixtures/two-pages.pdf");
const BROKEN_PDF: &[u8] = include_bytes!("fixtures/broken.pdf");
const DOCX: &[u8] = include_bytes!("fixtures/document.docx");
const PPTX: &[u8] = include_bytes!("fixtures/slides.pptx");
const PNG: &[u8] = include_bytes!("fixtures/transparent.png");
const JPEG: &[u8] = include_bytes!("fixtures/photo.jpg");

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const PPTX_TYPE: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/// The byte offset of `word` in `text`, failing the test with the whole text when it is missing.
fn at(text: &str, word: &str) -> usize {
    text.find(word).unwrap_or_else(|| panic!("{word:?} not in the text:\n{text}"))
}

#[test]
fn pdf_pages_title_and_ligatures() {
    let got = extract(PDF, "application/pdf").unwrap();

    assert_eq!(got.parts, 2);
    assert_eq!(got.title.as_deref(), Some("Emmaus Fixture PDF"));
    // Set with the "ﬁ" ligature character; NFKC makes it the two letters people type.
    at(&got.text, "fifty furlongs from the office");
    assert!(!got.text.contains('\u{fb01}'));
    assert!(at(&got.text, "Their hearts burned") < at(&got.text, "Quetzalcoatlus"), "page 2 comes after page 1");
}

#[test]
fn a_broken_pdf_is_an_error_not_a_crash() {
    let got = extract_contained(BROKEN_PDF, "application/pdf");

    assert!(matches!(got, Err(ExtractError::Malformed(_) | ExtractError::Crashed(_))), "{got:?}");
}

#[test]
fn docx_text_tabs_breaks_table_and_title() {
    let got = extract(DOCX, DOCX_TYPE).unwrap();
    let text = &got.text;

    assert_eq!(got.title.as_deref(), Some("Emmaus Fixture Document"));
    assert_eq!(got.parts, 1);
    assert!(text.starts_with("Walking to Emmaus\n"), "{text}");
    at(text, "a stranger who spoke of Archaeopteryx.");
    at(text, "Left\tRight\nBelow");
    at(text, "Creature\tBrachiosaurus");
    at(text, "The end, with fifty \u{201c}quotes\u{201d} & ampersands.");
    assert!(at(text, "Archaeopteryx") < at(text, "Brachiosaurus"));
}

#[test]
fn pptx_slides_in_show_order_each_followed_by_its_notes() {
    let got = extract(PPTX, PPTX_TYPE).unwrap();
    let text = &got.text;

    assert_eq!(got.parts, 3);
    assert_eq!(got.title.as_deref(), Some("Emmaus Fixture Slides"));
    // Made one, two, three; shown one, three, two. Notes on one and three.
    let order = [
        "Slide One",
        "Ankylosaurus",
        "Speaker notes about Pterodactyl.",
        "Slide Three",
        "Triceratops",
        "Speaker notes about Velociraptor.",
        "Slide Two",
        "Stegosaurus",
    ];
    let positions: Vec<usize> = order.iter().map(|word| at(text, word)).collect();
    assert!(positions.is_sorted(), "expected the order {order:?} in:\n{text}");
    assert_eq!(text.matches("Pterodactyl").count(), 1);
}

#[test]
fn html_is_visible_text_only() {
    let html = "<!doctype html><html><head><title>The &quot;Road&quot;</title>\
        <script>var secret = '<p>Xylophone</p>';</script><style>body { color: red }</style></head>\
        <body><h1>Emmaus&nbsp;walk</h1><p>Seven &amp; a half\nmiles</p><noscript>Turn on scripts</noscript>\
        <template><p>Hidden template</p></template><p>ﬁnal</p></body></html>";

    let got = extract(html.as_bytes(), "text/html; charset=utf-8").unwrap();

    assert_eq!(got.title.as_deref(), Some("The \"Road\""));
    assert_eq!(got.text, "Emmaus walk\nSeven & a half miles\nfinal");
}

#[test]
fn markdown_loses_its_syntax() {
    let markdown = "# Walking *together*\n\nA [link](https://example.org) and **bold** and `code`.\n\n\
        > quoted\n\n* item one\n* item two\n";

    let got = extract(markdown.as_bytes(), "text/markdown").unwrap();

    assert_eq!(got.title.as_deref(), Some("Walking together"));
    assert_eq!(got.text, "Walking together\nA link and bold and code.\nquoted\nitem one\nitem two");
}

#[test]
fn plain_text_drops_its_bom_and_collapses_spaces() {
    let got = extract(b"\xEF\xBB\xBFname,  town\r\nRuth,Bethlehem\r\n", "text/csv; charset=utf-8").unwrap();

    assert_eq!(got, Extracted { text: "name, town\nRuth,Bethlehem".into(), title: None, parts: 1 });
}

#[test]
fn unknown_types_are_unsupported() {
    for kind in ["application/zip", "image/png", "video/mp4", "application/octet-stream"] {
        assert!(matches!(extract(b"anything", kind), Err(ExtractError::Unsupported(_))), "{kind}");
    }
}

#[test]
fn a_docx_that_is_not_a_zip_is_malformed() {
    let got = extract(b"This is plain text with a .docx name.", DOCX_TYPE);

    assert!(matches!(got, Err(ExtractError::Malformed(_))), "{got:?}");
}

#[test]
fn a_zip_without_the_document_part_is_malformed() {
    let archive = zip_of(&[("hello.txt", b"hello".as_slice())], CompressionMethod::Deflated);

    assert!(matches!(extract(&archive, DOCX_TYPE), Err(ExtractError::Malformed(_))));
    assert!(matches!(extract(&archive, PPTX_TYPE), Err(ExtractError::Malformed(_))));
}

#[test]
fn a_zip_bomb_is_refused() {
    // 16 MiB of one repeated byte deflates to a few KiB: over 200:1.
    let bomb = vec![b'a'; 16 * 1024 * 1024];
    let archive = zip_of(&[("word/document.xml", &bomb)], CompressionMethod::Deflated);
    assert!(archive.len() < 100 * 1024, "the bomb should be small: {} bytes", archive.len());

    let got = extract(&archive, DOCX_TYPE);

    assert!(matches!(got, Err(ExtractError::TooLarge(_))), "{got:?}");
}

#[test]
fn an_entry_larger_than_64_mib_is_refused() {
    // Stored rather than deflated, so its ratio is 1:1 and only its size can refuse it.
    let big = vec![b' '; 64 * 1024 * 1024 + 1];
    let archive = zip_of(&[("ppt/presentation.xml", &big)], CompressionMethod::Stored);

    assert!(matches!(extract(&archive, PPTX_TYPE), Err(ExtractError::TooLarge(_))));
}

#[test]
fn an_archive_of_more_than_10000_entries_is_refused() {
    let names: Vec<String> = (0..10_001).map(|i| format!("f{i}")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|name| (name.as_str(), b"".as_slice())).collect();
    let archive = zip_of(&entries, CompressionMethod::Stored);

    assert!(matches!(extract(&archive, DOCX_TYPE), Err(ExtractError::TooLarge(_))));
}

#[test]
fn thumbnails_fit_keep_their_shape_and_flatten_transparency() {
    let thumb = thumbnail(PNG, "image/png", 300).unwrap();

    assert_eq!((thumb.width, thumb.height), (300, 200));
    assert_eq!(thumb.content_type, "image/jpeg");
    assert!(thumb.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    let picture = image::load_from_memory(&thumb.bytes).unwrap().into_rgb8();
    assert_eq!(picture.dimensions(), (300, 200));
    let corner = picture.get_pixel(2, 2).0;
    assert!(corner.iter().all(|&c| c > 240), "a transparent corner should be white: {corner:?}");
    let centre = picture.get_pixel(150, 60).0;
    assert!(centre[2] > 150 && centre[0] < 80, "the disc should stay blue: {centre:?}");
}

#[test]
fn thumbnails_never_upscale() {
    let thumb = thumbnail(JPEG, "image/jpeg", 2000).unwrap();

    assert_eq!((thumb.width, thumb.height), (640, 480));
    assert!(thumb.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
}

#[test]
fn a_small_max_side_scales_the_longer_side() {
    let thumb = thumbnail(JPEG, "image/jpeg; q=1", 64).unwrap();

    assert_eq!((thumb.width, thumb.height), (64, 48));
}

#[test]
fn a_picture_bomb_is_refused_by_its_dimensions() {
    for (width, height) in [(20_000, 1), (1, 20_000)] {
        let mut png = Vec::new();
        let encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Best, FilterType::NoFilter);
        image::GrayImage::new(width, height).write_with_encoder(encoder).unwrap();
        assert!(png.len() < 1024, "a tiny file: {} bytes", png.len());

        let got = thumbnail(&png, "image/png", 256);

        assert!(matches!(got, Err(ExtractError::TooLarge(_))), "{width}x{height}: {got:?}");
    }
}

#[test]
fn thumbnails_of_other_types_or_broken_pictures_are_errors() {
    assert!(matches!(thumbnail(PNG, "image/gif", 100), Err(ExtractError::Unsupported(_))));
    assert!(matches!(thumbnail(b"not a picture", "image/png", 100), Err(ExtractError::Malformed(_))));
    assert!(matches!(thumbnail(&PNG[..PNG.len() / 2], "image/png", 100), Err(ExtractError::Malformed(_))));
}

/// A zip archive written by the zip crate, as archivers write them.
fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method).large_file(false);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

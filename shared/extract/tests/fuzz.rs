//! Property-based fuzzing: arbitrary bytes, and the real fixtures with random damage, must give
//! `Ok` or `Err` from every extractor (never a panic out of `extract_contained`), and never more
//! text than `MAX_TEXT_BYTES`.
//!
//! 64 cases per property by default, so the gate stays quick; `PROPTEST_CASES=5000` runs longer.

use std::io::{Cursor, Read as _, Write as _};

use emmaus_extract::{ExtractError, MAX_TEXT_BYTES, extract_contained, thumbnail};
use emmaus_testkit::fuzz::{Damage, config, damage, damaged};
use proptest::prelude::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const PDF: &[u8] = include_bytes!("fixtures/two-pages.pdf");
const DOCX: &[u8] = include_bytes!("fixtures/document.docx");
const PPTX: &[u8] = include_bytes!("fixtures/slides.pptx");
const PNG: &[u8] = include_bytes!("fixtures/transparent.png");
const JPEG: &[u8] = include_bytes!("fixtures/photo.jpg");

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const PPTX_TYPE: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
const TEXT_TYPES: &[&str] = &["text/plain", "text/csv", "application/json", "text/markdown", "text/html"];

/// The archive with one entry damaged and everything stored again, so the damage reaches the XML
/// parsers instead of stopping at a checksum.
fn with_damaged_entry(archive: &[u8], entry: &str, damage: &[Damage]) -> Vec<u8> {
    let mut source = ZipArchive::new(Cursor::new(archive)).unwrap();
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for index in 0..source.len() {
        let mut file = source.by_index(index).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if name == entry {
            bytes = damaged(&bytes, damage);
        }
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The property every extraction keeps. Only pdf-extract is allowed to panic (and be contained);
/// a panic in any other extractor is a bug of ours or of a parser that should not have one.
fn check(bytes: &[u8], content_type: &str) -> Result<(), TestCaseError> {
    match extract_contained(bytes, content_type) {
        Ok(got) => {
            prop_assert!(got.text.len() <= MAX_TEXT_BYTES);
            prop_assert_eq!(got.text.trim(), got.text.as_str());
            if let Some(title) = got.title {
                prop_assert!(!title.is_empty() && !title.contains('\n'));
            }
        }
        Err(ExtractError::Crashed(_)) => {
            prop_assert_eq!(content_type, "application/pdf", "only pdf-extract may panic");
        }
        Err(_) => {}
    }
    Ok(())
}

fn check_thumbnail(bytes: &[u8], content_type: &str, max_side: u32) -> Result<(), TestCaseError> {
    if let Ok(thumb) = thumbnail(bytes, content_type, max_side) {
        prop_assert!(thumb.width <= max_side && thumb.height <= max_side);
        prop_assert!(thumb.width >= 1 && thumb.height >= 1);
        prop_assert!(thumb.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_of_every_type(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        content_type in prop::sample::select(vec![
            "text/plain", "text/html", "text/markdown", "application/pdf", DOCX_TYPE, PPTX_TYPE, "image/png",
        ]),
    ) {
        check(&bytes, content_type)?;
    }

    #[test]
    fn arbitrary_markup(
        text in "[<>/&#;!=\"' a-z0-9\\n*_`\\[\\]()|-]{0,400}",
        content_type in prop::sample::select(TEXT_TYPES.to_vec()),
    ) {
        check(text.as_bytes(), content_type)?;
    }

    #[test]
    fn arbitrary_pdf_after_a_pdf_header(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend(bytes);
        check(&pdf, "application/pdf")?;
    }

    #[test]
    fn damaged_pdf(damage in damage()) {
        check(&damaged(PDF, &damage), "application/pdf")?;
    }

    #[test]
    fn damaged_docx(damage in damage()) {
        check(&damaged(DOCX, &damage), DOCX_TYPE)?;
    }

    #[test]
    fn damaged_pptx(damage in damage()) {
        check(&damaged(PPTX, &damage), PPTX_TYPE)?;
    }

    #[test]
    fn docx_with_damaged_xml(
        entry in prop::sample::select(vec!["word/document.xml", "docProps/core.xml"]),
        damage in damage(),
    ) {
        check(&with_damaged_entry(DOCX, entry, &damage), DOCX_TYPE)?;
    }

    #[test]
    fn pptx_with_damaged_xml(
        entry in prop::sample::select(vec![
            "ppt/presentation.xml",
            "ppt/_rels/presentation.xml.rels",
            "ppt/slides/slide1.xml",
            "ppt/slides/_rels/slide1.xml.rels",
            "ppt/notesSlides/notesSlide1.xml",
            "docProps/core.xml",
        ]),
        damage in damage(),
    ) {
        check(&with_damaged_entry(PPTX, entry, &damage), PPTX_TYPE)?;
    }

    #[test]
    fn damaged_pictures(
        picture in prop::sample::select(vec![("image/png", PNG), ("image/jpeg", JPEG)]),
        damage in damage(),
        max_side in 1..400_u32,
    ) {
        check_thumbnail(&damaged(picture.1, &damage), picture.0, max_side)?;
    }

    #[test]
    fn arbitrary_pictures(bytes in prop::collection::vec(any::<u8>(), 0..4096), max_side in 1..400_u32) {
        check_thumbnail(&bytes, "image/png", max_side)?;
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(&bytes);
        check_thumbnail(&png, "image/png", max_side)?;
        let mut jpeg = vec![0xFF, 0xD8, 0xFF];
        jpeg.extend(&bytes);
        check_thumbnail(&jpeg, "image/jpeg", max_side)?;
    }
}

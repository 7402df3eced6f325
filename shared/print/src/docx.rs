//! A session as a DOCX: the title in the `Title` style, the session's headings in `Heading 1`,
//! each block's heading line in `Heading 2` (styles declared here, since the writer declares only
//! `Normal`, so Word's navigation pane and outline show them), passages as indented quotations,
//! right-to-left paragraphs marked as such, pictures of hub files (a JPEG turned into a PNG, the one
//! kind the writer stores, at most 1,600 pixels on its longer side), and the title with the page
//! number in the footer. Fonts are named (the first given, with the others for the scripts Word
//! sets apart: East Asian and complex scripts), not embedded: Word substitutes what it lacks.

use docx_rs::{
    AlignmentType, Docx, Footer, Hyperlink, HyperlinkType, PageNum, Paragraph, Pic, Run, RunFonts, SpecialIndentType,
    Style, StyleType,
};

use crate::PrintError;
use crate::sheet::{Para, Picture, PictureKind, Sheet, UNAVAILABLE};

/// Half-points, Word's unit of type size.
const BODY: usize = 21;

fn styles(docx: Docx) -> Docx {
    let heading = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(size)
            .bold()
            .outline_lvl(level)
    };
    docx.add_style(heading("Title", "Title", 40, 0).outline_lvl(9))
        .add_style(heading("Heading1", "heading 1", 30, 0))
        .add_style(heading("Heading2", "heading 2", 23, 1))
        .add_style(Style::new("Quote", StyleType::Paragraph).name("Quote").based_on("Normal").italic().indent(
            Some(567),
            None,
            Some(567),
            None,
        ))
}

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

fn paragraph(p: &Para) -> Paragraph {
    let mut out = Paragraph::new().add_run(run(&if p.bullet { format!("• {}", p.text) } else { p.text.clone() }));
    if p.bullet {
        out = out.indent(Some(567), Some(SpecialIndentType::Hanging(283)), None, None);
    }
    if p.rtl {
        out.property = out.property.bidi(true);
        out = out.align(AlignmentType::Right);
    }
    out
}

/// The longest side a picture turned into a PNG keeps: 1,600 pixels fill a 12 cm picture at over
/// 300 dots per inch, and keep the document small.
const MAX_SIDE: u32 = 1600;

/// A picture as the writer stores it: a PNG and its size in pixels. A PNG goes in as it is; a
/// JPEG is decoded and written as a PNG (scaled down past [`MAX_SIDE`]). `None` for one that does
/// not decode.
fn as_png(picture: &Picture) -> Option<(Vec<u8>, u32, u32)> {
    match picture.kind {
        PictureKind::Png => png_size(&picture.bytes).map(|(w, h)| (picture.bytes.clone(), w, h)),
        PictureKind::Jpeg => {
            let mut decoded = image::load_from_memory_with_format(&picture.bytes, image::ImageFormat::Jpeg).ok()?;
            if decoded.width().max(decoded.height()) > MAX_SIDE {
                decoded = decoded.thumbnail(MAX_SIDE, MAX_SIDE);
            }
            let mut png = std::io::Cursor::new(Vec::new());
            decoded.write_to(&mut png, image::ImageFormat::Png).ok()?;
            Some((png.into_inner(), decoded.width(), decoded.height()))
        }
    }
}

/// A PNG's width and height in pixels, from its header.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let height = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    (width > 0 && height > 0).then_some((width, height))
}

/// The DOCX of `sheet`, its text in `families` (the first for Latin text, the others where Word
/// looks for East Asian and complex scripts).
pub fn docx(sheet: &Sheet, families: &[String]) -> Result<Vec<u8>, PrintError> {
    let first = families.first().cloned().unwrap_or_else(|| "Noto Sans".to_owned());
    let east = families.iter().find(|f| f.contains("KR") || f.contains("Nanum") || f.contains("CJK")).unwrap_or(&first);
    let fonts = RunFonts::new().ascii(&first).hi_ansi(&first).cs(&first).east_asia(east.as_str());
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run(&format!("{} · ", sheet.title)).size(17))
            .add_page_num(PageNum::new()),
    );
    let mut docx = styles(Docx::new()).default_fonts(fonts).default_size(BODY).footer(footer);
    docx = docx.add_paragraph(Paragraph::new().style("Title").add_run(run(&sheet.title)));
    for line in &sheet.summary {
        docx = docx.add_paragraph(Paragraph::new().add_run(run(line).size(19).color("444444")));
    }
    for part in &sheet.parts {
        let heading_line =
            if part.minutes.is_empty() { part.label.clone() } else { format!("{} · {}", part.label, part.minutes) };
        if part.heading {
            docx = docx.add_paragraph(Paragraph::new().style("Heading1").keep_next(true).add_run(run(&heading_line)));
            continue;
        }
        let indent = |p: Paragraph| if part.nested { p.indent(Some(567), None, None, None) } else { p };
        if !part.kind.is_empty() {
            docx = docx.add_paragraph(indent(
                Paragraph::new().keep_next(true).add_run(run(&part.kind.to_uppercase()).size(15).color("6E6E6E")),
            ));
        }
        docx =
            docx.add_paragraph(indent(Paragraph::new().style("Heading2").keep_next(true).add_run(run(&heading_line))));
        for para in &part.paras {
            let p = paragraph(para);
            docx = docx.add_paragraph(if part.quote { p.style("Quote") } else { indent(p) });
        }
        if let (true, Some(reference)) = (part.quote, &part.reference) {
            docx = docx.add_paragraph(Paragraph::new().style("Quote").add_run(run(&format!("— {reference}"))));
        }
        if let Some(card) = &part.card {
            let title = if card.pinned { format!("{} (pinned)", card.title) } else { card.title.clone() };
            docx = docx.add_paragraph(indent(Paragraph::new().add_run(run(&title).bold())));
            if let Some(description) = &card.description {
                docx = docx.add_paragraph(indent(paragraph(description)));
            }
            if let Some(url) = &card.url {
                let link = Hyperlink::new(url, HyperlinkType::External).add_run(run(url).color("1F4E9A"));
                docx = docx.add_paragraph(indent(Paragraph::new().add_hyperlink(link)));
            }
            if let Some(file) = &card.file {
                docx = docx.add_paragraph(indent(Paragraph::new().add_run(run(&format!("File: {file}")))));
            }
            if let Some(excerpt) = &card.excerpt {
                docx = docx.add_paragraph(paragraph(excerpt).style("Quote"));
            }
        }
        if part.unavailable {
            docx = docx.add_paragraph(indent(Paragraph::new().add_run(run(UNAVAILABLE).italic())));
        }
        if let Some((png, w, h)) = part.picture.and_then(|i| sheet.pictures.get(i)).and_then(as_png) {
            // At most 12 cm wide: 12 cm = 4,320,000 EMU.
            let width = (u64::from(w) * 9525).min(4_320_000);
            let height = width * u64::from(h) / u64::from(w);
            let pic = Pic::new_with_dimensions(png, w, h)
                .size(u32::try_from(width).unwrap_or(u32::MAX), u32::try_from(height).unwrap_or(u32::MAX));
            docx = docx.add_paragraph(indent(Paragraph::new().add_run(Run::new().add_image(pic))));
        }
        if let Some(minutes) = part.timer {
            docx = docx.add_paragraph(indent(Paragraph::new().add_run(run(&format!("Timer: {minutes} minutes")))));
        }
    }
    if !sheet.notes.is_empty() {
        docx = docx.add_paragraph(Paragraph::new().style("Heading1").add_run(run("How it went")));
        for note in &sheet.notes {
            docx = docx.add_paragraph(paragraph(note));
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut out).map_err(|e| PrintError::Write(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pngs_size_is_read_from_its_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((640, 480)));
        assert_eq!(png_size(b"\xff\xd8\xff"), None);
    }
}

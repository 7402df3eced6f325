//! Word documents (DOCX): the body text of `word/document.xml` and the title of `docProps/core.xml`.
//!
//! Text is in `w:t` runs; `w:tab`, `w:br` and paragraph ends are whitespace. Deleted text
//! (`w:delText`) and field codes (`w:instrText`) have their own elements and are left out, as is
//! the fallback copy of content that Word writes twice for older readers (`mc:Fallback`).

use quick_xml::events::Event;

use crate::archive::Archive;
use crate::text::{TextSink, title};
use crate::xml;
use crate::{ExtractError, Extracted, malformed};

const WHAT: &str = "a Word document";

pub(crate) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut archive = Archive::open(bytes, WHAT)?;
    let document = archive.read_text("word/document.xml")?.ok_or_else(|| malformed(WHAT))?;
    let mut sink = TextSink::new();
    body(&document, &mut sink)?;
    let title = core_title(&mut archive)?;
    Ok(Extracted { text: sink.finish(), title, parts: 1 })
}

fn body(document: &str, sink: &mut TextSink) -> Result<(), ExtractError> {
    let mut reader = xml::reader(document);
    let mut in_text = false;
    let mut runs = 0_u32;
    let mut fallback = 0_u32;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => event,
            // A part broken half-way still has its first half.
            Err(_) if !sink.is_empty() => break,
            Err(_) => return Err(malformed(WHAT)),
        };
        match event {
            Event::Start(element) => match xml::local(&element) {
                "Fallback" => fallback += 1,
                "t" => in_text = true,
                "r" => runs += 1,
                _ => {}
            },
            Event::Empty(element) if fallback == 0 => match xml::local(&element) {
                // Tab stops (`w:tabs/w:tab`) are also called tab; only those inside a run are text.
                "tab" | "ptab" if runs > 0 => sink.push_char('\t'),
                "br" | "cr" if runs > 0 => sink.push_char('\n'),
                "noBreakHyphen" => sink.push_char('-'),
                "p" => sink.line_break(),
                _ => {}
            },
            Event::End(element) => match element.local_name().as_ref() {
                "Fallback" => fallback = fallback.saturating_sub(1),
                "t" => in_text = false,
                "r" => runs = runs.saturating_sub(1),
                "p" | "tr" if fallback == 0 => sink.line_break(),
                "tc" if fallback == 0 => sink.cell_break(),
                _ => {}
            },
            Event::Text(text) if in_text && fallback == 0 => sink.push(&text),
            Event::CData(text) if in_text && fallback == 0 => sink.push(&text),
            Event::GeneralRef(reference) if in_text && fallback == 0 => {
                if let Some(text) = xml::reference(&reference) {
                    sink.push(&text);
                }
            }
            _ => {}
        }
        if sink.is_full() {
            break;
        }
    }
    Ok(())
}

/// `dc:title` of the core properties, which office suites show as the title.
/// Shared with presentations, which keep it in the same place.
pub(crate) fn core_title(archive: &mut Archive<'_>) -> Result<Option<String>, ExtractError> {
    let Some(core) = archive.read_text("docProps/core.xml")? else {
        return Ok(None);
    };
    let mut reader = xml::reader(&core);
    let mut raw = None::<String>;
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) if raw.is_none() && xml::local(&element) == "title" => raw = Some(String::new()),
            Ok(Event::Text(text)) => {
                if let Some(raw) = raw.as_mut() {
                    raw.push_str(&text);
                }
            }
            Ok(Event::GeneralRef(reference)) => {
                if let (Some(raw), Some(text)) = (raw.as_mut(), xml::reference(&reference)) {
                    raw.push_str(&text);
                }
            }
            Ok(Event::End(element)) if raw.is_some() && element.local_name().as_ref() == "title" => break,
            // Metadata is a nicety: a broken core part costs the title, not the text.
            Ok(Event::Eof) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
    Ok(raw.as_deref().and_then(title))
}

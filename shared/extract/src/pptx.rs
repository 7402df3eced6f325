//! Presentations (PPTX): each slide's text in slide order, then that slide's speaker notes.
//!
//! The order is the one the presentation shows (`p:sldIdLst` in `ppt/presentation.xml`, through its
//! relationships), not the order of file names, which reordering slides does not change. Notes are
//! found through each slide's own relationships.

use quick_xml::events::{BytesStart, Event};

use crate::archive::{Archive, resolve};
use crate::text::{TextSink, title};
use crate::xml;
use crate::{ExtractError, Extracted, malformed};

const WHAT: &str = "a PowerPoint presentation";

/// Placeholders that repeat on every slide or notes page instead of saying anything: the slide
/// picture and number on a notes page, and dates, footers and headers.
const CHROME: &[&str] = &["sldImg", "sldNum", "dt", "ftr", "hdr"];

pub(crate) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut archive = Archive::open(bytes, WHAT)?;
    let slides = slide_order(&mut archive)?;
    let mut sink = TextSink::new();
    let mut first_title = String::new();
    for (index, slide) in slides.iter().enumerate() {
        let Some(xml) = archive.read_text(slide)? else { continue };
        sink.line_break();
        shapes(&xml, &mut sink, (index == 0).then_some(&mut first_title));
        if let Some(notes) = notes_of(&mut archive, slide)? {
            sink.line_break();
            shapes(&notes, &mut sink, None);
        }
        if sink.is_full() {
            break;
        }
    }
    let title = match crate::docx::core_title(&mut archive)? {
        Some(title) => Some(title),
        None => title(&first_title),
    };
    let parts = u32::try_from(slides.len()).unwrap_or(u32::MAX);
    Ok(Extracted { text: sink.finish(), title, parts })
}

/// The slide parts in the order they are shown; by the number in their names when the
/// presentation part does not say.
fn slide_order(archive: &mut Archive<'_>) -> Result<Vec<String>, ExtractError> {
    let presentation = archive.read_text("ppt/presentation.xml")?.ok_or_else(|| malformed(WHAT))?;
    let ids = slide_ids(&presentation);
    let targets = match archive.read_text("ppt/_rels/presentation.xml.rels")? {
        Some(rels) => relationships(&rels),
        None => Vec::new(),
    };
    let mut order: Vec<String> = ids
        .iter()
        .filter_map(|id| targets.iter().find(|rel| &rel.id == id))
        .map(|rel| resolve("ppt", &rel.target))
        .collect();
    // A slide listed twice is shown twice, but its text is searched once.
    let mut seen = std::collections::HashSet::new();
    order.retain(|slide| seen.insert(slide.clone()));
    if order.is_empty() {
        let mut numbered: Vec<(u32, String)> = archive
            .names()
            .into_iter()
            .filter_map(|name| {
                let number = name.strip_prefix("ppt/slides/slide")?.strip_suffix(".xml")?.parse().ok()?;
                Some((number, name))
            })
            .collect();
        numbered.sort();
        order = numbered.into_iter().map(|(_, name)| name).collect();
    }
    Ok(order)
}

/// The `r:id`s of `p:sldIdLst/p:sldId`, in order. (Each also has an unprefixed numeric `id`.)
fn slide_ids(presentation: &str) -> Vec<String> {
    let mut reader = xml::reader(presentation);
    let mut ids = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element)) if xml::local(&element) == "sldId" => {
                ids.extend(xml::attribute(&element, "id", true));
            }
            Ok(Event::End(element)) if element.local_name().as_ref() == "sldIdLst" => break,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    ids
}

#[derive(Debug)]
struct Relationship {
    id: String,
    kind: String,
    target: String,
}

/// The internal relationships of a `.rels` part.
fn relationships(rels: &str) -> Vec<Relationship> {
    let mut reader = xml::reader(rels);
    let mut found = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element)) if xml::local(&element) == "Relationship" => {
                let external = xml::attribute(&element, "TargetMode", false).is_some_and(|mode| mode == "External");
                let id = xml::attribute(&element, "Id", false);
                let kind = xml::attribute(&element, "Type", false);
                let target = xml::attribute(&element, "Target", false);
                if let (false, Some(id), Some(kind), Some(target)) = (external, id, kind, target) {
                    found.push(Relationship { id, kind, target });
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    found
}

/// The notes page of the slide at `slide` (`ppt/slides/slide3.xml`), through
/// `ppt/slides/_rels/slide3.xml.rels`.
fn notes_of(archive: &mut Archive<'_>, slide: &str) -> Result<Option<String>, ExtractError> {
    let (folder, file) = slide.rsplit_once('/').unwrap_or(("", slide));
    let Some(rels) = archive.read_text(&format!("{folder}/_rels/{file}.rels"))? else {
        return Ok(None);
    };
    let notes = relationships(&rels).into_iter().find(|rel| rel.kind.ends_with("/notesSlide"));
    match notes {
        Some(notes) => archive.read_text(&resolve(folder, &notes.target)),
        None => Ok(None),
    }
}

/// What a shape (`p:sp`) is, as far as reading its text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Content,
    Title,
    Chrome,
}

/// Pushes the text of a slide or notes part; the text of title placeholders also goes into `title`.
fn shapes(part: &str, sink: &mut TextSink, mut title: Option<&mut String>) {
    let mut reader = xml::reader(part);
    let mut stack: Vec<Shape> = Vec::new();
    let mut in_text = false;
    let mut fallback = 0_u32;
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        let chrome = stack.contains(&Shape::Chrome) || fallback > 0;
        match event {
            Event::Start(element) => match xml::local(&element) {
                "sp" => stack.push(Shape::Content),
                "ph" => mark_placeholder(&element, &mut stack),
                "Fallback" => fallback += 1,
                "t" => in_text = true,
                _ => {}
            },
            Event::Empty(element) => match xml::local(&element) {
                "ph" => mark_placeholder(&element, &mut stack),
                "br" if !chrome => sink.push_char('\n'),
                _ => {}
            },
            Event::End(element) => match element.local_name().as_ref() {
                "sp" => {
                    stack.pop();
                }
                "Fallback" => fallback = fallback.saturating_sub(1),
                "t" => in_text = false,
                "p" | "tr" if !chrome => {
                    sink.line_break();
                    if let (Some(Shape::Title), Some(title)) = (stack.last(), title.as_deref_mut()) {
                        title.push(' ');
                    }
                }
                "tc" if !chrome => sink.cell_break(),
                _ => {}
            },
            Event::Text(text) if in_text && !chrome => {
                sink.push(&text);
                if let (Some(Shape::Title), Some(title)) = (stack.last(), title.as_deref_mut()) {
                    title.push_str(&text);
                }
            }
            Event::GeneralRef(reference) if in_text && !chrome => {
                if let Some(text) = xml::reference(&reference) {
                    sink.push(&text);
                    if let (Some(Shape::Title), Some(title)) = (stack.last(), title.as_deref_mut()) {
                        title.push_str(&text);
                    }
                }
            }
            _ => {}
        }
        if sink.is_full() {
            break;
        }
    }
}

/// `p:ph` says which placeholder the shape around it fills; a shape with none is content.
fn mark_placeholder(element: &BytesStart<'_>, stack: &mut [Shape]) {
    let Some(shape) = stack.last_mut() else { return };
    match xml::attribute(element, "type", false).as_deref() {
        Some("title" | "ctrTitle") => *shape = Shape::Title,
        Some(kind) if CHROME.contains(&kind) => *shape = Shape::Chrome,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slide_ids_are_the_prefixed_ones_in_order() {
        let xml = r#"<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst>
            <p:sldId id="257" r:id="rId3"/><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>"#;
        assert_eq!(slide_ids(xml), ["rId3", "rId2"]);
    }

    #[test]
    fn notes_placeholders_for_the_slide_picture_and_number_are_skipped() {
        let xml = r#"<p:notes xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree>
            <p:sp><p:nvSpPr><p:nvPr><p:ph type="sldImg"/></p:nvPr></p:nvSpPr></p:sp>
            <p:sp><p:nvSpPr><p:nvPr><p:ph type="body" idx="1"/></p:nvPr></p:nvSpPr>
              <p:txBody><a:p><a:r><a:t>Say hello &amp; pray</a:t></a:r></a:p></p:txBody></p:sp>
            <p:sp><p:nvSpPr><p:nvPr><p:ph type="sldNum" idx="5"/></p:nvPr></p:nvSpPr>
              <p:txBody><a:p><a:fld type="slidenum"><a:t>7</a:t></a:fld></a:p></p:txBody></p:sp>
            </p:spTree></p:cSld></p:notes>"#;
        let mut sink = TextSink::new();
        shapes(xml, &mut sink, None);
        assert_eq!(sink.finish(), "Say hello & pray");
    }
}

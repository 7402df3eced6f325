//! PDF: the text of every page in page order, the document information's title, and the page count.
//!
//! pdf-extract interprets the content streams; the text itself is laid out here, with the same
//! spacing rules as its `PlainTextOutput`, so pages are kept apart and reading stops once there is
//! more text than is kept. pdf-extract panics on some broken files, hence `extract_contained`.

use pdf_extract::{Document, MediaBox, Object, OutputDev, OutputError, Transform, decode_text_string};

use crate::text::{TextSink, title};
use crate::{ExtractError, Extracted, malformed};

const WHAT: &str = "a PDF";

/// Text gathered before reading stops: as much as the sink keeps.
const TEXT_LIMIT: usize = 2 * crate::MAX_TEXT_BYTES;

/// After a page fails, later pages are tried one by one (each try walks the page tree again); a
/// file broken on every page is not worth more tries than this.
const MAX_RETRIED_PAGES: usize = 200;

pub(crate) fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let mut doc = Document::load_mem(bytes).map_err(|_| malformed(WHAT))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ExtractError::Unsupported("the PDF is protected by a password, so its text cannot be read".into()));
    }
    let pages: Vec<u32> = doc.get_pages().into_keys().collect();
    let mut layout = Layout::default();
    if pdf_extract::output_doc(&doc, &mut layout).is_err() && !layout.full {
        // One broken page should not hide the others: go on after it, page by page.
        let failed = layout.page;
        let later = pages.iter().filter(|&&page| page > failed).take(MAX_RETRIED_PAGES);
        for &page in later {
            // A failed page's text so far stays; it is better than none.
            let _ = pdf_extract::output_doc_page(&doc, &mut layout, page);
            if layout.full {
                break;
            }
        }
        if layout.pages_read == 0 && layout.text.trim().is_empty() {
            return Err(malformed(WHAT));
        }
    }
    let mut sink = TextSink::new();
    sink.push(&layout.text);
    Ok(Extracted {
        text: sink.finish(),
        title: info_title(&doc).as_deref().and_then(title),
        parts: u32::try_from(pages.len()).unwrap_or(u32::MAX).max(1),
    })
}

/// `/Title` of the trailer's `/Info` dictionary, where there is one.
fn info_title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let (_, info) = doc.dereference(info).ok()?;
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let (_, title) = doc.dereference(title).ok()?;
    match title {
        Object::String(..) => decode_text_string(title).ok(),
        _ => None,
    }
}

/// Lays characters out as lines and words from their positions, as pdf-extract's
/// `PlainTextOutput` does, with a blank line between pages.
#[derive(Debug)]
struct Layout {
    text: String,
    full: bool,
    /// The page being read, to resume after it when it fails.
    page: u32,
    pages_read: usize,
    page_height: f64,
    last_end: f64,
    last_y: f64,
    first_char: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            text: String::new(),
            full: false,
            page: 0,
            pages_read: 0,
            page_height: 0.0,
            last_end: 100_000.0,
            last_y: 0.0,
            first_char: false,
        }
    }
}

impl OutputDev for Layout {
    fn begin_page(
        &mut self,
        page: u32,
        media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page = page;
        self.page_height = media_box.ury - media_box.lly;
        self.last_end = 100_000.0;
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.pages_read += 1;
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // Device space has y growing downwards from the top of the page.
        let (x, y) = (trm.m31, self.page_height - trm.m32);
        let (size_x, size_y) = (font_size * (trm.m11 + trm.m21), font_size * (trm.m12 + trm.m22));
        // The side of a square with the area of the (possibly rotated or mirrored) glyph box.
        let size = (size_x * size_y).abs().sqrt();
        if self.first_char {
            let moved_down = (y - self.last_y).abs();
            if moved_down > size * 1.5 || (x < self.last_end && moved_down > size * 0.5) {
                self.text.push('\n');
            } else if x > self.last_end + size * 0.1 {
                self.text.push(' ');
            }
        }
        self.text.push_str(char);
        self.first_char = false;
        self.last_y = y;
        self.last_end = x + width * size;
        if self.text.len() > TEXT_LIMIT {
            self.full = true;
            // Stops pdf-extract: everything past here would be cut anyway.
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

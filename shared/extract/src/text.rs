//! Collecting and normalising extracted text, the same way for every format.
//!
//! Extractors push pieces into a [`TextSink`], which stops accepting once it holds more raw text
//! than can survive the final cut; extractors check [`TextSink::is_full`] to stop parsing early,
//! so a huge document costs no more than its first few megabytes of text.

use unicode_normalization::UnicodeNormalization;

use crate::MAX_TEXT_BYTES;

/// Raw text kept before normalising. NFKC can shorten text (and rarely lengthen it) and collapsing
/// removes whitespace, so twice the output limit leaves room for both.
const RAW_LIMIT: usize = 2 * MAX_TEXT_BYTES;

/// Titles longer than this are cut: a title is a label, not content.
const MAX_TITLE_CHARS: usize = 300;

#[derive(Debug, Default)]
pub(crate) struct TextSink {
    raw: String,
    full: bool,
}

impl TextSink {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&mut self, piece: &str) {
        if self.full {
            return;
        }
        let room = RAW_LIMIT - self.raw.len();
        if piece.len() <= room {
            self.raw.push_str(piece);
        } else {
            self.raw.push_str(&piece[..floor_char_boundary(piece, room)]);
            self.full = true;
        }
    }

    pub(crate) fn push_char(&mut self, c: char) {
        self.push(c.encode_utf8(&mut [0; 4]));
    }

    /// Ends the current line unless the text already ends one (or is empty), so block ends that
    /// follow each other do not pile up blank lines.
    pub(crate) fn line_break(&mut self) {
        if !self.raw.is_empty() && !self.raw.ends_with('\n') {
            self.push_char('\n');
        }
    }

    /// Ends a table cell with a tab, in place of the line end its last paragraph left, so a table
    /// row stays one line.
    pub(crate) fn cell_break(&mut self) {
        if !self.full && self.raw.ends_with('\n') {
            self.raw.pop();
        }
        self.push_char('\t');
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.raw.trim().is_empty()
    }

    pub(crate) fn is_full(&self) -> bool {
        self.full
    }

    pub(crate) fn finish(self) -> String {
        normalize(&self.raw)
    }
}

/// The largest index `<= index` that is a char boundary of `s`.
pub(crate) fn floor_char_boundary(s: &str, index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    // A UTF-8 character is at most four bytes, so a boundary is at most three steps back.
    (index.saturating_sub(3)..=index).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// NFKC (so "ﬁ" is "fi" and full-width letters are ASCII), line ends as `\n`, other whitespace
/// and control characters as one space, no spaces at line ends, at most one blank line in a row,
/// trimmed, and at most [`MAX_TEXT_BYTES`] bytes.
pub(crate) fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_TEXT_BYTES));
    let mut pending_space = false;
    let mut newlines = 0_usize;
    let mut after_cr = false;
    for c in raw.nfkc() {
        if out.len() >= MAX_TEXT_BYTES {
            break;
        }
        let was_cr = std::mem::replace(&mut after_cr, c == '\r');
        match c {
            '\n' if was_cr => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{0b}' | '\u{0c}' | '\u{85}' => {
                pending_space = false;
                newlines += 1;
            }
            // Joiners, soft hyphens and a stray BOM sit inside words without showing anything; the
            // zero-width space stands between words (in Thai, Khmer and the like), so it is a space.
            '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' => {}
            '\u{200b}' => pending_space = true,
            '\t' => {
                flush_newlines(&mut out, &mut newlines);
                pending_space = false;
                out.push('\t');
            }
            c if c.is_whitespace() || c.is_control() => pending_space = true,
            c => {
                flush_newlines(&mut out, &mut newlines);
                if pending_space && !out.is_empty() && !out.ends_with(['\n', '\t']) {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    if out.len() > MAX_TEXT_BYTES {
        out.truncate(floor_char_boundary(&out, MAX_TEXT_BYTES));
    }
    let end = out.trim_end().len();
    out.truncate(end);
    let start = out.len() - out.trim_start().len();
    out.drain(..start);
    out
}

fn flush_newlines(out: &mut String, newlines: &mut usize) {
    if *newlines > 0 && !out.is_empty() {
        // Spaces and tabs before a line end carry nothing.
        let end = out.trim_end_matches([' ', '\t']).len();
        out.truncate(end);
        out.push_str(if *newlines > 1 { "\n\n" } else { "\n" });
    }
    *newlines = 0;
}

/// A title on one line, normalised like the text; `None` when nothing visible is left.
pub(crate) fn title(raw: &str) -> Option<String> {
    let text = normalize(raw);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return None;
    }
    Some(match one_line.char_indices().nth(MAX_TITLE_CHARS) {
        Some((cut, _)) => one_line[..cut].trim_end().to_owned(),
        None => one_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfkc_turns_ligatures_and_wide_letters_into_ascii() {
        assert_eq!(normalize("ﬁfty oﬃce ＡＢＣ"), "fifty office ABC");
    }

    #[test]
    fn whitespace_collapses_and_lines_keep_at_most_one_blank() {
        assert_eq!(normalize("  a \u{a0}  b  \r\n\r\n\r\n\n c\u{200b}d \t e\n"), "a b\n\nc d\te");
        assert_eq!(normalize("one\rtwo\r\nthree"), "one\ntwo\nthree");
    }

    #[test]
    fn output_is_cut_at_a_char_boundary() {
        let long = "é".repeat(MAX_TEXT_BYTES);
        let got = normalize(&long);
        assert!(got.len() <= MAX_TEXT_BYTES);
        assert!(got.len() >= MAX_TEXT_BYTES - 4);
    }

    #[test]
    fn the_sink_stops_at_its_limit() {
        let mut sink = TextSink::new();
        let chunk = "ü".repeat(1000);
        while !sink.is_full() {
            sink.push(&chunk);
        }
        assert!(sink.raw.len() <= RAW_LIMIT);
        assert!(sink.finish().len() <= MAX_TEXT_BYTES);
    }

    #[test]
    fn titles_are_one_line_or_none() {
        assert_eq!(title("  The\n Road\tto Emmaus "), Some("The Road to Emmaus".to_owned()));
        assert_eq!(title(" \u{200b} \n"), None);
    }
}

//! HTML: the text a reader would see, and `<title>` as the title.
//!
//! A spec-conformant tokenizer (html5gum) rather than a tree builder: visible text needs only the
//! token stream, entity decoding and the raw-text states that keep `<script>` bodies out of it.

use html5gum::{DefaultEmitter, Token, Tokenizer};

use crate::Extracted;
use crate::plain::decode;
use crate::text::{TextSink, title};

/// A page with more markup than this is not a page people upload to be read; visible text is
/// usually a small part of it, so the limit is far above the text limit.
const HTML_LIMIT: usize = 64 * 1024 * 1024;

/// Elements whose content is never shown as text.
const HIDDEN: &[&[u8]] = &[b"script", b"style", b"template", b"noscript"];

/// Elements that start and end a line of text.
const BLOCKS: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"blockquote",
    b"body",
    b"caption",
    b"dd",
    b"details",
    b"dialog",
    b"div",
    b"dl",
    b"dt",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"footer",
    b"form",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"header",
    b"hr",
    b"li",
    b"main",
    b"nav",
    b"ol",
    b"option",
    b"p",
    b"pre",
    b"section",
    b"summary",
    b"table",
    b"tbody",
    b"textarea",
    b"tfoot",
    b"thead",
    b"tr",
    b"ul",
];

pub(crate) fn extract(bytes: &[u8]) -> Extracted {
    let source = decode(bytes, HTML_LIMIT);
    let mut sink = TextSink::new();
    let mut raw_title = String::new();
    collect(&source, &mut sink, Some(&mut raw_title));
    Extracted { text: sink.finish(), title: title(&raw_title), parts: 1 }
}

/// Pushes the visible text of `source` into `sink`; the first `<title>` goes into `title` when
/// one is asked for. Also used for raw HTML inside Markdown.
pub(crate) fn collect(source: &str, sink: &mut TextSink, mut title: Option<&mut String>) {
    let mut emitter = DefaultEmitter::default();
    // Switches to the raw-text states after <script>, <style>, <title> and the like, as a browser
    // does, so `if (a<b)` in a script is not read as a tag.
    emitter.naively_switch_states(true);
    let mut hidden = 0_u32;
    let mut preformatted = 0_u32;
    let mut in_title = false;
    let mut title_seen = false;
    for token in Tokenizer::new_with_emitter(source, emitter) {
        let token = match token {
            Ok(token) => token,
            Err(never) => match never {},
        };
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.as_slice();
                if tag.self_closing {
                    // `<br/>` and `<hr/>` still break lines; a self-closed `<script/>` hides nothing.
                } else if HIDDEN.contains(&name) {
                    hidden += 1;
                } else if name == b"title" {
                    in_title = !title_seen;
                } else if name == b"pre" || name == b"textarea" {
                    preformatted += 1;
                }
                if name == b"br" {
                    sink.push_char('\n');
                } else if BLOCKS.contains(&name) {
                    sink.line_break();
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.as_slice();
                if HIDDEN.contains(&name) {
                    hidden = hidden.saturating_sub(1);
                } else if name == b"title" {
                    title_seen |= in_title;
                    in_title = false;
                } else if name == b"pre" || name == b"textarea" {
                    preformatted = preformatted.saturating_sub(1);
                } else if name == b"td" || name == b"th" {
                    sink.push_char('\t');
                }
                if BLOCKS.contains(&name) {
                    sink.line_break();
                }
            }
            Token::String(text) if hidden == 0 => {
                let text = String::from_utf8_lossy(&text);
                if in_title {
                    if let Some(title) = title.as_deref_mut() {
                        title.push_str(&text);
                    }
                } else if preformatted > 0 {
                    sink.push(&text);
                } else {
                    // Line ends in HTML source are spaces on the page.
                    sink.push(&text.replace(['\n', '\r', '\t'], " "));
                }
            }
            _ => {}
        }
        if sink.is_full() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> Extracted {
        extract(html.as_bytes())
    }

    #[test]
    fn scripts_styles_and_templates_are_hidden() {
        let got = text(
            "<html><head><title>Road &amp; Way</title><style>p{color:red}</style></head><body>\
             <script>if (a<b) { document.write('<p>hidden</p>') }</script>\
             <p>Seen</p><template><p>Later</p></template><noscript>Enable it</noscript>\
             <p>Also&nbsp;seen</p></body></html>",
        );
        assert_eq!(got.text, "Seen\nAlso seen");
        assert_eq!(got.title.as_deref(), Some("Road & Way"));
    }

    #[test]
    fn blocks_break_lines_and_source_line_ends_are_spaces() {
        let got = text("<h1>Walk</h1><p>one\ntwo</p><ul><li>a</li><li>b<br>c</li></ul><pre>x\n  y</pre>");
        assert_eq!(got.text, "Walk\none two\na\nb\nc\nx\ny");
    }

    #[test]
    fn table_cells_are_separated() {
        let got = text("<table><tr><td>Name</td><td>Ruth</td></tr><tr><td>Town</td><td>Bethlehem</td></tr></table>");
        assert_eq!(got.text, "Name\tRuth\nTown\tBethlehem");
    }
}

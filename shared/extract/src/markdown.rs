//! Markdown: the text without its syntax, and the first level-1 heading as the title.
//!
//! Parsed with comrak (the same parser that renders notes), so what counts as syntax here is what
//! counts as syntax on the page.

use comrak::arena_tree::NodeEdge;
use comrak::nodes::NodeValue;
use comrak::{Arena, Options, parse_document};

use crate::Extracted;
use crate::plain::decode;
use crate::text::{TextSink, title};

/// Markdown is nearly all text, so little more than the text limit is worth parsing.
const MARKDOWN_LIMIT: usize = 4 * crate::MAX_TEXT_BYTES;

pub(crate) fn extract(bytes: &[u8]) -> Extracted {
    let source = decode(bytes, MARKDOWN_LIMIT);
    let mut options = Options::default();
    // The GitHub extensions people write in notes; front matter is metadata, not text.
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    options.extension.autolink = true;
    options.extension.front_matter_delimiter = Some("---".to_owned());
    let arena = Arena::new();
    let root = parse_document(&arena, &source, &options);

    let mut sink = TextSink::new();
    let mut raw_title: Option<String> = None;
    let mut heading: Option<String> = None;
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(node) => match &node.data().value {
                NodeValue::Heading(h) if h.level == 1 && raw_title.is_none() => heading = Some(String::new()),
                NodeValue::Text(text) => {
                    sink.push(text);
                    if let Some(heading) = heading.as_mut() {
                        heading.push_str(text);
                    }
                }
                NodeValue::Code(code) => {
                    sink.push(&code.literal);
                    if let Some(heading) = heading.as_mut() {
                        heading.push_str(&code.literal);
                    }
                }
                NodeValue::CodeBlock(block) => {
                    sink.line_break();
                    sink.push(&block.literal);
                }
                NodeValue::Math(math) => sink.push(&math.literal),
                NodeValue::HtmlBlock(block) => crate::html::collect(&block.literal, &mut sink, None),
                NodeValue::HtmlInline(html) => crate::html::collect(html, &mut sink, None),
                NodeValue::SoftBreak => sink.push_char(' '),
                NodeValue::LineBreak | NodeValue::ThematicBreak => sink.push_char('\n'),
                _ => {}
            },
            NodeEdge::End(node) => match &node.data().value {
                NodeValue::Heading(_) if heading.is_some() => {
                    raw_title = heading.take();
                    sink.line_break();
                }
                NodeValue::TableCell => sink.push_char('\t'),
                value if value.block() => sink.line_break(),
                _ => {}
            },
        }
        if sink.is_full() {
            break;
        }
    }
    Extracted { text: sink.finish(), title: raw_title.as_deref().and_then(title), parts: 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_is_removed_and_the_first_h1_is_the_title() {
        let got = extract(
            b"---\nauthor: x\n---\n# The *Road* to Emmaus\n\nTwo **walked**, [talking](https://example.org) and `reading`.\n\n\
              ## Later\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n\n```\nfn main() {}\n```\n\n# Second\n",
        );
        assert_eq!(got.title.as_deref(), Some("The Road to Emmaus"));
        assert_eq!(
            got.text,
            "The Road to Emmaus\nTwo walked, talking and reading.\nLater\none\ntwo\na\tb\nc\td\nfn main() {}\nSecond"
        );
    }

    #[test]
    fn no_h1_means_no_title() {
        assert_eq!(extract(b"## Only a subheading").title, None);
    }
}

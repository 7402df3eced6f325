//! Property-based fuzzing of the note renderer: whatever markdown a person writes, `to_html` and
//! `plain_text` return (never panic), and the HTML never carries an element or attribute that could
//! run script in the app's page: no raw tag from the note survives, and no link or image keeps a
//! `javascript:`, `vbscript:` or `data:` address.
//!
//! 64 cases per property by default, so the gate stays quick; `PROPTEST_CASES=5000` runs longer.

use emmaus_hub::markdown::{plain_text, to_html};
use emmaus_testkit::fuzz::config;
use proptest::prelude::*;

/// Pieces markdown and HTML are made of, so generated notes reach the renderer's corners (links,
/// images, raw HTML, autolinks, tables, fences, entities) far more often than random text would.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("> ".to_owned()),
        Just("- [ ] ".to_owned()),
        Just("1. ".to_owned()),
        Just("```\n".to_owned()),
        Just("| a | b |\n|---|---|\n| c | d |\n".to_owned()),
        Just("*".to_owned()),
        Just("~~".to_owned()),
        Just("`".to_owned()),
        Just("[".to_owned()),
        Just("](".to_owned()),
        Just(")".to_owned()),
        Just("![".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("&#106;".to_owned()),
        Just("&amp;".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("<a href=\"javascript:alert(1)\">x</a>".to_owned()),
        Just("[x](javascript:alert(1))".to_owned()),
        Just("[x](JaVaScRiPt:alert(1))".to_owned()),
        Just("[x]( javascript:alert(1) )".to_owned()),
        Just("[x](java\tscript:alert(1))".to_owned()),
        Just("![y](data:text/html;base64,PHNjcmlwdD4=)".to_owned()),
        Just("[z](vbscript:msgbox)".to_owned()),
        Just("<javascript:alert(1)>".to_owned()),
        Just("https://example.org/a?b=<c>".to_owned()),
        Just("[[Wiki|label]]".to_owned()),
        "[a-zA-Z0-9 ]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(16).collect()),
    ]
}

fn note() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|pieces| pieces.concat())
}

/// The elements the renderer writes for markdown; anything else would have come from the note.
const ELEMENTS: &[&str] = &[
    "p",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "input",
    "sup",
    "section",
];

/// Every real tag in rendered HTML (escaped text holds `&lt;`, never `<`): its name and its text.
fn tags(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let inside = &rest[..end];
        let name: String = inside.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
        found.push((name.to_ascii_lowercase(), inside.to_owned()));
        rest = &rest[end..];
    }
    found
}

/// Every `href="…"` and `src="…"` value in rendered HTML.
fn addresses(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            found.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    found
}

/// Whether an address (as the browser would decode its entities and strip its blanks) runs script.
fn runs_script(address: &str) -> bool {
    let decoded = address.replace("&#106;", "j").replace("&amp;", "&").replace("&#x6A;", "j");
    let squeezed: String =
        decoded.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
    ["javascript:", "vbscript:", "data:"].iter().any(|scheme| squeezed.starts_with(scheme))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rendered_notes_never_carry_script(markdown in note()) {
        let html = to_html(&markdown);
        for (name, inside) in tags(&html) {
            prop_assert!(ELEMENTS.contains(&name.as_str()), "<{inside}> in {html:?} from {markdown:?}");
            // Attribute names only: quoted values (escaped text, as in an image's alt) are dropped first.
            let names: String = inside.split('"').step_by(2).collect::<Vec<_>>().join(" ");
            let handler = names.to_ascii_lowercase().split_whitespace().any(|part| part.starts_with("on") && part.contains('='));
            prop_assert!(!handler, "an event handler in <{inside}> from {markdown:?}");
        }
        for address in addresses(&html) {
            prop_assert!(!runs_script(&address), "{address:?} in {html:?} from {markdown:?}");
        }
    }

    #[test]
    fn plain_text_takes_any_note(markdown in note()) {
        let words = plain_text(&markdown);
        prop_assert!(words.len() <= markdown.len() * 2 + 16, "{} bytes of words from {} of markdown", words.len(), markdown.len());
    }

    #[test]
    fn arbitrary_text_renders(text in any::<String>()) {
        let _ = to_html(&text);
        let _ = plain_text(&text);
    }
}

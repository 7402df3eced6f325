//! What a web page says of itself in its `<head>`: its title, its description and its preview
//! image, as link previews show them. Open Graph (`og:title`, `og:description`, `og:image`) first,
//! then Twitter's cards, then `<title>` and `<meta name="description">`. Only the head is read:
//! the first `<body>` ends the scan.

use html5gum::{DefaultEmitter, Token, Tokenizer};

use crate::plain::decode;
use crate::text::{normalize, title};

/// The most of a page read for its head.
const PAGE_LIMIT: usize = 2 * 1024 * 1024;
/// A description is a line or two under a link; longer ones are cut at a word.
pub const MAX_DESCRIPTION_CHARS: usize = 300;

/// A page's own account of itself; each part absent where the page says nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The preview image's address as the page wrote it (perhaps relative to the page).
    pub image: Option<String>,
}

/// Reads the head of an HTML page.
pub fn page_meta(bytes: &[u8]) -> PageMeta {
    let source = decode(bytes, PAGE_LIMIT);
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let (mut og, mut twitter, mut plain) = (PageMeta::default(), PageMeta::default(), PageMeta::default());
    let mut raw_title = String::new();
    let mut in_title = false;
    for token in Tokenizer::new_with_emitter(source.as_str(), emitter) {
        let token = match token {
            Ok(token) => token,
            Err(never) => match never {},
        };
        match token {
            Token::StartTag(tag) => match tag.name.as_slice() {
                b"body" => break,
                b"title" if plain.title.is_none() => in_title = true,
                b"meta" => {
                    let attribute = |name: &[u8]| {
                        tag.attributes
                            .get(name)
                            .map(|value| String::from_utf8_lossy(value).trim().to_owned())
                            .filter(|value| !value.is_empty())
                    };
                    let key =
                        attribute(b"property").or_else(|| attribute(b"name")).unwrap_or_default().to_ascii_lowercase();
                    let Some(content) = attribute(b"content") else { continue };
                    let slot = match key.as_str() {
                        "og:title" => &mut og.title,
                        "og:description" => &mut og.description,
                        "og:image" | "og:image:url" | "og:image:secure_url" => &mut og.image,
                        "twitter:title" => &mut twitter.title,
                        "twitter:description" => &mut twitter.description,
                        "twitter:image" | "twitter:image:src" => &mut twitter.image,
                        "description" => &mut plain.description,
                        _ => continue,
                    };
                    if slot.is_none() {
                        *slot = Some(content);
                    }
                }
                _ => {}
            },
            Token::EndTag(tag) if tag.name.as_slice() == b"title" && in_title => {
                in_title = false;
                plain.title = title(&raw_title);
            }
            Token::String(text) if in_title => raw_title.push_str(&String::from_utf8_lossy(&text)),
            _ => {}
        }
    }
    PageMeta {
        title: og.title.or(twitter.title).or(plain.title).and_then(|t| title(&t)),
        description: og.description.or(twitter.description).or(plain.description).and_then(|d| short(&d)),
        image: og.image.or(twitter.image),
    }
}

/// A description on one line, cut at a word past [`MAX_DESCRIPTION_CHARS`].
fn short(text: &str) -> Option<String> {
    let one_line = normalize(text).split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return None;
    }
    if one_line.chars().count() <= MAX_DESCRIPTION_CHARS {
        return Some(one_line);
    }
    let cut: String = one_line.chars().take(MAX_DESCRIPTION_CHARS).collect();
    let at_word = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{at_word}…"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_comes_first_then_twitter_then_the_plain_head() {
        let page = br#"<!doctype html><html><head>
            <title>Plain &amp; simple</title>
            <meta name="description" content="The plain description">
            <meta name="twitter:image" content="/card.png">
            <meta property="og:title" content="Walking to Emmaus">
            <meta property="OG:Description" content="  Two disciples on the road.  ">
            </head><body><meta property="og:image" content="/late.png"></body></html>"#;
        let meta = page_meta(page);
        assert_eq!(meta.title.as_deref(), Some("Walking to Emmaus"));
        assert_eq!(meta.description.as_deref(), Some("Two disciples on the road."));
        assert_eq!(meta.image.as_deref(), Some("/card.png"), "nothing past <body> is read");
        let plain = page_meta(b"<title>Only\n  a   title</title><meta name=description content='Said here'>");
        assert_eq!((plain.title.as_deref(), plain.description.as_deref()), (Some("Only a title"), Some("Said here")));
        assert_eq!(page_meta(b"not html at all"), PageMeta::default());
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        let long = format!("<meta name=description content='{}'>", "word ".repeat(100));
        let description = page_meta(long.as_bytes()).description.unwrap();
        assert!(description.ends_with("word…") && description.chars().count() <= MAX_DESCRIPTION_CHARS + 1);
    }
}

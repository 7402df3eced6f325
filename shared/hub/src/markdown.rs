//! Notes as people read them: markdown rendered to HTML that is safe to put in the app's page, and
//! the plain words a search indexes.
//!
//! Rendering is `CommonMark` with GitHub's tables, strikethrough, task lists and autolinks. Raw HTML
//! in a note is shown as text, never passed through, and links or images whose address is not
//! `http`, `https`, `mailto` or relative (`javascript:`, `data:`) are dropped by the renderer, so
//! what a note holds cannot run script in the app's origin.

use comrak::{Options, markdown_to_html};

/// The note as HTML for the viewer.
pub fn to_html(markdown: &str) -> String {
    markdown_to_html(markdown, &options())
}

/// [`to_html`] with an id on every heading (`prefix` and the heading's words, as GitHub makes
/// them), which links to a heading of the note open.
pub fn to_html_with_heading_ids(markdown: &str, prefix: &str) -> String {
    let mut options = options();
    options.extension.header_id_prefix = Some(prefix.to_owned());
    options.extension.header_id_prefix_in_href = true;
    markdown_to_html(markdown, &options)
}

fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.tasklist = true;
    options.extension.autolink = true;
    options.render.r#unsafe = false;
    // Raw HTML is shown as the text it is, rather than dropped with the words around it.
    options.render.escape = true;
    options
}

/// The library resources a note links to, by their address in the app (`/hub/<id>`, relative or
/// absolute), in order and each once, at most `max`: the index keeps them, so a resource can list
/// the notes that link to it (its backlinks) for the eyes of each reader.
pub fn linked_resources(markdown: &str, max: usize) -> Vec<String> {
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, markdown, &Options::default());
    let mut found: Vec<String> = Vec::new();
    for node in root.descendants() {
        let url = match &node.data.borrow().value {
            comrak::nodes::NodeValue::Link(link) => link.url.clone(),
            _ => continue,
        };
        if let Some(id) = resource_of(&url)
            && !found.contains(&id)
        {
            found.push(id);
            if found.len() == max {
                break;
            }
        }
    }
    found
}

/// The resource id of an address inside the library (`/hub/<id>`, perhaps after a scheme and
/// host, perhaps followed by a path, query or fragment); the library's own pages are not resources.
fn resource_of(url: &str) -> Option<String> {
    let path = match url.split_once("://") {
        Some(("http" | "https", rest)) => &rest[rest.find('/')?..],
        Some(_) => return None,
        None => url,
    };
    let id = path.strip_prefix("/hub/")?.split(['/', '?', '#']).next()?;
    let page = matches!(id, "new" | "trash" | "rules" | "import");
    (!page && emmaus_domain::validation::plausible_id(id)).then(|| id.to_owned())
}

/// The note's words without markdown's marks, for the search index and snippets: headings, quotes
/// and list markers, emphasis, code fences and inline HTML tags go; a link keeps its text, an image
/// its description, a wiki link (`[[Note|label]]`) its label.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line.trim_start();
        if line.starts_with("```") || line.starts_with("~~~") {
            out.push('\n');
            continue;
        }
        let line = line.trim_start_matches(['#', '>', ' ']);
        let line = strip_list_marker(line);
        inline(line, &mut out);
        out.push('\n');
    }
    out
}

fn strip_list_marker(line: &str) -> &str {
    for marker in ["- [ ] ", "- [x] ", "* [ ] ", "* [x] ", "- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest;
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) {
        return line[digits + 1..].trim_start();
    }
    line
}

/// One line's inline marks removed, appended to `out`.
fn inline(line: &str, out: &mut String) {
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("[[") {
            // A wiki link: its label, or its target without a heading or block anchor.
            if let Some(end) = after.find("]]") {
                let inner = &after[..end];
                let shown = inner.rsplit_once('|').map_or_else(|| inner.split('#').next().unwrap_or(inner), |(_, l)| l);
                out.push_str(shown);
                rest = &after[end + 2..];
                continue;
            }
        }
        if (c == '[' || rest.starts_with("!["))
            && let Some((text, after)) = link(rest)
        {
            inline(text, out);
            rest = after;
            continue;
        }
        if c == '<'
            && let Some(end) = rest.find('>')
            && rest[1..end].chars().all(|c| c != '<' && c != '\n')
        {
            let tag = &rest[1..end];
            // An autolink keeps its address; an HTML tag goes.
            if tag.starts_with("http://") || tag.starts_with("https://") || tag.contains('@') {
                out.push_str(tag);
            }
            rest = &rest[end + 1..];
            continue;
        }
        if matches!(c, '*' | '_' | '`' | '~' | '\\') {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
}

/// `[text](address)` or `![text](address)` at the start of `rest`: the text and what follows.
fn link(rest: &str) -> Option<(&str, &str)> {
    let open = if rest.starts_with("![") { 2 } else { 1 };
    let close = rest[open..].find("](")? + open;
    let end = rest[close + 2..].find(')')? + close + 2;
    Some((&rest[open..close], &rest[end + 1..]))
}

/// Text for HTML, in content or in an attribute: `&`, `<`, `>` and both quotes escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_script_links_never_render() {
        let html = to_html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        let html = to_html("# Grace\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~gone~~ https://example.org");
        assert!(html.contains("<h1>Grace</h1>") && html.contains("<table>") && html.contains("<del>gone</del>"));
        assert!(html.contains("<a href=\"https://example.org\">"), "{html}");
    }

    #[test]
    fn plain_text_keeps_the_words() {
        let text = plain_text(
            "# Grace *alone*\n> quoted `code`\n- item [link text](https://x.test) and ![a picture](p.png)\n\
             1. first <b>bold</b> [[Other note#Part|the label]] [[Plain]]\n```rust\nlet x = 1;\n```\n<https://auto.test>",
        );
        assert_eq!(
            text,
            "Grace alone\nquoted code\nitem link text and a picture\nfirst bold the label Plain\n\nlet x = 1;\n\nhttps://auto.test\n"
        );
    }

    #[test]
    fn links_to_library_resources_are_found_once_each() {
        let note = "See [the talk](/hub/01ABC) and [again](https://emmaus.example.org/hub/01ABC#part), \
                    [notes](/hub/02DEF/edit), [the trash](/hub/trash), [elsewhere](https://example.org/x/hub/03GHI), \
                    [mail](mailto:a@b.c), <https://emmaus.example.org/hub/04JKL?q=1> and `[code](/hub/05MNO)`.";
        assert_eq!(linked_resources(note, 64), ["01ABC", "02DEF", "04JKL"]);
        assert_eq!(linked_resources(note, 1), ["01ABC"]);
        assert!(linked_resources("no links", 64).is_empty());
    }

    #[test]
    fn unbalanced_marks_are_left_as_text() {
        assert_eq!(plain_text("a [b c <d"), "a [b c <d\n");
        assert_eq!(plain_text("[[open"), "[[open\n");
    }
}

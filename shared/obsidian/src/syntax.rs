//! The parts of a note's body a vault is built from: wikilinks, embeds, Markdown links to vault
//! files, inline tags, block ids and headings, found in one pass the way Obsidian finds them.
//!
//! Code (fenced blocks and inline spans), comments (`<!-- -->` and Obsidian's `%% %%`) and `$$`
//! math hold text that only looks like links and tags, so they are found first and nothing inside
//! them is reported. Indented code is not: notes rarely use it, and list items nested four spaces
//! deep would be lost with it. Everything is byte ranges into the body, never copies of it, except
//! the parts of a token people name (targets, labels, tag names).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use percent_encoding::percent_decode_str;

/// How a link is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkForm {
    /// `[[Note]]`, `![[image.png]]`
    Wiki,
    /// `[text](Note.md)`, `![alt](image.png)`
    Markdown,
}

/// What a link points at, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    /// The file as written (Markdown links percent-decoded); `""` for a link inside the same note
    /// (`[[#Heading]]`).
    pub path: String,
    /// `[[Note#A#B]]` is `B`: Obsidian's path of subheadings, of which the last one is the target.
    pub heading: Option<String>,
    /// `[[Note#^abc-1]]` is `abc-1`.
    pub block: Option<String>,
    /// The text after `|` (or a Markdown link's text); for embeds only when it is not a size.
    pub label: Option<String>,
    /// Embeds only: `|300` is `(300, None)`, `|300x200` is `(300, Some(200))`.
    pub size: Option<(u32, Option<u32>)>,
}

/// A link or an embed (`embed` when written with a leading `!`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkToken {
    pub span: Range<usize>,
    pub embed: bool,
    pub form: LinkForm,
    pub target: LinkTarget,
}

/// An inline `#tag`; `name` is without the `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagToken {
    pub span: Range<usize>,
    pub name: String,
}

/// A block id, ` ^id` at the end of a line; `span` starts at the whitespace before the caret (or
/// at the caret when the id is alone on its line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockId {
    pub span: Range<usize>,
    pub id: String,
}

/// An ATX heading (`## Text`); `span` is its whole line, `text` without the marker, a closing run
/// of `#`s or a block id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub span: Range<usize>,
    pub level: u8,
    pub text: String,
}

/// Everything found in a body, each list in order of position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub links: Vec<LinkToken>,
    pub tags: Vec<TagToken>,
    pub blocks: Vec<BlockId>,
    pub headings: Vec<Heading>,
}

/// Scans a note's body (the text after its frontmatter). Spans are byte ranges into `body`, on
/// character boundaries, sorted and non-overlapping within each list.
pub fn scan(body: &str) -> Scan {
    let hidden = hidden_ranges(body);
    let mut scan = Scan::default();
    let mut first_relevant = 0;
    for line in lines(body).filter(|line| !line.is_empty()) {
        while first_relevant < hidden.len() && hidden[first_relevant].end <= line.start {
            first_relevant += 1;
        }
        let overlapping = hidden[first_relevant..].iter().take_while(|range| range.start < line.end);
        let visible = visible_parts(line.clone(), overlapping);
        let Some(first) = visible.first() else { continue };
        if first.start == line.start
            && let Some((level, text)) = heading(&body[line.clone()])
        {
            scan.headings.push(Heading { span: line.clone(), level, text });
        }
        for part in &visible {
            scan_inline(body, part.clone(), &mut scan);
        }
        if let Some((within_line, id)) = block_id(&body[line.clone()]) {
            let id_span = line.start + within_line.start..line.start + within_line.end;
            if visible.iter().any(|part| part.start <= id_span.start && id_span.end <= part.end) {
                scan.blocks.push(BlockId { span: id_span, id: id.to_owned() });
            }
        }
    }
    scan
}

/// The text under the heading whose text is `heading` (compared case-insensitively, whitespace
/// trimmed and collapsed), heading line included, up to the next heading of the same or a higher
/// level; trailing whitespace left out.
pub fn section<'a>(body: &'a str, heading: &str) -> Option<&'a str> {
    let wanted = heading_key(heading);
    let headings = scan(body).headings;
    let index = headings.iter().position(|found| heading_key(&found.text) == wanted)?;
    let found = &headings[index];
    let end =
        headings[index + 1..].iter().find(|next| next.level <= found.level).map_or(body.len(), |next| next.span.start);
    Some(body[found.span.start..end].trim_end())
}

fn heading_key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The block that ends with ` ^id`, without the id: the list item or heading on that line, or the
/// paragraph the line ends. An id alone on its line (after a list, table or quote) means the
/// block above it, up to the blank line before. Trailing whitespace left out.
pub fn block<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let found = scan(body).blocks.into_iter().find(|block| block.id.eq_ignore_ascii_case(id))?;
    let line_start = body[..found.span.start].rfind('\n').map_or(0, |at| at + 1);
    let before_id = &body[line_start..found.span.start];
    if before_id.trim().is_empty() {
        let above_end = body[..line_start].trim_end().len();
        if above_end == 0 {
            return None;
        }
        let start = block_start(body, above_end, |line| heading(line).is_some());
        return Some(&body[start..above_end]);
    }
    if is_list_item(before_id) || heading(before_id).is_some() {
        return Some(before_id.trim_end());
    }
    let start = block_start(body, line_start, |line| heading(line).is_some() || is_list_item(line));
    Some(body[start..found.span.start].trim_end())
}

/// The start of the run of non-blank lines that holds byte `at`, going up until a blank line or a
/// line for which `ends_above` is true.
fn block_start(body: &str, at: usize, ends_above: impl Fn(&str) -> bool) -> usize {
    let mut start = body[..at].rfind('\n').map_or(0, |newline| newline + 1);
    while start > 0 {
        let above_start = body[..start - 1].rfind('\n').map_or(0, |newline| newline + 1);
        let above = &body[above_start..start - 1];
        if above.trim().is_empty() || ends_above(above) {
            break;
        }
        start = above_start;
    }
    start
}

fn is_list_item(line: &str) -> bool {
    let item = line.trim_start();
    if item.starts_with("- ") || item.starts_with("* ") || item.starts_with("+ ") {
        return true;
    }
    let digits = item.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && (item[digits..].starts_with(". ") || item[digits..].starts_with(") "))
}

/// Each line's range, without its line break (`\n` or `\r\n`).
fn lines(body: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    body.split_inclusive('\n').map(move |line| {
        let line_start = start;
        start += line.len();
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        line_start..line_start + content.len()
    })
}

/// The parts of `line` outside the hidden ranges (sorted, each one overlapping the line).
fn visible_parts<'r>(line: Range<usize>, hidden: impl Iterator<Item = &'r Range<usize>>) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut at = line.start;
    for range in hidden {
        if range.start > at {
            parts.push(at..range.start.min(line.end));
        }
        at = at.max(range.end);
        if at >= line.end {
            break;
        }
    }
    if at < line.end {
        parts.push(at..line.end);
    }
    parts.retain(|part| !part.is_empty());
    parts
}

/// A construct that runs until its closing text.
#[derive(Clone, Copy)]
enum Open {
    /// A fenced code block: its fence character and length.
    Fence { marker: u8, length: usize },
    /// A comment or math block, up to the closing text.
    Until(&'static str),
}

/// The byte ranges whose text is not Markdown for our purposes: fenced code, inline code,
/// comments and math, delimiters included; sorted and disjoint. An unclosed one runs to the end.
fn hidden_ranges(body: &str) -> Vec<Range<usize>> {
    let mut hidden = Vec::new();
    let mut open: Option<(usize, Open)> = None;
    for line in lines(body) {
        let content = &body[line.clone()];
        match open {
            Some((start, Open::Fence { marker, length })) => {
                if closes_fence(content, marker, length) {
                    hidden.push(start..line.end);
                    open = None;
                }
                continue;
            }
            None => {
                if let Some((marker, length)) = opens_fence(content) {
                    open = Some((line.start, Open::Fence { marker, length }));
                    continue;
                }
            }
            Some((_, Open::Until(_))) => {}
        }
        let mut at = line.start;
        let mut backtick_runs = None;
        while at < line.end {
            if let Some((start, Open::Until(closer))) = open {
                match body[at..line.end].find(closer) {
                    Some(found) => {
                        at += found + closer.len();
                        hidden.push(start..at);
                        open = None;
                    }
                    None => at = line.end,
                }
                continue;
            }
            let rest = &body[at..line.end];
            match rest.as_bytes()[0] {
                b'\\' => at += 1 + rest[1..].chars().next().map_or(0, char::len_utf8),
                b'`' => {
                    let run = rest.bytes().take_while(|&b| b == b'`').count();
                    let runs = backtick_runs.get_or_insert_with(|| BacktickRuns::of(&body[line.clone()], line.start));
                    match runs.next(run, at + run) {
                        Some(close) => {
                            hidden.push(at..close + run);
                            at = close + run;
                        }
                        None => at += run,
                    }
                }
                b'<' if rest.starts_with("<!--") => {
                    open = Some((at, Open::Until("-->")));
                    at += "<!--".len();
                }
                b'%' if rest.starts_with("%%") => {
                    open = Some((at, Open::Until("%%")));
                    at += "%%".len();
                }
                b'$' if rest.starts_with("$$") => {
                    open = Some((at, Open::Until("$$")));
                    at += "$$".len();
                }
                _ => at += rest.chars().next().map_or(1, char::len_utf8),
            }
        }
    }
    if let Some((start, _)) = open {
        hidden.push(start..body.len());
    }
    hidden
}

/// Every run of backticks in a line by its length, so the run closing an inline code span (the
/// next one of the same length) is found without searching the line again for each opening run.
struct BacktickRuns(BTreeMap<usize, Vec<usize>>);

impl BacktickRuns {
    /// The runs in `line`, which starts at `offset` in the body.
    fn of(line: &str, offset: usize) -> Self {
        let mut runs: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let bytes = line.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let length = bytes[at..].iter().take_while(|&&b| b == b'`').count();
            if length > 0 {
                runs.entry(length).or_default().push(offset + at);
                at += length;
            } else {
                at += 1;
            }
        }
        Self(runs)
    }

    /// Where the first run of exactly `length` backticks at or after `from` starts.
    fn next(&self, length: usize, from: usize) -> Option<usize> {
        let starts = self.0.get(&length)?;
        starts.get(starts.partition_point(|&start| start < from)).copied()
    }
}

/// Leading spaces and quote markers, so code inside list items and block quotes is found too.
fn fence_text(line: &str) -> &str {
    line.trim_start_matches([' ', '\t', '>'])
}

fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let text = fence_text(line);
    let marker = *text.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let length = text.bytes().take_while(|&b| b == marker).count();
    // A backtick in the info string makes the line inline code instead (```js``` on one line).
    let info_ok = marker == b'~' || !text[length..].contains('`');
    (length >= 3 && info_ok).then_some((marker, length))
}

fn closes_fence(line: &str, marker: u8, length: usize) -> bool {
    let text = fence_text(line);
    let run = text.bytes().take_while(|&b| b == marker).count();
    run >= length && text[run..].trim().is_empty()
}

/// An ATX heading's level and text: up to three spaces, one to six `#`s, then a space or tab (or
/// nothing); a trailing block id and closing `#`s are not part of the text. Empty headings are not
/// reported, since nothing can link to them.
fn heading(line: &str) -> Option<(u8, String)> {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let marked = &line[indent..];
    let level = marked.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &marked[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut text = rest.trim_end();
    if let Some((span, _)) = block_id(text) {
        text = text[..span.start].trim_end();
    }
    let without_closing = text.trim_end_matches('#');
    if without_closing.is_empty() || without_closing.ends_with([' ', '\t']) {
        text = without_closing;
    }
    let text = text.trim();
    (!text.is_empty()).then(|| (level as u8, text.to_owned()))
}

/// A block id at the end of `line`: whitespace, `^`, letters, digits and `-`, then only trailing
/// whitespace; or the id alone on the line. Its span (within the line) and the id.
fn block_id(line: &str) -> Option<(Range<usize>, &str)> {
    let trimmed = line.trim_end();
    let caret = trimmed.rfind('^')?;
    let id = &trimmed[caret + 1..];
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let before = &trimmed[..caret];
    if before.trim().is_empty() {
        return Some((caret..trimmed.len(), id));
    }
    let space = before.chars().next_back().filter(|c| c.is_whitespace())?;
    Some((caret - space.len_utf8()..trimmed.len(), id))
}

/// Links, embeds and tags in a visible part of one line.
fn scan_inline(body: &str, part: Range<usize>, scan: &mut Scan) {
    let mut unclosed = Unclosed::default();
    let mut at = part.start;
    while at < part.end {
        let rest = &body[at..part.end];
        let next = match rest.as_bytes()[0] {
            b'\\' => Some(at + 1 + rest[1..].chars().next().map_or(0, char::len_utf8)),
            b'!' if rest.starts_with("![[") => wikilink(body, at, part.end, scan),
            b'!' if rest.starts_with("![") => markdown_link(body, at, part.end, scan, &mut unclosed),
            b'[' if rest.starts_with("[[") => wikilink(body, at, part.end, scan),
            b'[' => markdown_link(body, at, part.end, scan, &mut unclosed),
            b'h' | b'H' if starts_with_url(rest) => Some(at + rest.find(char::is_whitespace).unwrap_or(rest.len())),
            b'#' => tag(body, at, part.end, scan),
            _ => None,
        };
        at = next.unwrap_or_else(|| at + rest.chars().next().map_or(1, char::len_utf8));
    }
}

fn starts_with_url(text: &str) -> bool {
    let prefix = |scheme: &str| text.get(..scheme.len()).is_some_and(|start| start.eq_ignore_ascii_case(scheme));
    prefix("http://") || prefix("https://")
}

/// A wikilink or embed starting at `start` (at `[[` or `![[`): pushes it and returns where it
/// ends, or `None` when the text there is not one.
fn wikilink(body: &str, start: usize, limit: usize, scan: &mut Scan) -> Option<usize> {
    let embed = body.as_bytes()[start] == b'!';
    let inner_start = start + if embed { 3 } else { 2 };
    let close = wikilink_close(body.as_bytes(), inner_start, limit)?;
    let inner = &body[inner_start..close];
    if inner.trim().is_empty() {
        return None;
    }
    let (target, label) = match inner.split_once('|') {
        // In a table the pipe is escaped (`[[Note\|label]]`); the backslash is not the target's.
        Some((target, label)) => (target.strip_suffix('\\').unwrap_or(target), Some(label)),
        None => (inner, None),
    };
    let (path, fragment) = target.split_once('#').map_or((target, None), |(path, fragment)| (path, Some(fragment)));
    let target = link_target(path.trim().to_owned(), fragment.map(Cow::Borrowed), label, embed)?;
    let end = close + 2;
    scan.links.push(LinkToken { span: start..end, embed, form: LinkForm::Wiki, target });
    Some(end)
}

/// The index of the `]]` closing a wikilink whose inner text starts at `from`, searched up to
/// `to`; `None` when a `[[` comes first (the inner text may not hold one). Stopping there also
/// keeps a line of many `[[` linear: no byte is searched twice.
fn wikilink_close(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut at = from;
    while at + 1 < to {
        match (bytes[at], bytes[at + 1]) {
            (b']', b']') => return Some(at),
            (b'[', b'[') => return None,
            _ => at += 1,
        }
    }
    None
}

/// A target from its parts; `None` when it names nothing (`[[|label]]`).
fn link_target(path: String, fragment: Option<Cow<'_, str>>, label: Option<&str>, embed: bool) -> Option<LinkTarget> {
    let (heading, block) = fragment.map_or((None, None), |fragment| {
        let last = fragment.rsplit('#').next().unwrap_or_default().trim();
        match last.strip_prefix('^') {
            Some(block) => (None, non_empty(block)),
            None => (non_empty(last), None),
        }
    });
    if path.is_empty() && heading.is_none() && block.is_none() {
        return None;
    }
    let label = label.and_then(non_empty);
    let (label, size) = match label.as_deref().filter(|_| embed).and_then(size) {
        Some(size) => (None, Some(size)),
        None => (label, None),
    };
    Some(LinkTarget { path, heading, block, label, size })
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `300` or `300x200`, an embed's size.
fn size(text: &str) -> Option<(u32, Option<u32>)> {
    let number = |digits: &str| -> Option<u32> {
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
    };
    match text.split_once('x') {
        Some((width, height)) => Some((number(width)?, Some(number(height)?))),
        None => Some((number(text)?, None)),
    }
}

/// A Markdown link or image starting at `start` (at `[` or `![`). Pushes it when it points into
/// the vault, and returns where it ends whether it does or not, so nothing in an external link's
/// text is taken for a tag; `None` when the text there is not a link.
fn markdown_link(body: &str, start: usize, limit: usize, scan: &mut Scan, unclosed: &mut Unclosed) -> Option<usize> {
    let bytes = &body.as_bytes()[..limit];
    let image = bytes[start] == b'!';
    let text_start = start + if image { 2 } else { 1 };
    let text_end = link_text_end(bytes, text_start)?;
    if bytes.get(text_end + 1) != Some(&b'(') {
        return None;
    }
    let (destination, end) = destination(bytes, text_end + 2, unclosed)?;
    let destination = &body[destination];
    if let Some((path, fragment)) = vault_destination(destination) {
        let text = &body[text_start..text_end];
        let (label, size_text) = match text.rsplit_once('|') {
            Some((alt, size_text)) if image && size(size_text.trim()).is_some() => (alt, Some(size_text)),
            _ => (text, None),
        };
        if let Some(mut target) =
            link_target(percent_decoded(path), fragment.map(percent_decoded).map(Cow::Owned), Some(label), false)
        {
            target.size = size_text.and_then(|text| size(text.trim()));
            scan.links.push(LinkToken { span: start..end, embed: image, form: LinkForm::Markdown, target });
        }
    }
    Some(end)
}

/// The index of the `]` closing a link's text, which may hold one level of nested brackets.
fn link_text_end(bytes: &[u8], text_start: usize) -> Option<usize> {
    let mut depth = 0;
    let mut at = text_start;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 1,
            b'[' if depth == 1 => return None,
            b'[' => depth += 1,
            b']' if depth == 0 => return Some(at),
            b']' => depth -= 1,
            _ => {}
        }
        at += 1;
    }
    None
}

/// What failed searches for the end of a link proved about the rest of the same part of a line,
/// so a line of many unclosed `[x](` is read in linear time instead of quadratic.
#[derive(Default)]
struct Unclosed {
    /// A plain destination that starts before this index cannot be closed: one starting earlier
    /// ran up to here without meeting a `)`, and everything after it failed.
    destination_until: usize,
    /// The closing characters of titles (`"`, `'`, `)`) that no longer occur in the part.
    titles: Vec<u8>,
}

/// A link destination from just after `(`: the destination's range (without `<>`) and the index
/// after the closing `)`. A title after the destination is skipped.
fn destination(bytes: &[u8], open: usize, unclosed: &mut Unclosed) -> Option<(Range<usize>, usize)> {
    let skip_spaces = |mut at: usize| {
        while bytes.get(at).is_some_and(|&b| b == b' ' || b == b'\t') {
            at += 1;
        }
        at
    };
    let mut at = skip_spaces(open);
    let mut closable = true;
    let range = if bytes.get(at) == Some(&b'<') {
        let close = at + 1 + bytes[at + 1..].iter().position(|&b| b == b'>' || b == b'<')?;
        if bytes[close] != b'>' {
            return None;
        }
        let range = at + 1..close;
        at = close + 1;
        range
    } else {
        if at < unclosed.destination_until {
            return None;
        }
        let dest_start = at;
        let mut parentheses = 0_usize;
        let mut met_closing = false;
        while let Some(&b) = bytes.get(at) {
            match b {
                b'\\' => at += 1,
                b'(' => parentheses += 1,
                b')' if parentheses == 0 => break,
                b')' => {
                    parentheses -= 1;
                    met_closing = true;
                }
                b' ' | b'\t' => break,
                _ => {}
            }
            at += 1;
        }
        // A backslash as the last byte steps past the end; the destination stops at the end.
        at = at.min(bytes.len());
        closable = met_closing || bytes.get(at) == Some(&b')');
        dest_start..at
    };
    let dest_end = at;
    let end = title_and_close(bytes, skip_spaces(at), unclosed, skip_spaces);
    if end.is_none() && !closable {
        // Any plain destination starting inside this one runs to the same end, to the same
        // failure.
        unclosed.destination_until = dest_end;
    }
    end.map(|end| (range, end))
}

/// After a destination: an optional title, then `)`; the index after the `)`.
fn title_and_close(
    bytes: &[u8],
    mut at: usize,
    unclosed: &mut Unclosed,
    skip_spaces: impl Fn(usize) -> usize,
) -> Option<usize> {
    if let Some(&quote @ (b'"' | b'\'' | b'(')) = bytes.get(at) {
        let closing = if quote == b'(' { b')' } else { quote };
        if unclosed.titles.contains(&closing) {
            return None;
        }
        let Some(length) = bytes[at + 1..].iter().position(|&b| b == closing) else {
            unclosed.titles.push(closing);
            return None;
        };
        at = skip_spaces(at + 1 + length + 1);
    }
    (bytes.get(at) == Some(&b')')).then_some(at + 1)
}

/// The path and fragment of a destination inside the vault; `None` for other destinations: a
/// URL (any `scheme:`), a fragment of the same page (`#x`), a server path of the hub itself
/// (`/hub/...`) or of another host (`//host/...`).
fn vault_destination(destination: &str) -> Option<(&str, Option<&str>)> {
    let destination = destination.trim();
    if destination.is_empty()
        || destination.starts_with('#')
        || destination.starts_with("/hub/")
        || destination.starts_with("//")
        || has_scheme(destination)
    {
        return None;
    }
    Some(destination.split_once('#').map_or((destination, None), |(path, fragment)| (path, Some(fragment))))
}

fn has_scheme(destination: &str) -> bool {
    let Some(colon) = destination.find(':') else { return false };
    let scheme = &destination.as_bytes()[..colon];
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Percent-decoded text; undecodable escapes, or bytes that decode to invalid UTF-8, as written.
fn percent_decoded(text: &str) -> String {
    percent_decode_str(text).decode_utf8().map_or_else(|_| text.to_owned(), Cow::into_owned)
}

/// A tag at `start` (at `#`): pushes it and returns where it ends, or `None` when the `#` does not
/// start one.
fn tag(body: &str, start: usize, limit: usize, scan: &mut Scan) -> Option<usize> {
    let before = body[..start].chars().next_back();
    if before.is_some_and(|c| !(c.is_whitespace() || c == '(' || c == ',')) {
        return None;
    }
    let name_start = start + 1;
    let run = body[name_start..limit]
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '/')))
        .map_or(limit, |length| name_start + length);
    if body[run..].starts_with('#') {
        return None;
    }
    let name = body[name_start..run].trim_end_matches('/');
    if name.is_empty() || name.chars().all(char::is_numeric) {
        return None;
    }
    let end = name_start + name.len();
    scan.tags.push(TagToken { span: start..end, name: name.to_owned() });
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(path: &str) -> LinkTarget {
        LinkTarget { path: path.to_owned(), heading: None, block: None, label: None, size: None }
    }

    fn targets(body: &str) -> Vec<(bool, LinkForm, LinkTarget)> {
        scan(body).links.into_iter().map(|token| (token.embed, token.form, token.target)).collect()
    }

    fn only_target(body: &str) -> LinkTarget {
        let mut links = scan(body).links;
        assert_eq!(links.len(), 1, "{body}: {links:?}");
        links.remove(0).target
    }

    fn tag_names(body: &str) -> Vec<String> {
        scan(body).tags.into_iter().map(|tag| tag.name).collect()
    }

    #[test]
    fn wikilink_forms() {
        assert_eq!(only_target("see [[Note]] here"), link("Note"));
        assert_eq!(only_target("[[Note|the label]]"), LinkTarget { label: Some("the label".into()), ..link("Note") });
        assert_eq!(only_target("[[Note#Heading]]"), LinkTarget { heading: Some("Heading".into()), ..link("Note") });
        assert_eq!(only_target("[[Note#A#B]]"), LinkTarget { heading: Some("B".into()), ..link("Note") });
        assert_eq!(only_target("[[Note#^abc-1]]"), LinkTarget { block: Some("abc-1".into()), ..link("Note") });
        assert_eq!(only_target("[[folder/Note]]"), link("folder/Note"));
        assert_eq!(
            only_target("[[ Note # Heading | label ]]"),
            LinkTarget { heading: Some("Heading".into()), label: Some("label".into()), ..link("Note") }
        );
        assert_eq!(only_target("[[#Heading]]"), LinkTarget { heading: Some("Heading".into()), ..link("") });
        assert_eq!(only_target("| [[Note\\|label]] |"), LinkTarget { label: Some("label".into()), ..link("Note") });
        assert_eq!(
            only_target("[[Note|300]]"),
            LinkTarget { label: Some("300".into()), ..link("Note") },
            "a size only on embeds"
        );
    }

    #[test]
    fn embeds_and_sizes() {
        let body = "![[img.png|300]] ![[img.png|300x200]] ![[doc.pdf]] ![[Note#Heading]] ![[img.png|a cat]]";
        let found = targets(body);
        assert!(found.iter().all(|(embed, form, _)| *embed && *form == LinkForm::Wiki));
        let found: Vec<LinkTarget> = found.into_iter().map(|(_, _, target)| target).collect();
        assert_eq!(
            found,
            [
                LinkTarget { size: Some((300, None)), ..link("img.png") },
                LinkTarget { size: Some((300, Some(200))), ..link("img.png") },
                link("doc.pdf"),
                LinkTarget { heading: Some("Heading".into()), ..link("Note") },
                LinkTarget { label: Some("a cat".into()), ..link("img.png") },
            ]
        );
        let spans: Vec<_> = scan(body).links.into_iter().map(|token| token.span).collect();
        assert_eq!(&body[spans[0].clone()], "![[img.png|300]]");
    }

    #[test]
    fn not_wikilinks() {
        for body in ["\\[[Note]]", "[[]]", "[[ ]]", "[[a\nb]]", "[[unclosed", "[[|label]]"] {
            assert!(scan(body).links.is_empty(), "{body}");
        }
        assert_eq!(only_target("[[a [[b]]"), link("b"));
    }

    #[test]
    fn markdown_links_into_the_vault() {
        let found = only_target("[x](My%20Note.md)");
        assert_eq!(found, LinkTarget { label: Some("x".into()), ..link("My Note.md") });
        let found = only_target("[x](../other/Note.md#Head)");
        assert_eq!(
            found,
            LinkTarget { heading: Some("Head".into()), label: Some("x".into()), ..link("../other/Note.md") }
        );
        let found = only_target("[x](Note.md#^blk \"title\")");
        assert_eq!(found, LinkTarget { block: Some("blk".into()), label: Some("x".into()), ..link("Note.md") });
        let found = only_target("[a [nested] text](<folder/My Note.md>)");
        assert_eq!(found, LinkTarget { label: Some("a [nested] text".into()), ..link("folder/My Note.md") });
        assert_eq!(only_target("[x](bad%zz%C3.md)").path, "bad%zz%C3.md", "invalid encodings as written");
        assert_eq!(only_target("[x](/root/Note.md)").path, "/root/Note.md");
        assert_eq!(only_target("[x](Note_(1).md)").path, "Note_(1).md");
        let [token] = scan("[x](a.md)").links.try_into().unwrap();
        assert_eq!((token.embed, token.form, token.span), (false, LinkForm::Markdown, 0..9));
    }

    #[test]
    fn markdown_images() {
        let [token] = scan("![](img.png)").links.try_into().unwrap();
        assert_eq!((token.embed, token.form, token.target), (true, LinkForm::Markdown, link("img.png")));
        let found = only_target("![a cat|300x200](cat.png)");
        assert_eq!(found, LinkTarget { label: Some("a cat".into()), size: Some((300, Some(200))), ..link("cat.png") });
        let found = only_target("![|300](cat.png)");
        assert_eq!(found, LinkTarget { size: Some((300, None)), ..link("cat.png") });
        assert_eq!(only_target("[a|300](x.md)").size, None, "sizes on images only");
    }

    #[test]
    fn external_and_same_page_links_are_not_vault_links() {
        let body = "[a](https://x.org/a.md) [b](mailto:me@x.org) [c](obsidian://open?x) ![d](data:image/png;base64,AA) \
                    [e](#heading) [f](/hub/notes/1) [g](//cdn.x.org/a.png) [h]()";
        assert!(scan(body).links.is_empty(), "{:?}", scan(body).links);
    }

    #[test]
    fn nothing_inside_code_or_comments() {
        let body = "```\n[[a]] #t1\n```\n~~~~md\n[[b]]\n~~~\n#t2 still code\n~~~~\n`[[c]] #t3` ``x ` [[d]]``\n\
                    <!-- [[e]]\n#t4 -->%% [[f]] %%\n%%\n# Hidden\n[[g]]\n%%\n$$\n[[h]] #t5\n$$\n> ```\n> [[i]]\n> ```\n\
                    [[visible]] #seen";
        let scan = scan(body);
        let paths: Vec<_> = scan.links.iter().map(|token| token.target.path.as_str()).collect();
        assert_eq!(paths, ["visible"]);
        assert_eq!(scan.tags.iter().map(|tag| tag.name.as_str()).collect::<Vec<_>>(), ["seen"]);
        assert!(scan.headings.is_empty());
        assert!(super::scan("```\nunclosed [[x]]\n\n# no").links.is_empty());
        assert!(super::scan("```\nunclosed\n# no").headings.is_empty());
        assert!(super::scan("<!-- unclosed [[x]]").links.is_empty());
    }

    #[test]
    fn a_fence_closes_only_with_its_own_character_and_length() {
        let body = "````\n```\n[[in]]\n````\n[[out]]";
        assert_eq!(targets(body).into_iter().map(|(_, _, target)| target.path).collect::<Vec<_>>(), ["out"]);
        let body = "```\n~~~\n[[in]]\n```\n[[out]]";
        assert_eq!(targets(body).into_iter().map(|(_, _, target)| target.path).collect::<Vec<_>>(), ["out"]);
        assert_eq!(only_target("```js``` [[x]]").path, "x", "one-line backticks are inline code");
        assert_eq!(only_target("`unmatched [[x]]").path, "x", "an unmatched backtick is text");
    }

    #[test]
    fn inline_tags() {
        assert_eq!(tag_names("#one and #two/nested, (#three) x,#four"), ["one", "two/nested", "three", "four"]);
        assert_eq!(tag_names("#tag. #end/ #a_b-c #日本語 #v2"), ["tag", "end", "a_b-c", "日本語", "v2"]);
        assert!(tag_names("# Heading\n## Sub").is_empty(), "a heading is not a tag");
        assert!(tag_names("#123 #٣").is_empty(), "numbers only are not tags");
        assert_eq!(tag_names("#1984/2 #1-2"), ["1984/2", "1-2"], "a slash or dash is not a digit");
        assert!(tag_names("http://x.org/#frag a#b").is_empty(), "no whitespace before");
        assert!(tag_names("see https://x.org/ (#frag) https://x.org/a,#b").len() == 1, "bare URLs are skipped");
        assert!(tag_names("#a#b \\#escaped").is_empty());
        assert!(tag_names("[[Note#tag]] [text #t](x.md) [ext #u](https://x.org/#v) [[a| #w]]").is_empty());
        assert_eq!(tag_names("#tag\n#tag"), ["tag", "tag"]);
        let [tag] = scan("x #a/b/ y").tags.try_into().unwrap();
        assert_eq!(tag, TagToken { span: 2..6, name: "a/b".into() });
    }

    #[test]
    fn headings() {
        let body = "# One\ntext\n## Two ##\n###Not\n   #### Four ^blk\n####### seven\n#\n    # indented\n## C#\n#tag";
        let found: Vec<_> = scan(body).headings.into_iter().map(|heading| (heading.level, heading.text)).collect();
        assert_eq!(found, [(1, "One".into()), (2, "Two".into()), (4, "Four".into()), (2, "C#".into())]);
        assert_eq!(scan("# One\n").headings[0].span, 0..5);
        assert_eq!(scan("# About [[Note]] #tag").links.len(), 1);
        assert_eq!(scan("# About [[Note]] #tag").tags.len(), 1);
    }

    #[test]
    fn block_ids() {
        let body = "A paragraph ^para-1\n- item ^item\n\n> quote\n\n^quote\nnot^id\ntrailing ^spaces   \n`code ^x`";
        let blocks = scan(body).blocks;
        let ids: Vec<_> = blocks.iter().map(|block| block.id.as_str()).collect();
        assert_eq!(ids, ["para-1", "item", "quote", "spaces"]);
        assert_eq!(&body[blocks[0].span.clone()], " ^para-1");
        assert_eq!(&body[blocks[2].span.clone()], "^quote");
        assert!(scan("^bad_id\nx ^a.b").blocks.is_empty());
    }

    /// Each of these took quadratic time once (seconds for a 1 MB line); a regression shows as a
    /// slow test rather than a failing one.
    #[test]
    fn long_lines_of_unclosed_syntax_are_read_in_one_pass() {
        let runs: String = (1..300).map(|length| "`".repeat(length) + "a").collect();
        for line in
            ["[[".repeat(30_000), "[x](a".repeat(12_000), "[x](a (".repeat(9_000), "[x](a(b".repeat(9_000), runs]
        {
            let scan = scan(&line);
            assert!(scan.links.is_empty() && scan.tags.is_empty());
        }
    }

    #[test]
    fn spans_are_byte_ranges_into_the_body() {
        let body = "é [[Ünïcode]] #tág ^end";
        let scan = scan(body);
        assert_eq!(&body[scan.links[0].span.clone()], "[[Ünïcode]]");
        assert_eq!(&body[scan.tags[0].span.clone()], "#tág");
        assert_eq!(&body[scan.blocks[0].span.clone()], " ^end");
    }

    #[test]
    fn section_runs_to_the_next_heading_of_its_level() {
        let body = "intro\n# A\na text\n## Sub\nsub text\n# B\nb text\n";
        assert_eq!(section(body, "a"), Some("# A\na text\n## Sub\nsub text"));
        assert_eq!(section(body, "  SUB "), Some("## Sub\nsub text"));
        assert_eq!(section(body, "B"), Some("# B\nb text"));
        assert_eq!(section(body, "missing"), None);
        assert_eq!(section("```\n# A\n```", "A"), None);
    }

    #[test]
    fn block_finds_the_paragraph_item_or_block_above() {
        let body =
            "# H\nfirst line\nsecond line ^para\n\n- one\n- two ^item\n  - child\n\n| a | b |\n| - | - |\n\n^table\n";
        assert_eq!(block(body, "para"), Some("first line\nsecond line"));
        assert_eq!(block(body, "ITEM"), Some("- two"));
        assert_eq!(block(body, "table"), Some("| a | b |\n| - | - |"));
        assert_eq!(block(body, "missing"), None);
        assert_eq!(block("^alone", "alone"), None);
    }
}

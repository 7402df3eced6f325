//! A note's frontmatter: the YAML block at its top, split from the body and read into the fields
//! Obsidian gives meaning to (title, description, tags, aliases) and the rest as JSON properties.
//!
//! The YAML is read through the parser's event stream and the value tree is built here, so its
//! size is bounded as it is read: at most 64 KiB, 16 levels deep and 10,000 nodes, and without
//! anchors or aliases, whose expansion is how a few lines of YAML grow into gigabytes.

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

const MAX_YAML_BYTES: usize = 64 * 1024;
const MAX_DEPTH: usize = 16;
const MAX_NODES: usize = 10_000;

/// What a note's frontmatter says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frontmatter {
    /// `title`, trimmed; numbers and other scalars as written.
    pub title: Option<String>,
    /// `description`, or `summary` when there is no usable `description`.
    pub description: Option<String>,
    /// `tags` then `tag`: a list, or a string split on commas and whitespace; a leading `#`
    /// stripped, empty ones dropped, duplicates dropped, order kept.
    pub tags: Vec<String>,
    /// `aliases` then `alias`: a list, or a string split on commas; trimmed, empty and duplicate
    /// ones dropped.
    pub aliases: Vec<String>,
    /// Every other top-level key, and a known key whose value could not be used (a mapping as
    /// `title`): YAML as JSON, map keys as text, dates as the text they were written as.
    pub properties: Map<String, Value>,
}

/// A note split at the end of its frontmatter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences, or `None` when the note has no frontmatter.
    pub yaml: Option<&'a str>,
    /// The rest of the note, without a leading byte order mark.
    pub body: &'a str,
    /// Where `body` starts in the text.
    pub body_offset: usize,
}

/// Splits a note into its frontmatter and body.
///
/// Frontmatter is there when the first line (after an optional byte order mark) is `---`, and it
/// runs up to the next line that is `---` or `...`; trailing spaces and a CR are allowed on both.
/// Without a closing line there is no frontmatter and the whole text (less a byte order mark) is
/// the body, as Obsidian shows it.
pub fn split(text: &str) -> Split<'_> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let whole = Split { yaml: None, body: &text[start..], body_offset: start };
    let Some(first_line_end) = text[start..].find('\n').map(|at| start + at) else { return whole };
    if !is_fence(&text[start..first_line_end], "---") {
        return whole;
    }
    let yaml_start = first_line_end + 1;
    let mut line_start = yaml_start;
    loop {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |at| line_start + at);
        let line = &text[line_start..line_end];
        if is_fence(line, "---") || is_fence(line, "...") {
            let body_offset = (line_end + 1).min(text.len());
            return Split { yaml: Some(&text[yaml_start..line_start]), body: &text[body_offset..], body_offset };
        }
        if line_end == text.len() {
            return whole;
        }
        line_start = line_end + 1;
    }
}

fn is_fence(line: &str, fence: &str) -> bool {
    line.trim_end_matches([' ', '\t', '\r']) == fence
}

/// Why frontmatter could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrontmatterError {
    /// `line` counts from 1 at the first line of the YAML (the line after the opening `---`).
    #[error("the frontmatter is not valid YAML (line {line} of it): {message}")]
    Syntax { line: usize, message: String },
    #[error("the frontmatter is not a list of `key: value` properties")]
    NotAMapping,
    #[error("the frontmatter is larger than 64 KiB")]
    TooLarge,
    #[error("the frontmatter is nested more than 16 levels deep")]
    TooDeep,
    #[error("the frontmatter has more than 10,000 values")]
    TooManyNodes,
    #[error("the frontmatter uses YAML anchors or aliases (`&name`, `*name`), which are not accepted")]
    Anchors,
}

/// Reads frontmatter YAML (as [`split`] returns it). Empty YAML, or YAML of comments only, is an
/// empty [`Frontmatter`].
pub fn parse(yaml: &str) -> Result<Frontmatter, FrontmatterError> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(FrontmatterError::TooLarge);
    }
    let entries = match read_tree(yaml)? {
        None => return Ok(Frontmatter::default()),
        Some(Node::Map(entries)) => entries,
        Some(node) if node.is_null() => return Ok(Frontmatter::default()),
        Some(_) => return Err(FrontmatterError::NotAMapping),
    };
    Ok(fields(entries))
}

/// A YAML value as read, before it becomes JSON: scalars keep the text they were written as, so a
/// title of `1.50` stays `1.50` instead of becoming the number 1.5.
#[derive(Debug)]
enum Node {
    Scalar { text: String, plain: bool, forced_string: bool },
    List(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A collection being read.
enum Open {
    List(Vec<Node>),
    Map { entries: Vec<(Node, Node)>, key: Option<Node> },
}

/// The first document's root node, or `None` for an empty document.
fn read_tree(yaml: &str) -> Result<Option<Node>, FrontmatterError> {
    let mut parser = Parser::new_from_str(yaml);
    let mut open: Vec<Open> = Vec::new();
    let mut nodes = 0_usize;
    loop {
        let (event, _) = parser.next_token().map_err(|error| FrontmatterError::Syntax {
            line: error.marker().line(),
            message: error.info().to_owned(),
        })?;
        let finished = match event {
            Event::StreamEnd | Event::DocumentEnd => return Ok(None),
            Event::Alias(_) => return Err(FrontmatterError::Anchors),
            Event::Scalar(text, style, anchor, tag) => {
                count_node(&mut nodes, anchor)?;
                Node::Scalar { text, plain: style == TScalarStyle::Plain, forced_string: is_string_tag(tag.as_ref()) }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                count_node(&mut nodes, anchor)?;
                open.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::List(Vec::new())
                } else {
                    Open::Map { entries: Vec::new(), key: None }
                });
                if open.len() > MAX_DEPTH {
                    return Err(FrontmatterError::TooDeep);
                }
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(Open::List(items)) => Node::List(items),
                Some(Open::Map { entries, .. }) => Node::Map(entries),
                // The parser pairs starts and ends; an unpaired end would be its bug, not ours.
                None => return Err(FrontmatterError::Syntax { line: 0, message: "unexpected end".to_owned() }),
            },
            Event::StreamStart | Event::DocumentStart | Event::Nothing => continue,
        };
        match open.last_mut() {
            None => return Ok(Some(finished)),
            Some(Open::List(items)) => items.push(finished),
            Some(Open::Map { entries, key }) => match key.take() {
                None => *key = Some(finished),
                Some(key) => entries.push((key, finished)),
            },
        }
    }
}

fn count_node(nodes: &mut usize, anchor: usize) -> Result<(), FrontmatterError> {
    // The parser numbers anchors from 1; 0 is a node without one.
    if anchor != 0 {
        return Err(FrontmatterError::Anchors);
    }
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Err(FrontmatterError::TooManyNodes);
    }
    Ok(())
}

/// `!!str`, which makes a plain scalar such as `!!str 42` a string.
fn is_string_tag(tag: Option<&Tag>) -> bool {
    tag.is_some_and(|tag| tag.suffix == "str" && (tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:"))
}

impl Node {
    fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { text, plain: true, forced_string: false } if is_null(text))
    }

    /// The text of a scalar that is not null: what a title, a tag or an alias is written as.
    fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Node::Scalar { text, plain: true, forced_string: false } => plain_scalar(text),
            Node::Scalar { text, .. } => Value::String(text.clone()),
            Node::List(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Node::Map(entries) => {
                Value::Object(entries.iter().map(|(key, value)| (key.key_text(), value.to_json())).collect())
            }
        }
    }

    /// A map key as a JSON object key: a scalar's text, anything else as compact JSON.
    fn key_text(&self) -> String {
        match self {
            Node::Scalar { text, .. } => text.clone(),
            other => other.to_json().to_string(),
        }
    }
}

/// What frontmatter holds once its known keys are taken out.
fn fields(entries: Vec<(Node, Node)>) -> Frontmatter {
    let mut frontmatter = Frontmatter::default();
    let mut summary = None;
    for (key, value) in entries {
        let key = key.key_text();
        let used = match key.to_lowercase().as_str() {
            "title" => scalar_field(&value, &mut frontmatter.title),
            "description" => scalar_field(&value, &mut frontmatter.description),
            "summary" => {
                summary = Some((key, value));
                continue;
            }
            "tags" | "tag" => list_field(&value, &mut frontmatter.tags, split_tags),
            "aliases" | "alias" => list_field(&value, &mut frontmatter.aliases, split_aliases),
            _ => false,
        };
        if !used {
            frontmatter.properties.insert(key, value.to_json());
        }
    }
    if let Some((key, value)) = summary {
        let used = frontmatter.description.is_none() && scalar_field(&value, &mut frontmatter.description);
        if !used {
            frontmatter.properties.insert(key, value.to_json());
        }
    }
    frontmatter
}

/// Sets a one-line field from a scalar; `false` when the value is a list or a map. A null value
/// is used up (nothing to keep) and leaves the field as it was.
fn scalar_field(value: &Node, field: &mut Option<String>) -> bool {
    match value {
        Node::Scalar { .. } => {
            if let Some(text) = value.text().map(str::trim).filter(|text| !text.is_empty()) {
                *field = Some(text.to_owned());
            }
            true
        }
        Node::List(_) | Node::Map(_) => false,
    }
}

/// Adds to a list field from a list of scalars or from one string; `false` for a map.
fn list_field(value: &Node, field: &mut Vec<String>, split: fn(&str, bool) -> Vec<String>) -> bool {
    let found = match value {
        Node::Map(_) => return false,
        Node::Scalar { .. } => value.text().map(|text| split(text, false)).unwrap_or_default(),
        Node::List(items) => items.iter().filter_map(Node::text).flat_map(|text| split(text, true)).collect(),
    };
    for item in found {
        if !field.contains(&item) {
            field.push(item);
        }
    }
    true
}

/// Tags never hold spaces or commas, so a list item is split like a string is.
fn split_tags(text: &str, _list_item: bool) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(|tag| tag.trim_start_matches('#'))
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An alias may hold a comma when it is a list item; a string is a comma-separated list.
fn split_aliases(text: &str, list_item: bool) -> Vec<String> {
    let parts: Vec<&str> = if list_item { vec![text] } else { text.split(',').collect() };
    parts.into_iter().map(str::trim).filter(|alias| !alias.is_empty()).map(str::to_owned).collect()
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A plain scalar as YAML 1.2's core schema reads it. Integers with leading zeros (`007`, a
/// postcode) stay text, as do numbers JSON cannot hold exactly (too large, infinite, not a
/// number) and anything else: dates and times are the text they were written as.
fn plain_scalar(text: &str) -> Value {
    if is_null(text) {
        return Value::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(number) = integer(text).or_else(|| float(text)) {
        return Value::Number(number);
    }
    Value::String(text.to_owned())
}

fn integer(text: &str) -> Option<Number> {
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16)
            .ok()
            .filter(|_| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(Number::from);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8)
            .ok()
            .filter(|_| octal.bytes().all(|b| b.is_ascii_digit()))
            .map(Number::from);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    text.parse::<i64>().map(Number::from).ok().or_else(|| text.parse::<u64>().map(Number::from).ok())
}

/// `[-+]? (\.[0-9]+ | [0-9]+ (\.[0-9]*)?) ([eE] [-+]? [0-9]+)?`, checked by hand because Rust's
/// own float parser also takes `inf`, `NaN` and the like.
fn float(text: &str) -> Option<Number> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    // Without a dot or an exponent it would be an integer, and one `integer` did not take (too
    // large, or with leading zeros) stays text rather than becoming an inexact float.
    let has_dot = mantissa.contains('.');
    let mantissa_ok = digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    if !has_dot && exponent.is_none() {
        return None;
    }
    let exponent_ok = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn split_finds_frontmatter_between_fences() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let split = split(text);
        assert_eq!(split.yaml, Some("title: A\n"));
        assert_eq!(split.body, "# Body\n");
        assert_eq!(&text[split.body_offset..], split.body);
    }

    #[test]
    fn split_accepts_dots_crlf_trailing_spaces_and_a_bom() {
        let text = "\u{feff}---  \r\ntitle: A\r\n...\r\nBody";
        let split = split(text);
        assert_eq!(split.yaml, Some("title: A\r\n"));
        assert_eq!(split.body, "Body");
        assert_eq!(&text[split.body_offset..], "Body");
        assert_eq!(parse(split.yaml.unwrap()).unwrap().title.as_deref(), Some("A"));
    }

    #[test]
    fn split_without_a_closing_line_is_all_body() {
        let text = "---\ntitle: A\nno end";
        assert_eq!(split(text), Split { yaml: None, body: text, body_offset: 0 });
        assert_eq!(split("---").yaml, None);
        assert_eq!(split("text\n---\nx\n---\n").yaml, None, "frontmatter only on the first line");
        assert_eq!(split(" ---\na: 1\n---\n").yaml, None, "the fence starts the line");
        let bom = split("\u{feff}# Title");
        assert_eq!((bom.yaml, bom.body, bom.body_offset), (None, "# Title", 3));
    }

    #[test]
    fn split_empty_frontmatter_and_closing_at_the_end() {
        let split_empty = split("---\n---\nBody");
        assert_eq!((split_empty.yaml, split_empty.body), (Some(""), "Body"));
        let at_end = split("---\na: 1\n---");
        assert_eq!((at_end.yaml, at_end.body, at_end.body_offset), (Some("a: 1\n"), "", 12));
        assert_eq!(parse("").unwrap(), Frontmatter::default());
        assert_eq!(parse("# only a comment\n").unwrap(), Frontmatter::default());
    }

    #[test]
    fn tags_as_a_list_a_string_or_with_hashes() {
        assert_eq!(parse("tags: [a, b/c, a]").unwrap().tags, ["a", "b/c"]);
        assert_eq!(parse("tags:\n  - '#x'\n  - y\n").unwrap().tags, ["x", "y"]);
        assert_eq!(parse("tags: '#one, two three' # a comment").unwrap().tags, ["one", "two", "three"]);
        assert_eq!(parse("tags: one,#two").unwrap().tags, ["one", "two"]);
        assert_eq!(parse("tag: single").unwrap().tags, ["single"]);
        assert_eq!(parse("tags: [2024, ~, '']").unwrap().tags, ["2024"]);
        assert!(parse("tags:").unwrap().tags.is_empty());
    }

    #[test]
    fn aliases_as_a_list_or_a_comma_separated_string() {
        assert_eq!(parse("aliases: [First, 'Second, too']").unwrap().aliases, ["First", "Second, too"]);
        assert_eq!(parse("alias: one,  two , ,").unwrap().aliases, ["one", "two"]);
    }

    #[test]
    fn title_and_description_or_summary() {
        let frontmatter = parse("title: '  Hello '\nsummary: Short\n").unwrap();
        assert_eq!(frontmatter.title.as_deref(), Some("Hello"));
        assert_eq!(frontmatter.description.as_deref(), Some("Short"));
        assert!(frontmatter.properties.is_empty());

        let both = parse("summary: S\ndescription: D\n").unwrap();
        assert_eq!(both.description.as_deref(), Some("D"));
        assert_eq!(both.properties["summary"], json!("S"));

        assert_eq!(parse("title: 1.50").unwrap().title.as_deref(), Some("1.50"), "numbers as written");
    }

    #[test]
    fn a_mapping_in_a_known_field_goes_to_properties() {
        let frontmatter = parse("title:\n  en: Hi\ntags:\n  a: 1\n").unwrap();
        assert_eq!(frontmatter.title, None);
        assert!(frontmatter.tags.is_empty());
        assert_eq!(frontmatter.properties["title"], json!({ "en": "Hi" }));
        assert_eq!(frontmatter.properties["tags"], json!({ "a": 1 }));
    }

    #[test]
    fn other_keys_are_kept_as_json() {
        let yaml = "\
author: Ann
count: 3
ratio: 0.5
big: 1e3
done: true
nothing: ~
date: 2024-01-05
time: 12:30
postcode: 01234
quoted: '42'
forced: !!str 7
list: [1, two]
nested:
  deeper:
    key: value
  3: number key
";
        let properties = parse(yaml).unwrap().properties;
        assert_eq!(
            Value::Object(properties),
            json!({
                "author": "Ann", "count": 3, "ratio": 0.5, "big": 1000.0, "done": true, "nothing": null,
                "date": "2024-01-05", "time": "12:30", "postcode": "01234", "quoted": "42", "forced": "7",
                "list": [1, "two"], "nested": { "deeper": { "key": "value" }, "3": "number key" },
            })
        );
    }

    #[test]
    fn plain_scalars_by_the_core_schema() {
        assert_eq!(plain_scalar("0x1F"), json!(31));
        assert_eq!(plain_scalar("0o17"), json!(15));
        assert_eq!(plain_scalar("-12"), json!(-12));
        assert_eq!(plain_scalar("18446744073709551615"), json!(18_446_744_073_709_551_615_u64));
        assert_eq!(plain_scalar("99999999999999999999"), json!("99999999999999999999"));
        assert_eq!(plain_scalar(".5"), json!(0.5));
        assert_eq!(plain_scalar("1.2.3"), json!("1.2.3"));
        assert_eq!(plain_scalar(".inf"), json!(".inf"));
        assert_eq!(plain_scalar("nan"), json!("nan"));
        assert_eq!(plain_scalar("1e"), json!("1e"));
        assert_eq!(plain_scalar("2e3"), json!(2000.0));
        assert_eq!(plain_scalar("007"), json!("007"));
        assert_eq!(plain_scalar("."), json!("."));
    }

    #[test]
    fn broken_yaml_is_a_syntax_error_with_its_line() {
        let error = parse("title: ok\nlist: [a, b\nnext: x\n").unwrap_err();
        assert!(matches!(error, FrontmatterError::Syntax { line, .. } if line >= 2), "{error:?}");
        let error = parse("a: 1\nb: 2\n  c: 3\n").unwrap_err();
        assert!(matches!(error, FrontmatterError::Syntax { line: 3, .. }), "{error:?}");
    }

    #[test]
    fn a_document_that_is_not_a_mapping_is_refused() {
        assert_eq!(parse("- a\n- b\n"), Err(FrontmatterError::NotAMapping));
        assert_eq!(parse("just text"), Err(FrontmatterError::NotAMapping));
        assert_eq!(parse("~"), Ok(Frontmatter::default()));
    }

    #[test]
    fn anchors_and_aliases_are_refused() {
        assert_eq!(parse("a: &x 1\nb: *x\n"), Err(FrontmatterError::Anchors));
        assert_eq!(parse("a: &x [1]\n"), Err(FrontmatterError::Anchors));
        let laughs = "a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\n";
        assert_eq!(parse(laughs), Err(FrontmatterError::Anchors));
    }

    #[test]
    fn size_depth_and_node_limits() {
        assert_eq!(parse(&format!("a: '{}'", "x".repeat(64 * 1024))), Err(FrontmatterError::TooLarge));
        let deep = format!("a: {}{}", "[".repeat(16), "]".repeat(16));
        assert_eq!(parse(&deep), Err(FrontmatterError::TooDeep));
        let fits = format!("a: {}{}", "[".repeat(15), "]".repeat(15));
        assert!(parse(&fits).is_ok());
        let many = format!("a: [{}]", vec!["1"; 10_000].join(","));
        assert_eq!(parse(&many), Err(FrontmatterError::TooManyNodes));
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        assert_eq!(parse("x: 1\nx: 2\n").unwrap().properties["x"], json!(2));
        assert_eq!(parse("title: A\ntitle: B\n").unwrap().title.as_deref(), Some("B"));
    }
}

//! Hierarchical tags (`theology/grace`): how a tag is written, compared and matched by its ancestors.
//!
//! A tag is kept in one canonical form (lower case, no `#`, segments joined by `/`), so `#Grace`
//! and `grace` are one tag in facets and filters. A filter on a tag includes its descendants
//! ([`Tag::is_within`]), as the search port's path fields do inside a query.

use crate::error::{DomainError, FieldError};

/// The longest tag, in characters, separators included.
pub const MAX_TAG_CHARS: usize = 100;
/// The deepest a tag may nest (`a/b/c` is three levels).
pub const MAX_TAG_DEPTH: usize = 8;
/// The most tags one resource may carry.
pub const MAX_TAGS: usize = 50;

/// A tag in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);
crate::validation::checked_text!(Tag, String);

impl Tag {
    /// Reads a tag as a person or a vault writes it: a leading `#` and spaces around segments are
    /// dropped, letters are lowered. Segments hold letters, digits, `-` and `_`; a tag of digits
    /// alone is not a tag (as in Obsidian, where `#1984` is not one).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let text = text.strip_prefix('#').unwrap_or(text);
        if text.is_empty() {
            return Err("is empty".into());
        }
        let mut segments = Vec::new();
        for segment in text.split('/') {
            let segment = segment.trim();
            if segment.is_empty() {
                return Err("has an empty level (two slashes, or a slash at an end)".into());
            }
            if let Some(bad) = segment.chars().find(|&c| !(c.is_alphanumeric() || c == '-' || c == '_')) {
                return Err(format!("may hold letters, digits, - and _ only, not {bad:?}"));
            }
            segments.push(segment.to_lowercase());
        }
        if segments.len() > MAX_TAG_DEPTH {
            return Err(format!("may nest at most {MAX_TAG_DEPTH} levels"));
        }
        let tag = segments.join("/");
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(format!("must be at most {MAX_TAG_CHARS} characters"));
        }
        if tag.chars().all(|c| c.is_ascii_digit() || c == '/') {
            return Err("needs a letter: a number alone is not a tag".into());
        }
        Ok(Self(tag))
    }

    /// Its levels, outermost first (`theology`, `grace`).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The tag and every tag above it, outermost first: `theology`, `theology/grace` (a tag counts
    /// under each of them, as in the search port's path facets).
    pub fn with_ancestors(&self) -> Vec<String> {
        self.0.match_indices('/').map(|(at, _)| self.0[..at].to_owned()).chain([self.0.clone()]).collect()
    }

    /// Whether a filter on `filter` includes this tag: the same tag or one of its descendants.
    pub fn is_within(&self, filter: &Tag) -> bool {
        self.0 == filter.0 || (self.0.starts_with(&filter.0) && self.0.as_bytes().get(filter.0.len()) == Some(&b'/'))
    }

    /// The tag above this one, if any.
    pub fn parent(&self) -> Option<Tag> {
        self.0.rsplit_once('/').map(|(parent, _)| Self(parent.to_owned()))
    }
}

/// Reads a resource's tags: each one parsed, duplicates (after canonical form) dropped in order,
/// at most [`MAX_TAGS`]. Every bad tag is reported as `field.N`.
pub fn parse_tags(field: &str, texts: &[String]) -> Result<Vec<Tag>, DomainError> {
    let mut tags: Vec<Tag> = Vec::new();
    let mut errors = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        match Tag::parse(text) {
            Ok(tag) if !tags.contains(&tag) => tags.push(tag),
            Ok(_) => {}
            Err(reason) => errors.push(FieldError::new(format!("{field}.{index}"), format!("{text:?} {reason}"))),
        }
    }
    if tags.len() > MAX_TAGS {
        errors.push(FieldError::new(field, format!("may hold at most {MAX_TAGS} tags")));
    }
    if errors.is_empty() { Ok(tags) } else { Err(DomainError::Validation(errors)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> Tag {
        Tag::parse(text).unwrap_or_else(|reason| panic!("{text}: {reason}"))
    }

    #[test]
    fn tags_take_one_canonical_form() {
        assert_eq!(tag("#Theology/Grace").as_str(), "theology/grace");
        assert_eq!(tag("  theology / grace ").as_str(), "theology/grace");
        assert_eq!(tag("Ökumene").as_str(), "ökumene");
        assert_eq!(tag("year-2024_notes").as_str(), "year-2024_notes");
        assert_eq!(tag("#1984a").as_str(), "1984a");
        assert_eq!(tag("books/1984").as_str(), "books/1984");
    }

    #[test]
    fn bad_tags_say_why() {
        for (text, reason) in [
            ("", "is empty"),
            ("#", "is empty"),
            ("a//b", "empty level"),
            ("/a", "empty level"),
            ("a/", "empty level"),
            ("a b", "not ' '"),
            ("grace!", "not '!'"),
            ("#1984", "a number alone"),
            ("2024/11", "a number alone"),
        ] {
            let error = Tag::parse(text).expect_err(text);
            assert!(error.contains(reason), "{text:?}: {error}");
        }
        assert!(Tag::parse("a/".repeat(MAX_TAG_DEPTH).trim_end_matches('/')).is_ok());
        assert!(Tag::parse(&format!("{}a", "a/".repeat(MAX_TAG_DEPTH))).unwrap_err().contains("levels"));
        assert!(Tag::parse(&"x".repeat(MAX_TAG_CHARS + 1)).unwrap_err().contains("at most"));
    }

    #[test]
    fn a_filter_includes_descendants_and_nothing_that_only_shares_a_prefix() {
        let filter = tag("theology");
        assert!(tag("theology").is_within(&filter));
        assert!(tag("theology/grace").is_within(&filter));
        assert!(tag("theology/grace/law").is_within(&filter));
        assert!(!tag("theologyx").is_within(&filter));
        assert!(!tag("theolog").is_within(&filter));
        assert!(!tag("grace/theology").is_within(&filter));
        assert_eq!(tag("a/b/c").with_ancestors(), ["a", "a/b", "a/b/c"]);
        assert_eq!(tag("a").with_ancestors(), ["a"]);
        assert_eq!(tag("a/b/c").parent(), Some(tag("a/b")));
        assert_eq!(tag("a").parent(), None);
    }

    #[test]
    fn a_list_drops_duplicates_and_names_each_bad_tag() {
        let texts: Vec<String> =
            ["Grace", "#grace", "law", "bad tag", "a//b"].iter().map(|s| (*s).to_owned()).collect();
        let Err(DomainError::Validation(errors)) = parse_tags("tags", &texts) else { panic!("two are bad") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["tags.3", "tags.4"]);
        let good = parse_tags("tags", &texts[..3]).expect("good tags");
        assert_eq!(good, [tag("grace"), tag("law")]);
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        let Err(DomainError::Validation(errors)) = parse_tags("tags", &many) else { panic!("too many") };
        assert_eq!(errors[0].field, "tags");
    }

    #[test]
    fn tags_travel_as_their_text_and_are_checked_when_read() {
        assert_eq!(serde_json::to_string(&tag("A/B")).unwrap(), "\"a/b\"");
        assert_eq!(serde_json::from_str::<Tag>("\"#X/y\"").unwrap(), tag("x/y"));
        assert!(serde_json::from_str::<Tag>("\"a//b\"").is_err());
    }
}

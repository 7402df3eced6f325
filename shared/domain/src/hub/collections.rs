//! Collections: the nested folders of a library (`Sermons/Advent 2026`), written as a path.
//!
//! A collection is named by its path alone, so it exists while a resource is in it, and it nests
//! by its `/`-separated levels: a filter on `Sermons` includes `Sermons/Advent 2026`, as the search
//! port's path fields do. Unlike tags, names keep their case and may hold spaces and punctuation
//! (they are titles people read), but no `/` inside a level and no control characters.

use crate::error::DomainError;

/// The longest collection path, in bytes (the search port's limit on a path value).
pub const MAX_COLLECTION_BYTES: usize = 256;
/// The longest level, in characters.
pub const MAX_LEVEL_CHARS: usize = 100;
/// The deepest a collection may nest.
pub const MAX_COLLECTION_DEPTH: usize = 8;

/// A collection path in canonical form: levels trimmed, runs of white space made one space.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Collection(String);
crate::validation::checked_text!(Collection, String);

impl Collection {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().trim_matches('/');
        if text.is_empty() {
            return Err("is empty".into());
        }
        let mut levels = Vec::new();
        for level in text.split('/') {
            let level = level.split_whitespace().collect::<Vec<_>>().join(" ");
            if level.is_empty() {
                return Err("has an empty level (two slashes in a row)".into());
            }
            if level.chars().any(char::is_control) {
                return Err("may not hold control characters".into());
            }
            if level.chars().count() > MAX_LEVEL_CHARS {
                return Err(format!("has a level longer than {MAX_LEVEL_CHARS} characters"));
            }
            levels.push(level);
        }
        if levels.len() > MAX_COLLECTION_DEPTH {
            return Err(format!("may nest at most {MAX_COLLECTION_DEPTH} levels"));
        }
        let path = levels.join("/");
        if path.len() > MAX_COLLECTION_BYTES {
            return Err(format!("must be at most {MAX_COLLECTION_BYTES} bytes long"));
        }
        Ok(Self(path))
    }

    /// Its levels, outermost first.
    pub fn levels(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

/// Reads an optional collection from a request field; an empty text means none.
pub fn parse_collection(field: &str, text: Option<&str>) -> Result<Option<Collection>, DomainError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => Collection::parse(text).map(Some).map_err(|reason| DomainError::invalid(field, reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_case_and_tidy_space() {
        let c = Collection::parse("  Sermons /  Advent   2026/ ").unwrap();
        assert_eq!(c.as_str(), "Sermons/Advent 2026");
        assert_eq!(c.levels().collect::<Vec<_>>(), ["Sermons", "Advent 2026"]);
        assert_eq!(Collection::parse("/Notes/").unwrap().as_str(), "Notes");
    }

    #[test]
    fn bad_paths_say_why() {
        assert!(Collection::parse("").unwrap_err().contains("empty"));
        assert!(Collection::parse("a//b").unwrap_err().contains("empty level"));
        assert!(Collection::parse("a\u{7}b").unwrap_err().contains("control"));
        assert!(Collection::parse(&"x".repeat(101)).unwrap_err().contains("100"));
        assert!(Collection::parse(&["a"; 9].join("/")).unwrap_err().contains("8 levels"));
        assert!(Collection::parse(&format!("{0}/{0}", "é".repeat(90))).unwrap_err().contains("256 bytes"));
    }

    #[test]
    fn an_empty_field_is_no_collection() {
        assert_eq!(parse_collection("collection", Some("  ")).unwrap(), None);
        assert!(matches!(parse_collection("collection", Some("a//b")), Err(DomainError::Validation(_))));
    }
}

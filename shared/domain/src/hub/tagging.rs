//! Rule-based tag suggestions: an organisation's rules map a keyword (a word or a short phrase) to a
//! tag; a resource whose text holds the keyword is offered the tag, which its author accepts or not.
//!
//! Matching is by whole words, case ignored, in any script: the text and the keyword are cut into
//! words at every character that is not a letter or a digit, so `born-again` and `born again` are
//! the same phrase and `grace` does not match `disgraceful`. In languages that join particles to
//! their words (Korean `은혜를`), a keyword matches only where the word stands alone.

use std::collections::{HashMap, HashSet};

use crate::error::{DomainError, FieldError};

use super::tags::Tag;

/// The most rules an organisation keeps.
pub const MAX_RULES: usize = 500;
/// The most words in a rule's keyword.
pub const MAX_KEYWORD_WORDS: usize = 5;
/// The longest keyword, in characters.
pub const MAX_KEYWORD_CHARS: usize = 100;
/// The most suggestions offered for one resource.
pub const MAX_SUGGESTIONS: usize = 10;

/// One rule: where `keyword` appears, suggest `tag`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TagRule {
    pub keyword: String,
    pub tag: Tag,
}

/// A tag offered for a resource, with the keyword that found it and how often it appeared.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    pub tag: Tag,
    pub keyword: String,
    pub count: usize,
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// Reads an organisation's rules as an admin wrote them (`keyword`, `tag` pairs): each keyword
/// trimmed, of 1 to [`MAX_KEYWORD_WORDS`] words; each tag a valid tag; one rule per keyword. Every
/// bad rule is reported as `field.N.keyword` or `field.N.tag`.
pub fn parse_rules(field: &str, rules: &[(String, String)]) -> Result<Vec<TagRule>, DomainError> {
    let mut out: Vec<TagRule> = Vec::new();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    if rules.len() > MAX_RULES {
        errors.push(FieldError::new(field, format!("may hold at most {MAX_RULES} rules")));
    }
    for (index, (keyword, tag)) in rules.iter().enumerate() {
        let keyword = keyword.trim();
        let count = words(keyword).count();
        if count == 0 {
            errors.push(FieldError::new(format!("{field}.{index}.keyword"), "needs a word"));
        } else if count > MAX_KEYWORD_WORDS || keyword.chars().count() > MAX_KEYWORD_CHARS {
            errors.push(FieldError::new(
                format!("{field}.{index}.keyword"),
                format!("may hold at most {MAX_KEYWORD_WORDS} words and {MAX_KEYWORD_CHARS} characters"),
            ));
        } else if !seen.insert(words(keyword).collect::<Vec<_>>().join(" ")) {
            errors.push(FieldError::new(format!("{field}.{index}.keyword"), "has a rule already"));
        }
        match Tag::parse(tag) {
            Ok(tag) => out.push(TagRule { keyword: keyword.to_owned(), tag }),
            Err(reason) => errors.push(FieldError::new(format!("{field}.{index}.tag"), format!("{tag:?} {reason}"))),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(DomainError::Validation(errors)) }
}

/// The tags `rules` suggest for `text`, leaving out those the resource has: most frequent first
/// (ties by tag), one entry per tag (its most frequent keyword), at most [`MAX_SUGGESTIONS`].
pub fn suggest(rules: &[TagRule], text: &str, has: &[Tag]) -> Vec<Suggestion> {
    let rule_words: Vec<Vec<String>> = rules.iter().map(|rule| words(&rule.keyword).collect()).collect();
    let starts: HashSet<&str> = rule_words.iter().filter_map(|w| w.first().map(String::as_str)).collect();
    let longest = rule_words.iter().map(Vec::len).max().unwrap_or(0);
    // Count every phrase of up to `longest` words that starts with a word some rule starts with.
    let text_words: Vec<String> = words(text).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (at, word) in text_words.iter().enumerate() {
        if !starts.contains(word.as_str()) {
            continue;
        }
        for length in 1..=longest.min(text_words.len() - at) {
            *counts.entry(text_words[at..at + length].join(" ")).or_default() += 1;
        }
    }
    let mut best: HashMap<&Tag, Suggestion> = HashMap::new();
    for (rule, words) in rules.iter().zip(&rule_words) {
        let Some(&count) = counts.get(&words.join(" ")) else { continue };
        if has.contains(&rule.tag) {
            continue;
        }
        let better = best.get(&rule.tag).is_none_or(|current| count > current.count);
        if better {
            best.insert(&rule.tag, Suggestion { tag: rule.tag.clone(), keyword: rule.keyword.clone(), count });
        }
    }
    let mut out: Vec<Suggestion> = best.into_values().collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
    out.truncate(MAX_SUGGESTIONS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(pairs: &[(&str, &str)]) -> Vec<TagRule> {
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, t)| ((*k).to_owned(), (*t).to_owned())).collect();
        parse_rules("rules", &owned).expect("good rules")
    }

    fn tags(suggestions: &[Suggestion]) -> Vec<(&str, usize)> {
        suggestions.iter().map(|s| (s.tag.as_str(), s.count)).collect()
    }

    #[test]
    fn whole_words_and_phrases_match_in_any_case() {
        let rules = rules(&[
            ("grace", "theology/grace"),
            ("Holy Spirit", "theology/spirit"),
            ("born-again", "conversion"),
            ("Gnade", "theology/grace"),
        ]);
        let text = "Grace upon grace. The HOLY spirit moves; a born again life. Disgraceful is not a match. Gnade!";
        assert_eq!(
            tags(&suggest(&rules, text, &[])),
            [("theology/grace", 2), ("conversion", 1), ("theology/spirit", 1)]
        );
        let found = suggest(&rules, text, &[]);
        assert_eq!(found[0].keyword, "grace", "the most frequent keyword names the suggestion");
    }

    #[test]
    fn tags_the_resource_has_are_not_offered_and_the_list_is_short() {
        let rules = rules(&[("grace", "theology/grace"), ("law", "theology/law")]);
        let has = [Tag::parse("theology/grace").unwrap()];
        assert_eq!(tags(&suggest(&rules, "grace and law", &has)), [("theology/law", 1)]);
        let many: Vec<(String, String)> = (0..20).map(|i| (format!("word{i}"), format!("tag{i}"))).collect();
        let many = parse_rules("rules", &many).unwrap();
        let text = (0..20).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(suggest(&many, &text, &[]).len(), MAX_SUGGESTIONS);
        assert!(suggest(&many, "", &[]).is_empty());
        assert!(suggest(&[], "grace", &[]).is_empty());
    }

    #[test]
    fn other_scripts_match_as_words() {
        let rules = rules(&[("χάρις", "greek/charis"), ("은혜", "korean/grace"), ("חסד", "hebrew/chesed")]);
        let text = "Η χάρις του Θεού. 하나님의 은혜 안에서. חסד ואמת";
        assert_eq!(tags(&suggest(&rules, text, &[])), [("greek/charis", 1), ("hebrew/chesed", 1), ("korean/grace", 1)]);
    }

    #[test]
    fn bad_rules_are_named() {
        let pairs: Vec<(String, String)> =
            [("grace", "ok"), ("  ", "t"), ("one two three four five six", "t"), ("GRACE", "dup"), ("law", "bad tag")]
                .iter()
                .map(|(k, t)| ((*k).to_owned(), (*t).to_owned()))
                .collect();
        let Err(DomainError::Validation(errors)) = parse_rules("rules", &pairs) else { panic!("bad rules") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rules.1.keyword", "rules.2.keyword", "rules.3.keyword", "rules.4.tag"]);
    }
}

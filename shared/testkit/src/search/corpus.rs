//! A synthetic library for search benchmarks: deterministic documents shaped like the hub's
//! (titles, summaries, bodies of a few hundred words with a long tail of rare words, hierarchical
//! tags, kinds, dates, and readers), and a mix of queries like people type. Pure computation, so
//! the same corpus is built natively and inside a Wasm guest.

use std::collections::BTreeMap;

use emmaus_ports::{Filter, SearchDoc, SearchQuery, Sort};

/// Words people search for, spread through the corpus at a few set frequencies.
const COMMON: &[&str] = &[
    "grace",
    "faith",
    "prayer",
    "gospel",
    "scripture",
    "mercy",
    "covenant",
    "kingdom",
    "spirit",
    "worship",
    "discipleship",
    "mentor",
    "sermon",
    "parable",
    "psalm",
    "baptism",
    "communion",
    "forgiveness",
    "hope",
    "love",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ra", "tu", "se", "vo", "pa", "di", "en", "or", "al", "is", "um", "the", "sto", "bri",
    "gan", "fel", "mor", "lin", "cas", "der", "pol", "ver", "ish", "ment", "ful", "ing",
];
const TAGS: &[&str] = &[
    "theology/grace",
    "theology/law",
    "theology/trinity",
    "theology/church",
    "bible/old-testament/psalms",
    "bible/old-testament/prophets",
    "bible/new-testament/gospels",
    "bible/new-testament/letters",
    "practice/prayer",
    "practice/fasting",
    "practice/service",
    "youth",
    "marriage",
    "leadership/elders",
    "leadership/teaching",
];
const KINDS: &[&str] = &["note", "file", "link"];

/// A small deterministic generator (SplitMix64): the same seed gives the same library everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % (n as u64).max(1)).unwrap_or(0)
    }
}

/// The vocabulary: invented words of two to four syllables, the first ones most frequent.
fn vocabulary() -> Vec<String> {
    let mut rng = Rng::new(7);
    (0..6000)
        .map(|_| (0..2 + rng.below(3)).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect::<String>())
        .collect()
}

/// A word with a long tail: index `k` is drawn roughly in proportion to `1 / (k + 1)`.
fn zipf_word<'a>(rng: &mut Rng, words: &'a [String]) -> &'a str {
    #[expect(clippy::cast_precision_loss, reason = "a few thousand words")]
    let n = words.len() as f64;
    #[expect(clippy::cast_precision_loss, reason = "a uniform draw in [0, 1)")]
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "an index below n")]
    let k = (n.powf(u) - 1.0) as usize;
    &words[k.min(words.len() - 1)]
}

fn sentence(rng: &mut Rng, words: &[String], count: usize) -> String {
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        // One word in forty is a common search word, so each is in about a third of the documents.
        if rng.below(40) == 0 {
            out.push(COMMON[rng.below(COMMON.len())].to_owned());
        } else {
            out.push(zipf_word(rng, words).to_owned());
        }
    }
    out.join(" ")
}

/// `count` documents from `first` on: ids `doc-000000…`, readable by the organisation, one in
/// five by a group only, one in twenty by its author only.
pub fn corpus(first: usize, count: usize) -> Vec<SearchDoc> {
    let words = vocabulary();
    (first..first + count)
        .map(|n| {
            let mut rng = Rng::new(1_000_003 * n as u64 + 11);
            let mut keywords = BTreeMap::new();
            keywords.insert("kind".to_owned(), vec![KINDS[rng.below(KINDS.len())].to_owned()]);
            let mut paths = BTreeMap::new();
            let tags: Vec<String> = (0..=rng.below(3)).map(|_| TAGS[rng.below(TAGS.len())].to_owned()).collect();
            paths.insert("tags".to_owned(), dedup(tags));
            let mut dates = BTreeMap::new();
            dates.insert("updated".to_owned(), 1_700_000_000 + i64::try_from(rng.below(60_000_000)).unwrap_or(0));
            let readers = match rng.below(20) {
                0 => vec![format!("person:{}", rng.below(50))],
                1..=4 => vec![format!("group:{}", rng.below(10))],
                _ => vec!["org".to_owned()],
            };
            let body_words = 100 + rng.below(500);
            let title_words = 3 + rng.below(6);
            SearchDoc {
                id: format!("doc-{n:06}"),
                title: sentence(&mut rng, &words, title_words),
                summary: sentence(&mut rng, &words, 25),
                body: sentence(&mut rng, &words, body_words),
                keywords,
                paths,
                dates,
                readers,
            }
        })
        .collect()
}

fn dedup(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values.dedup();
    values
}

/// The readers a typical member searches as: the organisation, two groups and themselves.
pub fn member_readers() -> Vec<String> {
    ["org", "group:1", "group:2", "person:3"].map(str::to_owned).to_vec()
}

/// The query mix: single common words, two words, prefixes while typing, a phrase, rare words,
/// and the same with a tag filter, facets, or a sort by date; `count` of them.
pub fn query_mix(count: usize) -> Vec<SearchQuery> {
    let words = vocabulary();
    let mut rng = Rng::new(99);
    (0..count)
        .map(|i| {
            let common = COMMON[rng.below(COMMON.len())];
            let text = match i % 6 {
                0 => common.to_owned(),
                1 => format!("{common} {}", COMMON[rng.below(COMMON.len())]),
                2 => common[..3].to_owned(),
                3 => format!("\"{} {}\"", zipf_word(&mut rng, &words[..50]), zipf_word(&mut rng, &words[..50])),
                4 => words[100 + rng.below(2000)].clone(),
                _ => format!("{common} {}", &words[rng.below(200)]),
            };
            let mut query = SearchQuery::new(text, member_readers()).facet("kind").facet("tags");
            match i % 4 {
                1 => query = query.filter(Filter::Path { field: "tags".to_owned(), under: "theology".to_owned() }),
                2 => query = query.sorted(Sort::Date { field: "updated".to_owned(), descending: true }),
                3 => {
                    query = query.filter(Filter::Keyword { field: "kind".to_owned(), any_of: vec!["note".to_owned()] });
                }
                _ => {}
            }
            query
        })
        .collect()
}

//! Words: how text is cut into words and folded (the same for documents and queries), and how a
//! hit's title and passage are marked with the words a query matched.
//!
//! A word is a run of letters, digits and combining marks (so Hebrew points and Devanagari vowel
//! signs stay inside their word, as in SQLite's `unicode61`); words are lower-cased in every
//! script (the Greek final sigma is a sigma, so `ΧΆΡΙΣ` finds `χάρις`) and Latin letters lose
//! their diacritics (`Église` is `eglise`).

use std::str::CharIndices;

use emmaus_ports::search::Segment;
use tantivy::tokenizer::{AsciiFoldingFilter, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::char::is_combining_mark;

/// The name the analyzer is registered under in every index.
pub const ANALYZER: &str = "emmaus_words";
/// The name of the analyzer of word pairs (see [`PairTokenizer`]).
pub const PAIRS: &str = "emmaus_pairs";
/// Between the two words of a pair (no word holds a space).
pub const PAIR_SEPARATOR: char = ' ';

/// Longer words (a pasted hash, a run of digits) are not indexed.
const MAX_WORD_BYTES: usize = 120;

/// Words in a passage, as in FTS5's snippets on the other hosts.
const PASSAGE_WORDS: usize = 24;
/// Words before a passage's first match.
const CONTEXT_WORDS: usize = 3;

pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(AsciiFoldingFilter)
        .build()
}

/// Each two neighbouring folded words as one term, `"living water"`: a two-word phrase is then
/// one term's postings instead of a walk through the positions of two frequent words, and a
/// longer phrase is checked only where all its pairs are.
pub fn pair_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(PairTokenizer::default()).build()
}

#[derive(Clone)]
pub struct PairTokenizer {
    token: Token,
    words: TextAnalyzer,
}

impl Default for PairTokenizer {
    fn default() -> Self {
        Self { token: Token::default(), words: analyzer() }
    }
}

impl std::fmt::Debug for PairTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PairTokenizer").finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub struct PairStream<'a> {
    words: std::vec::IntoIter<Token>,
    previous: Option<Token>,
    token: &'a mut Token,
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = PairStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairStream<'a> {
        self.token.reset();
        let mut stream = self.words.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().clone());
        }
        PairStream { words: words.into_iter(), previous: None, token: &mut self.token }
    }
}

impl TokenStream for PairStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some(word) = self.words.next() else { return false };
            let Some(previous) = self.previous.take() else {
                self.previous = Some(word);
                continue;
            };
            self.token.text.clear();
            self.token.text.push_str(&previous.text);
            self.token.text.push(PAIR_SEPARATOR);
            self.token.text.push_str(&word.text);
            self.token.offset_from = previous.offset_from;
            self.token.offset_to = word.offset_to;
            self.token.position = previous.position;
            self.previous = Some(word);
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Cuts text into runs of [`is_word_char`], lower-cased.
#[derive(Clone, Debug, Default)]
pub struct WordTokenizer {
    token: Token,
}

#[derive(Debug)]
pub struct WordStream<'a> {
    text: &'a str,
    chars: CharIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream { text, chars: text.char_indices(), token: &mut self.token }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        while let Some((from, c)) = self.chars.next() {
            if is_word_char(c) {
                let to = self.chars.find(|(_, c)| !is_word_char(*c)).map_or(self.text.len(), |(at, _)| at);
                self.token.offset_from = from;
                self.token.offset_to = to;
                let word = &self.text[from..to];
                if word.is_ascii() {
                    self.token.text.push_str(word);
                    self.token.text.make_ascii_lowercase();
                } else {
                    for c in word.chars() {
                        match c {
                            'ς' => self.token.text.push('σ'),
                            c => self.token.text.extend(c.to_lowercase()),
                        }
                    }
                }
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The folded words of a text, in order.
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

/// A word of a text: where it is and what it folds to.
struct Word {
    from: usize,
    to: usize,
    hit: bool,
}

/// What a query's words match in a text: a folded word matches when it begins with one of the
/// query's words (every query word matches as a prefix, as in the search itself).
#[derive(Debug, Clone, Default)]
pub struct Marker {
    prefixes: Vec<String>,
}

impl Marker {
    pub fn new(mut prefixes: Vec<String>) -> Self {
        prefixes.sort();
        prefixes.dedup();
        Self { prefixes }
    }

    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }

    /// The words of `text`, marked: at most `most` of them, and `after_hit` from the first hit
    /// on (one more than a window needs tells the window whether the text goes on).
    fn marked_words(&self, analyzer: &mut TextAnalyzer, text: &str, most: usize, after_hit: usize) -> Vec<Word> {
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        let mut first_hit = None;
        while stream.advance() {
            let token = stream.token();
            let hit = self.prefixes.iter().any(|prefix| token.text.starts_with(prefix.as_str()));
            if hit && first_hit.is_none() {
                first_hit = Some(words.len());
            }
            words.push(Word { from: token.offset_from, to: token.offset_to, hit });
            if words.len() >= most || first_hit.is_some_and(|first| words.len() >= first.saturating_add(after_hit)) {
                break;
            }
        }
        words
    }

    /// The whole text, its matching words marked.
    pub fn highlight(&self, analyzer: &mut TextAnalyzer, text: &str) -> Vec<Segment> {
        let words = self.marked_words(analyzer, text, usize::MAX, usize::MAX);
        segments(text, &words, 0, text.len())
    }

    /// A passage of the text around its first match, or `None` when nothing in it matches.
    /// The text is read only as far as the passage goes: hits are materialised for a page of up
    /// to 100 results, and long bodies are the most of what a search reads.
    pub fn passage(&self, analyzer: &mut TextAnalyzer, text: &str) -> Option<Vec<Segment>> {
        let words = self.marked_words(analyzer, text, usize::MAX, PASSAGE_WORDS + 1);
        let first = words.iter().position(|w| w.hit)?;
        // A few words before the first hit, for context.
        let start = first.saturating_sub(CONTEXT_WORDS);
        Some(window(text, &words, start))
    }

    /// The beginning of a text, unmarked: the passage of a hit whose match is elsewhere.
    pub fn beginning(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Segment> {
        let words = Self::default().marked_words(analyzer, text, PASSAGE_WORDS + 1, 0);
        if words.is_empty() {
            return Vec::new();
        }
        window(text, &words, 0)
    }
}

/// [`PASSAGE_WORDS`] words from `start`, with an ellipsis where text was cut.
fn window(text: &str, words: &[Word], start: usize) -> Vec<Segment> {
    let end = (start + PASSAGE_WORDS).min(words.len());
    let (from, to) = (words[start].from, words[end - 1].to);
    let from = if start == 0 { 0 } else { from };
    let to = if end == words.len() { text.len() } else { to };
    let mut out = Vec::new();
    if from > 0 {
        out.push(Segment { text: "…".to_owned(), hit: false });
    }
    out.extend(segments(text, &words[start..end], from, to));
    if to < text.len() {
        out.push(Segment { text: "…".to_owned(), hit: false });
    }
    merge(out)
}

/// `text[from..to]` as segments, the hit words apart.
fn segments(text: &str, words: &[Word], from: usize, to: usize) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = from;
    for word in words.iter().filter(|w| w.hit && w.from >= from && w.to <= to) {
        if word.from > at {
            out.push(Segment { text: text[at..word.from].to_owned(), hit: false });
        }
        out.push(Segment { text: text[word.from..word.to].to_owned(), hit: true });
        at = word.to;
    }
    if to > at {
        out.push(Segment { text: text[at..to].to_owned(), hit: false });
    }
    merge(out)
}

/// Neighbouring segments of the same kind as one.
fn merge(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    for segment in segments {
        match out.last_mut() {
            Some(last) if last.hit == segment.hit && !segment.hit => last.text.push_str(&segment.text),
            _ => out.push(segment),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use emmaus_ports::search::plain;

    use super::*;

    #[test]
    fn words_fold_case_and_latin_diacritics_and_keep_marks_inside_words() {
        let mut a = analyzer();
        assert_eq!(words(&mut a, "χάρις"), words(&mut a, "ΧΆΡΙΣ"), "a final sigma is a sigma");
        assert_eq!(words(&mut a, "Église, ninety-nine ΧΆΡΙΣ"), ["eglise", "ninety", "nine", "χάρισ"]);
        assert_eq!(words(&mut a, "בְּרֵאשִׁית בָּרָא").len(), 2, "Hebrew points stay inside their words");
    }

    #[test]
    fn pairs_are_neighbouring_folded_words() {
        let mut pairs = pair_analyzer();
        assert_eq!(words(&mut pairs, "Living water, ninety-nine"), ["living water", "water ninety", "ninety nine"]);
        assert!(words(&mut pairs, "one").is_empty());
    }

    #[test]
    fn passages_mark_prefix_matches_around_the_best_window() {
        let mut a = analyzer();
        let marker = Marker::new(vec!["shep".to_owned()]);
        let text = format!("{} the Shepherd leaves {}", "word ".repeat(50), "word ".repeat(50));
        let passage = marker.passage(&mut a, &text).expect("a match");
        assert!(plain(&passage).starts_with('…') && plain(&passage).ends_with('…'));
        let hits: Vec<&str> = passage.iter().filter(|s| s.hit).map(|s| s.text.as_str()).collect();
        assert_eq!(hits, ["Shepherd"]);
        assert!(marker.passage(&mut a, "nothing here").is_none());
        assert_eq!(plain(&marker.highlight(&mut a, "The good shepherd")), "The good shepherd");
    }
}

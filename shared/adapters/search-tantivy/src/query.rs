//! A port query as a tantivy query: the readers and the keyword and path filters as clauses that
//! weigh nothing, and each term of the text as a clause that must match in one of the three text
//! fields, weighted per field and matched as a prefix.
//!
//! A one-word term is expanded into the words of the index that begin with it (the term
//! dictionaries of every segment), each scored by BM25, so "grac" ranks a library by "grace" as
//! FTS5 ranks its prefix queries; a term of several words (a quoted phrase, or "ninety-nine") is a
//! phrase whose last word is a prefix.

use std::collections::BTreeMap;

use emmaus_ports::{Filter, SearchQuery, Weights};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhrasePrefixQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::collect::DateRange;
use crate::schema::{Fields, keyword};
use crate::text::{Marker, PAIR_SEPARATOR, words};

/// How many of the words a prefix stands for are scored (see [`expanded`]).
const SCORED_EXPANSIONS: usize = 16;

/// How many words a phrase's last word may stand for.
const PHRASE_EXPANSIONS: u32 = 1000;

/// A compiled query and what its results need besides it.
#[derive(Debug)]
pub struct Compiled {
    pub query: Box<dyn Query>,
    pub dates: Vec<DateRange>,
    pub marker: Marker,
    /// Whether the query has text (so is ranked, and its hits marked).
    pub has_text: bool,
}

pub fn compile(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &mut TextAnalyzer,
    query: &SearchQuery,
) -> tantivy::Result<Compiled> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // The readers as a union of their postings (not a term set, which builds a bit set of the
    // whole organisation on every search): the intersection with the text's rarer terms then
    // skips through them.
    let readers = query
        .readers
        .iter()
        .map(|reader| {
            let term = Term::from_field_text(fields.readers, reader);
            (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
        })
        .collect();
    clauses.push((Occur::Must, weightless(Box::new(BooleanQuery::new(readers)))));
    let mut dates = Vec::new();
    for filter in &query.filters {
        match filter {
            Filter::Keyword { field, any_of } => {
                let terms = any_of.iter().map(|value| Term::from_field_text(fields.keywords, &keyword(field, value)));
                clauses.push((Occur::Must, weightless(Box::new(TermSetQuery::new(terms)))));
            }
            Filter::Path { field, under } => {
                let term = Term::from_field_text(fields.keywords, &keyword(field, under));
                clauses.push((Occur::Must, weightless(Box::new(TermQuery::new(term, IndexRecordOption::Basic)))));
            }
            Filter::Date { field, from, to } => dates.push(DateRange { field: field.clone(), from: *from, to: *to }),
        }
    }
    let terms = query.terms();
    let mut prefixes = Vec::new();
    for term in &terms {
        let words = words(analyzer, term);
        let clause = match words.as_slice() {
            // A term of no indexable word (only an over-long one) matches nothing.
            [] => Box::new(EmptyQuery) as Box<dyn Query>,
            [word] => prefix(searcher, fields, query.weights, word)?,
            _ => phrase(searcher, fields, query.weights, &words)?,
        };
        prefixes.extend(words);
        clauses.push((Occur::Must, clause));
    }
    Ok(Compiled {
        query: Box::new(BooleanQuery::new(clauses)),
        dates,
        marker: Marker::new(prefixes),
        has_text: !terms.is_empty(),
    })
}

/// A clause that filters without adding to the score.
fn weightless(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn text_fields(fields: &Fields, weights: Weights) -> [(Field, f32); 3] {
    #[expect(clippy::cast_possible_truncation, reason = "weights are small numbers")]
    let w = |weight: f64| weight as f32;
    [(fields.title, w(weights.title)), (fields.summary, w(weights.summary)), (fields.body, w(weights.body))]
}

/// Every word beginning with `word` in any of the text fields, each scored and weighted.
fn prefix(searcher: &Searcher, fields: &Fields, weights: Weights, word: &str) -> tantivy::Result<Box<dyn Query>> {
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, weight) in text_fields(fields, weights) {
        if let Some(query) = expanded(searcher, field, word)? {
            should.push((Occur::Should, boosted(query, weight)));
        }
    }
    Ok(any_of(should))
}

/// The words in order in one of the text fields, the last as a prefix: a two-word phrase is a
/// prefix of the fields' word pairs; a longer one must have each of its pairs and is then checked
/// word by word.
fn phrase(searcher: &Searcher, fields: &Fields, weights: Weights, words: &[String]) -> tantivy::Result<Box<dyn Query>> {
    let pair = |i: usize| format!("{}{PAIR_SEPARATOR}{}", words[i], words[i + 1]);
    let last = words.len() - 2;
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for ((field, weight), pairs) in text_fields(fields, weights).into_iter().zip(fields.pairs) {
        let Some(last_pair) = expanded(searcher, pairs, &pair(last))? else { continue };
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, last_pair)];
        for i in 0..last {
            let term = Term::from_field_text(pairs, &pair(i));
            must.push((Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))));
        }
        if words.len() > 2 {
            let mut exact =
                PhrasePrefixQuery::new(words.iter().map(|word| Term::from_field_text(field, word)).collect());
            exact.set_max_expansions(PHRASE_EXPANSIONS);
            must.push((Occur::Must, weightless(Box::new(exact))));
        }
        should.push((Occur::Should, boosted(Box::new(BooleanQuery::new(must)), weight)));
    }
    Ok(any_of(should))
}

/// The terms of `field` beginning with `beginning` (in any segment), as one union, or nothing when
/// there are none. The [`SCORED_EXPANSIONS`] most frequent are scored; the others (a short prefix
/// can stand for hundreds of rare words) still match, weighing nothing, as one term set: scoring
/// each of hundreds of rare words cost more than the rest of a search together.
fn expanded(searcher: &Searcher, field: Field, beginning: &str) -> tantivy::Result<Option<Box<dyn Query>>> {
    let mut upper = beginning.as_bytes().to_vec();
    // No UTF-8 text holds the byte 0xFF, so every term with this beginning sorts below.
    upper.push(0xFF);
    let mut frequency: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut stream = index.terms().range().ge(beginning.as_bytes()).lt(&upper).into_stream()?;
        while stream.advance() {
            *frequency.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let mut terms: Vec<(Term, u64)> = frequency
        .into_iter()
        .filter_map(|(bytes, n)| Some((Term::from_field_text(field, std::str::from_utf8(&bytes).ok()?), n)))
        .collect();
    // Most frequent first; equally frequent in the words' order.
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let rest = terms.split_off(terms.len().min(SCORED_EXPANSIONS));
    let mut queries: Vec<(Occur, Box<dyn Query>)> = terms
        .into_iter()
        .map(|(term, _)| {
            (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>)
        })
        .collect();
    if !rest.is_empty() {
        let unscored = TermSetQuery::new(rest.into_iter().map(|(term, _)| term));
        queries.push((Occur::Should, weightless(Box::new(unscored))));
    }
    Ok((!queries.is_empty()).then(|| any_of(queries)))
}

fn boosted(query: Box<dyn Query>, weight: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, weight))
}

/// A union of clauses, or a query matching nothing when there are none.
fn any_of(should: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if should.is_empty() { Box::new(EmptyQuery) } else { Box::new(BooleanQuery::new(should)) }
}

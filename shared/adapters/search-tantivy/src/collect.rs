//! One pass over a query's matches that answers everything a search needs: the total, the facet
//! counts, the date filters (read from a column, not the index) and the page in its order.
//!
//! Each segment works with term ordinals, which follow the order of the values they stand for
//! (so ids, keywords and encoded dates compare as ordinals within a segment); only the few
//! documents a segment could put on the page, and the facet values it counted, are turned back
//! into text before the segments' answers are merged.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::{Bound, Range};

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::schema::IndexRecordOption;
use tantivy::{
    BitSet, DocAddress, DocId, DocSet as _, InvertedIndexReader, Score, SegmentOrdinal, SegmentReader, TERMINATED,
};

use emmaus_ports::Sort;

use crate::schema::{self, FIELD_DATES, FIELD_ID, FIELD_KEYWORDS};

/// A date filter: the field's value in `[from, to)`.
#[derive(Debug, Clone)]
pub struct DateRange {
    pub field: String,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Pass {
    pub order: Sort,
    pub dates: Vec<DateRange>,
    pub facets: Vec<String>,
    pub offset: usize,
    pub limit: usize,
}

/// A document on the page.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: String,
    pub score: Score,
    pub address: DocAddress,
    key: Key,
}

/// A sort value, comparable across segments.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Key {
    Score,
    /// A term ordinal, within one segment.
    Ordinal(Option<u64>),
    Date(Option<i64>),
    Keyword(Option<String>),
}

#[derive(Debug, Default)]
pub struct Answer {
    pub total: u64,
    /// Counts per facet field, in the order asked, most frequent first (ties by value).
    pub facets: Vec<Vec<(String, u64)>>,
    pub page: Vec<Ranked>,
}

#[derive(Debug)]
pub struct SegmentAnswer {
    total: u64,
    facets: Vec<Vec<(String, u64)>>,
    top: Vec<Ranked>,
}

impl Collector for Pass {
    type Fruit = Answer;
    type Child = PassSegment;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<PassSegment> {
        let fast = reader.fast_fields();
        let ids = fast.str(FIELD_ID)?.ok_or_else(|| missing(FIELD_ID))?;
        let keywords = fast.str(FIELD_KEYWORDS)?;
        let dates = fast.str(FIELD_DATES)?;
        let range_of = |column: &Option<StrColumn>, from: &[u8], to: &[u8]| -> tantivy::Result<Range<u64>> {
            column.as_ref().map_or(Ok(0..0), |column| ord_range(column, from, to))
        };
        let facets = self
            .facets
            .iter()
            .map(|field| {
                let (from, to) = schema::field_bounds(field);
                range_of(&keywords, &from, &to)
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let date_filters = self
            .dates
            .iter()
            .map(|range| {
                let (from, to) = schema::date_bounds(&range.field, range.from, range.to);
                range_of(&dates, &from, &to)
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let sort = match &self.order {
            Sort::Relevance => None,
            Sort::Date { field, .. } => {
                let (from, to) = schema::field_bounds(field);
                Some(range_of(&dates, &from, &to)?)
            }
            Sort::Keyword { field, .. } => {
                let (from, to) = schema::field_bounds(field);
                Some(range_of(&keywords, &from, &to)?)
            }
        };
        Ok(PassSegment {
            segment,
            order: self.order.clone(),
            keep: self.offset + self.limit,
            facet_fields: self.facets.clone(),
            facets,
            postings: match reader.schema().get_field(FIELD_KEYWORDS) {
                Ok(field) if !self.facets.is_empty() => Some(reader.inverted_index(field)?),
                _ => None,
            },
            max_doc: reader.max_doc(),
            date_filters,
            sort,
            ids,
            keywords,
            dates,
            total: 0,
            // Broad searches match a good part of a segment; growing the vector step by step
            // showed in profiles.
            matches: Vec::with_capacity(reader.num_docs() as usize / 4),
        })
    }

    fn requires_scoring(&self) -> bool {
        matches!(self.order, Sort::Relevance)
    }

    fn merge_fruits(&self, segments: Vec<SegmentAnswer>) -> tantivy::Result<Answer> {
        let mut total = 0;
        let mut counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); self.facets.len()];
        let mut top = Vec::new();
        for segment in segments {
            total += segment.total;
            for (field, values) in segment.facets.into_iter().enumerate() {
                for (value, n) in values {
                    *counts[field].entry(value).or_default() += n;
                }
            }
            top.extend(segment.top);
        }
        top.sort_by(|a, b| compare(&self.order, (&a.key, a.score, &a.id), (&b.key, b.score, &b.id)));
        let page = top.into_iter().skip(self.offset).take(self.limit).collect();
        let facets = counts
            .into_iter()
            .map(|values| {
                let mut values: Vec<(String, u64)> = values.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values
            })
            .collect();
        Ok(Answer { total, facets, page })
    }
}

fn missing(field: &str) -> tantivy::TantivyError {
    tantivy::TantivyError::SchemaError(format!("the {field} column is missing"))
}

/// The ordinals of the terms in `[from, to)`.
fn ord_range(column: &StrColumn, from: &[u8], to: &[u8]) -> tantivy::Result<Range<u64>> {
    let (start, end) = column.dictionary().term_bounds_to_ord(Bound::Included(from), Bound::Excluded(to))?;
    let start = match start {
        Bound::Included(ord) => ord,
        Bound::Excluded(ord) => ord + 1,
        Bound::Unbounded => 0,
    };
    let end = match end {
        Bound::Included(ord) => ord + 1,
        Bound::Excluded(ord) => ord,
        Bound::Unbounded => column.num_terms() as u64,
    };
    Ok(start..end.max(start))
}

/// A search matching at least one document in this many of a segment counts its facets from the
/// postings (see `PassSegment::facet_counts`).
const BROAD_SEARCH: u64 = 16;

/// One match: its document, score and sort ordinal (within its segment); its id ordinal is read
/// only if it could be on the page (see `harvest`).
#[derive(Debug, Clone, Copy)]
struct Match {
    doc: DocId,
    score: Score,
    key: Option<u64>,
}

pub struct PassSegment {
    segment: SegmentOrdinal,
    order: Sort,
    keep: usize,
    /// The asked facet fields, and the ranges of their values' ordinals in `keywords`.
    facet_fields: Vec<String>,
    facets: Vec<Range<u64>>,
    /// The `keywords` field's postings, for counting the facets of a broad search.
    postings: Option<Arc<InvertedIndexReader>>,
    max_doc: DocId,
    date_filters: Vec<Range<u64>>,
    sort: Option<Range<u64>>,
    ids: StrColumn,
    keywords: Option<StrColumn>,
    dates: Option<StrColumn>,
    total: u64,
    matches: Vec<Match>,
}

impl std::fmt::Debug for PassSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassSegment")
            .field("segment", &self.segment)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl PassSegment {
    fn has_ord_in(column: Option<&StrColumn>, doc: DocId, range: &Range<u64>) -> bool {
        column.is_some_and(|column| column.term_ords(doc).any(|ord| range.contains(&ord)))
    }

    /// How many matches hold each value of each asked facet field. A narrow search reads the
    /// values of each match from the column; a broad one (at least one document in
    /// [`BROAD_SEARCH`] of the segment) walks the postings of the fields' values against a bit
    /// set of the matches, which costs the same however many match (reading the column for each
    /// of 40,000 matches took most of a broad search).
    fn facet_counts(&self) -> Vec<Vec<(String, u64)>> {
        if self.facets.is_empty() {
            return Vec::new();
        }
        let broad = self.matches.len() as u64 * BROAD_SEARCH >= u64::from(self.max_doc);
        match (&self.postings, &self.keywords) {
            (Some(postings), _) if broad => self.facet_counts_by_postings(postings).unwrap_or_default(),
            (_, Some(keywords)) => self.facet_counts_by_column(keywords),
            _ => vec![Vec::new(); self.facets.len()],
        }
    }

    fn facet_counts_by_column(&self, keywords: &StrColumn) -> Vec<Vec<(String, u64)>> {
        let mut counts: Vec<Vec<u32>> =
            self.facets.iter().map(|range| vec![0; (range.end - range.start) as usize]).collect();
        for m in &self.matches {
            for ord in keywords.term_ords(m.doc) {
                for (field, range) in self.facets.iter().enumerate() {
                    if range.contains(&ord) {
                        counts[field][(ord - range.start) as usize] += 1;
                    }
                }
            }
        }
        let counted = self.facets.iter().zip(&counts).flat_map(|(range, counts)| {
            counts.iter().enumerate().filter(|(_, n)| **n > 0).map(move |(at, _)| range.start + at as u64)
        });
        let values = texts(Some(keywords), counted);
        self.facets
            .iter()
            .zip(&counts)
            .map(|(range, counts)| {
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .filter_map(|(at, n)| {
                        let text = values.get(&(range.start + at as u64))?;
                        Some((schema::value_of(text)?.to_owned(), u64::from(*n)))
                    })
                    .collect()
            })
            .collect()
    }

    fn facet_counts_by_postings(&self, postings: &InvertedIndexReader) -> std::io::Result<Vec<Vec<(String, u64)>>> {
        let mut matched = BitSet::with_max_value(self.max_doc.max(1));
        for m in &self.matches {
            matched.insert(m.doc);
        }
        let mut out = Vec::with_capacity(self.facet_fields.len());
        for field in &self.facet_fields {
            let (from, to) = schema::field_bounds(field);
            let mut values = Vec::new();
            let mut stream = postings.terms().range().ge(&from).lt(&to).into_stream()?;
            while stream.advance() {
                let mut docs = postings.read_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)?;
                let mut n = 0;
                while docs.doc() != TERMINATED {
                    if matched.contains(docs.doc()) {
                        n += 1;
                    }
                    docs.advance();
                }
                if n > 0 {
                    let Some(value) = std::str::from_utf8(stream.key()).ok().and_then(schema::value_of) else {
                        continue;
                    };
                    values.push((value.to_owned(), n));
                }
            }
            out.push(values);
        }
        Ok(out)
    }

    fn sort_ord(&self, doc: DocId) -> Option<u64> {
        let range = self.sort.as_ref()?;
        let column = match self.order {
            Sort::Relevance => return None,
            Sort::Date { .. } => self.dates.as_ref()?,
            Sort::Keyword { .. } => self.keywords.as_ref()?,
        };
        column.term_ords(doc).filter(|ord| range.contains(ord)).min()
    }
}

impl SegmentCollector for PassSegment {
    type Fruit = SegmentAnswer;

    fn collect(&mut self, doc: DocId, score: Score) {
        if !self.date_filters.iter().all(|range| Self::has_ord_in(self.dates.as_ref(), doc, range)) {
            return;
        }
        self.total += 1;
        let key = self.sort_ord(doc);
        self.matches.push(Match { doc, score, key });
    }

    fn harvest(mut self) -> SegmentAnswer {
        // Before the matches are cut down to the page's candidates.
        let facets = self.facet_counts();
        let order = self.order.clone();
        let key = |m: &Match| match order {
            Sort::Relevance => Key::Score,
            // Ordinals order like the values they stand for within a segment.
            Sort::Date { .. } | Sort::Keyword { .. } => Key::Ordinal(m.key),
        };
        let by_key = |a: &Match, b: &Match| compare_keys(&order, (&key(a), a.score), (&key(b), b.score));
        // The `keep` best by their keys, and whatever ties with the last of them: only those can
        // be on the page once ties are broken by id, so only their ids are read.
        if self.keep == 0 {
            self.matches.clear();
        } else if self.matches.len() > self.keep {
            let (_, boundary, rest) = self.matches.select_nth_unstable_by(self.keep - 1, by_key);
            let boundary = *boundary;
            let tied: Vec<Match> = rest.iter().filter(|m| by_key(m, &boundary) == Ordering::Equal).copied().collect();
            self.matches.truncate(self.keep);
            self.matches.extend(tied);
        }
        let mut ranked: Vec<(Match, u64)> =
            self.matches.iter().map(|m| (*m, self.ids.term_ords(m.doc).next().unwrap_or(u64::MAX))).collect();
        ranked.sort_by(|(a, a_id), (b, b_id)| by_key(a, b).then_with(|| a_id.cmp(b_id)));
        ranked.truncate(self.keep);
        // The page's ids, sort values and the counted facet values as text, each column's
        // dictionary read once in order (looking ordinals up one by one decoded a block each).
        let ids = texts(Some(&self.ids), ranked.iter().map(|(_, id)| *id));
        let sort_column = match self.order {
            Sort::Relevance => None,
            Sort::Date { .. } => self.dates.as_ref(),
            Sort::Keyword { .. } => self.keywords.as_ref(),
        };
        let sort_values = texts(sort_column, ranked.iter().filter_map(|(m, _)| m.key));
        let top = ranked
            .iter()
            .filter_map(|(m, id)| {
                let value = m.key.and_then(|ord| sort_values.get(&ord));
                let key = match &self.order {
                    Sort::Relevance => Key::Score,
                    Sort::Date { .. } => Key::Date(value.and_then(|text| schema::decode_date(text))),
                    Sort::Keyword { .. } => {
                        Key::Keyword(value.and_then(|text| schema::value_of(text)).map(str::to_owned))
                    }
                };
                let id = ids.get(id)?.clone();
                Some(Ranked { id, score: m.score, address: DocAddress::new(self.segment, m.doc), key })
            })
            .collect();
        SegmentAnswer { total: self.total, facets, top }
    }
}

/// The texts of ordinals of a column, its dictionary read once in order.
fn texts(column: Option<&StrColumn>, ords: impl Iterator<Item = u64>) -> HashMap<u64, String> {
    let Some(column) = column else { return HashMap::new() };
    let mut sorted: Vec<u64> = ords.collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = HashMap::with_capacity(sorted.len());
    let mut next = sorted.iter();
    // An unreadable dictionary leaves the rest out; their documents then drop off the page.
    let _ = column.dictionary().sorted_ords_to_term_cb(&sorted, |bytes| {
        if let Some(ord) = next.next() {
            out.insert(*ord, String::from_utf8_lossy(bytes).into_owned());
        }
    });
    out
}

/// The page order: by score (best first) or by a sort key (present before missing, in the asked
/// direction), then by id.
fn compare<I: Ord + ?Sized>(order: &Sort, a: (&Key, Score, &I), b: (&Key, Score, &I)) -> Ordering {
    compare_keys(order, (a.0, a.1), (b.0, b.1)).then_with(|| a.2.cmp(b.2))
}

/// [`compare`] without the ids.
fn compare_keys(order: &Sort, a: (&Key, Score), b: (&Key, Score)) -> Ordering {
    match order {
        Sort::Relevance => b.1.total_cmp(&a.1),
        Sort::Date { descending, .. } | Sort::Keyword { descending, .. } => match (a.0, b.0) {
            (Key::Ordinal(Some(x)), Key::Ordinal(Some(y))) => directed(x.cmp(y), *descending),
            (Key::Date(Some(x)), Key::Date(Some(y))) => directed(x.cmp(y), *descending),
            (Key::Keyword(Some(x)), Key::Keyword(Some(y))) => directed(x.cmp(y), *descending),
            (Key::Ordinal(Some(_)) | Key::Date(Some(_)) | Key::Keyword(Some(_)), _) => Ordering::Less,
            (_, Key::Ordinal(Some(_)) | Key::Date(Some(_)) | Key::Keyword(Some(_))) => Ordering::Greater,
            _ => Ordering::Equal,
        },
    }
}

fn directed(ordering: Ordering, descending: bool) -> Ordering {
    if descending { ordering.reverse() } else { ordering }
}

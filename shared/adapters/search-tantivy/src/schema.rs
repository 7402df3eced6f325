//! The index's fields, and how a [`SearchDoc`] becomes a tantivy document.
//!
//! The port's fields are named by each module, so they are not tantivy fields: every keyword and
//! path value is one term `field␟value` of the `keywords` field (a path with each ancestor), and
//! every date `field␟<16 hex digits>` of the `dates` column, encoded so that text order is number
//! order. Within a column a field's values are then one range of term ordinals, which is what
//! facets, date filters and sorting read.

use emmaus_ports::SearchDoc;
use tantivy::TantivyDocument;
use tantivy::schema::{FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};

use crate::text::{ANALYZER, PAIRS};

pub const FIELD_ID: &str = "id";
pub const FIELD_KEYWORDS: &str = "keywords";
pub const FIELD_DATES: &str = "dates";

/// Between a field's name and its value (the unit separator: field names are `[a-z0-9_]`).
const SEPARATOR: char = '\u{1F}';
/// The character after [`SEPARATOR`], which ends a field's range of terms.
const AFTER_SEPARATOR: char = '\u{20}';

/// Marks the other hosts' snippets use (FTS5); stripped here too so no stored text holds one.
const MARKS: [char; 2] = ['\u{E000}', '\u{E001}'];

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    /// The word pairs of each text field, in the same order (see `text::PairTokenizer`).
    pub pairs: [Field; 3],
    pub readers: Field,
    pub keywords: Field,
    pub dates: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    // Pairs are scored (frequencies) but never located (no positions) nor stored.
    let pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(PAIRS).set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: builder.add_text_field(FIELD_ID, STRING | FAST),
        title: builder.add_text_field("title", text.clone()),
        summary: builder.add_text_field("summary", text.clone()),
        body: builder.add_text_field("body", text),
        pairs: [
            builder.add_text_field("title_pairs", pairs.clone()),
            builder.add_text_field("summary_pairs", pairs.clone()),
            builder.add_text_field("body_pairs", pairs),
        ],
        readers: builder.add_text_field("readers", STRING),
        keywords: builder.add_text_field(FIELD_KEYWORDS, STRING | FAST),
        dates: builder.add_text_field(FIELD_DATES, FAST),
    };
    (builder.build(), fields)
}

/// A field's value as one term.
pub fn keyword(field: &str, value: &str) -> String {
    format!("{field}{SEPARATOR}{value}")
}

/// The value part of a [`keyword`] term.
pub fn value_of(term: &str) -> Option<&str> {
    term.split_once(SEPARATOR).map(|(_, value)| value)
}

/// The terms of every value of `field`: `[from, to)`.
pub fn field_bounds(field: &str) -> (Vec<u8>, Vec<u8>) {
    (format!("{field}{SEPARATOR}").into_bytes(), format!("{field}{AFTER_SEPARATOR}").into_bytes())
}

/// A date as text that sorts as the number does.
fn encode_date(value: i64) -> String {
    format!("{:016x}", (value as u64) ^ (1 << 63))
}

pub fn decode_date(term: &str) -> Option<i64> {
    let hex = value_of(term)?;
    u64::from_str_radix(hex, 16).ok().map(|bits| (bits ^ (1 << 63)) as i64)
}

/// The terms of `field`'s dates in `[from, to)`, an open end being the field's own.
pub fn date_bounds(field: &str, from: Option<i64>, to: Option<i64>) -> (Vec<u8>, Vec<u8>) {
    let (start, end) = field_bounds(field);
    (
        from.map_or(start, |from| keyword(field, &encode_date(from)).into_bytes()),
        to.map_or(end, |to| keyword(field, &encode_date(to)).into_bytes()),
    )
}

pub fn document(fields: &Fields, doc: &SearchDoc) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(fields.id, &doc.id);
    let [title_pairs, summary_pairs, body_pairs] = fields.pairs;
    for (field, pairs, text) in [
        (fields.title, title_pairs, unmarked(&doc.title)),
        (fields.summary, summary_pairs, unmarked(&doc.summary)),
        (fields.body, body_pairs, unmarked(&doc.body)),
    ] {
        out.add_text(pairs, &text);
        out.add_text(field, text);
    }
    for reader in &doc.readers {
        out.add_text(fields.readers, reader);
    }
    for (field, value) in doc.terms() {
        out.add_text(fields.keywords, keyword(&field, &value));
    }
    for (field, value) in &doc.dates {
        out.add_text(fields.dates, keyword(field, &encode_date(*value)));
    }
    out
}

fn unmarked(text: &str) -> String {
    text.replace(MARKS, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_sort_as_text_like_numbers() {
        let values = [i64::MIN, -5, -1, 0, 1, 1_700_000_000, i64::MAX];
        let encoded: Vec<String> = values.iter().map(|v| keyword("d", &encode_date(*v))).collect();
        let mut sorted = encoded.clone();
        sorted.sort();
        assert_eq!(sorted, encoded);
        assert_eq!(encoded.iter().map(|e| decode_date(e).unwrap()).collect::<Vec<_>>(), values);
    }

    #[test]
    fn a_fields_terms_lie_within_its_bounds() {
        let (from, to) = field_bounds("tags");
        let term = keyword("tags", "theology/grace").into_bytes();
        assert!(from <= term && term < to);
        let other = keyword("tags_x", "a").into_bytes();
        assert!(!(from <= other && other < to), "a longer field name is another field");
    }
}

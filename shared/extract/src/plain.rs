//! Plain text (`text/plain`, CSV, JSON and other `text/*`): the characters themselves.

use crate::Extracted;
use crate::text::TextSink;

/// Only this much of a plain text file is decoded: the sink keeps no more.
const TEXT_LIMIT: usize = 4 * crate::MAX_TEXT_BYTES;

pub(crate) fn extract(bytes: &[u8]) -> Extracted {
    let mut sink = TextSink::new();
    sink.push(&decode(bytes, TEXT_LIMIT));
    Extracted { text: sink.finish(), title: None, parts: 1 }
}

/// The first `limit` bytes as UTF-8 (invalid sequences replaced), or as UTF-16 when a byte order
/// mark says so, as Windows tools still write; any byte order mark is dropped.
pub(crate) fn decode(bytes: &[u8], limit: usize) -> String {
    let head = &bytes[..bytes.len().min(limit)];
    if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut text = String::from_utf8_lossy(head).into_owned();
    // A cut through the last character would otherwise end in a replacement character.
    if bytes.len() > limit && text.ends_with(char::REPLACEMENT_CHARACTER) {
        text.pop();
    }
    text
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utf8_bom_is_dropped_and_bad_bytes_replaced() {
        assert_eq!(decode(b"\xEF\xBB\xBFhello \xFF", 100), "hello \u{fffd}");
    }

    #[test]
    fn a_character_cut_by_the_limit_is_dropped() {
        assert_eq!(decode("abé".as_bytes(), 3), "ab");
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Ruth".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("Boaz".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&le, 100), "Ruth");
        assert_eq!(decode(&be, 100), "Boaz");
    }
}

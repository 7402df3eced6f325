//! The message body as it must go on the wire for the text to arrive exactly as sent.
//!
//! SMTP carries lines, and the data ends with `CRLF . CRLF`, whose first CRLF ends the last line.
//! Lettre always writes that whole sequence, even after a body that already ends with CRLF, so a
//! body handed to it as is would gain an empty last line (and a text without a final line break
//! would gain one). So the final line break is left for the terminator to supply; a text without
//! one goes quoted-printable and ends with a soft line break (`=`), which hides the terminator's
//! CRLF from the decoded text. Either way the result is also right for an SMTP client that writes
//! only the missing part of the terminator.

use lettre::message::Body;
use lettre::message::header::ContentTransferEncoding;

/// SMTP's limit for a line, without its CRLF (RFC 5321, 4.5.3.1.6).
const MAX_LINE: usize = 998;

pub fn body(text: &str) -> Body {
    // One line-break convention on the wire: CRLF, whatever the caller used.
    let text = text.replace("\r\n", "\n");
    let (content, ends_with_line_break) = match text.strip_suffix('\n') {
        Some(content) => (content, true),
        None => (text.as_str(), false),
    };
    if ends_with_line_break && is_seven_bit(content) {
        return Body::new_with_encoding(content.replace('\n', "\r\n"), ContentTransferEncoding::SevenBit)
            .expect("checked to be 7-bit text with short lines");
    }
    let mut encoded = quoted_printable::encode(content.replace('\n', "\r\n"));
    if !ends_with_line_break {
        encoded.push(b'=');
    }
    Body::dangerous_pre_encoded(encoded, ContentTransferEncoding::QuotedPrintable)
}

/// ASCII text without control characters (other than tab) whose lines all fit SMTP's limit.
fn is_seven_bit(content: &str) -> bool {
    content
        .split('\n')
        .all(|line| line.len() <= MAX_LINE && line.bytes().all(|b| b == b'\t' || (b' '..0x7f).contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(text: &str) -> (String, ContentTransferEncoding) {
        let body = body(text);
        let encoding = body.encoding();
        (String::from_utf8(body.into_vec()).unwrap(), encoding)
    }

    #[test]
    fn plain_text_with_a_final_line_break_goes_as_is_without_it() {
        assert_eq!(wire("Hello\n\nBye\n"), ("Hello\r\n\r\nBye".to_owned(), ContentTransferEncoding::SevenBit));
        assert_eq!(wire("Hello\r\nBye\r\n"), ("Hello\r\nBye".to_owned(), ContentTransferEncoding::SevenBit));
    }

    #[test]
    fn text_without_a_final_line_break_ends_with_a_soft_break() {
        assert_eq!(wire("Hello"), ("Hello=".to_owned(), ContentTransferEncoding::QuotedPrintable));
    }

    #[test]
    fn non_ascii_and_long_lines_are_quoted_printable_with_short_lines() {
        let (encoded, encoding) = wire(&format!("Römer 12\n{}\n", "x".repeat(2000)));
        assert_eq!(encoding, ContentTransferEncoding::QuotedPrintable);
        assert!(encoded.starts_with("R=C3=B6mer 12\r\n"), "{encoded}");
        assert!(encoded.split("\r\n").all(|line| line.len() <= 76), "{encoded}");
        assert!(!encoded.ends_with("\r\n"), "the terminator supplies the last line break");
    }
}

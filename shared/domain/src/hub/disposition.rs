//! The `Content-Disposition` header of a download: the original file name, correctly encoded
//! (RFC 6266 with RFC 8187's `filename*`), and never able to break out of the header.

use std::fmt::Write as _;

use super::content::Serving;

/// The longest file name offered, in characters.
const MAX_NAME_CHARS: usize = 200;

/// `attachment; filename="..."; filename*=UTF-8''...` (or `inline; ...`) for `name`: the quoted
/// name is an ASCII stand-in for old clients, the `filename*` form carries the real name and is
/// given whenever the two differ. Path separators and control characters never reach the header,
/// and an empty name becomes `download`.
pub fn content_disposition(serving: Serving, name: &str) -> String {
    let kind = match serving {
        Serving::Inline => "inline",
        Serving::Attachment => "attachment",
    };
    let name = clean(name);
    let fallback: String = name
        .chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' | '%' => '_',
            c if c.is_ascii() => c,
            _ => '_',
        })
        .collect();
    if fallback == name {
        format!("{kind}; filename=\"{fallback}\"")
    } else {
        format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}", percent_encode(&name))
    }
}

/// The name as the person gave it, minus what has no place in a file name.
fn clean(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(MAX_NAME_CHARS).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() { "download".to_owned() } else { cleaned.to_owned() }
}

/// RFC 8187's `value-chars`: attr-chars as they are, every other byte of the UTF-8 as `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_quoted_as_they_are() {
        assert_eq!(content_disposition(Serving::Attachment, "Romans 8.pdf"), "attachment; filename=\"Romans 8.pdf\"");
        assert_eq!(content_disposition(Serving::Inline, "talk.mp3"), "inline; filename=\"talk.mp3\"");
    }

    #[test]
    fn other_scripts_travel_in_filename_star_with_an_ascii_stand_in() {
        assert_eq!(
            content_disposition(Serving::Attachment, "Gnade für alle.pdf"),
            "attachment; filename=\"Gnade f_r alle.pdf\"; filename*=UTF-8''Gnade%20f%C3%BCr%20alle.pdf"
        );
        assert_eq!(
            content_disposition(Serving::Attachment, "χάρις.docx"),
            "attachment; filename=\"_____.docx\"; filename*=UTF-8''%CF%87%CE%AC%CF%81%CE%B9%CF%82.docx"
        );
        assert_eq!(
            content_disposition(Serving::Attachment, "은혜.txt"),
            "attachment; filename=\"__.txt\"; filename*=UTF-8''%EC%9D%80%ED%98%9C.txt"
        );
    }

    #[test]
    fn nothing_breaks_out_of_the_header() {
        let header = content_disposition(Serving::Attachment, "a\"; filename=evil.html\r\nX-Injected: 1");
        assert!(!header.contains('\r') && !header.contains('\n'), "{header}");
        assert!(
            header.starts_with(
                "attachment; filename=\"a'; filename=evil.htmlX-Injected: 1\"; filename*=UTF-8''a%22%3B%20"
            ),
            "{header}"
        );
        assert_eq!(content_disposition(Serving::Attachment, "..\\..\\etc/passwd"), "attachment; filename=\"passwd\"");
        assert_eq!(
            content_disposition(Serving::Attachment, "100%.txt"),
            "attachment; filename=\"100_.txt\"; filename*=UTF-8''100%25.txt"
        );
        assert_eq!(content_disposition(Serving::Attachment, "  "), "attachment; filename=\"download\"");
        assert_eq!(content_disposition(Serving::Attachment, ".hidden"), "attachment; filename=\"hidden\"");
        assert_eq!(content_disposition(Serving::Attachment, "folder/"), "attachment; filename=\"download\"");
        let long = content_disposition(Serving::Attachment, &"x".repeat(500));
        assert_eq!(long.matches('x').count(), MAX_NAME_CHARS);
    }
}

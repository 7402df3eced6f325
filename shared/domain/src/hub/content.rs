//! What a file is, judged from its bytes: the content types the hub accepts, how each is served,
//! and the check of an upload's declared type against what its bytes say.
//!
//! The declared type and the file name are the uploader's claims; only the bytes decide. A file whose
//! bytes are not on the allow-list is refused, and one whose bytes contradict its declared type is
//! quarantined (kept, not served, reported), so nobody can upload HTML that calls itself a PDF.
//! Types that can run script in a browser (HTML, SVG) are accepted but only ever downloaded.

/// The kinds of file the hub accepts, each from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    Docx,
    Pptx,
    Xlsx,
    Mp3,
    /// Audio in an MP4 container (`.m4a`).
    M4a,
    Mp4,
    QuickTime,
    Wav,
    Ogg,
    Webm,
    /// UTF-8 text: plain text, Markdown, CSV.
    Text,
    Html,
    Svg,
}

/// How a file may be served to a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serving {
    /// Shown in the browser (a PDF, an image, a recording to seek through).
    Inline,
    /// Only downloaded: the browser must never render it in the app's origin.
    Attachment,
}

impl ContentKind {
    /// The content type it is stored and served with.
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Mp3 => "audio/mpeg",
            Self::M4a => "audio/mp4",
            Self::Mp4 => "video/mp4",
            Self::QuickTime => "video/quicktime",
            Self::Wav => "audio/wav",
            Self::Ogg => "audio/ogg",
            Self::Webm => "video/webm",
            Self::Text => "text/plain; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Svg => "image/svg+xml",
        }
    }

    pub const fn serving(self) -> Serving {
        match self {
            Self::Html | Self::Svg | Self::Docx | Self::Pptx | Self::Xlsx => Serving::Attachment,
            _ => Serving::Inline,
        }
    }

    /// Whether an image thumbnail can be made from it.
    pub const fn is_raster_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Gif | Self::Webp)
    }

    /// The declared types (lower case, parameters dropped) that these bytes may honestly carry.
    fn answers_to(self, declared: &str) -> bool {
        let same = |types: &[&str]| types.contains(&declared);
        match self {
            Self::Text => {
                (declared.starts_with("text/") && !same(&["text/html", "text/xml"])) || same(&["application/json"])
            }
            Self::Html => same(&["text/html", "application/xhtml+xml"]),
            Self::Svg => same(&["image/svg+xml"]),
            Self::Jpeg => same(&["image/jpeg", "image/jpg", "image/pjpeg"]),
            Self::Mp3 => same(&["audio/mpeg", "audio/mp3"]),
            Self::M4a => same(&["audio/mp4", "audio/x-m4a", "audio/m4a"]),
            Self::Wav => same(&["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"]),
            Self::Ogg => same(&["audio/ogg", "application/ogg", "video/ogg", "audio/opus"]),
            Self::Webm => same(&["video/webm", "audio/webm"]),
            other => declared == other.mime(),
        }
    }
}

/// What an upload's bytes said about its declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// On the allow-list and what it claimed to be (an empty or generic claim is taken as no claim).
    Accepted(ContentKind),
    /// On the allow-list, but not what it claimed: kept aside, not served, reported.
    Quarantined { declared: String, found: ContentKind },
    /// Not a kind the hub accepts; `found` describes the bytes for the person's message.
    Refused { found: &'static str },
}

/// Judges an upload from the start of its bytes (`head`, the first 8 KiB or more) and, for ZIP
/// files, the end (`tail`, the last 64 KiB, where a ZIP lists its parts).
pub fn check(declared: &str, head: &[u8], tail: &[u8]) -> Verdict {
    let Some(found) = sniff(head, tail) else {
        return Verdict::Refused { found: describe_unknown(head) };
    };
    let declared = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if declared.is_empty() || declared == "application/octet-stream" || found.answers_to(&declared) {
        Verdict::Accepted(found)
    } else {
        Verdict::Quarantined { declared, found }
    }
}

/// The kind of a file from its bytes, if it is one the hub accepts.
pub fn sniff(head: &[u8], tail: &[u8]) -> Option<ContentKind> {
    if head.is_empty() {
        return None;
    }
    let starts = |magic: &[u8]| head.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return Some(ContentKind::Pdf);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(ContentKind::Png);
    }
    if starts(b"\xff\xd8\xff") {
        return Some(ContentKind::Jpeg);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(ContentKind::Gif);
    }
    if starts(b"RIFF") && at(8, b"WEBP") {
        return Some(ContentKind::Webp);
    }
    if starts(b"RIFF") && at(8, b"WAVE") {
        return Some(ContentKind::Wav);
    }
    if starts(b"OggS") {
        return Some(ContentKind::Ogg);
    }
    if starts(b"\x1a\x45\xdf\xa3") {
        // Matroska; WebM is the profile browsers play, named in its header.
        return find(&head[..head.len().min(64)], b"webm").map(|_| ContentKind::Webm);
    }
    if at(4, b"ftyp") {
        return Some(match head.get(8..12) {
            Some(b"M4A " | b"M4B ") => ContentKind::M4a,
            Some(b"qt  ") => ContentKind::QuickTime,
            _ => ContentKind::Mp4,
        });
    }
    if starts(b"ID3") || (head.len() > 1 && head[0] == 0xff && head[1] & 0xe0 == 0xe0 && head[1] & 0x06 == 0x02) {
        return Some(ContentKind::Mp3);
    }
    if starts(b"PK\x03\x04") {
        return office(head, tail);
    }
    markup_or_text(head)
}

/// An Office Open XML document names its main part in the ZIP's directory (at the end) and, when
/// small, in a local header near the start.
fn office(head: &[u8], tail: &[u8]) -> Option<ContentKind> {
    let names = |part: &[u8]| find(tail, part).is_some() || find(head, part).is_some();
    if names(b"word/document.xml") {
        Some(ContentKind::Docx)
    } else if names(b"ppt/presentation.xml") {
        Some(ContentKind::Pptx)
    } else if names(b"xl/workbook.xml") {
        Some(ContentKind::Xlsx)
    } else {
        None
    }
}

/// First tags by which browsers take bytes for HTML (the WHATWG sniffing rules, shortened).
const HTML: [&[u8]; 12] = [
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<style",
    b"<title",
];

/// HTML and SVG by their first tag (as browsers sniff them), otherwise UTF-8 text without NULs.
fn markup_or_text(head: &[u8]) -> Option<ContentKind> {
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start: Vec<u8> =
        text.iter().skip_while(|b| b.is_ascii_whitespace()).take(512).map(u8::to_ascii_lowercase).collect();
    if HTML.iter().any(|tag| start.starts_with(tag) && start.get(tag.len()).is_none_or(|b| b" >\t\r\n".contains(b))) {
        return Some(ContentKind::Html);
    }
    let declares_xml = start.starts_with(b"<?xml") || start.starts_with(b"<!--");
    if start.starts_with(b"<svg") || (declares_xml && find(&start, b"<svg").is_some()) {
        return Some(ContentKind::Svg);
    }
    if start.starts_with(b"<?xml") {
        return None;
    }
    is_utf8_text(text).then_some(ContentKind::Text)
}

/// UTF-8 (a character cut by the end of the head is fine) with no NUL and few control characters.
fn is_utf8_text(bytes: &[u8]) -> bool {
    let valid = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    let controls = valid.chars().filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')).count();
    !valid.contains('\0') && controls * 100 <= valid.chars().count().max(1)
}

fn describe_unknown(head: &[u8]) -> &'static str {
    if head.is_empty() {
        "an empty file"
    } else if head.starts_with(b"PK\x03\x04") {
        "a ZIP archive that is not a Word, PowerPoint or Excel document"
    } else if head.starts_with(b"MZ") || head.starts_with(b"\x7fELF") {
        "a program"
    } else if head.starts_with(b"<?xml") {
        "an XML document"
    } else {
        "a kind of file the hub does not accept"
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(head: &[u8]) -> Option<ContentKind> {
        sniff(head, &[])
    }

    #[test]
    fn media_and_documents_are_known_by_their_signatures() {
        assert_eq!(kind(b"%PDF-1.7\n%\xe2\xe3"), Some(ContentKind::Pdf));
        assert_eq!(kind(b"\n\n%PDF-1.4"), Some(ContentKind::Pdf));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(ContentKind::Png));
        assert_eq!(kind(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(ContentKind::Jpeg));
        assert_eq!(kind(b"GIF89a\x01\0"), Some(ContentKind::Gif));
        assert_eq!(kind(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ContentKind::Webp));
        assert_eq!(kind(b"RIFF\x24\0\0\0WAVEfmt "), Some(ContentKind::Wav));
        assert_eq!(kind(b"OggS\0\x02"), Some(ContentKind::Ogg));
        assert_eq!(kind(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm"), Some(ContentKind::Webm));
        assert_eq!(kind(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska"), None);
        assert_eq!(kind(b"\0\0\0\x20ftypisom\0\0\x02\0"), Some(ContentKind::Mp4));
        assert_eq!(kind(b"\0\0\0\x20ftypM4A \0\0\x02\0"), Some(ContentKind::M4a));
        assert_eq!(kind(b"\0\0\0\x14ftypqt  \0\0\x02\0"), Some(ContentKind::QuickTime));
        assert_eq!(kind(b"ID3\x04\0\0\0\0\0"), Some(ContentKind::Mp3));
        assert_eq!(kind(b"\xff\xfb\x90\x64\0"), Some(ContentKind::Mp3));
    }

    #[test]
    fn office_documents_are_told_apart_by_their_parts() {
        let zip = b"PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xml....";
        assert_eq!(sniff(zip, b"PK\x01\x02....word/document.xmlPK\x05\x06"), Some(ContentKind::Docx));
        assert_eq!(sniff(zip, b"PK\x01\x02....ppt/presentation.xml"), Some(ContentKind::Pptx));
        assert_eq!(sniff(zip, b"PK\x01\x02....xl/workbook.xml"), Some(ContentKind::Xlsx));
        assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0\x08\0word/document.xml", b""), Some(ContentKind::Docx));
        assert_eq!(sniff(zip, b"PK\x01\x02....notes.txt"), None);
    }

    #[test]
    fn markup_is_known_by_its_first_tag_and_text_by_its_encoding() {
        assert_eq!(kind(b"\xef\xbb\xbf  <!DOCTYPE html><html>"), Some(ContentKind::Html));
        assert_eq!(kind(b"<HTML>\n<body>"), Some(ContentKind::Html));
        assert_eq!(kind(b"<script>alert(1)</script>"), Some(ContentKind::Html));
        assert_eq!(kind(b"<svg xmlns='http://www.w3.org/2000/svg'>"), Some(ContentKind::Svg));
        assert_eq!(kind(b"<?xml version='1.0'?>\n<svg>"), Some(ContentKind::Svg));
        assert_eq!(kind(b"<?xml version='1.0'?>\n<feed>"), None);
        assert_eq!(kind("# Grace\n\nUnverdient – *Gnade*.\n".as_bytes()), Some(ContentKind::Text));
        assert_eq!(kind(b"<details> is an HTML tag, said the note"), Some(ContentKind::Text));
        // A character cut in two by the end of the head is still text.
        assert_eq!(kind(&"Gnade ü".as_bytes()[..8]), Some(ContentKind::Text));
        assert_eq!(kind(b"text\0with a NUL"), None);
        assert_eq!(kind(b"\xc3\x28 not UTF-8"), None);
        assert_eq!(kind(b"MZ\x90\0\x03"), None);
    }

    #[test]
    fn a_declared_type_is_checked_against_the_bytes() {
        let pdf = b"%PDF-1.7\n";
        assert_eq!(check("application/pdf", pdf, &[]), Verdict::Accepted(ContentKind::Pdf));
        assert_eq!(check("Application/PDF; charset=binary", pdf, &[]), Verdict::Accepted(ContentKind::Pdf));
        assert_eq!(check("", pdf, &[]), Verdict::Accepted(ContentKind::Pdf));
        assert_eq!(check("application/octet-stream", pdf, &[]), Verdict::Accepted(ContentKind::Pdf));
        assert_eq!(check("text/markdown", b"# Notes\n", &[]), Verdict::Accepted(ContentKind::Text));
        assert_eq!(check("text/csv", b"a,b\n1,2\n", &[]), Verdict::Accepted(ContentKind::Text));
        // HTML that calls itself a PDF or plain text is set aside.
        assert_eq!(
            check("application/pdf", b"<html><script>", &[]),
            Verdict::Quarantined { declared: "application/pdf".into(), found: ContentKind::Html }
        );
        assert_eq!(
            check("text/plain", b"<!doctype html>", &[]),
            Verdict::Quarantined { declared: "text/plain".into(), found: ContentKind::Html }
        );
        assert_eq!(
            check("image/png", b"\xff\xd8\xff\xe0", &[]),
            Verdict::Quarantined { declared: "image/png".into(), found: ContentKind::Jpeg }
        );
        assert_eq!(check("application/x-msdownload", b"MZ\x90\0", &[]), Verdict::Refused { found: "a program" });
        assert_eq!(check("application/pdf", b"", &[]), Verdict::Refused { found: "an empty file" });
    }

    #[test]
    fn what_can_run_script_is_only_ever_downloaded() {
        assert_eq!(ContentKind::Html.serving(), Serving::Attachment);
        assert_eq!(ContentKind::Svg.serving(), Serving::Attachment);
        assert_eq!(ContentKind::Pdf.serving(), Serving::Inline);
        assert_eq!(ContentKind::Mp3.serving(), Serving::Inline);
        assert_eq!(ContentKind::Text.mime(), "text/plain; charset=utf-8");
        assert!(ContentKind::Webp.is_raster_image() && !ContentKind::Svg.is_raster_image());
    }
}

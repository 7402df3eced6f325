//! Searchable text and thumbnails from the bytes of an uploaded file.
//!
//! Pure functions over byte slices: no I/O, clock or randomness, so the same code runs in Spin
//! components (wasm32-wasip2) and on Lambda. Every input is untrusted; sizes are bounded before
//! anything large is allocated, and archives are checked for bombs before they are inflated.
//!
//! The parsers of some formats (PDF above all) panic on some broken files. Natively
//! [`extract_contained`] turns such a panic into an error; in Wasm a panic aborts the component
//! instance, which its host contains.

mod archive;
mod docx;
mod html;
mod markdown;
mod page;
mod pdf;
mod plain;
mod pptx;
mod text;
mod thumbnail;
mod xml;

pub use page::{MAX_DESCRIPTION_CHARS, PageMeta, page_meta};
pub use thumbnail::{Thumbnail, thumbnail};

/// Extracted text is cut (at a character boundary) beyond this many bytes: enough for any
/// document people search, small enough to index and store alongside it.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// Inputs larger than this are refused before any parsing.
pub(crate) const MAX_INPUT_BYTES: usize = 200 * 1024 * 1024;

/// What was read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The visible text, NFKC-normalised, runs of spaces collapsed, trimmed; at most
    /// [`MAX_TEXT_BYTES`] bytes.
    pub text: String,
    /// The document's own title, where the format has one and it is set.
    pub title: Option<String>,
    /// Pages of a PDF, slides of a presentation, 1 for everything else.
    pub parts: u32,
}

/// Why a file gave no text or thumbnail. The messages are for the person who uploaded the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// No text or thumbnail is read from this type of file (or this variant of it, such as an
    /// encrypted document).
    #[error("{0}")]
    Unsupported(String),
    /// The file is damaged or is not what its type says.
    #[error("{0}")]
    Malformed(String),
    /// The file, or what it unpacks to, is over a limit: refused before it costs memory or time.
    #[error("{0}")]
    TooLarge(String),
    /// A parser panicked on the file (natively only; see [`extract_contained`]).
    #[error("{0}")]
    Crashed(String),
}

pub(crate) fn malformed(what: &str) -> ExtractError {
    ExtractError::Malformed(format!("the file could not be read as {what}"))
}

pub(crate) fn too_large(why: &str) -> ExtractError {
    ExtractError::TooLarge(why.to_owned())
}

/// The media type without parameters, lower-cased: `Text/HTML; charset=utf-8` is `text/html`.
pub(crate) fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/// Reads the text of a file of the given media type (parameters after `;` are ignored).
pub fn extract(bytes: &[u8], content_type: &str) -> Result<Extracted, ExtractError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large("the file is larger than 200 MiB"));
    }
    match essence(content_type).as_str() {
        "text/markdown" | "text/x-markdown" => Ok(markdown::extract(bytes)),
        "text/html" | "application/xhtml+xml" => Ok(html::extract(bytes)),
        "application/pdf" => pdf::extract(bytes),
        DOCX => docx::extract(bytes),
        PPTX => pptx::extract(bytes),
        other if other.starts_with("text/") || matches!(other, "application/json" | "application/xml") => {
            Ok(plain::extract(bytes))
        }
        "" => Err(ExtractError::Unsupported("the file has no type, so its text cannot be read".to_owned())),
        other => Err(ExtractError::Unsupported(format!("text cannot be read from files of type {other}"))),
    }
}

/// [`extract`], with a panic inside a parser reported as [`ExtractError::Crashed`].
///
/// Natively the panic is caught (the default hook still prints it, which is what logs want). On
/// wasm32 there is no unwinding: a panic aborts the instance and the host contains the trap.
pub fn extract_contained(bytes: &[u8], content_type: &str) -> Result<Extracted, ExtractError> {
    #[cfg(not(target_family = "wasm"))]
    {
        // The closure only reads its inputs; a panic leaves nothing half-changed behind.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extract(bytes, content_type)))
            .unwrap_or_else(|_| Err(ExtractError::Crashed("the file could not be read".to_owned())))
    }
    #[cfg(target_family = "wasm")]
    {
        extract(bytes, content_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type_parameters_and_case_are_ignored() {
        assert_eq!(essence(" Text/HTML ; charset=UTF-8"), "text/html");
        let got = extract(b"<p>Hi</p>", "TEXT/HTML; charset=utf-8").unwrap();
        assert_eq!(got.text, "Hi");
    }

    #[test]
    fn unknown_and_missing_types_are_unsupported() {
        assert!(matches!(extract(b"x", "application/octet-stream"), Err(ExtractError::Unsupported(_))));
        assert!(matches!(extract(b"x", ""), Err(ExtractError::Unsupported(_))));
    }

    #[test]
    fn json_is_read_as_text() {
        let got = extract(br#"{"name": "Ruth"}"#, "application/json").unwrap();
        assert_eq!(got.text, r#"{"name": "Ruth"}"#);
        assert_eq!(got.parts, 1);
    }
}

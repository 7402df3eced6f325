//! Print-quality documents of a session, as its reader sees it: a PDF laid out by typst with
//! the fonts given to it (embedded, subset), headings, page numbers, block durations, pictures from
//! hub files and text in any script the fonts cover, right-to-left paragraphs set right to left;
//! and a DOCX with its own heading styles and page numbers. Pure: the caller brings the session,
//! the fonts and the pictures.

pub mod docx;
pub mod pdf;
pub mod sheet;

pub use sheet::{Picture, PictureKind, Sheet};

/// Why a document could not be made.
#[derive(Debug, PartialEq, Eq)]
pub enum PrintError {
    /// No font was given, or none of them could be read.
    NoFonts,
    /// The layout engine refused the document (a fault of ours, not of the session).
    Layout(String),
    /// The document writer failed.
    Write(String),
}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoFonts => f.write_str("no fonts are installed for printing"),
            Self::Layout(why) => write!(f, "the document could not be laid out: {why}"),
            Self::Write(why) => write!(f, "the document could not be written: {why}"),
        }
    }
}

impl std::error::Error for PrintError {}

//! Zip archives (DOCX, PPTX) read with limits, so a zip bomb is refused instead of inflated.
//!
//! Every entry's declared sizes are checked when the archive is opened, and each read goes through
//! `take()` as well, because the declared size is only what the file claims.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::{ExtractError, malformed, too_large};

const MAX_ENTRIES: usize = 10_000;
const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Entries above this size must not inflate more than [`MAX_RATIO`] times; small ones may (a
/// short run of repeated XML can compress very well and harms no one).
const RATIO_CHECKED_FROM: u64 = 1024 * 1024;
const MAX_RATIO: u64 = 200;

#[derive(Debug)]
pub(crate) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// What the format is called in messages to people, "a Word document".
    what: &'static str,
    /// Bytes still allowed to be inflated across all reads.
    budget: u64,
}

impl<'a> Archive<'a> {
    pub(crate) fn open(bytes: &'a [u8], what: &'static str) -> Result<Self, ExtractError> {
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|error| zip_error(&error, what))?;
        if zip.len() > MAX_ENTRIES {
            return Err(too_large("the archive has more than 10,000 files in it"));
        }
        for index in 0..zip.len() {
            let entry = zip.by_index_raw(index).map_err(|error| zip_error(&error, what))?;
            check_sizes(entry.size(), entry.compressed_size())?;
        }
        Ok(Self { zip, what, budget: MAX_TOTAL_BYTES })
    }

    /// The names of the entries, those that are not valid UTF-8 left out.
    pub(crate) fn names(&self) -> Vec<String> {
        self.zip.file_names().filter_map(Result::ok).map(std::borrow::Cow::into_owned).collect()
    }

    /// The inflated bytes of the entry at `name`, or `None` when there is no such entry.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ExtractError> {
        let entry = match self.zip.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(error) => return Err(zip_error(&error, self.what)),
        };
        check_sizes(entry.size(), entry.compressed_size())?;
        let limit = MAX_ENTRY_BYTES.min(self.budget);
        let mut out = Vec::with_capacity(entry.size().min(limit) as usize);
        // One byte more than allowed tells an entry that lied about its size from one that fits.
        entry.take(limit + 1).read_to_end(&mut out).map_err(|_| malformed(self.what))?;
        let read = out.len() as u64;
        if read > limit {
            return Err(if limit < MAX_ENTRY_BYTES {
                too_large("the archive inflates to more than 256 MiB")
            } else {
                too_large("a file inside the archive is larger than 64 MiB")
            });
        }
        self.budget -= read;
        Ok(Some(out))
    }

    /// Like [`Self::read`], as text (invalid UTF-8 replaced, a byte order mark dropped).
    pub(crate) fn read_text(&mut self, name: &str) -> Result<Option<String>, ExtractError> {
        Ok(self.read(name)?.map(|bytes| crate::plain::decode(&bytes, usize::MAX)))
    }
}

fn check_sizes(size: u64, compressed: u64) -> Result<(), ExtractError> {
    if size > MAX_ENTRY_BYTES {
        return Err(too_large("a file inside the archive is larger than 64 MiB"));
    }
    if size > RATIO_CHECKED_FROM && size / compressed.max(1) > MAX_RATIO {
        return Err(too_large("a file inside the archive is compressed suspiciously well (a zip bomb)"));
    }
    Ok(())
}

fn zip_error(error: &ZipError, what: &'static str) -> ExtractError {
    match error {
        ZipError::UnsupportedArchive(_) => {
            ExtractError::Unsupported(format!("{what} that is encrypted or uses an unusual compression cannot be read"))
        }
        _ => malformed(what),
    }
}

/// The archive path a relationship target points at, resolved against the folder of the part
/// that holds the relationship (`ppt/slides` + `../notesSlides/n1.xml` is `ppt/notesSlides/n1.xml`).
pub(crate) fn resolve(base_dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = match target.strip_prefix('/') {
        Some(_) => Vec::new(),
        None => base_dir.split('/').filter(|part| !part.is_empty()).collect(),
    };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_targets_resolve_against_their_folder() {
        assert_eq!(resolve("ppt/slides", "../notesSlides/notesSlide1.xml"), "ppt/notesSlides/notesSlide1.xml");
        assert_eq!(resolve("ppt", "slides/slide2.xml"), "ppt/slides/slide2.xml");
        assert_eq!(resolve("ppt", "/ppt/slides/slide3.xml"), "ppt/slides/slide3.xml");
        assert_eq!(resolve("", "../../x.xml"), "x.xml");
    }

    #[test]
    fn sizes_and_ratios_are_checked() {
        assert!(check_sizes(10, 1).is_ok());
        assert!(check_sizes(2 * 1024 * 1024, 1024 * 1024).is_ok());
        assert!(matches!(check_sizes(100 * 1024 * 1024, 99 * 1024 * 1024), Err(ExtractError::TooLarge(_))));
        assert!(matches!(check_sizes(2 * 1024 * 1024, 1024), Err(ExtractError::TooLarge(_))));
    }
}

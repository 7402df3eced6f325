//! A vault uploaded as a zip archive, read with limits so a zip bomb or a zip-slip archive is
//! refused instead of inflated or written somewhere it should not be.
//!
//! Everything the central directory declares (every name, size, count and the total) is checked
//! when the archive is opened, before a byte is inflated; each read then goes through `take()` as
//! well, because a declared size is only what the archive claims.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use crate::path::{PathError, VaultPath, skipped};

/// Entries above this size must not inflate more than [`Limits::max_ratio`] times; small ones may
/// (a short run of repeated text compresses very well and harms no one).
const RATIO_CHECKED_FROM: u64 = 1024 * 1024;

/// What an archive may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The inflated size of all listed files together, and of everything read.
    pub max_total_bytes: u64,
    /// Entries in the archive, folders and skipped files included.
    pub max_files: usize,
    pub max_file_bytes: u64,
    /// How many times its compressed size a file over 1 MiB may inflate to.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_total_bytes: 1024 * 1024 * 1024,
            max_files: 50_000,
            max_file_bytes: 64 * 1024 * 1024,
            max_ratio: 100,
        }
    }
}

/// A file in the archive. `size` is the inflated size the archive declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: VaultPath,
    pub size: u64,
    index: usize,
}

/// Why an archive, or a file in it, cannot be read; the messages are for the person uploading it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("this is not a zip archive, or it is too damaged to open")]
    NotAZip,
    #[error("“{path}” in the archive is protected with a password; zip the vault again without one")]
    Encrypted { path: String },
    #[error("the archive uses {what}, which cannot be read; zip the vault again with the usual settings")]
    Unsupported { what: String },
    #[error("the archive holds the name {name:?}, which is not safe to unpack ({reason}), so none of it was read")]
    UnsafePath { name: String, reason: PathError },
    #[error("the archive holds more than {limit} files and folders")]
    TooManyFiles { limit: usize },
    #[error("the files in the archive add up to more than {} MiB", limit / (1024 * 1024))]
    TooLarge { limit: u64 },
    #[error("“{path}” in the archive is larger than {} MiB", limit / (1024 * 1024))]
    FileTooLarge { path: String, limit: u64 },
    #[error("“{path}” in the archive is compressed suspiciously well (a zip bomb), so the archive was refused")]
    Bomb { path: String },
    #[error("“{path}” in the archive is damaged and cannot be read")]
    Damaged { path: String },
}

/// An opened archive: its files (the listed ones) and a budget of bytes still allowed to inflate.
#[derive(Debug)]
pub struct VaultArchive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    entries: Vec<Entry>,
    skipped: usize,
    limits: Limits,
    budget: u64,
}

/// An entry as the central directory declares it, before the top folder is stripped.
struct Declared {
    path: VaultPath,
    index: usize,
    size: u64,
    compressed: u64,
    encrypted: bool,
    method: CompressionMethod,
    symlink: bool,
}

impl<'a> VaultArchive<'a> {
    /// Opens an archive and checks everything it declares.
    ///
    /// Every entry's name must be a safe [`VaultPath`]: one absolute or `..` name refuses the whole
    /// archive, since it was built to escape. Folders are not entries. A single top folder that
    /// every file sits in (`MyVault/a.md`) is stripped (`a.md`), as zipping a vault's folder makes
    /// one. Files that [`skipped`] leaves out, and symbolic links, are counted in
    /// [`Self::skipped`], not listed, and not checked beyond their name.
    pub fn open(bytes: &'a [u8], limits: Limits) -> Result<Self, ArchiveError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|error| match error {
            ZipError::UnsupportedArchive(what) => ArchiveError::Unsupported { what: what.to_lowercase() },
            _ => ArchiveError::NotAZip,
        })?;
        if zip.len() > limits.max_files {
            return Err(ArchiveError::TooManyFiles { limit: limits.max_files });
        }
        let declared = declared_files(&zip)?;
        let top_folder = shared_top_folder(&declared);
        let mut entries = Vec::new();
        let mut skipped_files = 0;
        for file in declared {
            let path = match &top_folder {
                Some(top) if file.path.first_segment() == top => file.path.without_first_segment().unwrap_or(file.path),
                _ => file.path,
            };
            if file.symlink || skipped(&path).is_some() {
                skipped_files += 1;
                continue;
            }
            let name = || path.to_string();
            if file.encrypted {
                return Err(ArchiveError::Encrypted { path: name() });
            }
            if !matches!(file.method, CompressionMethod::Stored | CompressionMethod::Deflated) {
                return Err(ArchiveError::Unsupported {
                    what: format!("{} compression (for “{}”)", file.method, path),
                });
            }
            if file.size > limits.max_file_bytes {
                return Err(ArchiveError::FileTooLarge { path: name(), limit: limits.max_file_bytes });
            }
            if file.size > RATIO_CHECKED_FROM && file.size / file.compressed.max(1) > limits.max_ratio {
                return Err(ArchiveError::Bomb { path: name() });
            }
            entries.push(Entry { path, size: file.size, index: file.index });
        }
        // Stable, so of two entries that normalise to the same path the first in the archive stays.
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        entries.dedup_by(|later, earlier| later.path == earlier.path);
        let total = entries.iter().fold(0_u64, |total, entry| total.saturating_add(entry.size));
        if total > limits.max_total_bytes {
            return Err(ArchiveError::TooLarge { limit: limits.max_total_bytes });
        }
        Ok(Self { zip, entries, skipped: skipped_files, limits, budget: limits.max_total_bytes })
    }

    /// The files to import, sorted by path.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// How many files were left out (settings, trash, hidden and system files, symbolic links).
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The inflated bytes of `entry` (one of [`Self::entries`]). An entry that inflates to more
    /// than it declared is damaged (or built to deceive) and is not read past that; what is read
    /// counts against the archive's total, however often the same entry is read.
    pub fn read(&mut self, entry: &Entry) -> Result<Vec<u8>, ArchiveError> {
        let damaged = || ArchiveError::Damaged { path: entry.path.to_string() };
        let file = self.zip.by_index(entry.index).map_err(|_| damaged())?;
        let allowed = entry.size.min(self.limits.max_file_bytes).min(self.budget);
        // Grown as it is read rather than trusting the declared size with one large allocation.
        let mut bytes = Vec::with_capacity(allowed.min(RATIO_CHECKED_FROM) as usize);
        // One byte more than allowed tells an entry that lied about its size from one that fits.
        file.take(allowed + 1).read_to_end(&mut bytes).map_err(|_| damaged())?;
        let read = bytes.len() as u64;
        if read > allowed {
            return Err(if read > self.budget {
                ArchiveError::TooLarge { limit: self.limits.max_total_bytes }
            } else if read > self.limits.max_file_bytes {
                ArchiveError::FileTooLarge { path: entry.path.to_string(), limit: self.limits.max_file_bytes }
            } else {
                damaged()
            });
        }
        self.budget -= read;
        Ok(bytes)
    }
}

/// Every file the central directory lists, with its name checked; folders and entries whose name
/// normalises to nothing (`./`) left out.
fn declared_files(zip: &ZipArchive<Cursor<&[u8]>>) -> Result<Vec<Declared>, ArchiveError> {
    let mut files = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let entry = zip.by_index_data(index).map_err(|_| ArchiveError::NotAZip)?;
        // The zip crate decodes names as UTF-8 or CP437, as the entry's flag says.
        let name = entry
            .name()
            .map_err(|_| ArchiveError::Damaged { path: String::from_utf8_lossy(entry.name_raw()).into_owned() })?;
        let path = match VaultPath::parse(&name) {
            Ok(path) => path,
            Err(PathError::Empty) => continue,
            Err(reason) => return Err(ArchiveError::UnsafePath { name: name.into_owned(), reason }),
        };
        if entry.is_dir() {
            continue;
        }
        files.push(Declared {
            path,
            index,
            size: entry.size(),
            compressed: entry.compressed_size(),
            encrypted: entry.encrypted(),
            method: entry.compression(),
            symlink: entry.is_symlink(),
        });
    }
    Ok(files)
}

/// The one top folder every file sits in, if there is one. What operating systems add beside it
/// (`__MACOSX/`, a `.DS_Store`) does not count, and a hidden folder (`.obsidian/` alone) is never
/// stripped, so settings cannot turn into notes.
fn shared_top_folder(files: &[Declared]) -> Option<String> {
    let mut content = files.iter().filter(|file| skipped(&file.path) != Some(crate::path::Skip::SystemFile));
    let first = content.next()?;
    let top = first.path.as_str().split_once('/')?.0;
    if top.starts_with('.') {
        return None;
    }
    content
        .all(|file| file.path.as_str().split_once('/').is_some_and(|(folder, _)| folder == top))
        .then(|| top.to_owned())
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(method);
        for (name, bytes) in files {
            if name.ends_with('/') {
                writer.add_directory(*name, options).unwrap();
            } else {
                writer.start_file(*name, options).unwrap();
                writer.write_all(bytes).unwrap();
            }
        }
        writer.finish().unwrap().into_inner()
    }

    fn stored(files: &[(&str, &[u8])]) -> Vec<u8> {
        zip_of(files, CompressionMethod::Stored)
    }

    fn listed(archive: &VaultArchive<'_>) -> Vec<String> {
        archive.entries().iter().map(|entry| entry.path.to_string()).collect()
    }

    #[test]
    fn reads_files_sorted_without_folders() {
        let bytes = zip_of(
            &[("b.md", b"# B"), ("notes/", b""), ("notes/a.md", b"# A"), ("img.png", b"PNG")],
            CompressionMethod::Deflated,
        );
        let mut archive = VaultArchive::open(&bytes, Limits::default()).unwrap();
        assert_eq!(listed(&archive), ["b.md", "img.png", "notes/a.md"]);
        let entry = archive.entries()[2].clone();
        assert_eq!(entry.size, 3);
        assert_eq!(archive.read(&entry).unwrap(), b"# A");
        assert_eq!(archive.skipped(), 0);
    }

    #[test]
    fn zip_slip_and_absolute_names_refuse_the_archive() {
        for name in ["../evil.md", "/etc/passwd", "C:\\x", "notes/../../evil.md", "C:/x.md"] {
            let bytes = stored(&[("fine.md", b"x"), (name, b"evil")]);
            let error = VaultArchive::open(&bytes, Limits::default()).unwrap_err();
            assert!(
                matches!(&error, ArchiveError::UnsafePath { name: refused, .. } if refused == name),
                "{name}: {error:?}"
            );
        }
        let bytes = stored(&[("../", b"")]);
        assert!(matches!(VaultArchive::open(&bytes, Limits::default()), Err(ArchiveError::UnsafePath { .. })));
    }

    #[test]
    fn a_zip_bomb_is_refused_before_inflating() {
        let zeros = vec![0_u8; 10 * 1024 * 1024];
        let bytes = zip_of(&[("a.md", b"x"), ("bomb.md", &zeros)], CompressionMethod::Deflated);
        assert!(bytes.len() < 100 * 1024);
        let error = VaultArchive::open(&bytes, Limits::default()).unwrap_err();
        assert_eq!(error, ArchiveError::Bomb { path: "bomb.md".into() });
    }

    #[test]
    fn file_count_total_and_file_size_limits() {
        let bytes = stored(&[("a.md", b"1"), ("b.md", b"2"), ("c.md", b"3")]);
        let limits = Limits { max_files: 2, ..Limits::default() };
        assert_eq!(VaultArchive::open(&bytes, limits).unwrap_err(), ArchiveError::TooManyFiles { limit: 2 });

        let bytes = stored(&[("a.md", &[b'a'; 600]), ("b.md", &[b'b'; 600])]);
        let limits = Limits { max_total_bytes: 1000, ..Limits::default() };
        assert_eq!(VaultArchive::open(&bytes, limits).unwrap_err(), ArchiveError::TooLarge { limit: 1000 });

        let limits = Limits { max_file_bytes: 500, ..Limits::default() };
        assert!(
            matches!(VaultArchive::open(&bytes, limits), Err(ArchiveError::FileTooLarge { path, .. }) if path == "a.md")
        );
    }

    #[test]
    fn reads_count_against_the_total() {
        let bytes = stored(&[("a.md", &[b'a'; 600])]);
        let mut archive = VaultArchive::open(&bytes, Limits { max_total_bytes: 1000, ..Limits::default() }).unwrap();
        let entry = archive.entries()[0].clone();
        assert_eq!(archive.read(&entry).unwrap().len(), 600);
        assert_eq!(archive.read(&entry).unwrap_err(), ArchiveError::TooLarge { limit: 1000 });
    }

    /// The archive with every declared uncompressed size (local headers and central directory)
    /// replaced by `size`.
    fn with_declared_size(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
        let mut at = 0;
        while at + 4 <= bytes.len() {
            let offset = match &bytes[at..at + 4] {
                [0x50, 0x4b, 0x03, 0x04] => Some(22),
                [0x50, 0x4b, 0x01, 0x02] => Some(24),
                _ => None,
            };
            if let Some(offset) = offset {
                bytes[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
            }
            at += 1;
        }
        bytes
    }

    #[test]
    fn an_entry_that_lies_about_its_size_is_not_read_past_it() {
        let text = "line of text\n".repeat(100);
        let bytes = with_declared_size(zip_of(&[("a.md", text.as_bytes())], CompressionMethod::Deflated), 10);
        let mut archive = VaultArchive::open(&bytes, Limits::default()).unwrap();
        let entry = archive.entries()[0].clone();
        assert_eq!(entry.size, 10);
        assert_eq!(archive.read(&entry).unwrap_err(), ArchiveError::Damaged { path: "a.md".into() });
    }

    #[test]
    fn a_single_top_folder_is_stripped() {
        let bytes = stored(&[
            ("MyVault/", b""),
            ("MyVault/a.md", b"a"),
            ("MyVault/sub/b.md", b"b"),
            ("MyVault/.obsidian/app.json", b"{}"),
            ("__MACOSX/MyVault/._a.md", b""),
            (".DS_Store", b""),
        ]);
        let archive = VaultArchive::open(&bytes, Limits::default()).unwrap();
        assert_eq!(listed(&archive), ["a.md", "sub/b.md"]);
        assert_eq!(archive.skipped(), 3);

        let bytes = stored(&[("A/a.md", b"a"), ("B/b.md", b"b")]);
        assert_eq!(listed(&VaultArchive::open(&bytes, Limits::default()).unwrap()), ["A/a.md", "B/b.md"]);
        let bytes = stored(&[("A/a.md", b"a"), ("b.md", b"b")]);
        assert_eq!(listed(&VaultArchive::open(&bytes, Limits::default()).unwrap()), ["A/a.md", "b.md"]);
        let bytes = stored(&[(".obsidian/app.json", b"{}")]);
        let archive = VaultArchive::open(&bytes, Limits::default()).unwrap();
        assert!(archive.entries().is_empty(), "settings never become notes");
        assert_eq!(archive.skipped(), 1);
    }

    #[test]
    fn settings_trash_and_hidden_files_are_skipped() {
        let bytes = stored(&[
            (".obsidian/workspace.json", b"{}"),
            (".trash/old.md", b"old"),
            ("notes/.hidden.md", b"h"),
            ("Thumbs.db", b""),
            ("notes/kept.md", b"k"),
            ("kept.md", b"k"),
        ]);
        let archive = VaultArchive::open(&bytes, Limits::default()).unwrap();
        assert_eq!(listed(&archive), ["kept.md", "notes/kept.md"]);
        assert_eq!(archive.skipped(), 4);
    }

    #[test]
    fn skipped_files_do_not_count_against_size_limits() {
        let bytes = stored(&[(".trash/big.md", &[b'x'; 2000]), ("a.md", b"a")]);
        let limits = Limits { max_file_bytes: 1000, max_total_bytes: 1000, ..Limits::default() };
        assert_eq!(listed(&VaultArchive::open(&bytes, limits).unwrap()), ["a.md"]);
    }

    #[test]
    fn backslash_names_and_duplicates() {
        let bytes = stored(&[("notes\\a.md", b"first"), ("notes/a.md", b"second"), ("b.md", b"b")]);
        let mut archive = VaultArchive::open(&bytes, Limits::default()).unwrap();
        assert_eq!(listed(&archive), ["b.md", "notes/a.md"]);
        let entry = archive.entries()[1].clone();
        assert_eq!(archive.read(&entry).unwrap(), b"first");
    }

    #[test]
    fn not_a_zip() {
        assert_eq!(VaultArchive::open(b"", Limits::default()).unwrap_err(), ArchiveError::NotAZip);
        assert_eq!(VaultArchive::open(b"# just a note", Limits::default()).unwrap_err(), ArchiveError::NotAZip);
    }

    #[test]
    fn damaged_data_is_an_error_for_that_file() {
        let bytes = stored(&[("a.md", b"hello world")]);
        let mut damaged = bytes.clone();
        let at = bytes.windows(5).position(|window| window == b"hello").unwrap();
        damaged[at] = b'j';
        let mut archive = VaultArchive::open(&damaged, Limits::default()).unwrap();
        let entry = archive.entries()[0].clone();
        assert_eq!(archive.read(&entry).unwrap_err(), ArchiveError::Damaged { path: "a.md".into() });
    }

    #[test]
    fn messages_name_the_file() {
        let error = ArchiveError::UnsafePath { name: "../evil.md".into(), reason: PathError::Parent };
        assert!(error.to_string().contains("\"../evil.md\""), "{error}");
        let error = ArchiveError::FileTooLarge { path: "a.md".into(), limit: 64 * 1024 * 1024 };
        assert_eq!(error.to_string(), "“a.md” in the archive is larger than 64 MiB");
    }
}

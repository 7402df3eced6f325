//! A vault in a `.zip` (an upload, or a file given to the command line), as an import's source:
//! read through `emmaus_obsidian::archive`, which refuses unsafe paths and zip bombs before
//! inflating anything.

use emmaus_obsidian::archive::{ArchiveError, Entry, Limits, VaultArchive};
use emmaus_obsidian::path::VaultPath;

use super::import::{SourceFile, VaultSource};

/// The entries of an archive that was opened whole.
pub struct ZipSource<'a> {
    archive: VaultArchive<'a>,
    entries: Vec<Entry>,
}

impl<'a> ZipSource<'a> {
    /// Opens `bytes` as a vault; an archive that breaks a limit or holds an unsafe path is refused
    /// whole, with a message for people.
    pub fn open(bytes: &'a [u8], limits: Limits) -> Result<Self, ArchiveError> {
        let archive = VaultArchive::open(bytes, limits)?;
        let entries = archive.entries().to_vec();
        Ok(Self { archive, entries })
    }
}

impl std::fmt::Debug for ZipSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipSource").field("entries", &self.entries.len()).finish_non_exhaustive()
    }
}

impl VaultSource for ZipSource<'_> {
    fn files(&self) -> Vec<SourceFile> {
        self.entries.iter().map(|entry| SourceFile { path: entry.path.clone(), size: entry.size }).collect()
    }

    fn read(&mut self, path: &VaultPath) -> Result<Vec<u8>, String> {
        // The archive lists its entries in path order.
        let Ok(at) = self.entries.binary_search_by(|entry| entry.path.cmp(path)) else {
            return Err("it is not in the archive".into());
        };
        let entry = self.entries[at].clone();
        self.archive.read(&entry).map_err(|error| error.to_string())
    }

    fn skipped(&self) -> usize {
        self.archive.skipped()
    }
}

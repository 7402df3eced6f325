//! Paths of files inside a vault: parsed once into a normal form that cannot leave the vault, and
//! the folders and files an import leaves out.

use std::fmt;
use std::str::FromStr;

use crate::fold;

const MAX_PATH_BYTES: usize = 1024;
const MAX_SEGMENTS: usize = 32;

/// A path inside a vault: `/`-separated, relative to the vault's folder, without `.`, `..` or
/// empty segments, at most 1024 bytes and 32 segments. Compared byte for byte (not case-folded,
/// not Unicode-normalised): the name a file has is the name it keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VaultPath(String);

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("the path is empty")]
    Empty,
    #[error("the path is absolute; paths in a vault start at the vault's own folder")]
    Absolute,
    #[error("the path has a '..' segment, which could reach outside the vault")]
    Parent,
    #[error("the path is longer than {MAX_PATH_BYTES} bytes")]
    TooLong,
    #[error("the path has more than {MAX_SEGMENTS} folders and files in it")]
    TooDeep,
    #[error("the path has a control character in it")]
    ControlCharacter,
}

impl VaultPath {
    /// The normal form of `raw`, or why it is not a safe vault path.
    ///
    /// Backslashes are separators (Windows zips use them); `.` and empty segments are dropped
    /// (`a//./b` is `a/b`). Refused: absolute paths (`/x`, `\x`, `C:/x`, `C:\x`, `C:x`), any `..`
    /// segment, even one that stays inside (`a/../b`), since a zip with one is built to escape.
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        if raw.is_empty() {
            return Err(PathError::Empty);
        }
        if raw.chars().any(char::is_control) {
            return Err(PathError::ControlCharacter);
        }
        let unified = raw.replace('\\', "/");
        if unified.starts_with('/') || has_drive_prefix(&unified) {
            return Err(PathError::Absolute);
        }
        let mut segments = Vec::new();
        for segment in unified.split('/') {
            match segment {
                "" | "." => {}
                ".." => return Err(PathError::Parent),
                segment => segments.push(segment),
            }
        }
        if segments.is_empty() {
            return Err(PathError::Empty);
        }
        if segments.len() > MAX_SEGMENTS {
            return Err(PathError::TooDeep);
        }
        let path = segments.join("/");
        if path.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        Ok(Self(path))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folder the file is in: `""` at the vault's root, else `a/b` for `a/b/c.md`.
    pub fn folder(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(folder, _)| folder)
    }

    /// The last segment: `c.md` for `a/b/c.md`.
    pub fn file_name(&self) -> &str {
        self.0.rsplit_once('/').map_or(self.0.as_str(), |(_, name)| name)
    }

    /// The file name without its last extension: `c` for `a/b/c.md`, `v1.2` for `v1.2.md`. A
    /// hidden file without another dot (`.md`) keeps its whole name.
    pub fn stem(&self) -> &str {
        let name = self.file_name();
        match extension_dot(name) {
            Some(dot) => &name[..dot],
            None => name,
        }
    }

    /// The last extension, lowercase, without the dot.
    pub fn extension(&self) -> Option<String> {
        let name = self.file_name();
        extension_dot(name).map(|dot| name[dot + 1..].to_lowercase())
    }

    /// Whether the file is a note (Markdown, `.md` in any case).
    pub fn is_note(&self) -> bool {
        self.extension().as_deref() == Some("md")
    }

    /// The name links find this file by (lowercase, NFC): the stem for notes (`My Note.md` is
    /// `my note`), the whole file name for other files (`Image.PNG` is `image.png`), since
    /// Obsidian links name notes without `.md` and attachments with their extension.
    pub fn link_name(&self) -> String {
        if self.is_note() { fold(self.stem()) } else { fold(self.file_name()) }
    }

    /// The path without `.md` for notes (`a/b/c.md` is `a/b/c`), the whole path for other files.
    pub fn without_note_extension(&self) -> &str {
        if self.is_note() { &self.0[..self.0.len() - ".md".len()] } else { &self.0 }
    }

    /// The path without its first segment, for an archive whose files all sit in one top folder;
    /// `None` when there is only one segment.
    pub(crate) fn without_first_segment(&self) -> Option<Self> {
        self.0.split_once('/').map(|(_, rest)| Self(rest.to_owned()))
    }

    /// The first segment: the top folder, or the file name of a file at the root.
    pub(crate) fn first_segment(&self) -> &str {
        self.0.split_once('/').map_or(self.0.as_str(), |(first, _)| first)
    }
}

impl fmt::Display for VaultPath {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl FromStr for VaultPath {
    type Err = PathError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl AsRef<str> for VaultPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The byte index of the dot before a file name's extension: not a leading dot (a hidden file's
/// name is all name) and not a trailing one (`notes.` has no extension).
fn extension_dot(name: &str) -> Option<usize> {
    name.rfind('.').filter(|&dot| dot > 0 && dot + 1 < name.len())
}

/// `C:` and the like: a Windows drive, absolute (`C:/x`) or relative to that drive's current
/// folder (`C:x`); neither is inside the vault.
fn has_drive_prefix(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// Why an import leaves a file out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// `.obsidian/`: the app's settings, plugins and workspace, not content.
    Settings,
    /// `.trash/`: Obsidian's own wastebasket.
    Trash,
    /// What operating systems leave behind: `__MACOSX/`, `.DS_Store`, `Thumbs.db`, `desktop.ini`.
    SystemFile,
    /// Any other file or folder whose name starts with `.`, which Obsidian does not show.
    Hidden,
}

/// Whether an import leaves `path` out, and why; checked in the order of [`Skip`]'s variants so
/// `.obsidian/x` is `Settings`, not `Hidden`.
pub fn skipped(path: &VaultPath) -> Option<Skip> {
    let first = path.first_segment();
    if first == ".obsidian" {
        return Some(Skip::Settings);
    }
    if first == ".trash" {
        return Some(Skip::Trash);
    }
    let name = path.file_name();
    let system_name =
        name == ".DS_Store" || name.eq_ignore_ascii_case("thumbs.db") || name.eq_ignore_ascii_case("desktop.ini");
    if system_name || path.as_str().split('/').any(|segment| segment == "__MACOSX") {
        return Some(Skip::SystemFile);
    }
    if path.as_str().split('/').any(|segment| segment.starts_with('.')) {
        return Some(Skip::Hidden);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(raw: &str) -> VaultPath {
        VaultPath::parse(raw).unwrap()
    }

    #[test]
    fn parse_normalises_separators_and_drops_dot_and_empty_segments() {
        assert_eq!(path("a//./b").as_str(), "a/b");
        assert_eq!(path("a\\b\\c.md").as_str(), "a/b/c.md");
        assert_eq!(path("./notes/x.md/").as_str(), "notes/x.md");
        assert_eq!(path("Café/Ünïcode note.md").as_str(), "Café/Ünïcode note.md");
    }

    #[test]
    fn parse_refuses_absolute_paths() {
        for raw in ["/etc/passwd", "\\x", "C:/x", "C:\\x", "c:x", "\\\\server\\share\\x"] {
            assert_eq!(VaultPath::parse(raw), Err(PathError::Absolute), "{raw}");
        }
    }

    #[test]
    fn parse_refuses_any_parent_segment() {
        for raw in ["../evil.md", "a/../../b", "a/../b", "a\\..\\b", ".."] {
            assert_eq!(VaultPath::parse(raw), Err(PathError::Parent), "{raw}");
        }
        // Three dots is an ordinary (if odd) name.
        assert_eq!(path("a/.../b").as_str(), "a/.../b");
    }

    #[test]
    fn parse_refuses_control_characters_and_empty_paths() {
        assert_eq!(VaultPath::parse("a\0b"), Err(PathError::ControlCharacter));
        assert_eq!(VaultPath::parse("a\nb"), Err(PathError::ControlCharacter));
        assert_eq!(VaultPath::parse("a\u{7f}b"), Err(PathError::ControlCharacter));
        for raw in ["", "/", ".", "./", "//"] {
            assert!(matches!(VaultPath::parse(raw), Err(PathError::Empty | PathError::Absolute)), "{raw}");
        }
        assert_eq!(VaultPath::parse("./."), Err(PathError::Empty));
    }

    #[test]
    fn parse_refuses_long_and_deep_paths() {
        assert_eq!(VaultPath::parse(&"a".repeat(1025)), Err(PathError::TooLong));
        assert!(VaultPath::parse(&"a".repeat(1024)).is_ok());
        assert_eq!(VaultPath::parse(&["a"; 33].join("/")), Err(PathError::TooDeep));
        assert!(VaultPath::parse(&["a"; 32].join("/")).is_ok());
    }

    #[test]
    fn parts_of_a_path() {
        let note = path("a/b/My Note.md");
        assert_eq!(note.folder(), "a/b");
        assert_eq!(note.file_name(), "My Note.md");
        assert_eq!(note.stem(), "My Note");
        assert_eq!(note.extension().as_deref(), Some("md"));
        assert!(note.is_note());
        assert_eq!(note.link_name(), "my note");
        assert_eq!(note.without_note_extension(), "a/b/My Note");
        assert_eq!(note.to_string(), "a/b/My Note.md");

        let image = path("Image.PNG");
        assert_eq!(image.folder(), "");
        assert_eq!(image.stem(), "Image");
        assert_eq!(image.extension().as_deref(), Some("png"));
        assert!(!image.is_note());
        assert_eq!(image.link_name(), "image.png");
        assert_eq!(image.without_note_extension(), "Image.PNG");

        let hidden = path(".md");
        assert_eq!(hidden.stem(), ".md");
        assert_eq!(hidden.extension(), None);
        assert!(!hidden.is_note());

        assert_eq!(path("v1.2.md").link_name(), "v1.2");
        assert_eq!(path("README").extension(), None);
        assert_eq!(path("notes.").extension(), None);
        assert!(path("LOUD.MD").is_note());
        assert_eq!(path("LOUD.MD").without_note_extension(), "LOUD");
    }

    #[test]
    fn skipped_files_in_order() {
        assert_eq!(skipped(&path(".obsidian/app.json")), Some(Skip::Settings));
        assert_eq!(skipped(&path(".obsidian/.hidden")), Some(Skip::Settings));
        assert_eq!(skipped(&path(".trash/old.md")), Some(Skip::Trash));
        assert_eq!(skipped(&path("__MACOSX/a/._b.md")), Some(Skip::SystemFile));
        assert_eq!(skipped(&path("a/.DS_Store")), Some(Skip::SystemFile));
        assert_eq!(skipped(&path("Thumbs.db")), Some(Skip::SystemFile));
        assert_eq!(skipped(&path("a/Desktop.ini")), Some(Skip::SystemFile));
        assert_eq!(skipped(&path("a/.git/config")), Some(Skip::Hidden));
        assert_eq!(skipped(&path("a/.obsidian/app.json")), Some(Skip::Hidden));
        assert_eq!(skipped(&path("a/b.md")), None);
        assert_eq!(skipped(&path("a/b.c/d.md")), None);
    }
}

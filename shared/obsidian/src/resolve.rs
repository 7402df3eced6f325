//! Which file a link means, by Obsidian's rule, so a vault's links land where they land in Obsidian.
//!
//! Candidates are found by name first (a link's last segment, [`lookup_name`], against each file's
//! [`VaultPath::link_name`]); the rest of the target then picks among them. Names and paths are
//! compared case-insensitively (and Unicode-normalised), and a note is named without `.md`.
//!
//! 1. A target may hold a folder path. `./x` and `../x` are relative to the linking note's folder
//!    (`..` above the vault's root finds nothing); a leading `/` starts at the vault's root. A
//!    target without `.md` names a note as readily as one with it.
//! 2. A target with a folder part (`folder/Note`): the file at that path relative to the linking
//!    note's folder wins; else the file at that path from the vault's root; else the files whose
//!    path ends with `/folder/Note` (at a segment boundary): one is found, of several the shortest
//!    path (fewest segments, then fewest bytes, then byte order) is, ambiguously.
//! 3. A bare name (`Note`): the one file of that name; of several, the one in the linking note's
//!    own folder, else the shortest path, ambiguously.
//! 4. No file of that name: a note with that alias (the whole target, case-insensitively); of
//!    several, the shortest path, ambiguously.
//! 5. Else the link is missing. A link inside the same note (empty target) is the caller's to
//!    handle and is missing here too.

use std::collections::{BTreeMap, BTreeSet};

use crate::fold;
use crate::path::VaultPath;

/// The name a link's candidates are found by: its last `/`-segment, lowercase, without a trailing
/// `.md` (`Folder/My Note.md` is `my note`, `img.PNG` is `img.png`); equal to the
/// [`VaultPath::link_name`] of the files it may mean.
pub fn lookup_name(target_path: &str) -> String {
    let unified = target_path.trim().replace('\\', "/");
    let last = unified.rsplit('/').next().unwrap_or_default();
    let folded = fold(last.trim());
    match folded.strip_suffix(".md") {
        Some(stem) => stem.to_owned(),
        None => folded,
    }
}

/// The file a link means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// `ambiguous` when other files could have been meant too and a tie-break chose this one.
    Found {
        path: VaultPath,
        ambiguous: bool,
    },
    Missing,
}

/// Which file `target_path` (as written in a link in `source`) means.
///
/// `by_name`: every vault file whose link name equals `lookup_name(target_path)`, in any order
/// (others are ignored); `by_alias`: the notes with an alias equal (case-insensitively) to the
/// whole target, trimmed.
pub fn resolve(target_path: &str, source: &VaultPath, by_name: &[VaultPath], by_alias: &[VaultPath]) -> Resolution {
    let target = target_path.trim();
    let name = lookup_name(target);
    if name.is_empty() {
        return Resolution::Missing;
    }
    let Some(wanted) = Wanted::parse(target, source) else { return Resolution::Missing };
    let candidates: Vec<&VaultPath> = by_name.iter().filter(|path| path.link_name() == name).collect();
    if let Some(found) = wanted.pick(&candidates, source) {
        return found;
    }
    let aliased: Vec<&VaultPath> = by_alias.iter().collect();
    shortest(&aliased, aliased.len() > 1).unwrap_or(Resolution::Missing)
}

/// What the target's path says about where the file is.
#[derive(Debug)]
enum Wanted {
    /// `Note`: by name alone.
    Bare,
    /// `./x`, `../x`: this path (as a comparison key) from the source's folder.
    Relative(String),
    /// `/x`: this path from the vault's root.
    Rooted(String),
    /// `folder/Note`: relative to the source's folder if that exists (`None` when it climbs above
    /// the root), else from the root, else as a path suffix.
    Folder { relative: Option<String>, from_root: String },
}

impl Wanted {
    /// `None` when the target climbs above the vault's root.
    fn parse(target: &str, source: &VaultPath) -> Option<Self> {
        let unified = target.replace('\\', "/");
        let segments: Vec<&str> = unified.split('/').collect();
        if let Some(from_root) = unified.strip_prefix('/') {
            return Some(Self::Rooted(key(&walk(&[], from_root.split('/'))?)));
        }
        let folder: Vec<&str> = source.folder().split('/').filter(|segment| !segment.is_empty()).collect();
        if matches!(segments[0], "." | "..") {
            return Some(Self::Relative(key(&walk(&folder, segments.iter().copied())?)));
        }
        if segments.len() == 1 {
            return Some(Self::Bare);
        }
        let from_root = key(&walk(&[], segments.iter().copied())?);
        let relative = walk(&folder, segments.iter().copied()).map(|path| key(&path));
        Some(Self::Folder { relative, from_root })
    }

    /// The resolution among the files of the right name, or `None` when none of them fits.
    fn pick(&self, candidates: &[&VaultPath], source: &VaultPath) -> Option<Resolution> {
        let at = |wanted: &str| -> Vec<&VaultPath> {
            candidates.iter().copied().filter(|path| path_key(path) == wanted).collect()
        };
        match self {
            Self::Bare => {
                let source_folder = fold(source.folder());
                let beside: Vec<&VaultPath> =
                    candidates.iter().copied().filter(|path| fold(path.folder()) == source_folder).collect();
                if beside.is_empty() {
                    shortest(candidates, candidates.len() > 1)
                } else {
                    shortest(&beside, beside.len() > 1)
                }
            }
            Self::Relative(wanted) | Self::Rooted(wanted) => {
                let exact = at(wanted);
                shortest(&exact, exact.len() > 1)
            }
            Self::Folder { relative, from_root } => {
                for wanted in [relative.as_deref(), Some(from_root.as_str())].into_iter().flatten() {
                    let exact = at(wanted);
                    if !exact.is_empty() {
                        return shortest(&exact, exact.len() > 1);
                    }
                }
                let suffix = format!("/{from_root}");
                let ending: Vec<&VaultPath> =
                    candidates.iter().copied().filter(|path| path_key(path).ends_with(&suffix)).collect();
                shortest(&ending, ending.len() > 1)
            }
        }
    }
}

/// `segments` applied to `start`: `.` and empty segments skipped, `..` one folder up; `None` above
/// the root.
fn walk<'a>(start: &[&'a str], segments: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut path: Vec<&str> = start.to_vec();
    for segment in segments {
        match segment.trim() {
            "" | "." => {}
            ".." => {
                path.pop()?;
            }
            _ => path.push(segment),
        }
    }
    Some(path.join("/"))
}

/// A target path as compared with [`path_key`]: folded, without a trailing `.md`.
fn key(path: &str) -> String {
    let folded = fold(path.trim());
    match folded.strip_suffix(".md") {
        Some(without) => without.to_owned(),
        None => folded,
    }
}

/// A file's path as compared with targets: folded, notes without `.md`.
fn path_key(path: &VaultPath) -> String {
    fold(path.without_note_extension())
}

/// The shortest of `paths` (fewest segments, then fewest bytes, then byte order).
fn shortest(paths: &[&VaultPath], ambiguous: bool) -> Option<Resolution> {
    let path =
        paths.iter().min_by_key(|path| (path.as_str().split('/').count(), path.as_str().len(), path.as_str()))?;
    Some(Resolution::Found { path: (*path).clone(), ambiguous })
}

/// A whole vault in memory, for importing it at once: every file's path and each note's aliases.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    /// Files by [`VaultPath::link_name`].
    by_name: BTreeMap<String, Vec<VaultPath>>,
    /// Notes by folded alias.
    by_alias: BTreeMap<String, Vec<VaultPath>>,
    /// Each note's folded aliases, so removing it removes them.
    aliases_of: BTreeMap<VaultPath, Vec<String>>,
    paths: BTreeSet<VaultPath>,
}

impl Catalogue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a note or an attachment; adding one twice changes nothing.
    pub fn add(&mut self, path: VaultPath) {
        if self.paths.insert(path.clone()) {
            self.by_name.entry(path.link_name()).or_default().push(path);
        }
    }

    /// Adds an alias of `note`; empty aliases are ignored.
    pub fn add_alias(&mut self, note: &VaultPath, alias: &str) {
        let alias = fold(alias.trim());
        if alias.is_empty() {
            return;
        }
        let aliases = self.aliases_of.entry(note.clone()).or_default();
        if !aliases.contains(&alias) {
            aliases.push(alias.clone());
            self.by_alias.entry(alias).or_default().push(note.clone());
        }
    }

    /// Removes a file and its aliases.
    pub fn remove(&mut self, path: &VaultPath) {
        self.paths.remove(path);
        remove_from(&mut self.by_name, &path.link_name(), path);
        for alias in self.aliases_of.remove(path).unwrap_or_default() {
            remove_from(&mut self.by_alias, &alias, path);
        }
    }

    /// Which file `target_path`, linked from `source`, means; see [`resolve`].
    pub fn resolve(&self, target_path: &str, source: &VaultPath) -> Resolution {
        let by_name = self.by_name.get(&lookup_name(target_path)).map_or(&[][..], Vec::as_slice);
        let by_alias = self.by_alias.get(&fold(target_path.trim())).map_or(&[][..], Vec::as_slice);
        resolve(target_path, source, by_name, by_alias)
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

fn remove_from(map: &mut BTreeMap<String, Vec<VaultPath>>, key: &str, path: &VaultPath) {
    if let Some(paths) = map.get_mut(key) {
        paths.retain(|known| known != path);
        if paths.is_empty() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(raw: &str) -> VaultPath {
        VaultPath::parse(raw).unwrap()
    }

    fn catalogue(paths: &[&str]) -> Catalogue {
        let mut catalogue = Catalogue::new();
        for raw in paths {
            catalogue.add(path(raw));
        }
        catalogue
    }

    fn found(raw: &str, ambiguous: bool) -> Resolution {
        Resolution::Found { path: path(raw), ambiguous }
    }

    #[test]
    fn lookup_names() {
        assert_eq!(lookup_name("Folder/My Note.md"), "my note");
        assert_eq!(lookup_name("img.PNG"), "img.png");
        assert_eq!(lookup_name(" Note "), "note");
        assert_eq!(lookup_name("a\\b\\C"), "c");
        assert_eq!(lookup_name("folder/"), "");
        assert_eq!(path("a/My Note.md").link_name(), lookup_name("my note.MD"));
    }

    #[test]
    fn a_unique_name_is_found_anywhere() {
        let vault = catalogue(&["deep/down/Note.md", "img.png"]);
        let source = path("elsewhere/source.md");
        assert_eq!(vault.resolve("note", &source), found("deep/down/Note.md", false));
        assert_eq!(vault.resolve("Note.md", &source), found("deep/down/Note.md", false));
        assert_eq!(vault.resolve("IMG.png", &source), found("img.png", false));
        assert_eq!(vault.resolve("img", &source), Resolution::Missing, "attachments are named with their extension");
    }

    #[test]
    fn a_shared_name_prefers_the_source_folder_then_the_shortest_path() {
        let vault = catalogue(&["a/b/Note.md", "c/Note.md", "x/y/z/Note.md", "d/Note.md"]);
        assert_eq!(vault.resolve("Note", &path("a/b/source.md")), found("a/b/Note.md", false));
        assert_eq!(vault.resolve("Note", &path("other/source.md")), found("c/Note.md", true));
        let vault = catalogue(&["a/Note.md", "Note.md"]);
        assert_eq!(vault.resolve("Note", &path("x/source.md")), found("Note.md", true));
    }

    #[test]
    fn a_folder_path_prefers_relative_then_root_then_suffix() {
        let vault = catalogue(&["p/q/Note.md", "q/Note.md", "x/q/Note.md", "deep/er/q/Note.md"]);
        assert_eq!(vault.resolve("q/Note", &path("p/source.md")), found("p/q/Note.md", false));
        assert_eq!(vault.resolve("q/Note", &path("other/source.md")), found("q/Note.md", false));
        let vault = catalogue(&["x/q/Note.md", "deep/er/q/Note.md", "xq/Note.md"]);
        assert_eq!(vault.resolve("q/Note.md", &path("source.md")), found("x/q/Note.md", true));
        let vault = catalogue(&["deep/er/q/Note.md", "xq/Note.md"]);
        assert_eq!(vault.resolve("q/note", &path("source.md")), found("deep/er/q/Note.md", false));
        assert_eq!(vault.resolve("r/Note", &path("source.md")), Resolution::Missing);
    }

    #[test]
    fn relative_and_rooted_targets() {
        let vault = catalogue(&["a/other/Note.md", "other/Note.md", "a/b/Note.md"]);
        let source = path("a/b/source.md");
        assert_eq!(vault.resolve("../other/Note.md", &source), found("a/other/Note.md", false));
        assert_eq!(vault.resolve("./Note", &source), found("a/b/Note.md", false));
        assert_eq!(vault.resolve("/other/Note.md", &source), found("other/Note.md", false));
        assert_eq!(vault.resolve("../../../Note", &source), Resolution::Missing, "above the root");
        assert_eq!(vault.resolve("./missing/Note", &source), Resolution::Missing);
        assert_eq!(vault.resolve("/b/Note", &source), Resolution::Missing, "rooted means from the root only");
    }

    #[test]
    fn attachments_by_path_and_case() {
        let vault = catalogue(&["assets/Photo.JPG", "notes/Photo.jpg"]);
        assert_eq!(vault.resolve("assets/photo.jpg", &path("x.md")), found("assets/Photo.JPG", false));
        assert_eq!(vault.resolve("Photo.jpg", &path("notes/x.md")), found("notes/Photo.jpg", false));
    }

    #[test]
    fn aliases_when_no_file_has_the_name() {
        let mut vault = catalogue(&["people/Ann Smith.md", "people/Bob.md", "Ann.md"]);
        vault.add_alias(&path("people/Ann Smith.md"), "Annie");
        vault.add_alias(&path("people/Bob.md"), " Robert ");
        vault.add_alias(&path("Ann.md"), "Robert");
        let source = path("x.md");
        assert_eq!(vault.resolve("annie", &source), found("people/Ann Smith.md", false));
        assert_eq!(vault.resolve("Robert", &source), found("Ann.md", true));
        vault.add_alias(&path("people/Ann Smith.md"), "Ann");
        assert_eq!(vault.resolve("Ann", &source), found("Ann.md", false), "a file's name beats an alias");
        vault.remove(&path("Ann.md"));
        assert_eq!(vault.resolve("Robert", &source), found("people/Bob.md", false));
        assert_eq!(vault.resolve("Ann", &source), found("people/Ann Smith.md", false));
        assert_eq!(vault.len(), 2);
    }

    #[test]
    fn missing_and_same_note_links() {
        let vault = catalogue(&["Note.md"]);
        assert_eq!(vault.resolve("Other", &path("x.md")), Resolution::Missing);
        assert_eq!(vault.resolve("", &path("x.md")), Resolution::Missing);
        assert_eq!(vault.resolve("  ", &path("x.md")), Resolution::Missing);
        assert!(Catalogue::new().is_empty());
    }

    #[test]
    fn resolve_ignores_candidates_of_another_name_and_reads_aliases_as_given() {
        let source = path("x.md");
        assert_eq!(resolve("Note", &source, &[path("Other.md")], &[]), Resolution::Missing);
        assert_eq!(resolve("Nick", &source, &[], &[path("b/Person.md"), path("Person.md")]), found("Person.md", true));
    }

    #[test]
    fn catalogue_add_and_remove() {
        let mut vault = catalogue(&["a.md", "a.md", "b/a.md"]);
        assert_eq!(vault.len(), 2);
        vault.remove(&path("a.md"));
        assert_eq!(vault.resolve("a", &path("x.md")), found("b/a.md", false));
        vault.remove(&path("b/a.md"));
        assert!(vault.is_empty());
        assert_eq!(vault.resolve("a", &path("x.md")), Resolution::Missing);
    }

    #[test]
    fn decomposed_names_match_composed_links() {
        let vault = catalogue(&["Cafe\u{301}.md"]);
        assert_eq!(vault.resolve("café", &path("x.md")), found("Cafe\u{301}.md", false));
    }
}

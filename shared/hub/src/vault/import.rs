//! Importing a vault: the one code path of every door (`emmaus import obsidian`, a zip upload, the
//! sync API's put). A file is read, judged and written on its own, in one batch with its entry,
//! its name lists and its indexing task, so an import that stops leaves whole files behind and an
//! import run again carries on: a file whose hash the vault's entry already holds is unchanged.
//!
//! A whole vault (`import`) is compared with what the library holds of it: a path it holds with
//! another hash is updated in place (a note's text becomes a new version), a new path whose bytes
//! match a path that disappeared is that file moved or renamed (it keeps its identity), and a path
//! the library holds that the vault no longer has is reported as removed, and with
//! [`Options::trash_removed`] moved to the trash.

use std::collections::{BTreeMap, BTreeSet};

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::hub::collections::Collection;
use emmaus_domain::hub::resources::check_note;
use emmaus_domain::hub::tags::{MAX_TAGS, Tag};
use emmaus_domain::hub::{ResourceKind, Source};
use emmaus_identity::Actor;
use emmaus_obsidian::frontmatter::{self, Frontmatter};
use emmaus_obsidian::path::VaultPath;
use emmaus_obsidian::resolve::{Catalogue, Resolution};
use emmaus_obsidian::syntax;
use emmaus_ports::{KvError, Write};

use super::{Entry, ListChange, MAX_ALIASES, NamedFile, Vault, VaultSpec, alias_key, alias_name, keyable, name_key};
use crate::access::Reader;
use crate::files::{self, Imported};
use crate::model::{Deletion, Resource, VaultLink};
use crate::resources::{self, Described};
use crate::{index, keys, notes};

/// How often one file's write is tried when another change of its lists wins the race.
const ATTEMPTS: usize = 4;
/// The most unresolved links and warnings a summary lists (all are counted).
pub const MAX_LISTED: usize = 1000;

/// A file of the vault to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: VaultPath,
    /// Its size as the source declares it (checked again when it is read).
    pub size: u64,
}

/// Where a whole vault's files come from: a folder, a zip archive.
pub trait VaultSource: Send {
    /// The files to import, those Obsidian ignores (settings, trash, hidden) left out, in path order.
    fn files(&self) -> Vec<SourceFile>;
    /// The bytes of one file; an error is that file's warning.
    fn read(&mut self, path: &VaultPath) -> Result<Vec<u8>, String>;
    /// How many files were left out as Obsidian ignores them.
    fn skipped(&self) -> usize;
    /// What could not be read at all (a name that is not a safe path), for the summary's warnings.
    fn warnings(&self) -> Vec<Warning> {
        Vec::new()
    }
}

/// How a whole import treats what the vault no longer has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Move resources whose path the vault no longer has to the trash (else they are reported).
    pub trash_removed: bool,
}

/// What an import did, as `--json` prints it and the API answers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub vault: VaultRef,
    /// Notes in the vault (read, whether changed or not).
    pub notes: u64,
    /// Other files in the vault.
    pub attachments: u64,
    /// Files left out as Obsidian leaves them out (`.obsidian/`, `.trash/`, hidden files).
    pub skipped: u64,
    pub links: LinkCounts,
    /// Links that lead nowhere yet, each with the note that holds it (at most [`MAX_LISTED`]).
    pub unresolved: Vec<Unresolved>,
    /// Distinct tags and collections the vault's resources carry.
    pub tags: u64,
    pub collections: u64,
    pub changes: Changes,
    /// Paths the library holds that the vault no longer has.
    pub removed: Vec<String>,
    /// What went wrong with single files; the rest were imported.
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VaultRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkCounts {
    pub resolved: u64,
    pub unresolved: u64,
    /// Resolved, but the name fits several files (the nearest by Obsidian's rule was taken).
    pub ambiguous: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Unresolved {
    pub source: String,
    pub target: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Changes {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Moved or renamed, found by their content: they kept their identity.
    pub moved: u64,
    /// Held by the library, gone from the vault.
    pub removed: u64,
    /// Of those, moved to the trash.
    pub trashed: u64,
    /// Not imported, each with a warning.
    pub failed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl Warning {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into() }
    }
}

/// How far an import has come, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    Moved,
}

/// A note read and parsed, ready to be written.
#[derive(Debug, Clone)]
pub struct ParsedNote {
    pub text: String,
    pub title: String,
    pub description: String,
    pub tags: Vec<Tag>,
    pub aliases: Vec<String>,
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// The targets of its links and embeds, as written (same-note links left out).
    pub targets: Vec<String>,
    pub warnings: Vec<String>,
}

/// What one file of the vault is.
#[derive(Debug, Clone)]
pub enum Parsed {
    Note(Box<ParsedNote>),
    Attachment,
}

/// Reads a note's bytes: UTF-8 (else refused), within the note limit, its frontmatter (a broken
/// one is a warning, and the note is kept with its text whole), inline tags and links. Pure.
pub fn parse_note(path: &VaultPath, bytes: &[u8]) -> Result<ParsedNote, String> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        format!("is not UTF-8 text (byte {} cannot be read); save it as UTF-8", error.valid_up_to())
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_note(text).map_err(|error| error.to_string())?;
    let mut warnings = Vec::new();
    let split = frontmatter::split(text);
    let front = match split.yaml.map(frontmatter::parse) {
        None => Frontmatter::default(),
        Some(Ok(front)) => front,
        Some(Err(error)) => {
            warnings.push(format!("its frontmatter could not be read ({error}); its text was kept whole"));
            Frontmatter::default()
        }
    };
    let scan = syntax::scan(split.body);
    let mut title = front.title.clone().map(|t| t.trim().to_owned()).unwrap_or_default();
    if title.is_empty() || title.chars().count() > emmaus_domain::hub::resources::MAX_TITLE_CHARS {
        if !title.is_empty() {
            warnings.push("its title is too long; the file's name is used".into());
        }
        path.stem().clone_into(&mut title);
    }
    let mut description = front.description.clone().unwrap_or_default().trim().to_owned();
    if description.chars().count() > emmaus_domain::hub::resources::MAX_DESCRIPTION_CHARS {
        warnings.push("its description is too long and was left out".into());
        description.clear();
    }
    let mut tags: Vec<Tag> = Vec::new();
    let written = front.tags.iter().map(String::as_str).chain(scan.tags.iter().map(|t| t.name.as_str()));
    for tag in written {
        match Tag::parse(tag) {
            Ok(tag) if tags.contains(&tag) => {}
            Ok(_) if tags.len() == MAX_TAGS => {
                warnings.push(format!("it has more than {MAX_TAGS} tags; #{tag} and those after it were left out"));
                break;
            }
            Ok(tag) => tags.push(tag),
            Err(reason) => warnings.push(format!("the tag #{tag} was left out: {reason}")),
        }
    }
    let targets =
        scan.links.iter().map(|link| link.target.path.trim().to_owned()).filter(|target| !target.is_empty()).collect();
    Ok(ParsedNote {
        text: text.to_owned(),
        title,
        description,
        tags,
        aliases: front.aliases,
        properties: front.properties,
        targets,
        warnings,
    })
}

/// The collection a file in `folder` goes to: the vault's, with the folders under it. A folder
/// the library cannot take as a collection (too deep, too long) leaves the file in the deepest
/// one it can.
pub fn collection_of(root: Option<&Collection>, folder: &str) -> Option<Collection> {
    let mut levels: Vec<&str> = root.map(|c| c.as_str().split('/').collect()).unwrap_or_default();
    let mut best = root.cloned();
    for level in folder.split('/').filter(|level| !level.trim().is_empty()) {
        levels.push(level);
        match Collection::parse(&levels.join("/")) {
            Ok(collection) => best = Some(collection),
            Err(_) => break,
        }
    }
    best
}

/// The aliases links may use, lower case, each once, at most [`MAX_ALIASES`].
fn linkable_aliases(aliases: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for alias in aliases.iter().map(|a| alias_name(a)).filter(|a| keyable(a)) {
        if !out.contains(&alias) {
            out.push(alias);
        }
        if out.len() == MAX_ALIASES {
            break;
        }
    }
    out
}

/// How a file is to be written.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// A path the vault's entries do not hold.
    Create,
    /// A path they hold (with another hash, or a resource gone).
    Update(Doc<Entry>),
    /// A new path for the file of this entry, whose bytes it has.
    Move(Doc<Entry>),
}

/// One file to write: its path, bytes' hash and size, what it is.
pub(crate) struct Incoming<'a> {
    pub path: &'a VaultPath,
    pub hash: &'a str,
    pub bytes: Vec<u8>,
    pub parsed: &'a Parsed,
}

/// Writes one file of `vault` by `plan`, trying again from a fresh read when another change of
/// its entry or lists wins the race. The indexing task is committed with it but not applied: the
/// caller applies it (once a whole vault's names are written) or leaves it to the outbox job.
pub(crate) async fn write_file(
    p: &Platform,
    reader: &Reader,
    vault: &Vault,
    incoming: Incoming<'_>,
    mut plan: Plan,
) -> Result<(Outcome, Option<(String, Write)>), FileFailure> {
    for _ in 0..ATTEMPTS {
        match write_once(p, reader, vault, &incoming, &plan).await {
            Err(FileFailure::Raced) => {
                // Read the entry again: another import may have written this very path.
                let key = super::entry_key(reader.org(), &vault.id, incoming.path.as_str());
                plan = match docs::get::<Entry>(p.kv.as_ref(), key).await.map_err(FileFailure::Store)? {
                    Some(entry) if entry.value.hash == incoming.hash => return Ok((Outcome::Unchanged, None)),
                    Some(entry) => Plan::Update(entry),
                    None => Plan::Create,
                };
            }
            other => return other,
        }
    }
    Err(FileFailure::Refused("it kept changing while it was imported; import it again".into()))
}

/// Why one file was not written.
#[derive(Debug)]
pub enum FileFailure {
    /// The file's own problem, told to people as its warning.
    Refused(String),
    /// Another change won a race; tried again.
    Raced,
    /// The store failed: the import stops.
    Store(DomainError),
}

impl From<DomainError> for FileFailure {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Conflict(_) | DomainError::Stale(_) => Self::Raced,
            DomainError::Validation(_) | DomainError::TooLarge { .. } => Self::Refused(error.to_string()),
            other => Self::Store(other),
        }
    }
}

async fn write_once(
    p: &Platform,
    reader: &Reader,
    vault: &Vault,
    incoming: &Incoming<'_>,
    plan: &Plan,
) -> Result<(Outcome, Option<(String, Write)>), FileFailure> {
    let (entry, moved_from) = match plan {
        Plan::Create => (None, None),
        Plan::Update(entry) => (Some(entry), None),
        Plan::Move(from) => (None, Some(from)),
    };
    let note = match incoming.parsed {
        Parsed::Note(note) => Some(note.as_ref()),
        Parsed::Attachment => None,
    };
    let (mut doc, outcome) =
        resource_for(p, reader, vault, incoming, entry.or(moved_from), moved_from.is_some()).await?;
    describe(&mut doc.value, vault, incoming.path, note)?;
    if moved_from.is_some_and(|from| from.key.sort.starts_with("t#")) {
        // A path the sync API removed a moment ago, back under a new name: the same resource.
        doc.value.deleted = None;
    }
    doc.value.updated_at = p.clock.now();
    reader.id().clone_into(&mut doc.value.updated_by);
    let id = doc.value.id.clone();
    let mut extra = place_writes(p, reader.org(), vault, incoming, &id, entry, moved_from).await?;
    let task = index::task(p, reader.org(), &id)?;
    extra.push(task.clone());
    match note {
        Some(note) => commit_note(p, reader, doc, note, extra).await?,
        None if moved_from.is_some() && doc.version > 0 => {
            // A move: the bytes are those held already; only where it lives changes.
            let mut writes = vec![resources::put_with_index(&doc)];
            writes.extend(extra);
            batch(p, writes).await?;
        }
        None => {
            if extra.len() + 3 > emmaus_ports::kv::MAX_BATCH {
                return Err(FileFailure::Refused("it changes too many names at once".into()));
            }
            let name = incoming.path.file_name().to_owned();
            if let Imported::Refused(reason) =
                files::store_imported(p, doc, &name, incoming.bytes.clone(), extra).await?
            {
                return Err(FileFailure::Refused(reason));
            }
        }
    }
    Ok((outcome, Some((id, task))))
}

/// The resource a file goes to: the one its entry (or the entry it moved from) names, else a new
/// one (version 0) of the vault's owner and visibility.
async fn resource_for(
    p: &Platform,
    reader: &Reader,
    vault: &Vault,
    incoming: &Incoming<'_>,
    held: Option<&Doc<Entry>>,
    moved: bool,
) -> Result<(Doc<Resource>, Outcome), FileFailure> {
    let org = reader.org();
    if let Some(held) = held
        && let Some(doc) = docs::get::<Resource>(p.kv.as_ref(), keys::resource(org, &held.value.resource_id)).await?
    {
        return Ok((doc, if moved { Outcome::Moved } else { Outcome::Updated }));
    }
    let (kind, title, description) = match incoming.parsed {
        Parsed::Note(note) => (ResourceKind::Note, note.title.clone(), note.description.clone()),
        Parsed::Attachment => (ResourceKind::File, incoming.path.file_name().to_owned(), String::new()),
    };
    let described = Described {
        title: title.clone(),
        description,
        visibility: Some(vault.visibility.clone()),
        ..Described::default()
    };
    let resource = resources::new_resource(p, reader, kind, &title, &described, vault.visibility.clone())?;
    Ok((Doc { key: keys::resource(org, &resource.id), value: resource, version: 0 }, Outcome::Created))
}

/// Describes the resource as the file says: a note's title, description and tags; a file's name
/// (and a title that was its old name); the collection of its folder; where it is in the vault.
fn describe(
    resource: &mut Resource,
    vault: &Vault,
    path: &VaultPath,
    note: Option<&ParsedNote>,
) -> Result<(), FileFailure> {
    if let Some(note) = note {
        if resource.kind != ResourceKind::Note {
            return Err(FileFailure::Refused("the library holds this path as a file, not a note".into()));
        }
        note.title.clone_into(&mut resource.title);
        note.description.clone_into(&mut resource.description);
        resource.tags.clone_from(&note.tags);
    } else {
        if resource.kind != ResourceKind::File {
            return Err(FileFailure::Refused("the library holds this path as a note, not a file".into()));
        }
        // A file keeps a title someone gave it; one that was its old name follows the new name.
        let old_name = resource.file.as_ref().map(|f| f.name.clone()).unwrap_or_default();
        if resource.title == old_name || resource.title.is_empty() {
            path.file_name().clone_into(&mut resource.title);
        }
        if let Some(file) = &mut resource.file {
            path.file_name().clone_into(&mut file.name);
        }
    }
    resource.collection = collection_of(vault.collection.as_ref(), path.folder());
    resource.source = Source::Obsidian;
    resource.vault = Some(VaultLink {
        vault_id: vault.id.clone(),
        path: path.as_str().to_owned(),
        aliases: note.map(|n| n.aliases.clone()).unwrap_or_default(),
        properties: note.map(|n| n.properties.clone()).unwrap_or_default(),
    });
    Ok(())
}

/// The writes that put the file at its path: its entry (and the removal of the one it moved
/// from), and its place in the name and alias lists (out of those of its old path).
async fn place_writes(
    p: &Platform,
    org: &str,
    vault: &Vault,
    incoming: &Incoming<'_>,
    id: &str,
    entry: Option<&Doc<Entry>>,
    moved_from: Option<&Doc<Entry>>,
) -> Result<Vec<Write>, FileFailure> {
    let path = incoming.path;
    let aliases = match incoming.parsed {
        Parsed::Note(note) => linkable_aliases(&note.aliases),
        Parsed::Attachment => Vec::new(),
    };
    let key = super::entry_key(org, &vault.id, path.as_str());
    let record = Entry {
        path: path.as_str().to_owned(),
        resource_id: id.to_owned(),
        hash: incoming.hash.to_owned(),
        bytes: incoming.bytes.len() as u64,
        aliases: aliases.clone(),
    };
    let mut writes = vec![match entry {
        Some(entry) => Write::PutIfVersion {
            key,
            value: docs::encode(&record),
            expected: entry.version,
            expires_at: None,
            index: emmaus_ports::IndexKeys::NONE,
        },
        None => docs::create_write(key, &record, None),
    }];
    if let Some(from) = moved_from {
        writes.push(Write::DeleteIfVersion { key: from.key.clone(), expected: from.version });
    }
    let mut lists: BTreeMap<emmaus_ports::Key, ListChange> = BTreeMap::new();
    if let Some(old) = entry.or(moved_from) {
        out_of_lists(&mut lists, org, &vault.id, &old.value);
    }
    let named = NamedFile { path: path.as_str().to_owned(), resource_id: id.to_owned() };
    lists.entry(name_key(org, &vault.id, &path.link_name())).or_default().add.push(named.clone());
    for alias in &aliases {
        lists.entry(alias_key(org, &vault.id, alias)).or_default().add.push(named.clone());
    }
    writes.extend(super::list_writes(p, lists).await?);
    Ok(writes)
}

/// Takes the path of `entry` out of its name list and alias lists.
fn out_of_lists(lists: &mut BTreeMap<emmaus_ports::Key, ListChange>, org: &str, vault: &str, entry: &Entry) {
    if let Ok(path) = VaultPath::parse(&entry.path) {
        lists.entry(name_key(org, vault, &path.link_name())).or_default().remove.push(entry.path.clone());
    }
    for alias in &entry.aliases {
        lists.entry(alias_key(org, vault, alias)).or_default().remove.push(entry.path.clone());
    }
}

/// Writes a note: its record, its text as a new version when the text changed, and `extra`, in
/// one batch.
async fn commit_note(
    p: &Platform,
    reader: &Reader,
    mut doc: Doc<Resource>,
    note: &ParsedNote,
    extra: Vec<Write>,
) -> Result<(), FileFailure> {
    let current = notes::text(p, &doc.value).await?;
    let mut saves = Vec::new();
    if doc.value.note.is_none() || current != note.text {
        saves = notes::save(p, &mut doc.value, &note.text, reader.id()).await?;
    }
    // Written after the save: the record carries the note's new version number.
    let mut writes = vec![if doc.version == 0 {
        docs::create_write(doc.key.clone(), &doc.value, None)
    } else {
        resources::put_with_index(&doc)
    }];
    writes.extend(saves);
    writes.extend(extra);
    if writes.len() > emmaus_ports::kv::MAX_BATCH {
        return Err(FileFailure::Refused("it changes too many names and aliases at once".into()));
    }
    batch(p, writes).await
}

async fn batch(p: &Platform, writes: Vec<Write>) -> Result<(), FileFailure> {
    match p.kv.batch(writes).await {
        Ok(()) => Ok(()),
        Err(KvError::Conflict(_)) => Err(FileFailure::Raced),
        Err(other) => Err(FileFailure::Store(emmaus_app::error::from_kv(other))),
    }
}

/// Moves the resource of a path the vault no longer has to the trash, and takes the path out of
/// the vault's entry and lists. A resource deleted already, or gone, only loses its path.
pub(crate) async fn remove_path(
    p: &Platform,
    reader: &Reader,
    vault: &Vault,
    entry: &Doc<Entry>,
) -> Result<Option<(String, Write)>, FileFailure> {
    let org = reader.org();
    let mut writes = vec![Write::DeleteIfVersion { key: entry.key.clone(), expected: entry.version }];
    let mut lists: BTreeMap<emmaus_ports::Key, ListChange> = BTreeMap::new();
    out_of_lists(&mut lists, org, &vault.id, &entry.value);
    writes.extend(super::list_writes(p, lists).await?);
    let doc: Option<Doc<Resource>> = docs::get(p.kv.as_ref(), keys::resource(org, &entry.value.resource_id)).await?;
    let mut task = None;
    if let Some(mut doc) = doc
        && doc.value.deleted.is_none()
    {
        doc.value.deleted = Some(Deletion { at: p.clock.now(), by: reader.id().to_owned() });
        writes.push(resources::put_with_index(&doc));
        let write = index::task(p, org, &doc.value.id)?;
        writes.push(write.clone());
        task = Some((doc.value.id.clone(), write));
    }
    batch(p, writes).await.map(|()| task)
}

/// Imports a whole vault from `source` into the reader's vault named in `spec` (created on the
/// first import), reporting progress after each file.
pub async fn import(
    p: &Platform,
    actor: &Actor,
    spec: &VaultSpec,
    source: &mut dyn VaultSource,
    options: Options,
    mut progress: impl FnMut(Progress) + Send,
) -> Result<Summary, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let vault = super::find_or_create(p, &reader, spec).await?.value;
    let mut run = Run {
        summary: Summary {
            vault: VaultRef { id: vault.id.clone(), name: vault.name.clone() },
            skipped: source.skipped() as u64,
            ..Summary::default()
        },
        tasks: Vec::new(),
        changed_names: BTreeSet::new(),
    };
    for warning in source.warnings() {
        run.fail(warning.path, warning.message);
    }
    let held: BTreeMap<String, Doc<Entry>> = super::entries(p, reader.org(), &vault.id)
        .await?
        .into_iter()
        .map(|doc| (doc.value.path.clone(), doc))
        .collect();
    let read = run.read_all(source, &mut progress);
    run.count(&vault, &read);
    let moved_away = run.write_all(p, &reader, &vault, source, &read, &held, &mut progress).await?;
    run.remove_gone(p, &reader, &vault, &read, &held, &moved_away, options).await?;

    // Index what changed once every name is written, so links between new notes count as
    // backlinks; and the unchanged notes whose links may now lead elsewhere.
    let written: BTreeSet<&str> = run.tasks.iter().map(|(id, _)| id.as_str()).collect();
    let mut relink = Vec::new();
    for (path, _, parsed) in &read {
        let Parsed::Note(note) = parsed else { continue };
        let affected =
            note.targets.iter().any(|t| run.changed_names.contains(&emmaus_obsidian::resolve::lookup_name(t)));
        if affected
            && let Some(entry) = held.get(path.as_str())
            && !written.contains(entry.value.resource_id.as_str())
        {
            relink.push(entry.value.resource_id.clone());
        }
    }
    index::apply_imported(p, reader.org(), &run.tasks, &relink).await;
    let total = read.len() as u64 * 2;
    progress(Progress { done: total, total });
    Ok(run.summary)
}

/// A file read and parsed: its path, the hash of its bytes, what it is.
type ReadFile = (VaultPath, String, Parsed);

/// One whole import as it goes.
struct Run {
    summary: Summary,
    /// The indexing tasks of what was written, applied at the end.
    tasks: Vec<(String, Write)>,
    /// The link names whose files came, went or moved: notes linking by them may lead elsewhere.
    changed_names: BTreeSet<String>,
}

impl Run {
    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.summary.warnings.len() < MAX_LISTED {
            self.summary.warnings.push(Warning::new(path, message));
        }
    }

    /// A file not imported, and why.
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warn(path, message);
        self.summary.changes.failed += 1;
    }

    /// Reads and parses every file: what the vault is now.
    fn read_all(&mut self, source: &mut dyn VaultSource, progress: &mut impl FnMut(Progress)) -> Vec<ReadFile> {
        let files = source.files();
        let total = files.len() as u64 * 2;
        let mut read = Vec::with_capacity(files.len());
        for (done, file) in files.iter().enumerate() {
            progress(Progress { done: done as u64, total });
            if let Err(reason) = super::storable(&file.path) {
                self.fail(file.path.as_str(), reason);
                continue;
            }
            let bytes = match source.read(&file.path) {
                Ok(bytes) => bytes,
                Err(reason) => {
                    self.fail(file.path.as_str(), reason);
                    continue;
                }
            };
            let hash = emmaus_obsidian::content_hash(&bytes);
            if !file.path.is_note() {
                self.summary.attachments += 1;
                read.push((file.path.clone(), hash, Parsed::Attachment));
                continue;
            }
            self.summary.notes += 1;
            match parse_note(&file.path, &bytes) {
                Ok(note) => {
                    for message in &note.warnings {
                        self.warn(file.path.as_str(), message.clone());
                    }
                    read.push((file.path.clone(), hash, Parsed::Note(Box::new(note))));
                }
                Err(reason) => self.fail(file.path.as_str(), reason),
            }
        }
        read
    }

    /// Counts links as the vault resolves them, and the tags and collections it brings.
    fn count(&mut self, vault: &Vault, read: &[ReadFile]) {
        let mut catalogue = Catalogue::new();
        for (path, _, parsed) in read {
            catalogue.add(path.clone());
            if let Parsed::Note(note) = parsed {
                for alias in &note.aliases {
                    catalogue.add_alias(path, alias);
                }
            }
        }
        let mut tags = BTreeSet::new();
        let mut collections = BTreeSet::new();
        for (path, _, parsed) in read {
            collections.extend(collection_of(vault.collection.as_ref(), path.folder()));
            let Parsed::Note(note) = parsed else { continue };
            tags.extend(note.tags.iter().cloned());
            for target in &note.targets {
                let links = &mut self.summary.links;
                match catalogue.resolve(target, path) {
                    Resolution::Found { ambiguous, .. } => {
                        links.resolved += 1;
                        links.ambiguous += u64::from(ambiguous);
                    }
                    Resolution::Missing => {
                        links.unresolved += 1;
                        if self.summary.unresolved.len() < MAX_LISTED {
                            let source = path.as_str().to_owned();
                            self.summary.unresolved.push(Unresolved { source, target: target.clone() });
                        }
                    }
                }
            }
        }
        self.summary.tags = tags.len() as u64;
        self.summary.collections = collections.len() as u64;
    }

    /// Writes what changed: paths held with another hash, new paths (moved files found among the
    /// paths that went, by their bytes). Answers the paths that moved away.
    #[expect(clippy::too_many_arguments, reason = "the import's parts, each used once here")]
    async fn write_all(
        &mut self,
        p: &Platform,
        reader: &Reader,
        vault: &Vault,
        source: &mut dyn VaultSource,
        read: &[ReadFile],
        held: &BTreeMap<String, Doc<Entry>>,
        progress: &mut (impl FnMut(Progress) + Send),
    ) -> Result<BTreeSet<String>, DomainError> {
        let present: BTreeSet<&str> = read.iter().map(|(path, _, _)| path.as_str()).collect();
        let mut gone_by_hash: BTreeMap<&str, Vec<&Doc<Entry>>> = BTreeMap::new();
        for (path, entry) in held {
            if !present.contains(path.as_str()) {
                gone_by_hash.entry(entry.value.hash.as_str()).or_default().push(entry);
            }
        }
        let mut moved_away = BTreeSet::new();
        let total = read.len() as u64 * 2;
        let same: Vec<&str> = read
            .iter()
            .filter_map(|(path, hash, _)| held.get(path.as_str()).filter(|e| e.value.hash == *hash))
            .map(|entry| entry.value.resource_id.as_str())
            .collect();
        let live = existing(p, reader.org(), &same).await?;
        for (done, (path, hash, parsed)) in read.iter().enumerate() {
            progress(Progress { done: read.len() as u64 + done as u64, total });
            let plan = match held.get(path.as_str()) {
                Some(entry) if entry.value.hash == *hash && live.contains(entry.value.resource_id.as_str()) => {
                    self.summary.changes.unchanged += 1;
                    continue;
                }
                Some(entry) => Plan::Update(entry.clone()),
                None => match gone_by_hash.get_mut(hash.as_str()).and_then(Vec::pop) {
                    Some(from) => {
                        moved_away.insert(from.value.path.clone());
                        self.changed_names.extend(VaultPath::parse(&from.value.path).ok().map(|old| old.link_name()));
                        Plan::Move(from.clone())
                    }
                    None => Plan::Create,
                },
            };
            if matches!(plan, Plan::Create | Plan::Move(_)) {
                self.changed_names.insert(path.link_name());
            }
            let bytes = match parsed {
                Parsed::Note(note) => note.text.as_bytes().to_vec(),
                Parsed::Attachment => match source.read(path) {
                    Ok(bytes) => bytes,
                    Err(reason) => {
                        self.fail(path.as_str(), reason);
                        continue;
                    }
                },
            };
            let incoming = Incoming { path, hash, bytes, parsed };
            match write_file(p, reader, vault, incoming, plan).await {
                Ok((outcome, task)) => {
                    let changes = &mut self.summary.changes;
                    match outcome {
                        Outcome::Created => changes.created += 1,
                        Outcome::Updated => changes.updated += 1,
                        Outcome::Unchanged => changes.unchanged += 1,
                        Outcome::Moved => changes.moved += 1,
                    }
                    self.tasks.extend(task);
                }
                Err(FileFailure::Refused(reason)) => self.fail(path.as_str(), reason),
                Err(FileFailure::Raced) => {
                    self.fail(path.as_str(), "it kept changing while it was imported; import it again");
                }
                Err(FileFailure::Store(error)) => return Err(error),
            }
        }
        Ok(moved_away)
    }

    /// Reports the paths the vault no longer has, and moves them to the trash when asked.
    #[expect(clippy::too_many_arguments, reason = "the import's parts, each used once here")]
    async fn remove_gone(
        &mut self,
        p: &Platform,
        reader: &Reader,
        vault: &Vault,
        read: &[ReadFile],
        held: &BTreeMap<String, Doc<Entry>>,
        moved_away: &BTreeSet<String>,
        options: Options,
    ) -> Result<(), DomainError> {
        let present: BTreeSet<&str> = read.iter().map(|(path, _, _)| path.as_str()).collect();
        for (path, entry) in held {
            if present.contains(path.as_str()) || moved_away.contains(path) {
                continue;
            }
            self.summary.changes.removed += 1;
            self.summary.removed.push(path.clone());
            if !options.trash_removed {
                continue;
            }
            self.changed_names.extend(VaultPath::parse(path).ok().map(|old| old.link_name()));
            match remove_path(p, reader, vault, entry).await {
                Ok(task) => {
                    self.summary.changes.trashed += 1;
                    self.tasks.extend(task);
                }
                Err(FileFailure::Store(error)) => return Err(error),
                Err(_) => self.warn(path.as_str(), "it changed while it was removed; import again to remove it"),
            }
        }
        Ok(())
    }
}

/// Which of the resources `ids` the store still holds (one whose path was unchanged may have
/// been purged from the trash since).
async fn existing<'a>(p: &Platform, org: &str, ids: &[&'a str]) -> Result<BTreeSet<&'a str>, DomainError> {
    let keys: Vec<emmaus_ports::Key> = ids.iter().map(|id| keys::resource(org, id)).collect();
    let found = docs::get_items(p.kv.as_ref(), &keys).await?;
    Ok(ids.iter().zip(found).filter(|(_, item)| item.is_some()).map(|(id, _)| *id).collect())
}

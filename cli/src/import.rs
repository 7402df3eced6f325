//! `emmaus import obsidian`: a vault from a folder or a `.zip` into an organisation's library in
//! the local data folder, through the same importer as the API's zip upload and sync calls, with a
//! progress bar on a terminal and a summary (or `--json`) when done.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use emmaus_hub::vault::VaultSpec;
use emmaus_hub::vault::import::{self, Options, SourceFile, Summary, VaultSource, Warning};
use emmaus_hub::vault::zip::ZipSource;
use emmaus_identity::{Actor, RequestMeta};
use emmaus_obsidian::archive::Limits;
use emmaus_obsidian::path::{VaultPath, skipped};

use crate::config::ServeConfig;

/// What `emmaus import obsidian` was asked.
#[derive(Debug, Clone)]
pub struct ObsidianImport {
    pub path: PathBuf,
    pub org: String,
    pub collection: Option<String>,
    pub vault: Option<String>,
    pub as_email: Option<String>,
    pub trash_removed: bool,
    pub json: bool,
}

/// Imports the vault and answers what to print.
pub async fn obsidian(config: &ServeConfig, args: &ObsidianImport) -> anyhow::Result<String> {
    use std::io::IsTerminal as _;
    let name = match &args.vault {
        Some(name) => name.clone(),
        None => default_name(&args.path)?,
    };
    let (platform, _) = crate::platform::open(config)?;
    let org = emmaus_identity::directory::org_by_slug(&platform, &args.org)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("no organisation has the short name {:?} (--org)", args.org))?;
    let actor = importer(&platform, &org.value.id, args.as_email.as_deref()).await?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} steps ({eta} left)") {
            bar.set_style(style);
        }
        bar
    });
    let spec = VaultSpec { name, collection: args.collection.clone(), visibility: None };
    let options = Options { trash_removed: args.trash_removed };
    let progress = |step: import::Progress| {
        if let Some(bar) = &bar {
            bar.set_length(step.total);
            bar.set_position(step.done);
        }
    };
    let summary = if args.path.is_dir() {
        let mut source = FolderSource::open(&args.path, Limits::default())?;
        import::import(&platform, &actor, &spec, &mut source, options, progress).await
    } else {
        let bytes = std::fs::read(&args.path).with_context(|| format!("cannot read {}", args.path.display()))?;
        let mut source =
            ZipSource::open(&bytes, Limits::default()).map_err(|e| anyhow::anyhow!("{}: {e}", args.path.display()))?;
        import::import(&platform, &actor, &spec, &mut source, options, progress).await
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    platform.search.refresh().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.json {
        return Ok(format!("{}\n", serde_json::to_string_pretty(&summary)?));
    }
    Ok(text(&summary))
}

/// The vault's name when none is given: the folder's or the archive's name.
fn default_name(path: &Path) -> anyhow::Result<String> {
    let name = if path.is_dir() { path.file_name() } else { path.file_stem() };
    match name.and_then(|n| n.to_str()).map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => Ok(name.to_owned()),
        None => bail!("cannot name the vault after {}; give --vault NAME", path.display()),
    }
}

/// Who the import acts as: the member with `--as`, else the organisation's longest-standing admin.
async fn importer(p: &emmaus_app::Platform, org: &str, email: Option<&str>) -> anyhow::Result<Actor> {
    use emmaus_domain::identity::Role;
    let person = match email {
        Some(email) => {
            let email = emmaus_domain::identity::Email::parse(email).map_err(|e| anyhow::anyhow!("--as {e}"))?;
            let person = emmaus_identity::directory::person_by_email(p, &email)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .ok_or_else(|| anyhow::anyhow!("no one has the email address {email} (--as)"))?;
            Some(person.value.id)
        }
        None => None,
    };
    let chosen = if let Some(id) = &person {
        // The member named: their one membership.
        emmaus_identity::directory::membership(p, org, id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .filter(|m| !m.value.roles.is_empty())
    } else {
        let members =
            emmaus_identity::directory::memberships(p, org, 10_000).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        members
            .into_iter()
            .filter(|m| m.value.roles.contains(Role::Admin))
            .min_by_key(|m| (m.value.joined_at, m.value.person_id.clone()))
    };
    let Some(member) = chosen else {
        bail!(match person {
            Some(_) => "that person is not a member of the organisation (--as)",
            None => "the organisation has no admin to import as; give --as EMAIL",
        });
    };
    Ok(Actor {
        person_id: member.value.person_id,
        session_id: "command-line".into(),
        org_id: org.to_owned(),
        roles: member.value.roles,
        meta: RequestMeta::default(),
    })
}

/// The summary for people.
fn text(summary: &Summary) -> String {
    use std::fmt::Write as _;
    let c = &summary.changes;
    let mut out = format!(
        "imported vault {:?}: {} notes and {} attachments ({} left out as Obsidian leaves them out)\n\
         {} created, {} updated, {} unchanged, {} moved, {} removed from the vault ({} moved to the trash), {} not imported\n\
         links: {} resolved ({} ambiguous), {} unresolved; {} tags, {} collections\n",
        summary.vault.name,
        summary.notes,
        summary.attachments,
        summary.skipped,
        c.created,
        c.updated,
        c.unchanged,
        c.moved,
        c.removed,
        c.trashed,
        c.failed,
        summary.links.resolved,
        summary.links.ambiguous,
        summary.links.unresolved,
        summary.tags,
        summary.collections,
    );
    for link in &summary.unresolved {
        let _ = writeln!(out, "unresolved: [[{}]] in {}", link.target, link.source);
    }
    for path in &summary.removed {
        let _ = writeln!(out, "removed: {path}");
    }
    for warning in &summary.warnings {
        let _ = writeln!(out, "warning: {}: {}", warning.path, warning.message);
    }
    out
}

/// A vault in a folder of this machine. Links and other special files are not followed, so
/// nothing outside the folder is read; the archive's limits hold here too.
struct FolderSource {
    root: PathBuf,
    files: Vec<SourceFile>,
    skipped: usize,
    warnings: Vec<Warning>,
}

impl FolderSource {
    fn open(root: &Path, limits: Limits) -> anyhow::Result<Self> {
        let mut source = Self { root: root.to_owned(), files: Vec::new(), skipped: 0, warnings: Vec::new() };
        let mut total = 0u64;
        let mut folders = vec![root.to_owned()];
        while let Some(folder) = folders.pop() {
            let listing = std::fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))?;
            for item in listing {
                let item = item.with_context(|| format!("cannot read {}", folder.display()))?;
                let full = item.path();
                let relative = full.strip_prefix(root).unwrap_or(&full);
                let shown = relative.to_string_lossy().replace('\\', "/");
                let Some(text) = relative.to_str() else {
                    source.warnings.push(Warning::new(shown, "its name is not valid Unicode"));
                    continue;
                };
                let path = match VaultPath::parse(text) {
                    Ok(path) => path,
                    Err(error) => {
                        source.warnings.push(Warning::new(shown, error.to_string()));
                        continue;
                    }
                };
                if skipped(&path).is_some() {
                    source.skipped += 1;
                    continue;
                }
                let kind = item.file_type().with_context(|| format!("cannot read {}", full.display()))?;
                if kind.is_dir() {
                    folders.push(full);
                } else if kind.is_file() {
                    let size = item.metadata().map_or(0, |m| m.len());
                    if size > limits.max_file_bytes {
                        source
                            .warnings
                            .push(Warning::new(shown, format!("it is larger than {} bytes", limits.max_file_bytes)));
                        continue;
                    }
                    total += size;
                    source.files.push(SourceFile { path, size });
                } else {
                    source.warnings.push(Warning::new(shown, "it is a link or a special file, not followed"));
                }
            }
        }
        if source.files.len() > limits.max_files {
            bail!("the vault has more than {} files", limits.max_files);
        }
        if total > limits.max_total_bytes {
            bail!("the vault holds more than {} bytes", limits.max_total_bytes);
        }
        source.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(source)
    }
}

impl VaultSource for FolderSource {
    fn files(&self) -> Vec<SourceFile> {
        self.files.clone()
    }

    fn read(&mut self, path: &VaultPath) -> Result<Vec<u8>, String> {
        let full = path.as_str().split('/').fold(self.root.clone(), |full, part| full.join(part));
        std::fs::read(full).map_err(|error| format!("cannot be read: {error}"))
    }

    fn skipped(&self) -> usize {
        self.skipped
    }

    fn warnings(&self) -> Vec<Warning> {
        self.warnings.clone()
    }
}

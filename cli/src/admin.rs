//! `emmaus admin create`, `emmaus keys rotate` and `emmaus outbox`: operator commands on a local
//! data folder.

use std::fmt::Write as _;
use std::io::{BufRead as _, IsTerminal as _};

use anyhow::{Context as _, bail};
use emmaus_app::outbox;
use emmaus_identity::RequestMeta;
use emmaus_identity::setup::{self, NewOrg};

use crate::config::ServeConfig;

/// What `emmaus admin create` was given.
#[derive(Debug)]
pub struct AdminCreate {
    pub email: String,
    pub org: String,
    pub org_name: Option<String>,
    pub name: Option<String>,
    pub password_stdin: bool,
}

/// Creates an organisation with an admin (a new account, or an existing one by email) in the
/// data folder. The password comes from the terminal, asked twice, or from one line of standard
/// input with `--password-stdin`; it is never a flag, which would leave it in shell history.
pub async fn create(config: &ServeConfig, args: &AdminCreate) -> anyhow::Result<String> {
    let (platform, _) = crate::platform::open(config)?;
    let existing =
        emmaus_domain::identity::Email::parse(&args.email).map_err(|e| anyhow::anyhow!(validation_text(&e)))?;
    let known = emmaus_identity::directory::person_by_email(&platform, &existing).await?.is_some();
    let password = if known {
        // An existing account keeps its password; nothing to ask.
        String::new()
    } else {
        read_password(args.password_stdin)?
    };
    let org_name = args.org_name.clone().unwrap_or_else(|| args.org.clone());
    let name = args.name.clone().unwrap_or_else(|| args.email.split('@').next().unwrap_or("Admin").to_owned());
    let new = NewOrg {
        slug: &args.org,
        name: &org_name,
        admin_email: &args.email,
        admin_name: &name,
        admin_password: &password,
    };
    let meta = RequestMeta { request_id: Some("cli".into()), client_address: None };
    let (org, person) =
        setup::create_org(&platform, &new, &meta).await.map_err(|e| anyhow::anyhow!(validation_text(&e)))?;
    Ok(format!("created organisation {} ({}) with admin {} ({})", org.slug, org.id, person.email, person.id))
}

/// The outbox's parked tasks, one line each (`emmaus outbox parked`), or a line saying there are none.
pub async fn outbox_parked(config: &ServeConfig) -> anyhow::Result<String> {
    let (platform, _) = crate::platform::open(config)?;
    let mut text = String::new();
    let mut cursor = None;
    loop {
        let (tasks, next) = outbox::list(&platform, outbox::Queue::Parked, cursor, 500).await?;
        for task in tasks {
            let error = task.last_error.unwrap_or_default();
            let _ = writeln!(text, "{}  {}  {} attempts  {error}", task.id, task.kind, task.attempts);
        }
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if text.is_empty() {
        text.push_str("no parked tasks\n");
    }
    Ok(text)
}

/// Puts a parked task back in the queue (`emmaus outbox requeue <id>`).
pub async fn outbox_requeue(config: &ServeConfig, id: &str) -> anyhow::Result<String> {
    let (platform, _) = crate::platform::open(config)?;
    let task = outbox::requeue(&platform, id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format!("requeued task {} ({}); the next apply-outbox run takes it\n", task.id, task.kind))
}

/// Rebuilds the search index of the organisation `slug` from its records (`emmaus reindex`), with a
/// progress bar on a terminal.
pub async fn reindex(config: &ServeConfig, slug: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal as _;
    let (platform, _) = crate::platform::open(config)?;
    let org = emmaus_identity::directory::org_by_slug(&platform, slug)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("no organisation has the short name {slug:?} (--org)"))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} resources ({eta} left)") {
            bar.set_style(style);
        }
        bar
    });
    let rebuilt = emmaus_hub::index::rebuild(&platform, &org.value.id, |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(format!(
        "reindexed {slug}: {} resources indexed, {} in the trash taken out of the index\n",
        rebuilt.indexed, rebuilt.removed
    ))
}

/// A domain error as one line: field errors say which flag was wrong.
fn validation_text(error: &emmaus_domain::DomainError) -> String {
    match error {
        emmaus_domain::DomainError::Validation(fields) => fields
            .iter()
            .map(|f| {
                let flag = match f.field.as_str() {
                    "slug" => "--org",
                    "org_name" => "--org-name",
                    "admin_email" | "email" => "--email",
                    "admin_name" => "--name",
                    "admin_password" => "the password",
                    other => other,
                };
                format!("{flag} {}", f.message)
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        if password.is_empty() {
            bail!("--password-stdin: standard input held no password");
        }
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password; pass it on standard input with --password-stdin");
    }
    let first = rpassword::prompt_password("Password for the new admin: ").context("cannot read the password")?;
    let second = rpassword::prompt_password("The same password again: ").context("cannot read the password")?;
    if first != second {
        bail!("the two passwords differ; nothing was created");
    }
    Ok(first)
}

/// Puts a new session-signing key first, keeping the previous one for tokens already issued.
pub fn rotate_keys(config: &ServeConfig) -> anyhow::Result<String> {
    let ids = emmaus_ports::RandomIds::new(std::sync::Arc::new(emmaus_ports::SystemClock));
    let kid = crate::platform::rotate_session_keys(&config.data_dir.join("keys"), &ids)?;
    Ok(format!(
        "new session key {kid} signs from now on; the previous key still verifies tokens already issued. \
         Restart `emmaus serve` to use it."
    ))
}

/// Where `emmaus fonts` installs: the data folder's files, or a Spin app's `default` database,
/// which keeps files in the key-value table (`blob_store = "sqlite"`).
fn font_store(
    config: &ServeConfig,
    spin_database: Option<&std::path::Path>,
) -> anyhow::Result<std::sync::Arc<dyn emmaus_ports::BlobStore>> {
    use std::sync::Arc;
    let Some(database) = spin_database else { return Ok(crate::platform::open(config)?.0.blobs.clone()) };
    anyhow::ensure!(database.is_file(), "{} is not a Spin database file (.spin/sqlite_db.db)", database.display());
    let clock: Arc<dyn emmaus_ports::Clock> = Arc::new(emmaus_ports::SystemClock);
    let kv = emmaus_sqlite::SqliteKv::open(database, clock.clone())
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", database.display()))?;
    let ids: Arc<dyn emmaus_ports::Ids> = Arc::new(emmaus_ports::RandomIds::new(clock.clone()));
    // Nothing is signed: the signer only makes download links, which installing never does.
    let signer = emmaus_ports::UrlSigner::new(config.public_url.clone(), vec![0; 32]);
    Ok(Arc::new(emmaus_kv_blobs::KvBlobStore::new(
        Arc::new(kv),
        ids,
        clock,
        signer,
        emmaus_sessions::print::MAX_FONT_BYTES,
    )))
}

/// Installs font files for printing (`emmaus fonts add`), each under its file name.
pub async fn fonts_add(
    config: &ServeConfig,
    files: &[std::path::PathBuf],
    spin_database: Option<&std::path::Path>,
) -> anyhow::Result<String> {
    let blobs = font_store(config, spin_database)?;
    let mut out = String::new();
    for file in files {
        let name = file
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| anyhow::anyhow!("{} has no file name", file.display()))?;
        let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let key = emmaus_sessions::print::install_font(blobs.as_ref(), name, bytes)
            .await
            .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), problem_text(&e)))?;
        out.push_str("installed ");
        out.push_str(&key);
        out.push('\n');
    }
    Ok(out)
}

/// Lists the fonts installed for printing (`emmaus fonts list`).
pub async fn fonts_list(config: &ServeConfig, spin_database: Option<&std::path::Path>) -> anyhow::Result<String> {
    let blobs = font_store(config, spin_database)?;
    let fonts = emmaus_sessions::print::installed_fonts(blobs.as_ref()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if fonts.is_empty() {
        return Ok("no fonts are installed; PDF and DOCX exports need at least one (emmaus fonts add)\n".into());
    }
    Ok(fonts.iter().map(|(key, size)| format!("{key}\t{size} bytes")).collect::<Vec<_>>().join("\n") + "\n")
}

/// A domain error as one line, with the field's message for a validation problem.
fn problem_text(error: &emmaus_domain::DomainError) -> String {
    match error {
        emmaus_domain::DomainError::Validation(errors) => {
            errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

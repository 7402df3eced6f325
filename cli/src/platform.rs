//! The local Platform: SQLite for documents and the filesystem for files, under one data folder.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use emmaus_app::{HostInfo, Platform};
use emmaus_identity::tokens::{KEYS_SETTING, KeyRing};
use emmaus_ports::{
    Clock, ConfigExt as _, ConfigSource, EnvConfig, HttpClient, Ids, KvStore, LayeredConfig, Mailer, MapConfig,
    RandomIds, SystemClock, UrlSigner,
};

use crate::config::ServeConfig;

/// Opens (creating on first run) the stores under `config.data_dir`, with the download-link signer.
pub fn open(config: &ServeConfig) -> anyhow::Result<(Platform, UrlSigner)> {
    let data = &config.data_dir;
    std::fs::create_dir_all(data).with_context(|| format!("cannot create the data folder {}", data.display()))?;
    check_writable(data)?;
    let clock = Arc::new(SystemClock);
    let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
    let secret = signing_secret(&data.join("keys"), ids.as_ref())?;
    let signer = UrlSigner::new(config.public_url.clone(), secret);
    let host_signer = signer.clone();
    let kv = emmaus_sqlite::SqliteKv::open(&data.join("emmaus.db"), clock.clone())
        .with_context(|| format!("cannot open the database in {}", data.display()))?;
    let blobs = emmaus_fs::FsBlobStore::open(&data.join("files"), config.max_blob_bytes, clock.clone(), signer)
        .with_context(|| format!("cannot open the file store in {}", data.display()))?;
    let kv: Arc<dyn KvStore> = Arc::new(kv);
    // Its own folder, one index per organisation (ADR 0020): indexing never holds up the
    // key-value store's writer.
    let search = emmaus_search_tantivy::TantivySearch::open(data.join("search"))
        .with_context(|| format!("cannot open the search index in {}", data.display()))?;
    warn_of_an_earlier_index(data);
    let search = Arc::new(search);
    let config = settings(config, &data.join("keys"), ids.as_ref())?;
    let http: Arc<dyn HttpClient> = Arc::new(emmaus_reqwest::ReqwestHttp::new(emmaus_assembly::OUTBOUND_TIMEOUT)?);
    let clock_port: Arc<dyn Clock> = clock.clone();
    let mailer = mailer(config.as_ref(), &kv, &clock_port, &ids, &http)?;
    let host = HostInfo { kind: "local", version: system::VERSION, build: system::BUILD };
    let blobs = Arc::new(blobs);
    let platform = emmaus_assembly::platform(emmaus_assembly::HostParts {
        kv,
        blobs,
        search,
        clock,
        ids,
        http,
        pages: Some(Arc::new(emmaus_reqwest::PublicPages::new()?)),
        config,
        mailer,
        host,
    })?;
    Ok((platform, host_signer))
}

/// Data folders from before ADR 0020 kept the index in `search.db` (SQLite FTS5); it is not read
/// any more, and the new index fills as resources change, or at once with `emmaus reindex`.
fn warn_of_an_earlier_index(data: &Path) {
    let earlier = data.join("search.db");
    if earlier.exists() {
        tracing::warn!(
            file = %earlier.display(),
            "this data folder holds a search index of an earlier version, which is not used any more: \
             run `emmaus reindex --org SLUG` for each organisation, then remove the file"
        );
    }
}

/// What the use cases read through the configuration port: the resolved settings (flags, the
/// environment, emmaus.toml), then any other `EMMAUS_*` variable (SSO providers), then the session
/// key ring from `keys/session-keys`, the audit key ring from `keys/audit-keys` and the seal key
/// ring from `keys/seal-keys`, each made on first run.
fn settings(config: &ServeConfig, keys: &Path, ids: &dyn Ids) -> anyhow::Result<Arc<dyn ConfigSource>> {
    let mut resolved = MapConfig::new();
    for (key, value) in &config.settings {
        resolved.insert(key.clone(), value.clone());
    }
    if config.public_url.is_empty() {
        // Links in emails need an origin; the listening address is the one a local user opens.
        resolved.insert("EMMAUS_PUBLIC_URL", format!("http://{}", config.listen));
    }
    let ring = MapConfig::new()
        .with(KEYS_SETTING, session_keys(keys, ids)?)
        .with(emmaus_identity::audit::KEYS_SETTING, audit_keys(keys, ids)?)
        .with(emmaus_app::sealing::KEYS_SETTING, seal_keys(keys, ids)?);
    Ok(Arc::new(LayeredConfig::new(vec![Arc::new(resolved), Arc::new(EnvConfig), Arc::new(ring)])))
}

/// The session key ring file: `kid:seed` entries, the first signing. Made on first run, private
/// to the owner; `emmaus keys rotate` puts a new key first.
pub fn session_keys(keys: &Path, ids: &dyn Ids) -> anyhow::Result<String> {
    let check = |ring: &str| KeyRing::parse(ring).map(|_| ());
    ring_file(keys, "session-keys", check, || KeyRing::new_entry(&new_kid(ids), &ids.random_bytes(32)))
}

/// The audit key ring file: `kid:secret` entries, the first sealing new entries. Made on first run,
/// private to the owner, and never rotated away: every key stays for as long as what it sealed.
pub fn audit_keys(keys: &Path, ids: &dyn Ids) -> anyhow::Result<String> {
    use emmaus_identity::audit;
    let check = |ring: &str| audit::parse_ring(ring).map(|_| ());
    ring_file(keys, "audit-keys", check, || audit::new_key_entry(&new_kid(ids), &ids.random_bytes(32)))
}

/// The seal key ring file (values sealed at rest, such as second-factor secrets): `kid:key`
/// entries, the first sealing. Made on first run, private to the owner; every key stays for as long
/// as what it sealed.
pub fn seal_keys(keys: &Path, ids: &dyn Ids) -> anyhow::Result<String> {
    use emmaus_app::sealing;
    let check = |ring: &str| sealing::parse_ring(ring).map(|_| ());
    ring_file(keys, "seal-keys", check, || sealing::new_key_entry(&new_kid(ids), &ids.random_bytes(32)))
}

/// The key ring in `keys/<name>`, checked with `check`; made with `make` and written private to
/// the owner when there is none yet.
fn ring_file(
    keys: &Path,
    name: &str,
    check: impl Fn(&str) -> Result<(), String>,
    make: impl FnOnce() -> String,
) -> anyhow::Result<String> {
    let path = keys.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let ring = text.trim().to_owned();
            check(&ring).map_err(|e| anyhow::anyhow!("{} is not valid: {e}", path.display()))?;
            Ok(ring)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let ring = make();
            write_private(keys, &path, &ring)?;
            Ok(ring)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Puts a new signing key first and keeps the one before it for verification, so tokens issued
/// until now stay valid until they expire; older keys are dropped. Returns the new key's id.
pub fn rotate_session_keys(keys: &Path, ids: &dyn Ids) -> anyhow::Result<String> {
    let current = session_keys(keys, ids)?;
    let kid = new_kid(ids);
    let kept = current.split(',').next().unwrap_or_default();
    let ring = format!("{},{kept}", KeyRing::new_entry(&kid, &ids.random_bytes(32)));
    let path = keys.join("session-keys");
    let temp = keys.join("session-keys.new");
    let _ = std::fs::remove_file(&temp);
    write_private(keys, &temp, &ring)?;
    std::fs::rename(&temp, &path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(kid)
}

/// A key id: the random tail of a new id, so two keys made in one millisecond still differ.
fn new_kid(ids: &dyn Ids) -> String {
    ids.new_id().to_ascii_lowercase()[16..].to_owned()
}

fn write_private(dir: &Path, path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all())?;
    Ok(())
}

/// The mailer the settings ask for: the dev outbox unless told otherwise; SMTP here, since the
/// local host has sockets, and the rest from the shared selection.
fn mailer(
    config: &dyn ConfigSource,
    kv: &Arc<dyn KvStore>,
    clock: &Arc<dyn Clock>,
    ids: &Arc<dyn Ids>,
    http: &Arc<dyn HttpClient>,
) -> anyhow::Result<Arc<dyn Mailer>> {
    if let Some(mailer) = emmaus_assembly::mail::portable(config, kv, clock, ids, http)? {
        return Ok(mailer);
    }
    let url = config.required("EMMAUS_SMTP_URL")?;
    let from = emmaus_assembly::mail::mail_from(config)?;
    let smtp = emmaus_smtp::SmtpMailer::from_url(&url, &from).map_err(|e| anyhow::anyhow!("EMMAUS_SMTP_URL: {e}"))?;
    Ok(Arc::new(smtp))
}

/// Writes and removes a probe file, so an unwritable folder is reported at start, not mid-request.
fn check_writable(data: &Path) -> anyhow::Result<()> {
    let probe = data.join(".write-probe");
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .with_context(|| format!("the data folder {} is not writable", data.display()))
}

/// The key that signs download links; made on first run, kept private to the owner.
fn signing_secret(keys: &Path, ids: &dyn Ids) -> anyhow::Result<Vec<u8>> {
    let path = keys.join("url-signing.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = hex::decode(text.trim()).with_context(|| format!("{} is corrupt", path.display()))?;
            if secret.len() < 32 {
                bail!("{} holds fewer than 32 bytes", path.display());
            }
            Ok(secret)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = ids.random_bytes(32);
            write_private(keys, &path, &hex::encode(&secret))?;
            Ok(secret)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signing_secret_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let ids = RandomIds::new(Arc::new(SystemClock));
        let first = signing_secret(&dir.path().join("keys"), &ids).unwrap();
        let second = signing_secret(&dir.path().join("keys"), &ids).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join("keys/url-signing.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_corrupt_secret_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("keys")).unwrap();
        std::fs::write(dir.path().join("keys/url-signing.key"), "zz").unwrap();
        let ids = RandomIds::new(Arc::new(SystemClock));
        assert!(signing_secret(&dir.path().join("keys"), &ids).is_err());
    }
}

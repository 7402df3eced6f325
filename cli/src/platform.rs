//! The local Platform: SQLite for documents and the filesystem for files, under one data folder.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use emmaus_app::{HostInfo, Platform};
use emmaus_ports::{EnvConfig, Ids, RandomIds, SystemClock, UrlSigner};

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
    let kv: Arc<dyn emmaus_ports::KvStore> = Arc::new(kv);
    let mailer = Arc::new(emmaus_app::mail::Outbox::new(kv.clone(), clock.clone(), ids.clone()));
    let platform = Platform {
        kv,
        blobs: Arc::new(blobs),
        clock,
        ids,
        mailer,
        http: Arc::new(emmaus_reqwest::ReqwestHttp::new(Duration::from_secs(10))?),
        config: Arc::new(EnvConfig),
        host: HostInfo { kind: "local", version: system::VERSION, build: system::BUILD },
    };
    Ok((platform, host_signer))
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
            std::fs::create_dir_all(keys).with_context(|| format!("cannot create {}", keys.display()))?;
            let secret = ids.random_bytes(32);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&path).with_context(|| format!("cannot create {}", path.display()))?;
            file.write_all(hex::encode(&secret).as_bytes()).and_then(|()| file.sync_all())?;
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

//! `FsBlobStore`: the blob port over `root/objects`, with blocking file I/O kept off the runtime.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use emmaus_ports::blob::{clamp_range, validate_list, validate_put, validate_ttl};
use emmaus_ports::{Blob, BlobError, BlobKey, BlobMeta, BlobPage, BlobStore, Clock, Presentation, UrlSigner};

use crate::format::{self, Header};
use crate::{paths, write};

#[derive(Debug)]
pub struct FsBlobStore {
    objects: PathBuf,
    tmp: PathBuf,
    max_size: u64,
    clock: Arc<dyn Clock>,
    signer: UrlSigner,
}

impl FsBlobStore {
    /// Opens the store under `root`, creating `root/objects` and `root/tmp`. Both must be on one
    /// filesystem (they are, as siblings) for the rename that publishes a put to be atomic.
    pub fn open(root: &Path, max_size: u64, clock: Arc<dyn Clock>, signer: UrlSigner) -> Result<Self, BlobError> {
        let (objects, tmp) = (root.join("objects"), root.join("tmp"));
        for dir in [&objects, &tmp] {
            fs::create_dir_all(dir).map_err(|e| setup_error(&format!("cannot create {}: {e}", dir.display())))?;
        }
        ensure_case_sensitive(&tmp)?;
        write::sweep_stale(&tmp);
        Ok(Self { objects, tmp, max_size, clock, signer })
    }

    fn path_of(&self, key: &BlobKey) -> PathBuf {
        paths::object_path(&self.objects, key)
    }
}

/// Keys `A` and `a` are different blobs, so a filesystem that folds case (macOS and Windows by
/// default) would silently let one overwrite the other; refuse it up front instead.
fn ensure_case_sensitive(tmp: &Path) -> Result<(), BlobError> {
    let probe = || -> io::Result<bool> {
        let lower = tmp.join(format!("case-probe-{}", write::temp_name()?));
        File::create(&lower)?;
        let folded =
            lower.with_file_name(lower.file_name().unwrap_or_default().to_string_lossy().to_uppercase()).exists();
        fs::remove_file(&lower)?;
        Ok(folded)
    };
    match probe() {
        Ok(false) => Ok(()),
        Ok(true) => Err(setup_error(&format!(
            "{} is on a case-insensitive filesystem; blob keys are case-sensitive, so the store needs a case-sensitive one",
            tmp.display()
        ))),
        Err(e) => Err(setup_error(&format!("cannot write in {}: {e}", tmp.display()))),
    }
}

fn setup_error(message: &str) -> BlobError {
    BlobError::backend(io::Error::other(message.to_owned()))
}

/// Runs blocking file work on tokio's blocking pool; a panic there stays a panic.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, BlobError> + Send + 'static,
) -> Result<T, BlobError> {
    match tokio::task::spawn_blocking(job).await {
        Ok(result) => result,
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Err(join) => Err(BlobError::backend(join)),
    }
}

/// Opens a blob's file and reads its header, leaving the file at the first data byte.
fn open_blob(path: &Path, key: &BlobKey) -> Result<(File, Header, u64), BlobError> {
    let mut file = match File::open(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(BlobError::NotFound(key.clone()));
        }
        other => other.map_err(BlobError::backend)?,
    };
    let (header, offset) = format::read_header(&mut file, path).map_err(BlobError::backend)?;
    Ok((file, header, offset))
}

/// Reads `len` bytes at the file's position; the header vouched for the length, so a short read
/// means the file changed under us or is damaged.
fn read_data(file: &mut File, len: u64, path: &Path) -> Result<Vec<u8>, BlobError> {
    let mut bytes = vec![0; len as usize];
    file.read_exact(&mut bytes).map_err(|e| {
        BlobError::backend(if e.kind() == io::ErrorKind::UnexpectedEof {
            format::corrupt(path, "its data is shorter than its header says")
        } else {
            e
        })
    })?;
    Ok(bytes)
}

#[async_trait::async_trait]
impl BlobStore for FsBlobStore {
    fn adapter(&self) -> &'static str {
        "filesystem"
    }

    fn max_size(&self) -> u64 {
        self.max_size
    }

    async fn put(&self, key: &BlobKey, bytes: Vec<u8>, content_type: &str) -> Result<BlobMeta, BlobError> {
        let size = bytes.len() as u64;
        validate_put(content_type, size, self.max_size)?;
        let (tmp, target, key, content_type) =
            (self.tmp.clone(), self.path_of(key), key.clone(), content_type.to_owned());
        blocking(move || {
            let header = Header { content_type, size, etag: emmaus_ports::blob::content_etag(&bytes) };
            let encoded = format::encode_header(&header).map_err(BlobError::backend)?;
            write::write_atomically(&tmp, &target, &encoded, &bytes).map_err(BlobError::backend)?;
            Ok(header.into_meta(key))
        })
        .await
    }

    async fn get(&self, key: &BlobKey) -> Result<Blob, BlobError> {
        let (path, key) = (self.path_of(key), key.clone());
        blocking(move || {
            // The open handle pins this version of the file: a concurrent put renames a new file
            // over the name but cannot change what we read.
            let (mut file, header, _) = open_blob(&path, &key)?;
            let bytes = read_data(&mut file, header.size, &path)?;
            Ok(Blob { meta: header.into_meta(key), bytes })
        })
        .await
    }

    async fn get_range(&self, key: &BlobKey, start: u64, end: u64) -> Result<Blob, BlobError> {
        let (path, key) = (self.path_of(key), key.clone());
        blocking(move || {
            let (mut file, header, offset) = open_blob(&path, &key)?;
            let range = clamp_range(header.size, start, end)?;
            file.seek(SeekFrom::Start(offset + range.start)).map_err(BlobError::backend)?;
            let bytes = read_data(&mut file, range.end - range.start, &path)?;
            Ok(Blob { meta: header.into_meta(key), bytes })
        })
        .await
    }

    async fn head(&self, key: &BlobKey) -> Result<BlobMeta, BlobError> {
        let (path, key) = (self.path_of(key), key.clone());
        blocking(move || open_blob(&path, &key).map(|(_, header, _)| header.into_meta(key))).await
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), BlobError> {
        let (objects, path) = (self.objects.clone(), self.path_of(key));
        blocking(move || match fs::remove_file(&path) {
            Ok(()) => {
                paths::prune_empty_parents(&objects, &path);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(BlobError::backend(e)),
        })
        .await
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>, limit: u32) -> Result<BlobPage, BlobError> {
        validate_list(prefix, cursor, limit)?;
        let (objects, prefix, cursor) = (self.objects.clone(), prefix.to_owned(), cursor.map(str::to_owned));
        blocking(move || {
            let mut keys = paths::keys_with_prefix(&objects, &prefix).map_err(BlobError::backend)?;
            keys.retain(|key| cursor.as_deref().is_none_or(|after| key.as_str() > after));
            keys.sort_unstable();
            let mut items = Vec::new();
            let mut rest = keys.into_iter();
            for key in rest.by_ref() {
                // A file whose name is no valid key was not written by this store.
                let Ok(key) = BlobKey::parse(key) else {
                    continue;
                };
                match open_blob(&paths::object_path(&objects, &key), &key) {
                    Ok((_, header, _)) => items.push(header.into_meta(key)),
                    // Deleted since the walk: it is simply not listed.
                    Err(BlobError::NotFound(_)) => continue,
                    Err(other) => return Err(other),
                }
                if items.len() == limit as usize {
                    break;
                }
            }
            let next = if rest.len() > 0 { items.last().map(|meta| meta.key.to_string()) } else { None };
            Ok(BlobPage { items, next })
        })
        .await
    }

    async fn signed_url(&self, key: &BlobKey, ttl: Duration, presentation: &Presentation) -> Result<String, BlobError> {
        validate_ttl(ttl)?;
        self.head(key).await?;
        let expires = self.clock.now().plus(ttl).unix_seconds();
        Ok(self.signer.sign(key, expires, presentation))
    }
}

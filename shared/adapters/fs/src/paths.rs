//! Where keys live on disk, and how a listing finds them again.
//!
//! Key `org/a/b.pdf` is the file `objects/org/a/b.pdf~`. Keys cannot contain `~`, so the suffix
//! keeps every blob file apart from every directory: keys `a` and `a/b` are `a~` and `a/b~`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use emmaus_ports::BlobKey;

const SUFFIX: char = '~';

pub(crate) fn object_path(objects: &Path, key: &BlobKey) -> PathBuf {
    // Validated keys are relative, `/`-separated and free of `.` and `..`, so joining stays inside.
    let mut path = objects.join(key.as_str());
    path.as_mut_os_string().push(SUFFIX.to_string());
    path
}

/// Every key under `objects` that starts with `prefix`, unsorted.
///
/// Walks only the deepest directory the prefix names in full (`org1/a` walks `org1/`), and below
/// it only directories that can hold matches; the cost is O(keys under that directory), fine for a
/// local store and not meant for millions of blobs.
pub(crate) fn keys_with_prefix(objects: &Path, prefix: &str) -> io::Result<Vec<String>> {
    let dir = prefix.rfind('/').map_or("", |slash| &prefix[..=slash]);
    // A directory part that is no valid key cannot start any key, and must never reach the
    // filesystem: the prefix is caller input (`../`).
    if !dir.is_empty() && BlobKey::parse(dir.trim_end_matches('/')).is_err() {
        return Ok(Vec::new());
    }
    let mut keys = Vec::new();
    walk(&objects.join(dir), dir, prefix, &mut keys)?;
    Ok(keys)
}

/// `relative` is the path of `dir` below `objects`, empty or ending in `/`.
fn walk(dir: &Path, relative: &str, prefix: &str, keys: &mut Vec<String>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        // Nothing stored there yet, or deleted while we walk: no keys either way.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        other => other?,
    };
    for entry in entries {
        let entry = entry?;
        // Names that are not UTF-8 were not written by this store.
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let kind = match entry.file_type() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            other => other?,
        };
        if kind.is_dir() {
            let below = format!("{relative}{name}/");
            if below.starts_with(prefix) || prefix.starts_with(&below) {
                walk(&entry.path(), &below, prefix, keys)?;
            }
        } else if kind.is_file()
            && let Some(stem) = name.strip_suffix(SUFFIX)
        {
            let key = format!("{relative}{stem}");
            if key.starts_with(prefix) {
                keys.push(key);
            }
        }
    }
    Ok(())
}

/// Removes the directories left empty above a deleted file, stopping at `objects` or at the first
/// directory that still holds something. Best effort: a leftover empty directory is harmless.
pub(crate) fn prune_empty_parents(objects: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == objects || !current.starts_with(objects) || fs::remove_dir(current).is_err() {
            return;
        }
        dir = current.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_suffixed_files() {
        let key = BlobKey::parse("org/a/b.pdf").unwrap();
        assert_eq!(object_path(Path::new("/r/objects"), &key), Path::new("/r/objects/org/a/b.pdf~"));
    }

    #[test]
    fn prefixes_cannot_walk_out_of_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let objects = dir.path().join("objects");
        fs::create_dir_all(&objects).unwrap();
        fs::write(dir.path().join("outside~"), b"").unwrap();
        for prefix in ["../", "../outside", "./", "a//", "/"] {
            assert!(keys_with_prefix(&objects, prefix).unwrap().is_empty(), "{prefix:?}");
        }
    }
}

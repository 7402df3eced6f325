//! Atomic puts: a blob is written whole under `tmp/`, flushed, then renamed into place, so readers
//! see the old file or the new one and a crash leaves at most a stray temporary file.

use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Writes `header` then `bytes` to a fresh file in `tmp_dir`, and renames it to `target`.
pub(crate) fn write_atomically(tmp_dir: &Path, target: &Path, header: &[u8], bytes: &[u8]) -> io::Result<()> {
    let part = tmp_dir.join(temp_name()?);
    let result = write_part(&part, header, bytes).and_then(|()| move_into_place(&part, target));
    if result.is_err() {
        // Gone already if the rename happened; either way nothing partial stays behind.
        let _ = fs::remove_file(&part);
    }
    result
}

/// A random name, so concurrent puts (from this process or another sharing the root) never share
/// a temporary file.
pub(crate) fn temp_name() -> io::Result<String> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random)
        .map_err(|e| io::Error::other(format!("no randomness for a temporary file name: {e}")))?;
    Ok(format!("{}.part", hex::encode(random)))
}

fn write_part(part: &Path, header: &[u8], bytes: &[u8]) -> io::Result<()> {
    let mut file = File::options().write(true).create_new(true).open(part)?;
    file.write_all(header)?;
    file.write_all(bytes)?;
    // The data must be on disk before the rename makes it visible, or a crash could publish a
    // file whose contents never arrived.
    file.sync_all()
}

fn move_into_place(part: &Path, target: &Path) -> io::Result<()> {
    let parent: PathBuf = target.parent().map(Path::to_owned).ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{} has no parent directory", target.display()))
    })?;
    // A concurrent delete may prune the parent directory between creating it and renaming into
    // it; creating it again is enough.
    let mut attempts = 3;
    loop {
        fs::create_dir_all(&parent)?;
        match fs::rename(part, target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound && attempts > 1 && part.exists() => {
                attempts -= 1;
            }
            other => break other?,
        }
    }
    sync_dir(&parent)
}

/// Makes the rename itself durable: the new directory entry lives in the parent's data.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Other platforms cannot open a directory as a file; their renames are as durable as they get.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Temporary files older than this belong to a put that crashed; no live put takes this long.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_hours(1);

/// Removes temporary files a crashed put left behind. Best effort: a leftover costs only space.
pub(crate) fn sweep_stale(tmp_dir: &Path) {
    let Ok(entries) = fs::read_dir(tmp_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .is_ok_and(|modified| modified.elapsed().is_ok_and(|age| age > STALE_AFTER));
        if stale && entry.file_name().to_string_lossy().ends_with(".part") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

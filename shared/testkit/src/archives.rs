//! Zip archives built in tests, as a person's zip tool makes them (deflated entries in the order
//! given): vaults for the hub's import tests on every host.

use std::io::Write as _;

/// A zip of `files`, each `(name in the archive, bytes)`.
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).expect("a zip entry starts");
        zip.write_all(bytes).expect("a zip entry is written");
    }
    zip.finish().expect("the zip is finished");
    out.into_inner()
}

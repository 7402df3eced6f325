//! The file format of one blob: `EMB1`, the header's length (u32, big-endian), a JSON header,
//! then the bytes. Metadata and data share one file so a rename publishes both at once.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use emmaus_ports::{BlobKey, BlobMeta};
use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 4] = b"EMB1";
const PREAMBLE: u64 = 8;
/// Content types are at most 255 bytes, so real headers are a few hundred bytes; a bigger length
/// means a damaged file, refused before allocating for it.
const MAX_HEADER: u32 = 4096;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Header {
    pub content_type: String,
    pub size: u64,
    pub etag: String,
}

impl Header {
    pub fn into_meta(self, key: BlobKey) -> BlobMeta {
        BlobMeta { key, size: self.size, content_type: self.content_type, etag: self.etag }
    }
}

/// Everything that precedes the data in the file.
pub(crate) fn encode_header(header: &Header) -> io::Result<Vec<u8>> {
    let json = serde_json::to_vec(header)?;
    let len = u32::try_from(json.len()).ok().filter(|&len| len <= MAX_HEADER).ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("a blob header of {} bytes is too long", json.len()))
    })?;
    let mut out = Vec::with_capacity(PREAMBLE as usize + json.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&json);
    Ok(out)
}

/// Reads the header from the start of `file`, leaving it positioned at the first data byte, and
/// returns the header with that byte's offset. The file's length must agree with the header, so a
/// truncated file is caught here rather than served short.
pub(crate) fn read_header(file: &mut File, path: &Path) -> io::Result<(Header, u64)> {
    let mut preamble = [0u8; PREAMBLE as usize];
    file.read_exact(&mut preamble).map_err(short_read(path, "it is shorter than its preamble"))?;
    let (magic, len) = preamble.split_at(4);
    if magic != MAGIC {
        return Err(corrupt(path, &format!("it starts with {magic:02x?}, not {MAGIC:02x?}")));
    }
    let len = u32::from_be_bytes(len.try_into().expect("the preamble splits into 4 + 4 bytes"));
    if len > MAX_HEADER {
        return Err(corrupt(path, &format!("its header claims {len} bytes")));
    }
    let mut json = vec![0; len as usize];
    file.read_exact(&mut json).map_err(short_read(path, "its header is cut short"))?;
    let header: Header =
        serde_json::from_slice(&json).map_err(|e| corrupt(path, &format!("its header is unreadable: {e}")))?;
    let offset = PREAMBLE + u64::from(len);
    let actual = file.metadata()?.len().saturating_sub(offset);
    if actual != header.size {
        return Err(corrupt(path, &format!("it holds {actual} bytes of data but its header says {}", header.size)));
    }
    Ok((header, offset))
}

/// The error for a blob file that is not in the format; the message names the file for operators.
pub(crate) fn corrupt(path: &Path, reason: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("the blob file {} is corrupt: {reason}", path.display()))
}

/// A short read means a damaged file; any other read error is the disk's and keeps its kind.
fn short_read<'a>(path: &'a Path, reason: &'a str) -> impl FnOnce(io::Error) -> io::Error + 'a {
    move |error| {
        if error.kind() == io::ErrorKind::UnexpectedEof { corrupt(path, reason) } else { error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Seek, Write};

    #[test]
    fn a_header_round_trips_and_damage_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        let header =
            Header { content_type: "text/plain".into(), size: 3, etag: emmaus_ports::blob::content_etag(b"abc") };
        let mut bytes = encode_header(&header).unwrap();
        bytes.extend_from_slice(b"abc");
        std::fs::write(&path, &bytes).unwrap();
        let mut file = File::open(&path).unwrap();
        let (read, offset) = read_header(&mut file, &path).unwrap();
        assert_eq!((read.content_type.as_str(), read.size, offset), ("text/plain", 3, bytes.len() as u64 - 3));
        assert_eq!(file.stream_position().unwrap(), offset);

        let mut truncated = File::options().write(true).open(&path).unwrap();
        truncated.set_len(bytes.len() as u64 - 1).unwrap();
        truncated.flush().unwrap();
        let error = read_header(&mut File::open(&path).unwrap(), &path).unwrap_err();
        assert!(error.to_string().contains("holds 2 bytes"), "{error}");
    }
}

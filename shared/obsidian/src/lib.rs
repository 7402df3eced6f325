//! Reads Obsidian vaults: which paths are safe, what a note's frontmatter says, the links, embeds,
//! tags, block ids and headings in its body, which file a link means, and vaults packed in a zip.
//!
//! Pure functions over `&str` and `&[u8]`: no file system, network, clock or randomness, so the
//! same code runs in Spin components (wasm32-wasip2) and natively. Every input is untrusted: paths
//! that could leave the vault are refused, YAML is bounded and has no aliases, and archives are
//! checked for bombs before anything is inflated.

pub mod archive;
pub mod frontmatter;
pub mod path;
pub mod resolve;
pub mod syntax;

use sha2::{Digest, Sha256};

/// The hash clients send with a file so unchanged files need not be uploaded again: the
/// lowercase hex SHA-256 of its bytes.
pub fn content_hash(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

/// Lowercase and NFC, the form names and aliases are compared in: Obsidian matches links
/// case-insensitively, and a vault zipped on a Mac stores decomposed (NFD) names that people type
/// composed.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.nfc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_lowercase_hex_sha256() {
        assert_eq!(content_hash(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(content_hash(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn fold_matches_composed_and_decomposed_names_in_any_case() {
        assert_eq!(fold("Cafe\u{301}"), fold("CAFÉ"));
    }
}

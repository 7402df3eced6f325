//! Single-use secrets (invitation, reset and refresh tokens): made from the ids port, stored only
//! as their SHA-256, compared in constant time.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use emmaus_ports::Ids;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// 32 random bytes as base64url: 256 bits, unguessable.
pub fn new_token(ids: &dyn Ids) -> String {
    URL_SAFE_NO_PAD.encode(ids.random_bytes(32))
}

/// The stored form of a token.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Whether a presented token has the shape of one we issue, before any lookup.
pub fn plausible(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use emmaus_memory::SequentialIds;

    use super::*;

    #[test]
    fn tokens_are_plausible_and_digests_stable() {
        let token = new_token(&SequentialIds::default());
        assert!(plausible(&token), "{token}");
        assert!(!plausible("short") && !plausible(&format!("{}!", &token[..42])));
        assert_eq!(digest("a"), digest("a"));
        assert!(same(&digest("a"), &digest("a")) && !same(&digest("a"), &digest("b")));
    }
}

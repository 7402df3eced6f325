//! Where the Session Builder keeps its records: an organisation's templates in one partition, its
//! sessions in another (listed by when they start through the first secondary index), and each
//! session's earlier outlines in a partition of their own.

use emmaus_ports::Key;

pub fn templates(org: &str) -> String {
    format!("org#{org}#stpl")
}

pub fn template(org: &str, id: &str) -> Key {
    Key::new(templates(org), format!("t#{id}"))
}

pub fn sessions(org: &str) -> String {
    format!("org#{org}#sess")
}

pub fn session(org: &str, id: &str) -> Key {
    Key::new(sessions(org), format!("s#{id}"))
}

/// The index partition that lists an organisation's sessions by the instant they start.
pub fn by_start(org: &str) -> String {
    format!("org#{org}#sess#when")
}

/// A session's place in [`by_start`]: its start in milliseconds (padded; before 1970 is 0), then
/// its id.
pub fn start_entry(org: &str, starts_ms: i64, id: &str) -> Key {
    Key::new(by_start(org), format!("{}#{id}", start_bound(starts_ms)))
}

/// The sort key of the first session starting at or after `ms`.
pub fn start_bound(ms: i64) -> String {
    format!("{:013}", ms.clamp(0, MAX_MS))
}

pub fn revisions(org: &str, session: &str) -> String {
    format!("org#{org}#sess#{session}#rev")
}

pub fn revision(org: &str, session: &str, version: u64) -> Key {
    Key::new(revisions(org, session), format!("r#{version:010}"))
}

/// A session's private links, by id.
pub fn links(org: &str, session: &str) -> String {
    format!("org#{org}#sess#{session}#link")
}

pub fn link(org: &str, session: &str, id: &str) -> Key {
    Key::new(links(org, session), format!("l#{id}"))
}

/// Where a link's token leads, found by its digest before any organisation is known.
pub fn link_token(digest: &str) -> Key {
    Key::new("sess#link", format!("t#{digest}"))
}

/// The block a facilitator is presenting.
pub fn presenting(org: &str, session: &str) -> Key {
    Key::new(sessions(org), format!("p#{session}"))
}

/// The highest instant a key holds: 9999999999999 ms is in the year 2286.
pub const MAX_MS: i64 = 9_999_999_999_999;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_list_by_their_start_and_revisions_by_version() {
        assert!(start_entry("o", 5, "b").sort < start_entry("o", 50, "a").sort);
        assert!(start_bound(6) > start_entry("o", 5, "z").sort);
        assert!(revision("o", "s", 9).sort < revision("o", "s", 10).sort);
    }
}

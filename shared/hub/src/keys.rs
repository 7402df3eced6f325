//! Where the hub keeps its records: key-value keys, index keys and blob keys, all carrying the
//! organisation, none carrying a name a person chose.

use emmaus_domain::Timestamp;
use emmaus_ports::Key;

/// The partition of an organisation's resources.
pub fn library(org: &str) -> String {
    format!("org#{org}#hub")
}

pub fn resource(org: &str, id: &str) -> Key {
    Key::new(library(org), format!("res#{id}"))
}

/// What the organisation's files take up (`emmaus_domain::hub::Usage`).
pub fn usage(org: &str) -> Key {
    Key::new(library(org), "usage")
}

/// The partition of one note's saved versions.
pub fn versions(org: &str, id: &str) -> String {
    format!("org#{org}#hub#versions#{id}")
}

pub fn version(org: &str, id: &str, number: u32) -> Key {
    Key::new(versions(org, id), format!("v#{number:010}"))
}

/// Index one: an organisation's trash, newest deletion last in byte order.
pub fn trash(org: &str) -> String {
    format!("org#{org}#hub#trash")
}

pub fn trash_entry(org: &str, id: &str, deleted_at: Timestamp) -> Key {
    Key::new(trash(org), format!("{:013}#{id}", deleted_at.unix_millis().max(0)))
}

/// Index two: every organisation's trash by the time it is purged, for the purge job.
pub const PURGE: &str = "hub#purge";

pub fn purge_entry(org: &str, id: &str, due: Timestamp) -> Key {
    Key::new(PURGE, format!("{:013}#{org}#{id}", due.unix_millis().max(0)))
}

/// The sort key below which every purge entry due by `now` lies.
pub fn purge_until(now: Timestamp) -> String {
    format!("{:013}$", now.unix_millis().max(0))
}

/// Everything a resource keeps in object storage (a file's bytes, its thumbnail) lies under this prefix.
pub fn blobs_of(org: &str, id: &str) -> String {
    format!("hub/{org}/{id}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_entries_sort_by_due_time_and_the_bound_admits_what_is_due() {
        let early = purge_entry("o", "a", Timestamp::from_unix_millis(5));
        let late = purge_entry("o", "b", Timestamp::from_unix_millis(50));
        assert!(early.sort < late.sort);
        let bound = purge_until(Timestamp::from_unix_millis(5));
        assert!(early.sort < bound && late.sort > bound);
    }
}

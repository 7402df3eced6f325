//! Who may see and change a hub resource. A resource names the reader keys that may read it (its
//! audience, from its visibility); a person holds reader keys (their principals). The resource is
//! visible when the two share a key. The search port applies the same rule inside a query
//! (`SearchQuery::readers`), so lists, totals and facets never count what a person may not see, and
//! a single read checks it with [`may_see`].
//!
//! - **Organisation**: every member.
//! - **Group**: the group's members and leader, the organisation's admins, and the author (who
//!   keeps what they shared after leaving the group).
//! - **Private**: the author alone. No role reads another person's private resource, admins
//!   included; an admin can delete abuse only where they can see it.
//!
//! Changing (editing, deleting, restoring from the trash) is for the author, and for admins on
//! what is not private.

use crate::error::DomainError;

use super::resources::Visibility;

/// The key every member of the organisation holds.
pub const ORGANISATION: &str = "org";
/// The key the organisation's admins hold.
pub const ADMINS: &str = "admins";
/// The most keys a person may hold: the search port's limit on readers.
pub const MAX_READER_KEYS: usize = 64;

fn person(id: &str) -> String {
    format!("person:{id}")
}

fn group(id: &str) -> String {
    format!("group:{id}")
}

/// The keys that may read a resource with `visibility`, written by `author`.
pub fn audience(visibility: &Visibility, author: &str) -> Vec<String> {
    match visibility {
        Visibility::Organisation => vec![ORGANISATION.to_owned()],
        Visibility::Group { group_id } => vec![group(group_id), ADMINS.to_owned(), person(author)],
        Visibility::Private => vec![person(author)],
    }
}

/// A member of the organisation, as the hub sees them.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub person_id: &'a str,
    pub admin: bool,
    /// The groups they belong to or lead.
    pub groups: &'a [String],
}

/// The keys a member holds; refused when they belong to more groups than a search can filter by.
pub fn reader_keys(viewer: Viewer<'_>) -> Result<Vec<String>, DomainError> {
    let mut keys = vec![ORGANISATION.to_owned(), person(viewer.person_id)];
    if viewer.admin {
        keys.push(ADMINS.to_owned());
    }
    keys.extend(viewer.groups.iter().map(|id| group(id)));
    keys.sort();
    keys.dedup();
    if keys.len() > MAX_READER_KEYS {
        return Err(DomainError::Conflict(format!(
            "this person is in {} groups, more than a search of the hub can filter by ({} keys at most)",
            viewer.groups.len(),
            MAX_READER_KEYS
        )));
    }
    Ok(keys)
}

/// Whether `viewer` may see a resource with `visibility` by `author`.
pub fn may_see(visibility: &Visibility, author: &str, viewer: Viewer<'_>) -> bool {
    let Ok(keys) = reader_keys(viewer) else {
        // Too many groups to search by, but one resource can still be judged.
        return audience(visibility, author).iter().any(|key| {
            key == ORGANISATION
                || *key == person(viewer.person_id)
                || (viewer.admin && key == ADMINS)
                || viewer.groups.iter().any(|id| *key == group(id))
        });
    };
    audience(visibility, author).iter().any(|key| keys.contains(key))
}

/// Whether `viewer` may edit, delete or restore a resource with `visibility` by `author`.
pub fn may_change(visibility: &Visibility, author: &str, viewer: Viewer<'_>) -> bool {
    viewer.person_id == author || (viewer.admin && *visibility != Visibility::Private)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHOR: &str = "p-author";

    fn viewer<'a>(person_id: &'a str, admin: bool, groups: &'a [String]) -> Viewer<'a> {
        Viewer { person_id, admin, groups }
    }

    fn in_group() -> Vec<String> {
        vec!["g1".to_owned()]
    }

    #[test]
    fn each_visibility_reaches_whom_it_says() {
        let org = Visibility::Organisation;
        let grouped = Visibility::Group { group_id: "g1".into() };
        let private = Visibility::Private;
        let g1 = in_group();
        let member = viewer("p-member", false, &[]);
        let group_member = viewer("p-in-g1", false, &g1);
        let admin = viewer("p-admin", true, &[]);
        let author = viewer(AUTHOR, false, &[]);

        assert!(may_see(&org, AUTHOR, member) && may_see(&org, AUTHOR, admin));
        assert!(may_see(&grouped, AUTHOR, group_member));
        assert!(may_see(&grouped, AUTHOR, admin));
        assert!(may_see(&grouped, AUTHOR, author), "the author keeps what they shared");
        assert!(!may_see(&grouped, AUTHOR, member));
        assert!(may_see(&private, AUTHOR, author));
        for other in [member, group_member, admin] {
            assert!(!may_see(&private, AUTHOR, other), "{other:?} reads a private resource");
        }
    }

    #[test]
    fn the_search_filter_and_the_single_check_agree() {
        let g1 = in_group();
        let viewers = [
            viewer("p-member", false, &[]),
            viewer("p-in-g1", false, &g1),
            viewer("p-admin", true, &[]),
            viewer(AUTHOR, false, &[]),
        ];
        let visibilities = [
            Visibility::Organisation,
            Visibility::Group { group_id: "g1".into() },
            Visibility::Group { group_id: "g2".into() },
            Visibility::Private,
        ];
        for viewer in viewers {
            let keys = reader_keys(viewer).expect("few groups");
            for visibility in &visibilities {
                let by_search = audience(visibility, AUTHOR).iter().any(|key| keys.contains(key));
                assert_eq!(by_search, may_see(visibility, AUTHOR, viewer), "{viewer:?} {visibility:?}");
            }
        }
    }

    #[test]
    fn only_authors_change_private_resources_and_admins_the_rest() {
        let g1 = in_group();
        let admin = viewer("p-admin", true, &[]);
        let group_member = viewer("p-in-g1", false, &g1);
        let author = viewer(AUTHOR, false, &[]);
        let grouped = Visibility::Group { group_id: "g1".into() };
        assert!(may_change(&Visibility::Private, AUTHOR, author));
        assert!(!may_change(&Visibility::Private, AUTHOR, admin));
        assert!(may_change(&grouped, AUTHOR, admin) && may_change(&Visibility::Organisation, AUTHOR, admin));
        assert!(!may_change(&grouped, AUTHOR, group_member), "seeing is not changing");
    }

    #[test]
    fn a_member_of_very_many_groups_is_refused_a_search_but_judged_one_by_one() {
        let many: Vec<String> = (0..MAX_READER_KEYS).map(|i| format!("g{i}")).collect();
        let busy = viewer("p-busy", false, &many);
        assert!(matches!(reader_keys(busy), Err(DomainError::Conflict(_))));
        assert!(may_see(&Visibility::Group { group_id: "g63".into() }, AUTHOR, busy));
        assert!(!may_see(&Visibility::Group { group_id: "other".into() }, AUTHOR, busy));
        let keys = reader_keys(viewer("p-x", true, &many[..MAX_READER_KEYS - 3])).expect("just fits");
        assert_eq!(keys.len(), MAX_READER_KEYS);
    }
}

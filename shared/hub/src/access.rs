//! Who is reading: a member with the groups that widen what they see, and the one place the hub
//! asks the permission matrix and the audience rules (`emmaus_domain::hub::audience`).
//!
//! A resource the reader may not see is answered as one that does not exist (`NotFound`), so its
//! existence never leaks; one they see but may not change is `Forbidden`.

use std::collections::BTreeSet;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::hub::Visibility;
use emmaus_domain::hub::audience::{self, Viewer};
use emmaus_domain::identity::Role;
use emmaus_domain::permissions::{self, Action, Relation};
use emmaus_identity::Actor;
use emmaus_identity::access::GroupLink;
use emmaus_identity::keys as identity_keys;

use crate::model::Resource;

/// The most groups read for one person; past it the store answers an error, never a cut list.
const MAX_GROUPS: usize = 1000;

/// A member of the organisation as the hub sees them.
#[derive(Debug, Clone)]
pub struct Reader {
    pub actor: Actor,
    /// The groups they are in or lead.
    pub groups: Vec<String>,
}

impl Reader {
    /// The reader `actor` is: their groups read from the store (two queries).
    pub async fn of(p: &Platform, actor: &Actor) -> Result<Self, DomainError> {
        let kv = p.kv.as_ref();
        let (org, me) = (&actor.org_id, &actor.person_id);
        let member: Vec<Doc<GroupLink>> =
            docs::all(kv, &identity_keys::groups_of(org, me), "group#", MAX_GROUPS).await?;
        let led: Vec<Doc<GroupLink>> = docs::all(kv, &identity_keys::leads(org, me), "group#", MAX_GROUPS).await?;
        let groups: BTreeSet<String> = member.into_iter().chain(led).map(|link| link.value.group).collect();
        Ok(Self { actor: actor.clone(), groups: groups.into_iter().collect() })
    }

    pub fn org(&self) -> &str {
        &self.actor.org_id
    }

    pub fn id(&self) -> &str {
        &self.actor.person_id
    }

    pub fn is_admin(&self) -> bool {
        self.actor.roles.contains(Role::Admin)
    }

    pub fn viewer(&self) -> Viewer<'_> {
        Viewer { person_id: &self.actor.person_id, admin: self.is_admin(), groups: &self.groups }
    }

    /// The keys a search filters by on this reader's behalf.
    pub fn reader_keys(&self) -> Result<Vec<String>, DomainError> {
        audience::reader_keys(self.viewer())
    }

    pub fn may_see(&self, resource: &Resource) -> bool {
        audience::may_see(&resource.visibility, &resource.author_id, self.viewer())
    }

    /// Whether the matrix lets this reader do `action` to `resource` (which they can see).
    pub fn allowed(&self, action: Action, resource: &Resource) -> bool {
        let mut relations = BTreeSet::from([Relation::SameOrg]);
        if resource.author_id == self.actor.person_id {
            relations.insert(Relation::Own);
        }
        permissions::can(&self.actor.roles, &relations, action)
            && (action != Action::HubChange
                || audience::may_change(&resource.visibility, &resource.author_id, self.viewer()))
    }

    /// Whether the matrix lets this reader do `action` to the organisation's library as a whole.
    pub fn allowed_here(&self, action: Action) -> bool {
        permissions::can(&self.actor.roles, &BTreeSet::from([Relation::SameOrg]), action)
    }

    /// Whether the reader may import a vault of their own and keep it in sync.
    pub fn may_import(&self) -> bool {
        permissions::can(&self.actor.roles, &BTreeSet::from([Relation::SameOrg, Relation::Own]), Action::HubImport)
    }

    /// What a resource's visibility is when the reader names none: the organisation, or their own
    /// eyes alone where they may share no wider.
    pub fn default_visibility(&self) -> Visibility {
        if self.may_share(&Visibility::Organisation) { Visibility::Organisation } else { Visibility::Private }
    }

    /// `NotFound` unless the reader sees `resource`, then `Forbidden` unless they may do `action`.
    pub fn check(&self, action: Action, resource: &Resource) -> Result<(), DomainError> {
        if !self.may_see(resource) {
            return Err(not_found());
        }
        if self.allowed(action, resource) { Ok(()) } else { Err(DomainError::Forbidden) }
    }

    /// Whether the reader may put a resource with `visibility` in the library: a private one is
    /// their own; sharing wider is the organisation's.
    pub fn may_share(&self, visibility: &Visibility) -> bool {
        let mut relations = BTreeSet::from([Relation::SameOrg]);
        if *visibility == Visibility::Private {
            relations.insert(Relation::Own);
        }
        permissions::can(&self.actor.roles, &relations, Action::HubCreate)
    }

    /// Checks a visibility the reader chose: allowed by the matrix (else `Forbidden`), and a
    /// group one that names a group of the organisation the reader is in or leads (admins: any).
    pub async fn check_visibility(&self, p: &Platform, visibility: &Visibility) -> Result<(), DomainError> {
        if !self.may_share(visibility) {
            return Err(DomainError::Forbidden);
        }
        if let Visibility::Group { group_id } = visibility {
            if !emmaus_domain::validation::plausible_id(group_id) {
                return Err(DomainError::invalid("visibility.group_id", "must be a group you belong to or lead"));
            }
            let exists =
                p.kv.get(&identity_keys::group(self.org(), group_id)).await.map_err(emmaus_app::error::from_kv)?;
            if exists.is_none() || !(self.is_admin() || self.groups.contains(group_id)) {
                return Err(DomainError::invalid("visibility.group_id", "must be a group you belong to or lead"));
            }
        }
        Ok(())
    }
}

pub fn not_found() -> DomainError {
    DomainError::NotFound("the resource".into())
}

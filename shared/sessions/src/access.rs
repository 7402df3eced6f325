//! How the caller stands to a template or a session, and the one place this module asks the
//! permission matrix.
//!
//! A personal template is its owner's alone: anyone else, whatever their role, hears that it does
//! not exist. A session is its facilitators' own; once shared it is also its audience's own (the
//! person it is for, or the members of its group); it is a mentor's mentee's when it is for one
//! of their mentees, and a pastor's group's when it is for their group or someone in it. A session
//! the caller stands to in no allowed way is answered as one that does not exist, so its title
//! never leaks; one they may read but not change is `Forbidden`.

use std::collections::BTreeSet;

use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_domain::identity::Role;
use emmaus_domain::permissions::{self, Action, Relation};
use emmaus_identity::access::{self, Standing};
use emmaus_identity::{Actor, directory};

use crate::model::{Audience, Session, Template};

/// What the caller's relations are made of, read at most once per request.
#[derive(Debug)]
pub struct Caller<'a> {
    pub actor: &'a Actor,
    standing: Option<Standing>,
}

impl<'a> Caller<'a> {
    pub fn new(actor: &'a Actor) -> Self {
        Self { actor, standing: None }
    }

    async fn standing(&mut self, p: &Platform) -> Result<&Standing, DomainError> {
        if self.standing.is_none() {
            self.standing = Some(access::standing(p, self.actor).await?);
        }
        Ok(self.standing.as_ref().expect("just read"))
    }

    /// Every relation the caller has to `session`.
    pub async fn to_session(&mut self, p: &Platform, session: &Session) -> Result<BTreeSet<Relation>, DomainError> {
        let me = self.actor.person_id.clone();
        let standing = self.standing(p).await?;
        let mut out = BTreeSet::from([Relation::SameOrg]);
        if session.facilitators.contains(&me) || session.created_by == me {
            out.insert(Relation::Own);
        }
        match &session.audience {
            Audience::Open => {}
            Audience::Person { person_id } => {
                if session.shared && *person_id == me {
                    out.insert(Relation::Own);
                }
                if standing.mentees.contains(person_id) {
                    out.insert(Relation::MyMentee);
                }
                if standing.led_people.contains(person_id) {
                    out.insert(Relation::MyGroup);
                }
            }
            Audience::Group { group_id } => {
                if session.shared && standing.own_groups.contains(group_id) {
                    out.insert(Relation::Own);
                }
                if standing.led_groups.contains(group_id) {
                    out.insert(Relation::MyGroup);
                }
            }
        }
        Ok(out)
    }

    /// The relations the caller has to a session's audience when making one for it: an open
    /// session is their own; a person is their own, their mentee or in their group; a group is
    /// theirs when they lead it.
    pub async fn to_audience(&mut self, p: &Platform, audience: &Audience) -> Result<BTreeSet<Relation>, DomainError> {
        let me = self.actor.person_id.clone();
        let standing = self.standing(p).await?;
        let mut out = BTreeSet::from([Relation::SameOrg]);
        match audience {
            Audience::Open => {
                out.insert(Relation::Own);
            }
            Audience::Person { person_id } => {
                if *person_id == me {
                    out.insert(Relation::Own);
                }
                if standing.mentees.contains(person_id) {
                    out.insert(Relation::MyMentee);
                }
                if standing.led_people.contains(person_id) {
                    out.insert(Relation::MyGroup);
                }
            }
            Audience::Group { group_id } => {
                if standing.led_groups.contains(group_id) {
                    out.insert(Relation::MyGroup);
                }
            }
        }
        Ok(out)
    }

    /// Whether the caller may do `action` to `session`.
    pub async fn may(&mut self, p: &Platform, session: &Session, action: Action) -> Result<bool, DomainError> {
        // An organisation-wide grant needs no relations read.
        if permissions::scope(&self.actor.roles, action).contains(&Relation::SameOrg) {
            return Ok(true);
        }
        let relations = self.to_session(p, session).await?;
        Ok(permissions::can(&self.actor.roles, &relations, action))
    }

    /// Reading a session: `NotFound` for one the caller may not read.
    pub async fn read(&mut self, p: &Platform, session: &Session) -> Result<(), DomainError> {
        if self.may(p, session, Action::SessionRead).await? { Ok(()) } else { Err(crate::sessions::not_found()) }
    }

    /// Changing a session: `NotFound` for one they may not read, `Forbidden` for one they only read.
    pub async fn change(&mut self, p: &Platform, session: &Session) -> Result<(), DomainError> {
        self.read(p, session).await?;
        if self.may(p, session, Action::SessionChange).await? { Ok(()) } else { Err(DomainError::Forbidden) }
    }
}

/// The caller's relations to a template: the organisation's is in their organisation; a personal
/// one is their own, and anyone else's is not there at all (`None`).
pub fn to_template(actor: &Actor, template: &Template) -> Option<BTreeSet<Relation>> {
    match &template.owner {
        None => Some(BTreeSet::from([Relation::SameOrg])),
        Some(owner) if *owner == actor.person_id => Some(BTreeSet::from([Relation::SameOrg, Relation::Own])),
        Some(_) => None,
    }
}

/// The roles that lead, and so may facilitate a session.
const LEADING: [Role; 3] = [Role::Admin, Role::Pastor, Role::Mentor];

fn leads(roles: &emmaus_domain::identity::RoleSet) -> bool {
    LEADING.into_iter().any(|role| roles.contains(role))
}

/// A leader of the organisation, whom a session may name as a facilitator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leader {
    pub person_id: String,
    pub display_name: String,
}

/// The organisation's admins, pastors and mentors by name, for those who prepare sessions to
/// choose facilitators from; anyone else is refused.
pub async fn leaders(p: &Platform, actor: &Actor) -> Result<Vec<Leader>, DomainError> {
    if permissions::scope(&actor.roles, Action::SessionCreate).is_empty() {
        return Err(DomainError::Forbidden);
    }
    let ids: Vec<String> = directory::memberships(p, &actor.org_id, 10_000)
        .await?
        .into_iter()
        .filter(|m| leads(&m.value.roles))
        .map(|m| m.value.person_id)
        .collect();
    let people = directory::people(p, &ids).await?;
    let mut out: Vec<Leader> = ids
        .into_iter()
        .zip(people)
        .filter_map(|(person_id, person)| {
            person.map(|person| Leader { person_id, display_name: person.value.display_name })
        })
        .collect();
    out.sort_by_key(|leader| leader.display_name.to_lowercase());
    Ok(out)
}

/// Whether a person may facilitate: a member of the organisation who leads (any role but mentee).
pub async fn check_facilitators(p: &Platform, org: &str, people: &[String]) -> Result<(), DomainError> {
    for (i, person) in people.iter().enumerate() {
        let leads = if emmaus_domain::validation::plausible_id(person) {
            directory::membership(p, org, person).await?.is_some_and(|member| leads(&member.value.roles))
        } else {
            false
        };
        if !leads {
            return Err(DomainError::invalid(
                format!("facilitators.{i}"),
                "is not an admin, pastor or mentor of this organisation",
            ));
        }
    }
    Ok(())
}

/// Whether an audience names someone or something in the organisation.
pub async fn check_audience(p: &Platform, org: &str, audience: &Audience) -> Result<(), DomainError> {
    let exists = match audience {
        Audience::Open => true,
        Audience::Person { person_id } => {
            emmaus_domain::validation::plausible_id(person_id)
                && directory::membership(p, org, person_id).await?.is_some_and(|m| !m.value.roles.is_empty())
        }
        Audience::Group { group_id } => {
            emmaus_domain::validation::plausible_id(group_id)
                && p.kv
                    .get(&emmaus_identity::keys::group(org, group_id))
                    .await
                    .map_err(emmaus_app::error::from_kv)?
                    .is_some()
        }
    };
    if exists { Ok(()) } else { Err(DomainError::invalid("audience", "names nobody in this organisation")) }
}

//! How an actor stands to a resource, and the one place use cases ask the permission matrix.
//!
//! Relations are worked out from the store (whom the actor mentors now, which groups they lead
//! and who is in them), then [`authorize`] asks `permissions::can`. A denied action is `Forbidden`;
//! a resource outside the actor's organisation never reaches this point, since every lookup is
//! keyed by the actor's organisation and misses as `NotFound`.

use std::collections::BTreeSet;

use emmaus_domain::DomainError;
use emmaus_domain::permissions::{self, Action, Relation};

use crate::context::Actor;
use crate::keys;
use emmaus_app::Platform;
use emmaus_app::docs;

/// An index entry for a mentorship, seen from one side: the other person and whether it is active.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MentoringLink {
    pub other: String,
    pub active: bool,
}

/// An index entry marking membership of (or leadership of) a group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupLink {
    pub group: String,
}

/// What the actor's relations are made of, read once per request when needed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    /// People the actor mentors now.
    pub mentees: BTreeSet<String>,
    /// Groups the actor leads.
    pub led_groups: BTreeSet<String>,
    /// People in the groups the actor leads.
    pub led_people: BTreeSet<String>,
    /// Groups the actor is in.
    pub own_groups: BTreeSet<String>,
    /// Groups the actor's current mentees are in.
    pub mentee_groups: BTreeSet<String>,
}

const MAX_INDEX: usize = 5000;

pub async fn standing(p: &Platform, actor: &Actor) -> Result<Standing, DomainError> {
    let (org, me) = (&actor.org_id, &actor.person_id);
    let kv = p.kv.as_ref();
    let mentoring: Vec<docs::Doc<MentoringLink>> =
        docs::all(kv, &keys::mentoring_by(org, me), "mentorship#", MAX_INDEX).await?;
    let led: Vec<docs::Doc<GroupLink>> = docs::all(kv, &keys::leads(org, me), "group#", MAX_INDEX).await?;
    let own: Vec<docs::Doc<GroupLink>> = docs::all(kv, &keys::groups_of(org, me), "group#", MAX_INDEX).await?;
    let mut standing = Standing {
        mentees: mentoring.into_iter().filter(|l| l.value.active).map(|l| l.value.other).collect(),
        led_groups: led.into_iter().map(|l| l.value.group).collect(),
        own_groups: own.into_iter().map(|l| l.value.group).collect(),
        led_people: BTreeSet::new(),
        mentee_groups: BTreeSet::new(),
    };
    for mentee in &standing.mentees {
        let groups: Vec<docs::Doc<GroupLink>> =
            docs::all(kv, &keys::groups_of(org, mentee), "group#", MAX_INDEX).await?;
        standing.mentee_groups.extend(groups.into_iter().map(|l| l.value.group));
    }
    for group in &standing.led_groups {
        let members: Vec<docs::Doc<GroupLink>> =
            docs::all(kv, &keys::group_members(org, group), "member#", MAX_INDEX).await?;
        standing
            .led_people
            .extend(members.into_iter().filter_map(|m| m.key.sort.strip_prefix("member#").map(str::to_owned)));
    }
    Ok(standing)
}

/// The resource an action is aimed at, already known to be in the actor's organisation.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The organisation itself, or a collection in it.
    Org,
    Person(&'a str),
    Group(&'a str),
    Mentorship {
        mentor: &'a str,
        mentee: &'a str,
    },
    /// An invitation, into a group or not.
    Invitation {
        group: Option<&'a str>,
    },
}

/// Every relation the actor has to `target` (always including `SameOrg`).
pub fn relations(actor: &Actor, standing: &Standing, target: Target<'_>) -> BTreeSet<Relation> {
    let mut out = BTreeSet::from([Relation::SameOrg]);
    let person = |who: &str, out: &mut BTreeSet<Relation>| {
        if who == actor.person_id {
            out.insert(Relation::Own);
        }
        if standing.mentees.contains(who) {
            out.insert(Relation::MyMentee);
        }
        if standing.led_people.contains(who) {
            out.insert(Relation::MyGroup);
        }
    };
    match target {
        Target::Org => {}
        Target::Person(who) => person(who, &mut out),
        Target::Group(group) => {
            if standing.own_groups.contains(group) {
                out.insert(Relation::Own);
            }
            if standing.mentee_groups.contains(group) {
                out.insert(Relation::MyMentee);
            }
            if standing.led_groups.contains(group) {
                out.insert(Relation::MyGroup);
            }
        }
        Target::Mentorship { mentor, mentee } => {
            person(mentor, &mut out);
            person(mentee, &mut out);
            // A pairing is a pastor's only when both people are theirs: one of them in the group
            // must not let the pastor pair or part someone outside it.
            if !(standing.led_people.contains(mentor) && standing.led_people.contains(mentee)) {
                out.remove(&Relation::MyGroup);
            }
        }
        Target::Invitation { group } => {
            if group.is_some_and(|g| standing.led_groups.contains(g)) {
                out.insert(Relation::MyGroup);
            }
        }
    }
    out
}

/// Allows or refuses `action` on `target`: the check every use case makes before acting.
pub async fn authorize(p: &Platform, actor: &Actor, action: Action, target: Target<'_>) -> Result<(), DomainError> {
    // Organisation-wide grants need no relations; skip reading them.
    let scope = permissions::scope(&actor.roles, action);
    if scope.contains(&Relation::SameOrg) {
        return Ok(());
    }
    if scope.is_empty() {
        return Err(DomainError::Forbidden);
    }
    let standing = standing(p, actor).await?;
    let relations = relations(actor, &standing, target);
    if permissions::can(&actor.roles, &relations, action) { Ok(()) } else { Err(DomainError::Forbidden) }
}

/// For list use cases: `None` when the actor may see everything, else the relations each listed
/// item must have, with the standing to test them. `Forbidden` when the actor may see nothing.
pub async fn list_scope(
    p: &Platform,
    actor: &Actor,
    action: Action,
) -> Result<Option<(BTreeSet<Relation>, Standing)>, DomainError> {
    let scope = permissions::scope(&actor.roles, action);
    if scope.contains(&Relation::SameOrg) {
        return Ok(None);
    }
    if scope.is_empty() {
        return Err(DomainError::Forbidden);
    }
    Ok(Some((scope, standing(p, actor).await?)))
}

/// Whether an item with `target` passes a list scope.
pub fn admits(actor: &Actor, scope: &Option<(BTreeSet<Relation>, Standing)>, target: Target<'_>) -> bool {
    match scope {
        None => true,
        Some((allowed, standing)) => relations(actor, standing, target).iter().any(|r| allowed.contains(r)),
    }
}

/// An action on the caller's own account (profile, password): allowed when a role they hold in
/// any organisation may do it to what is their own. Someone left with no membership may only
/// sign out.
pub async fn authorize_own_account(
    p: &Platform,
    principal: &crate::context::Principal,
    action: Action,
) -> Result<(), DomainError> {
    let roles: emmaus_domain::identity::RoleSet = crate::directory::orgs_of(p, &principal.person_id)
        .await?
        .into_iter()
        .flat_map(|(_, member)| member.roles.iter().collect::<Vec<_>>())
        .collect();
    let own = BTreeSet::from([Relation::Own, Relation::SameOrg]);
    if permissions::can(&roles, &own, action) { Ok(()) } else { Err(DomainError::Forbidden) }
}

//! Members of an organisation: listing, reading, changing roles, removing.

use emmaus_domain::DomainError;
use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Membership, Organisation, Person, Role, RoleSet, SessionPolicy, normalise_display_name};
use emmaus_domain::permissions::Action;

use crate::access::{self, Target};
use crate::context::{Actor, Principal};
use crate::{audit, directory, keys};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_ports::{Key, Query};

/// A member as the people pages show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person: Person,
    pub membership: Membership,
}

pub async fn org(p: &Platform, actor: &Actor) -> Result<Organisation, DomainError> {
    access::authorize(p, actor, Action::OrgRead, Target::Org).await?;
    Ok(directory::org(p, &actor.org_id).await?.ok_or_else(|| DomainError::NotFound("the organisation".into()))?.value)
}

/// What to change about an organisation; `None` keeps it.
#[derive(Debug, Clone, Default)]
pub struct OrgChange<'a> {
    pub name: Option<&'a str>,
    /// How long sessions last, from each person's next sign-in on.
    pub sessions: Option<SessionPolicy>,
    /// Whether admins must sign in with a second factor.
    pub admins_need_second_factor: Option<bool>,
}

/// Renames the organisation, changes how long its sessions last, or whether its admins need a
/// second factor. Requiring one is refused to an admin who has none yet, who would lock
/// themselves out of it.
pub async fn update_org(p: &Platform, actor: &Actor, change: OrgChange<'_>) -> Result<Organisation, DomainError> {
    let OrgChange { name, sessions, admins_need_second_factor } = change;
    access::authorize(p, actor, Action::OrgUpdate, Target::Org).await?;
    if admins_need_second_factor == Some(true) && !crate::second_factor::enabled(p, &actor.person_id).await? {
        return Err(DomainError::invalid(
            "admins_need_second_factor",
            "can be turned on once you have a second factor yourself: set one up under Profile first",
        ));
    }
    let name = name.map(|name| normalise_display_name("name", name)).transpose()?;
    if let Some(sessions) = &sessions {
        sessions.check()?;
    }
    let mut doc =
        directory::org(p, &actor.org_id).await?.ok_or_else(|| DomainError::NotFound("the organisation".into()))?;
    let mut changes = Vec::new();
    if let Some(name) = name {
        changes.push(format!("name: {} -> {name}", doc.value.name));
        doc.value.name = name;
    }
    if let Some(sessions) = sessions {
        let (old, new) = (doc.value.sessions, sessions);
        changes.push(format!(
            "sessions: {}h/{}d -> {}h/{}d, admins {}h/{}d -> {}h/{}d",
            old.idle_hours,
            old.max_days,
            new.idle_hours,
            new.max_days,
            old.admin_idle_hours,
            old.admin_max_days,
            new.admin_idle_hours,
            new.admin_max_days
        ));
        doc.value.sessions = sessions;
    }
    if let Some(required) = admins_need_second_factor.filter(|r| *r != doc.value.admins_need_second_factor) {
        changes.push(format!("admins need a second factor: {} -> {required}", doc.value.admins_need_second_factor));
        doc.value.admins_need_second_factor = required;
    }
    if changes.is_empty() {
        return Ok(doc.value);
    }
    let detail = changes.join("; ");
    docs::replace(p.kv.as_ref(), &doc, None).await?;
    audit::record(
        p,
        &actor.org_id,
        audit::by(p, actor, AuditAction::OrgUpdated, Some(format!("org:{}", actor.org_id)), Some(detail)),
    )
    .await;
    Ok(doc.value)
}

/// Members one list shows at most.
const MAX_LISTED: usize = 10_000;

/// Every member, by name.
pub async fn list(p: &Platform, actor: &Actor) -> Result<Vec<Member>, DomainError> {
    access::authorize(p, actor, Action::MemberList, Target::Org).await?;
    let memberships = directory::memberships(p, &actor.org_id, MAX_LISTED).await?;
    let ids: Vec<String> = memberships.iter().map(|m| m.value.person_id.clone()).collect();
    let people = directory::people(p, &ids).await?;
    Ok(by_name(memberships, people))
}

/// [`list`] for `principal` signed in and acting in `org`, in one read fewer than finding the
/// actor first ([`directory::actor_in`]) and listing then: their own membership, which says
/// whether and as what they act in `org`, is one of the memberships the list reads anyway, and the
/// organisation's record (for an admin's second-factor check) comes in the batch read of the
/// people. The answers are `actor_in`'s and `list`'s.
///
/// Someone who is not a member causes at most one page of memberships to be read before their
/// `NotFound`: when their own is not on the first page, it is looked up on its own (`actor_in`)
/// before reading on.
pub async fn list_signed_in(p: &Platform, principal: &Principal, org: &str) -> Result<Vec<Member>, DomainError> {
    let own = keys::member(org, &principal.person_id);
    let mut query = Query::new(own.partition.clone(), "member#", docs::LIST_PAGE);
    let emmaus_ports::Page { mut items, next } = p.kv.query(&query).await.map_err(emmaus_app::error::from_kv)?;
    // The actor's own membership is taken out and decoded first, and only once; the list is put
    // in order by name (and person) at the end, so where it goes back in does not matter.
    let own_item = items.iter().position(|item| item.key == own).map(|at| items.swap_remove(at));
    // Whether the admin's second factor is yet to be checked, with the organisation read below.
    let (actor, admin_unchecked, own_membership) = match (own_item, &next) {
        (Some(item), _) => {
            let membership: Doc<Membership> = docs::from_item(item)?;
            let actor = directory::acting_as(principal, org, &membership.value)?;
            let admin = actor.roles.contains(Role::Admin);
            (actor, admin, Some(membership))
        }
        (None, Some(_)) => (directory::actor_in(p, principal, org).await?, false, None),
        (None, None) => return Err(directory::not_a_member()),
    };
    access::authorize(p, &actor, Action::MemberList, Target::Org).await?;

    let mut memberships: Vec<Doc<Membership>> = Vec::with_capacity(items.len() + 1);
    memberships.extend(own_membership);
    for item in items {
        docs::collect(&mut memberships, item, MAX_LISTED)?;
    }
    if let Some(next) = next {
        query.cursor = Some(next);
        docs::each(p.kv.as_ref(), query, |item| docs::collect(&mut memberships, item, MAX_LISTED)).await?;
    }

    let mut wanted: Vec<Key> = memberships.iter().map(|m| keys::person(&m.value.person_id)).collect();
    if admin_unchecked {
        wanted.push(keys::org(org));
    }
    let mut found = docs::get_items(p.kv.as_ref(), &wanted).await?;
    if admin_unchecked {
        directory::check_admin(p, &actor, found.pop().flatten()).await?;
    }
    let people = found.into_iter().map(|item| item.map(docs::from_item).transpose()).collect::<Result<Vec<_>, _>>()?;
    Ok(by_name(memberships, people))
}

/// The members whose person is on record, by name, then (for equal names) by person.
fn by_name(memberships: Vec<Doc<Membership>>, people: Vec<Option<Doc<Person>>>) -> Vec<Member> {
    let mut out: Vec<Member> = memberships
        .into_iter()
        .zip(people)
        .filter_map(|(membership, person)| {
            person.map(|person| Member { person: person.value, membership: membership.value })
        })
        .collect();
    out.sort_by_cached_key(|member| (member.person.display_name.to_lowercase(), member.person.id.clone()));
    out
}

async fn load(p: &Platform, org: &str, person: &str) -> Result<(Doc<Person>, Doc<Membership>), DomainError> {
    let missing = || DomainError::NotFound("the member".into());
    let membership = directory::membership(p, org, person).await?.ok_or_else(missing)?;
    let person = directory::person(p, person).await?.ok_or_else(missing)?;
    Ok((person, membership))
}

pub async fn read(p: &Platform, actor: &Actor, person: &str) -> Result<Member, DomainError> {
    let (person_doc, membership) = load(p, &actor.org_id, person).await?;
    access::authorize(p, actor, Action::MemberRead, Target::Person(person)).await?;
    Ok(Member { person: person_doc.value, membership: membership.value })
}

/// Replaces a member's roles. The organisation always keeps at least one admin, also when two
/// admins take each other's role at the same moment (see [`admin_fence`]).
pub async fn set_roles(p: &Platform, actor: &Actor, person: &str, roles: RoleSet) -> Result<Member, DomainError> {
    if roles.is_empty() {
        return Err(DomainError::invalid("roles", "must hold at least one role; remove the member instead"));
    }
    access::authorize(p, actor, Action::MemberRolesUpdate, Target::Person(person)).await?;
    let mut tries = 0;
    let (person_doc, membership, detail) = loop {
        tries += 1;
        let (person_doc, mut membership) = load(p, &actor.org_id, person).await?;
        let mut writes = Vec::new();
        if membership.value.roles.contains(Role::Admin) && !roles.contains(Role::Admin) {
            writes.push(admin_fence(p, &actor.org_id, person).await?);
        }
        let detail = format!("roles: {} -> {roles}", membership.value.roles);
        membership.value.roles = roles.clone();
        writes.push(docs::replace_write(&membership, None));
        match p.kv.batch(writes).await {
            Ok(()) => break (person_doc, membership, detail),
            Err(emmaus_ports::KvError::Conflict(_)) if tries < 5 => {}
            Err(emmaus_ports::KvError::Conflict(_)) => {
                return Err(DomainError::Conflict("the member changed meanwhile; reload and try again".into()));
            }
            Err(other) => return Err(emmaus_app::error::from_kv(other)),
        }
    };
    audit::record(
        p,
        &actor.org_id,
        audit::by(p, actor, AuditAction::MemberRolesChanged, Some(format!("person:{person}")), Some(detail)),
    )
    .await;
    Ok(Member { person: person_doc.value, membership: membership.value })
}

/// Before `person` stops being an admin: finds another admin, and returns a check that their
/// membership is still as read. Every change that takes an admin away carries such a check in its
/// batch, so whichever of several concurrent changes commits last found its other admin still
/// there at that moment: the organisation never ends up with none. A change that loses the race
/// retries, reads again, and sees who is left.
pub async fn admin_fence(p: &Platform, org: &str, person: &str) -> Result<emmaus_ports::Write, DomainError> {
    let memberships = directory::memberships(p, org, 100_000).await?;
    match memberships.into_iter().find(|m| m.value.person_id != person && m.value.roles.contains(Role::Admin)) {
        Some(other) => Ok(emmaus_ports::Write::Check { key: other.key, expected: other.version }),
        None => Err(DomainError::Conflict(
            "the organisation needs at least one admin; make someone else admin first".into(),
        )),
    }
}

/// Takes a person out of the organisation: membership, group places and active mentorships end.
pub async fn remove(p: &Platform, actor: &Actor, person: &str) -> Result<(), DomainError> {
    let (_, membership) = load(p, &actor.org_id, person).await?;
    access::authorize(p, actor, Action::MemberRemove, Target::Person(person)).await?;
    if membership.value.roles.contains(Role::Admin) {
        // Refuse early, before any group place or mentorship ends; the fence is taken again below.
        admin_fence(p, &actor.org_id, person).await?;
    }
    let org = &actor.org_id;
    let groups: Vec<Doc<access::GroupLink>> =
        docs::all(p.kv.as_ref(), &keys::groups_of(org, person), "group#", 5000).await?;
    for link in groups {
        crate::groups::drop_member(p, org, &link.value.group, person).await?;
    }
    crate::mentorships::end_all_of(p, actor, person).await?;
    let pointer = directory::Pointer { id: org.clone() };
    for tries in 1.. {
        let Some(membership) = directory::membership(p, org, person).await? else { break };
        let reverse: Option<Doc<directory::Pointer>> = docs::get(p.kv.as_ref(), keys::person_org(person, org)).await?;
        let mut writes =
            vec![emmaus_ports::Write::DeleteIfVersion { key: membership.key.clone(), expected: membership.version }];
        if let Some(reverse) = reverse.filter(|r| r.value == pointer) {
            writes.push(emmaus_ports::Write::DeleteIfVersion { key: reverse.key, expected: reverse.version });
        }
        if membership.value.roles.contains(Role::Admin) {
            writes.push(admin_fence(p, org, person).await?);
        }
        match p.kv.batch(writes).await {
            Ok(()) => break,
            Err(emmaus_ports::KvError::Conflict(_)) if tries < 5 => {}
            Err(other) => return Err(emmaus_app::error::from_kv(other)),
        }
    }
    audit::record(p, org, audit::by(p, actor, AuditAction::MemberRemoved, Some(format!("person:{person}")), None))
        .await;
    Ok(())
}

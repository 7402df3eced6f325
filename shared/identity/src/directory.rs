//! Reading people, organisations and memberships, and creating them together.

use emmaus_domain::DomainError;
use emmaus_domain::identity::{Email, Membership, Organisation, Person};

use crate::context::{Actor, Principal};
use crate::keys;
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};

/// An index document pointing at a person or organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pointer {
    pub id: String,
}

pub async fn person(p: &Platform, id: &str) -> Result<Option<Doc<Person>>, DomainError> {
    docs::get(p.kv.as_ref(), keys::person(id)).await
}

pub async fn person_by_email(p: &Platform, email: &Email) -> Result<Option<Doc<Person>>, DomainError> {
    match docs::get::<Pointer>(p.kv.as_ref(), keys::email(email.as_str())).await? {
        Some(pointer) => person(p, &pointer.value.id).await,
        None => Ok(None),
    }
}

pub async fn org(p: &Platform, id: &str) -> Result<Option<Doc<Organisation>>, DomainError> {
    docs::get(p.kv.as_ref(), keys::org(id)).await
}

pub async fn org_by_slug(p: &Platform, slug: &str) -> Result<Option<Doc<Organisation>>, DomainError> {
    match docs::get::<Pointer>(p.kv.as_ref(), keys::slug(slug)).await? {
        Some(pointer) => org(p, &pointer.value.id).await,
        None => Ok(None),
    }
}

pub async fn membership(p: &Platform, org: &str, person: &str) -> Result<Option<Doc<Membership>>, DomainError> {
    docs::get(p.kv.as_ref(), keys::member(org, person)).await
}

/// The organisation's memberships (those without roles too), at most `max`.
pub async fn memberships(p: &Platform, org: &str, max: usize) -> Result<Vec<Doc<Membership>>, DomainError> {
    docs::all(p.kv.as_ref(), &format!("org#{org}"), "member#", max).await
}

/// People by id (distinct), in the order asked, `None` for one not on record: one batch read per
/// hundred.
pub async fn people(p: &Platform, ids: &[String]) -> Result<Vec<Option<Doc<Person>>>, DomainError> {
    let keys: Vec<emmaus_ports::Key> = ids.iter().map(|id| keys::person(id)).collect();
    docs::get_items(p.kv.as_ref(), &keys).await?.into_iter().map(|item| item.map(docs::from_item).transpose()).collect()
}

/// Organisations one person may belong to that this version reads at once.
pub(crate) const MAX_ORGS_OF_A_PERSON: usize = 1000;

/// The organisations a person belongs to, with their membership in each, by name. Each
/// organisation and membership is read in one batch read per fifty organisations, since every
/// signed-in page asks for this.
pub async fn orgs_of(p: &Platform, person: &str) -> Result<Vec<(Organisation, Membership)>, DomainError> {
    let pointers: Vec<Doc<Pointer>> =
        docs::all(p.kv.as_ref(), &keys::person_partition(person), "org#", MAX_ORGS_OF_A_PERSON).await?;
    orgs_pointed_to(p, person, &pointers).await
}

/// [`orgs_of`] for a caller that has read the person's pointers to their organisations.
pub(crate) async fn orgs_pointed_to(
    p: &Platform,
    person: &str,
    pointers: &[Doc<Pointer>],
) -> Result<Vec<(Organisation, Membership)>, DomainError> {
    let keys: Vec<emmaus_ports::Key> = pointers
        .iter()
        .flat_map(|pointer| [keys::org(&pointer.value.id), keys::member(&pointer.value.id, person)])
        .collect();
    let mut found = docs::get_items(p.kv.as_ref(), &keys).await?.into_iter();
    let mut out = Vec::with_capacity(pointers.len());
    while let (Some(org), Some(member)) = (found.next(), found.next()) {
        if let (Some(org), Some(member)) = (org, member) {
            let org: Doc<Organisation> = docs::from_item(org)?;
            let member: Doc<Membership> = docs::from_item(member)?;
            out.push((org.value, member.value));
        }
    }
    out.sort_by_key(|(org, _)| org.name.to_lowercase());
    Ok(out)
}

/// The signed-in person acting in `org`. Someone who is not a member gets `NotFound`, the same
/// answer as for an organisation that does not exist, so nothing is learnt across organisations.
///
/// The membership and the organisation are read in one batch read, since every request inside an
/// organisation starts here; the organisation is decoded only for an admin.
pub async fn actor_in(p: &Platform, principal: &Principal, org: &str) -> Result<Actor, DomainError> {
    let found =
        p.kv.get_many(&[keys::member(org, &principal.person_id), keys::org(org)])
            .await
            .map_err(emmaus_app::error::from_kv)?;
    let [member, org_item] = <[Option<emmaus_ports::Item>; 2]>::try_from(found).map_err(|_| not_a_member())?;
    let actor = acting(principal, org, member)?;
    check_admin(p, &actor, org_item).await?;
    Ok(actor)
}

/// [`actor_in`]'s answer to someone who is not a member (or no longer holds a role).
pub(crate) fn not_a_member() -> DomainError {
    DomainError::NotFound("the organisation".into())
}

/// The actor `principal`'s membership of `org` (as read) makes of them, before [`check_admin`].
pub(crate) fn acting(
    principal: &Principal,
    org: &str,
    member: Option<emmaus_ports::Item>,
) -> Result<Actor, DomainError> {
    let member: Doc<Membership> = docs::from_item(member.ok_or_else(not_a_member)?)?;
    acting_as(principal, org, &member.value)
}

/// [`acting`] with the membership decoded already.
pub(crate) fn acting_as(principal: &Principal, org: &str, member: &Membership) -> Result<Actor, DomainError> {
    if member.roles.is_empty() {
        return Err(not_a_member());
    }
    Ok(Actor {
        person_id: principal.person_id.clone(),
        session_id: principal.session_id.clone(),
        org_id: org.to_owned(),
        roles: member.roles.clone(),
        meta: principal.meta.clone(),
    })
}

/// An admin of an organisation that requires a second factor acts there only with one; `org_item`
/// is the organisation's record as read, decoded only for an admin.
pub(crate) async fn check_admin(
    p: &Platform,
    actor: &Actor,
    org_item: Option<emmaus_ports::Item>,
) -> Result<(), DomainError> {
    if !actor.roles.contains(emmaus_domain::identity::Role::Admin) {
        return Ok(());
    }
    let org: Doc<crate::second_factor::AdminPolicy> = docs::from_item(org_item.ok_or_else(not_a_member)?)?;
    crate::second_factor::check_admin(p, &org.value, &actor.person_id).await
}

/// The writes that create a membership and its reverse pointer.
pub fn membership_writes(membership: &Membership) -> Vec<emmaus_ports::Write> {
    vec![
        docs::create_write(keys::member(&membership.org_id, &membership.person_id), membership, None),
        docs::create_write(
            keys::person_org(&membership.person_id, &membership.org_id),
            &Pointer { id: membership.org_id.clone() },
            None,
        ),
    ]
}

/// The writes that create a person and the index from their email.
pub fn person_writes(person: &Person) -> Vec<emmaus_ports::Write> {
    vec![
        docs::create_write(keys::person(&person.id), person, None),
        docs::create_write(keys::email(person.email.as_str()), &Pointer { id: person.id.clone() }, None),
    ]
}

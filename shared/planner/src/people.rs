//! Whose plans a person may open: their own, their mentees' now, and those of the people in the
//! groups they lead, with the names and time zones a page shows them by. The same standing the
//! permission matrix reads (`emmaus_identity::access::standing`) decides who is listed, so the
//! list never offers a plan its reader would be refused.

use std::collections::BTreeSet;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::identity::{Membership, Person};
use emmaus_domain::permissions::{self, Action, Relation as MatrixRelation};
use emmaus_identity::{Actor, access, keys as identity_keys};
use emmaus_ports::Key;

/// How the reader stands to a person whose plan they may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    Own,
    Mentee,
    Group,
    /// Any member, as the organisation's totals count them.
    Member,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPerson {
    pub person_id: String,
    pub display_name: String,
    pub relation: Relation,
    pub time_zone: Option<String>,
}

/// The people whose plans `actor` may read: themselves first, then their mentees, then the people
/// in the groups they lead, each by name. One batch read per fifty people.
pub async fn list(p: &Platform, actor: &Actor) -> Result<Vec<PlanPerson>, DomainError> {
    list_in(p, actor, &access::standing(p, actor).await?).await
}

/// [`list`] for a caller whose standing is read already.
pub(crate) async fn list_in(
    p: &Platform,
    actor: &Actor,
    standing: &access::Standing,
) -> Result<Vec<PlanPerson>, DomainError> {
    let mut wanted: Vec<(String, Relation)> = vec![(actor.person_id.clone(), Relation::Own)];
    let mut seen = BTreeSet::from([actor.person_id.clone()]);
    for (people, relation, standing_as) in [
        (&standing.mentees, Relation::Mentee, MatrixRelation::MyMentee),
        (&standing.led_people, Relation::Group, MatrixRelation::MyGroup),
    ] {
        // Only where the matrix lets the caller's roles read a plan in that standing.
        if !permissions::can(&actor.roles, &BTreeSet::from([standing_as, MatrixRelation::SameOrg]), Action::PlannerRead)
        {
            continue;
        }
        for person in people {
            if seen.insert(person.clone()) {
                wanted.push((person.clone(), relation));
            }
        }
    }
    let mut out = named(p, &actor.org_id, &wanted).await?;
    out.sort_by_key(|person| (person.relation, person.display_name.to_lowercase()));
    Ok(out)
}

/// The people of `wanted` who are members of `org` with a role, by name and with their time zone:
/// each person's record and membership, read in batch reads of a hundred keys.
pub(crate) async fn named(
    p: &Platform,
    org: &str,
    wanted: &[(String, Relation)],
) -> Result<Vec<PlanPerson>, DomainError> {
    let mut out = Vec::with_capacity(wanted.len());
    let keys: Vec<Key> = wanted
        .iter()
        .flat_map(|(person, _)| [identity_keys::person(person), identity_keys::member(org, person)])
        .collect();
    let mut found = docs::get_items(p.kv.as_ref(), &keys).await?.into_iter();
    for (_, relation) in wanted {
        let (person, member) = (found.next().flatten(), found.next().flatten());
        // Someone no longer a member (or without roles) has no plan here to open.
        let (Some(person), Some(member)) = (person, member) else { continue };
        let person: Doc<Person> = docs::from_item(person)?;
        let member: Doc<Membership> = docs::from_item(member)?;
        if member.value.roles.is_empty() {
            continue;
        }
        out.push(PlanPerson {
            person_id: person.value.id,
            display_name: person.value.display_name,
            relation: *relation,
            time_zone: person.value.time_zone.map(|zone| zone.as_str().to_owned()),
        });
    }
    Ok(out)
}

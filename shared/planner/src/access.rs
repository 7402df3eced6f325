//! Whose plan a request is about, and whether the caller may do what it asks there: the person
//! must be a member of the caller's organisation (else `NotFound`, as for a person who does not
//! exist, so nothing is learnt across organisations), then the permission matrix decides from
//! how the caller stands to that person (`Forbidden` when it refuses).

use std::collections::BTreeSet;

use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_domain::permissions::{self, Action, Relation};
use emmaus_identity::access::{self, Target};
use emmaus_identity::{Actor, RequestMeta, directory};

/// A person's plan, opened by a caller allowed the action they asked for.
#[derive(Debug, Clone)]
pub struct Plan {
    pub org: String,
    pub person: String,
    /// Whether the caller is the person whose plan it is.
    pub own: bool,
}

fn no_person() -> DomainError {
    DomainError::NotFound("the person".into())
}

/// The plan of `person` in the caller's organisation, once the matrix allows `action` there.
pub async fn open(p: &Platform, actor: &Actor, person: &str, action: Action) -> Result<Plan, DomainError> {
    let plan = find(p, actor, person).await?;
    // One's own plan needs no reading of whom one mentors or leads when "own" alone allows it.
    let own = BTreeSet::from([Relation::Own, Relation::SameOrg]);
    if !(plan.own && permissions::can(&actor.roles, &own, action)) {
        access::authorize(p, actor, action, Target::Person(person)).await?;
    }
    Ok(plan)
}

/// The plan of `person`, a member of the caller's organisation, before any permission is asked.
pub async fn find(p: &Platform, actor: &Actor, person: &str) -> Result<Plan, DomainError> {
    if !emmaus_domain::validation::plausible_id(person) {
        return Err(no_person());
    }
    directory::membership(p, &actor.org_id, person)
        .await?
        .filter(|member| !member.value.roles.is_empty())
        .ok_or_else(no_person)?;
    Ok(Plan { org: actor.org_id.clone(), person: person.to_owned(), own: person == actor.person_id })
}

/// Whether the matrix allows `action` on `plan` (for the rules with an exception, such as an
/// item's assigner changing it).
pub async fn allowed(p: &Platform, actor: &Actor, plan: &Plan, action: Action) -> Result<bool, DomainError> {
    match access::authorize(p, actor, action, Target::Person(&plan.person)).await {
        Ok(()) => Ok(true),
        Err(DomainError::Forbidden) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The person's IANA time zone, UTC when they have chosen none.
pub async fn zone_of(p: &Platform, person: &str) -> Result<String, DomainError> {
    let person = directory::person(p, person).await?;
    Ok(person
        .and_then(|person| person.value.time_zone)
        .map_or_else(|| "UTC".to_owned(), |zone| zone.as_str().to_owned()))
}

/// The person of a plan as the hub sees them, to judge which resources they may see.
pub async fn hub_reader(p: &Platform, plan: &Plan) -> Result<emmaus_hub::Reader, DomainError> {
    let member = directory::membership(p, &plan.org, &plan.person).await?.ok_or_else(no_person)?;
    let actor = Actor {
        person_id: plan.person.clone(),
        session_id: String::new(),
        org_id: plan.org.clone(),
        roles: member.value.roles,
        meta: RequestMeta::default(),
    };
    emmaus_hub::Reader::of(p, &actor).await
}

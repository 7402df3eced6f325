//! Mentoring relationships: pairing a mentor with a mentee, listing them, ending them.

use emmaus_domain::DomainError;
use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Mentorship, Role};
use emmaus_domain::permissions::Action;

use crate::access::{self, MentoringLink, Target};
use crate::context::Actor;
use crate::{audit, directory, keys};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};

fn index_keys(m: &Mentorship) -> [emmaus_ports::Key; 2] {
    let sort = format!("mentorship#{}", m.id);
    [
        emmaus_ports::Key::new(keys::mentoring_by(&m.org_id, &m.mentor_id), sort.clone()),
        emmaus_ports::Key::new(keys::mentored_as(&m.org_id, &m.mentee_id), sort),
    ]
}

async fn require_role(p: &Platform, org: &str, person: &str, role: Role, field: &str) -> Result<(), DomainError> {
    let member = directory::membership(p, org, person).await?;
    if member.is_some_and(|m| m.value.roles.contains(role)) {
        Ok(())
    } else {
        Err(DomainError::invalid(field, format!("must be a {role} of this organisation")))
    }
}

pub async fn create(p: &Platform, actor: &Actor, mentor: &str, mentee: &str) -> Result<Mentorship, DomainError> {
    if mentor == mentee {
        return Err(DomainError::invalid("mentee_id", "must be someone other than the mentor"));
    }
    require_role(p, &actor.org_id, mentor, Role::Mentor, "mentor_id").await?;
    require_role(p, &actor.org_id, mentee, Role::Mentee, "mentee_id").await?;
    access::authorize(p, actor, Action::MentorshipCreate, Target::Mentorship { mentor, mentee }).await?;
    let existing: Vec<Doc<MentoringLink>> =
        docs::all(p.kv.as_ref(), &keys::mentoring_by(&actor.org_id, mentor), "mentorship#", 5000).await?;
    if existing.iter().any(|l| l.value.active && l.value.other == mentee) {
        return Err(DomainError::Conflict("this mentor already walks with this mentee".into()));
    }
    let m = Mentorship {
        id: p.ids.new_id(),
        org_id: actor.org_id.clone(),
        mentor_id: mentor.to_owned(),
        mentee_id: mentee.to_owned(),
        started_at: p.clock.now(),
        ended_at: None,
    };
    let [by_mentor, by_mentee] = index_keys(&m);
    p.kv.batch(vec![
        docs::create_write(keys::mentorship(&actor.org_id, &m.id), &m, None),
        docs::create_write(by_mentor, &MentoringLink { other: mentee.to_owned(), active: true }, None),
        docs::create_write(by_mentee, &MentoringLink { other: mentor.to_owned(), active: true }, None),
    ])
    .await
    .map_err(emmaus_app::error::from_kv)?;
    audit::record(
        p,
        &actor.org_id,
        audit::by(
            p,
            actor,
            AuditAction::MentorshipCreated,
            Some(format!("mentorship:{}", m.id)),
            Some(format!("{mentor} mentors {mentee}")),
        ),
    )
    .await;
    Ok(m)
}

/// Mentorships the actor may see, newest first.
pub async fn list(p: &Platform, actor: &Actor) -> Result<Vec<Mentorship>, DomainError> {
    let scope = access::list_scope(p, actor, Action::MentorshipList).await?;
    let all: Vec<Doc<Mentorship>> =
        docs::all(p.kv.as_ref(), &format!("org#{}", actor.org_id), "mentorship#", 10_000).await?;
    let mut out: Vec<Mentorship> = all
        .into_iter()
        .map(|d| d.value)
        .filter(|m| access::admits(actor, &scope, Target::Mentorship { mentor: &m.mentor_id, mentee: &m.mentee_id }))
        .collect();
    out.reverse();
    Ok(out)
}

pub async fn end(p: &Platform, actor: &Actor, id: &str) -> Result<Mentorship, DomainError> {
    let doc: Doc<Mentorship> = docs::get(p.kv.as_ref(), keys::mentorship(&actor.org_id, id))
        .await?
        .ok_or_else(|| DomainError::NotFound("the mentorship".into()))?;
    access::authorize(
        p,
        actor,
        Action::MentorshipEnd,
        Target::Mentorship { mentor: &doc.value.mentor_id, mentee: &doc.value.mentee_id },
    )
    .await?;
    if !doc.value.is_active() {
        return Err(DomainError::Conflict("this mentorship has already ended".into()));
    }
    let ended = close(p, doc).await?;
    audit::record(
        p,
        &actor.org_id,
        audit::by(p, actor, AuditAction::MentorshipEnded, Some(format!("mentorship:{id}")), None),
    )
    .await;
    Ok(ended)
}

async fn close(p: &Platform, mut doc: Doc<Mentorship>) -> Result<Mentorship, DomainError> {
    doc.value.ended_at = Some(p.clock.now());
    let mut writes = vec![docs::replace_write(&doc, None)];
    for key in index_keys(&doc.value) {
        if let Some(mut link) = docs::get::<MentoringLink>(p.kv.as_ref(), key).await? {
            link.value.active = false;
            writes.push(docs::replace_write(&link, None));
        }
    }
    p.kv.batch(writes).await.map_err(emmaus_app::error::from_kv)?;
    Ok(doc.value)
}

/// Ends every active mentorship the person is in (they are leaving the organisation).
pub(super) async fn end_all_of(p: &Platform, actor: &Actor, person: &str) -> Result<(), DomainError> {
    let org = &actor.org_id;
    for partition in [keys::mentoring_by(org, person), keys::mentored_as(org, person)] {
        let links: Vec<Doc<MentoringLink>> = docs::all(p.kv.as_ref(), &partition, "mentorship#", 5000).await?;
        for link in links.into_iter().filter(|l| l.value.active) {
            let Some(id) = link.key.sort.strip_prefix("mentorship#") else { continue };
            if let Some(doc) = docs::get::<Mentorship>(p.kv.as_ref(), keys::mentorship(org, id)).await? {
                close(p, doc).await?;
                audit::record(
                    p,
                    org,
                    audit::by(
                        p,
                        actor,
                        AuditAction::MentorshipEnded,
                        Some(format!("mentorship:{id}")),
                        Some("member removed".into()),
                    ),
                )
                .await;
            }
        }
    }
    Ok(())
}

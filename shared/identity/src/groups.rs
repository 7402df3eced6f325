//! Groups led by a pastor: creating, renaming, deleting, and their members.

use emmaus_domain::DomainError;
use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{Group, Role, normalise_display_name};
use emmaus_domain::permissions::Action;
use emmaus_ports::Write;

use crate::access::{self, GroupLink, Target};
use crate::context::Actor;
use crate::{audit, directory, keys};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};

/// A group with the ids of its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    pub group: Group,
    pub members: Vec<String>,
}

/// The group `id` of `org`, if it exists.
pub(super) async fn find(p: &Platform, org: &str, id: &str) -> Result<Option<Doc<Group>>, DomainError> {
    docs::get(p.kv.as_ref(), keys::group(org, id)).await
}

async fn load(p: &Platform, org: &str, id: &str) -> Result<Doc<Group>, DomainError> {
    find(p, org, id).await?.ok_or_else(|| DomainError::NotFound("the group".into()))
}

async fn members_of(p: &Platform, org: &str, id: &str) -> Result<Vec<String>, DomainError> {
    let links: Vec<Doc<GroupLink>> = docs::all(p.kv.as_ref(), &keys::group_members(org, id), "member#", 5000).await?;
    Ok(links.into_iter().filter_map(|l| l.key.sort.strip_prefix("member#").map(str::to_owned)).collect())
}

async fn check_leader(p: &Platform, org: &str, leader: &str) -> Result<(), DomainError> {
    let member = directory::membership(p, org, leader).await?;
    if member.is_some_and(|m| m.value.roles.contains(Role::Pastor)) {
        Ok(())
    } else {
        Err(DomainError::invalid("leader_id", "must be a pastor of this organisation"))
    }
}

pub async fn list(p: &Platform, actor: &Actor) -> Result<Vec<Group>, DomainError> {
    access::authorize(p, actor, Action::GroupList, Target::Org).await?;
    let groups: Vec<Doc<Group>> = docs::all(p.kv.as_ref(), &format!("org#{}", actor.org_id), "group#", 5000).await?;
    let mut out: Vec<Group> = groups.into_iter().map(|d| d.value).collect();
    out.sort_by_key(|group| group.name.to_lowercase());
    Ok(out)
}

pub async fn read(p: &Platform, actor: &Actor, id: &str) -> Result<GroupView, DomainError> {
    let group = load(p, &actor.org_id, id).await?;
    access::authorize(p, actor, Action::GroupRead, Target::Group(id)).await?;
    Ok(GroupView { members: members_of(p, &actor.org_id, id).await?, group: group.value })
}

pub async fn create(p: &Platform, actor: &Actor, name: &str, leader: &str) -> Result<Group, DomainError> {
    access::authorize(p, actor, Action::GroupCreate, Target::Org).await?;
    let name = normalise_display_name("name", name)?;
    check_leader(p, &actor.org_id, leader).await?;
    let group = Group {
        id: p.ids.new_id(),
        org_id: actor.org_id.clone(),
        name,
        leader_id: leader.to_owned(),
        created_at: p.clock.now(),
    };
    let link = GroupLink { group: group.id.clone() };
    p.kv.batch(vec![
        docs::create_write(keys::group(&actor.org_id, &group.id), &group, None),
        docs::create_write(keys::led_group(&actor.org_id, leader, &group.id), &link, None),
    ])
    .await
    .map_err(emmaus_app::error::from_kv)?;
    audit::record(
        p,
        &actor.org_id,
        audit::by(p, actor, AuditAction::GroupCreated, Some(format!("group:{}", group.id)), Some(group.name.clone())),
    )
    .await;
    Ok(group)
}

pub async fn update(
    p: &Platform,
    actor: &Actor,
    id: &str,
    name: Option<&str>,
    leader: Option<&str>,
) -> Result<Group, DomainError> {
    let mut doc = load(p, &actor.org_id, id).await?;
    access::authorize(p, actor, Action::GroupUpdate, Target::Group(id)).await?;
    let old_leader = doc.value.leader_id.clone();
    if let Some(name) = name {
        doc.value.name = normalise_display_name("name", name)?;
    }
    let mut writes = Vec::new();
    if let Some(leader) = leader.filter(|l| *l != old_leader) {
        check_leader(p, &actor.org_id, leader).await?;
        leader.clone_into(&mut doc.value.leader_id);
        if let Some(old) =
            docs::get::<GroupLink>(p.kv.as_ref(), keys::led_group(&actor.org_id, &old_leader, id)).await?
        {
            writes.push(Write::DeleteIfVersion { key: old.key, expected: old.version });
        }
        writes.push(docs::create_write(
            keys::led_group(&actor.org_id, leader, id),
            &GroupLink { group: id.to_owned() },
            None,
        ));
    }
    writes.push(docs::replace_write(&doc, None));
    p.kv.batch(writes).await.map_err(emmaus_app::error::from_kv)?;
    let detail = format!("{} led by {}", doc.value.name, doc.value.leader_id);
    audit::record(
        p,
        &actor.org_id,
        audit::by(p, actor, AuditAction::GroupUpdated, Some(format!("group:{id}")), Some(detail)),
    )
    .await;
    Ok(doc.value)
}

pub async fn delete(p: &Platform, actor: &Actor, id: &str) -> Result<(), DomainError> {
    let doc = load(p, &actor.org_id, id).await?;
    access::authorize(p, actor, Action::GroupDelete, Target::Group(id)).await?;
    for member in members_of(p, &actor.org_id, id).await? {
        drop_member(p, &actor.org_id, id, &member).await?;
    }
    let mut writes = vec![Write::DeleteIfVersion { key: doc.key.clone(), expected: doc.version }];
    if let Some(led) =
        docs::get::<GroupLink>(p.kv.as_ref(), keys::led_group(&actor.org_id, &doc.value.leader_id, id)).await?
    {
        writes.push(Write::DeleteIfVersion { key: led.key, expected: led.version });
    }
    p.kv.batch(writes).await.map_err(emmaus_app::error::from_kv)?;
    audit::record(
        p,
        &actor.org_id,
        audit::by(p, actor, AuditAction::GroupDeleted, Some(format!("group:{id}")), Some(doc.value.name)),
    )
    .await;
    Ok(())
}

pub async fn add_member(p: &Platform, actor: &Actor, id: &str, person: &str) -> Result<(), DomainError> {
    load(p, &actor.org_id, id).await?;
    access::authorize(p, actor, Action::GroupMembersAdd, Target::Group(id)).await?;
    if directory::membership(p, &actor.org_id, person).await?.is_none() {
        return Err(DomainError::invalid("person_id", "is not a member of this organisation"));
    }
    let link = GroupLink { group: id.to_owned() };
    let result =
        p.kv.batch(vec![
            docs::create_write(keys::group_member(&actor.org_id, id, person), &link, None),
            docs::create_write(keys::person_group(&actor.org_id, person, id), &link, None),
        ])
        .await;
    match result {
        // Already in the group: adding again changes nothing.
        Err(emmaus_ports::KvError::Conflict(_)) => return Ok(()),
        other => other.map_err(emmaus_app::error::from_kv)?,
    }
    audit::record(
        p,
        &actor.org_id,
        audit::by(
            p,
            actor,
            AuditAction::GroupMemberAdded,
            Some(format!("group:{id}")),
            Some(format!("person:{person}")),
        ),
    )
    .await;
    Ok(())
}

pub async fn remove_member(p: &Platform, actor: &Actor, id: &str, person: &str) -> Result<(), DomainError> {
    load(p, &actor.org_id, id).await?;
    access::authorize(p, actor, Action::GroupMembersRemove, Target::Group(id)).await?;
    if !drop_member(p, &actor.org_id, id, person).await? {
        return Err(DomainError::NotFound("that person in this group".into()));
    }
    audit::record(
        p,
        &actor.org_id,
        audit::by(
            p,
            actor,
            AuditAction::GroupMemberRemoved,
            Some(format!("group:{id}")),
            Some(format!("person:{person}")),
        ),
    )
    .await;
    Ok(())
}

/// Deletes both index entries of a group place; false when there was none.
pub(super) async fn drop_member(p: &Platform, org: &str, group: &str, person: &str) -> Result<bool, DomainError> {
    let mut writes = Vec::new();
    for key in [keys::group_member(org, group, person), keys::person_group(org, person, group)] {
        if let Some(doc) = docs::get::<GroupLink>(p.kv.as_ref(), key).await? {
            writes.push(Write::DeleteIfVersion { key: doc.key, expected: doc.version });
        }
    }
    if writes.is_empty() {
        return Ok(false);
    }
    p.kv.batch(writes).await.map_err(emmaus_app::error::from_kv)?;
    Ok(true)
}

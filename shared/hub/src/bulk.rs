//! Changing many resources at once: add or remove tags, move to a collection, delete to the trash.
//!
//! Each resource is changed on its own, at the version it is read at, with its own index task, so
//! one that fails (not found, not the reader's to change, changed meanwhile) leaves the others
//! done. Answers come in the order asked, naming no resource: one the reader may not see is
//! "not found", as if it did not exist.

use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_domain::hub::collections::parse_collection;
use emmaus_domain::hub::tags::{MAX_TAGS, parse_tags};
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;

use crate::access::Reader;
use crate::model::Deletion;
use crate::resources::{commit, put_with_index, stale_on_conflict, visible};

/// The most resources one call changes.
pub const MAX_BULK: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    AddTags(Vec<String>),
    RemoveTags(Vec<String>),
    /// `None` or an empty text: out of any collection.
    Move(Option<String>),
    Delete,
}

/// What became of one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Nothing to change (the tags were there, or were not; already in that collection).
    Unchanged,
    NotFound,
    Forbidden,
    /// Changed by someone else while this ran: try again.
    Stale,
    /// The change would break a rule (more than 50 tags).
    Invalid,
}

/// Applies `action` to each of `ids` the reader may change; the outcomes in the order of `ids`.
pub async fn apply(
    p: &Platform,
    actor: &Actor,
    ids: &[String],
    action: &BulkAction,
) -> Result<Vec<Outcome>, DomainError> {
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(DomainError::invalid("ids", format!("must name 1 to {MAX_BULK} resources")));
    }
    let mut seen = std::collections::BTreeSet::new();
    if !ids.iter().all(|id| seen.insert(id)) {
        return Err(DomainError::invalid("ids", "must not name a resource twice"));
    }
    // The inputs are checked once, before anything changes.
    let action = match action {
        BulkAction::AddTags(tags) | BulkAction::RemoveTags(tags) if tags.is_empty() => {
            return Err(DomainError::invalid("tags", "must name at least one tag"));
        }
        BulkAction::Move(collection) => Checked::Move(parse_collection("collection", collection.as_deref())?),
        BulkAction::AddTags(tags) => Checked::Add(parse_tags("tags", tags)?),
        BulkAction::RemoveTags(tags) => Checked::Remove(parse_tags("tags", tags)?),
        BulkAction::Delete => Checked::Delete,
    };
    let reader = Reader::of(p, actor).await?;
    let mut outcomes = Vec::with_capacity(ids.len());
    for id in ids {
        outcomes.push(one(p, &reader, id, &action).await?);
    }
    Ok(outcomes)
}

enum Checked {
    Add(Vec<emmaus_domain::hub::Tag>),
    Remove(Vec<emmaus_domain::hub::Tag>),
    Move(Option<emmaus_domain::hub::Collection>),
    Delete,
}

async fn one(p: &Platform, reader: &Reader, id: &str, action: &Checked) -> Result<Outcome, DomainError> {
    if !emmaus_domain::validation::plausible_id(id) {
        return Ok(Outcome::NotFound);
    }
    let mut doc = match visible(p, reader, id).await {
        Ok(doc) => doc,
        Err(DomainError::NotFound(_)) => return Ok(Outcome::NotFound),
        Err(other) => return Err(other),
    };
    if !reader.allowed(Action::HubChange, &doc.value) {
        return Ok(Outcome::Forbidden);
    }
    let resource = &mut doc.value;
    let before = resource.clone();
    match action {
        Checked::Add(tags) => {
            for tag in tags {
                if !resource.tags.contains(tag) {
                    resource.tags.push(tag.clone());
                }
            }
            if resource.tags.len() > MAX_TAGS {
                return Ok(Outcome::Invalid);
            }
        }
        Checked::Remove(tags) => resource.tags.retain(|tag| !tags.contains(tag)),
        Checked::Move(collection) => resource.collection.clone_from(collection),
        Checked::Delete => resource.deleted = Some(Deletion { at: p.clock.now(), by: reader.id().to_owned() }),
    }
    if *resource == before {
        return Ok(Outcome::Unchanged);
    }
    if resource.deleted.is_none() {
        resource.updated_at = p.clock.now();
        reader.id().clone_into(&mut resource.updated_by);
    }
    match commit(p, reader.org(), id, vec![put_with_index(&doc)], stale_on_conflict).await {
        Ok(()) => Ok(Outcome::Done),
        Err(DomainError::Stale(_)) => Ok(Outcome::Stale),
        Err(other) => Err(other),
    }
}

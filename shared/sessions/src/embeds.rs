//! Hub resources inside a session: checked and pinned when an outline is saved, shown to each
//! reader only as far as the hub lets that reader see them, and flagged when the session's
//! audience could not see them.
//!
//! An embed is a live reference: every reader gets the resource as it is now and as the hub shows
//! it to them. A resource the reader may not see (private to someone else, in a group they are not
//! in, deleted) is shown as unavailable with nothing of it, not even its title, and a pinned copy
//! is shown only to readers who still see the resource, so pinning never carries text past the
//! hub's own rules.

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_domain::hub::ResourceKind;
use emmaus_domain::hub::content::ContentKind;
use emmaus_domain::identity::{Role, RoleSet};
use emmaus_hub::Reader;
use emmaus_hub::model::{FileStatus, Resource};
use emmaus_identity::{Actor, RequestMeta};

use crate::model::{Audience, Block, BlockKind, MAX_EXCERPT, Pinned, Show};

/// A hub resource as one reader of a session sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Resource(ResourceCard),
    /// The reader may not see it, or it is gone.
    Unavailable,
}

/// What a session shows of a resource: as it is now, or as pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceCard {
    pub kind: ResourceKind,
    pub title: String,
    pub description: String,
    /// A link's address.
    pub url: Option<String>,
    /// A file's name.
    pub file_name: Option<String>,
    /// The first part of its text, for an excerpt or a pinned copy.
    pub excerpt: Option<String>,
    /// Whether this is the pinned copy rather than the resource as it is now.
    pub pinned: bool,
    /// For a file that is a picture a printed document can hold: its kind.
    pub picture: Option<PictureKind>,
}

/// The pictures a printed session holds: the kinds every document writer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureKind {
    Png,
    Jpeg,
}

/// The first characters of a resource's text: a note's words, else its description.
async fn excerpt(p: &Platform, resource: &Resource) -> Result<String, DomainError> {
    let text = match resource.kind {
        ResourceKind::Note => emmaus_hub::markdown::plain_text(&emmaus_hub::notes::current_text(p, resource).await?),
        _ => resource.description.clone(),
    };
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(match words.char_indices().nth(MAX_EXCERPT) {
        Some((cut, _)) => format!("{}…", &words[..cut]),
        None => words,
    })
}

fn card(resource: &Resource) -> ResourceCard {
    ResourceCard {
        kind: resource.kind,
        title: resource.title.clone(),
        description: resource.description.clone(),
        url: resource.link.as_ref().map(|link| link.url.clone()),
        file_name: resource.file.as_ref().map(|file| file.name.clone()),
        excerpt: None,
        pinned: false,
        picture: match resource.file.as_ref().map(|file| &file.status) {
            Some(FileStatus::Ready { kind: ContentKind::Png }) => Some(PictureKind::Png),
            Some(FileStatus::Ready { kind: ContentKind::Jpeg }) => Some(PictureKind::Jpeg),
            _ => None,
        },
    }
}

/// Every embed of `blocks` as `reader` sees it, by block id: one batch read of the resources, and
/// a note's text for each excerpt shown live.
pub async fn resolve(p: &Platform, reader: &Reader, blocks: &[Block]) -> Result<BTreeMap<String, Shown>, DomainError> {
    let ids: Vec<String> = blocks.iter().filter_map(|b| b.embed.as_ref().map(|e| e.resource_id.clone())).collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let seen = emmaus_hub::resources::shown_among(p, reader, &ids).await?;
    let mut out = BTreeMap::new();
    for block in blocks {
        let Some(embed) = &block.embed else { continue };
        let shown = match seen.get(&embed.resource_id) {
            None => Shown::Unavailable,
            Some(resource) => Shown::Resource(match &embed.pinned {
                Some(pin) => ResourceCard {
                    title: pin.title.clone(),
                    description: pin.description.clone(),
                    excerpt: (!pin.excerpt.is_empty()).then(|| pin.excerpt.clone()),
                    pinned: true,
                    ..card(resource)
                },
                None => ResourceCard {
                    excerpt: match embed.show {
                        Show::Excerpt => Some(excerpt(p, resource).await?),
                        Show::Live => None,
                    },
                    ..card(resource)
                },
            }),
        };
        out.insert(block.id.clone(), shown);
    }
    Ok(out)
}

/// Checks the embeds of an outline being saved and pins those asked to be: a block whose resource
/// is new to the outline must name one the editor sees; a pin already made for the same block and
/// resource is kept; a new pin copies the resource as the editor sees it now; a block whose
/// resource the editor cannot see (sent back without it) keeps it. `pins` says, by block id, which
/// blocks are to be pinned.
pub async fn settle(
    p: &Platform,
    editor: &Reader,
    blocks: &mut [Block],
    pins: &BTreeMap<String, bool>,
    previous: &[Block],
) -> Result<(), DomainError> {
    let before: BTreeMap<&str, &Block> = previous.iter().map(|b| (b.id.as_str(), b)).collect();
    let embedded_before = |block: &Block| {
        before
            .get(block.id.as_str())
            .and_then(|old| old.embed.as_ref())
            .filter(|old| block.embed.as_ref().is_some_and(|new| new.resource_id == old.resource_id))
    };
    let ids: Vec<String> =
        blocks.iter().chain(previous).filter_map(|b| b.embed.as_ref().map(|e| e.resource_id.clone())).collect();
    let seen =
        if ids.is_empty() { BTreeMap::new() } else { emmaus_hub::resources::shown_among(p, editor, &ids).await? };
    // A resource the editor cannot see reaches them without its id (the answer withholds it), so
    // their outline names none for that block: the block keeps what it held.
    for block in blocks.iter_mut().filter(|b| b.kind == BlockKind::Resource && b.embed.is_none()) {
        if let Some(kept) = before
            .get(block.id.as_str())
            .and_then(|old| old.embed.as_ref())
            .filter(|old| !seen.contains_key(&old.resource_id))
        {
            block.embed = Some(kept.clone());
        }
    }
    let now = p.clock.now();
    for (i, block) in blocks.iter_mut().enumerate() {
        if block.kind != BlockKind::Resource {
            continue;
        }
        let old = embedded_before(block).cloned();
        let Some(embed) = block.embed.as_mut() else { continue };
        let resource = seen.get(&embed.resource_id);
        if old.is_none() && resource.is_none() {
            return Err(DomainError::invalid(format!("blocks.{i}.resource_id"), "is not a hub resource you can see"));
        }
        let pin = pins.get(&block.id).copied().unwrap_or(false);
        embed.pinned = match (pin, old.and_then(|old| old.pinned), resource) {
            (false, _, _) => None,
            (true, Some(kept), _) => Some(kept),
            (true, None, Some(resource)) => Some(Pinned {
                title: resource.title.clone(),
                description: resource.description.clone(),
                excerpt: excerpt(p, resource).await?,
                note_version: resource.note.as_ref().map_or(0, |note| note.number),
                pinned_at: now,
            }),
            (true, None, None) => {
                return Err(DomainError::invalid(
                    format!("blocks.{i}.resource_id"),
                    "is a hub resource you cannot see, so you cannot pin it",
                ));
            }
        };
    }
    Ok(())
}

/// The blocks whose resource the session's audience could not all see: for one person, as the hub
/// shows things to them; for a group, anything not shared with the whole organisation or with that
/// group; for an open session, anything not shared with the whole organisation.
pub async fn hidden_from_audience(
    p: &Platform,
    org: &str,
    audience: &Audience,
    blocks: &[Block],
) -> Result<Vec<String>, DomainError> {
    let ids: Vec<String> = blocks.iter().filter_map(|b| b.embed.as_ref().map(|e| e.resource_id.clone())).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let reader = match audience {
        Audience::Person { person_id } => {
            let member = emmaus_identity::directory::membership(p, org, person_id).await?;
            let roles = member.map_or_else(|| RoleSet::new([Role::Mentee]), |m| m.value.roles);
            Reader::of(p, &anyone(org, person_id, roles)).await?
        }
        Audience::Group { group_id } => {
            Reader { actor: anyone(org, "", RoleSet::new([Role::Mentee])), groups: vec![group_id.clone()] }
        }
        Audience::Open => everyone_in(org),
    };
    hidden_from(p, &reader, blocks).await
}

/// Anyone of the organisation, in no group: who sees only what is shared with the whole of it.
pub fn everyone_in(org: &str) -> Reader {
    Reader { actor: anyone(org, "", RoleSet::new([Role::Mentee])), groups: Vec::new() }
}

/// The blocks whose resource `reader` does not see.
pub async fn hidden_from(p: &Platform, reader: &Reader, blocks: &[Block]) -> Result<Vec<String>, DomainError> {
    let ids: Vec<String> = blocks.iter().filter_map(|b| b.embed.as_ref().map(|e| e.resource_id.clone())).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let seen = emmaus_hub::resources::shown_among(p, reader, &ids).await?;
    Ok(blocks
        .iter()
        .filter(|b| b.embed.as_ref().is_some_and(|e| !seen.contains_key(&e.resource_id)))
        .map(|b| b.id.clone())
        .collect())
}

/// A member as the hub would see them: `person` empty for "any member of the audience", who is the
/// author of nothing.
fn anyone(org: &str, person: &str, roles: RoleSet) -> Actor {
    Actor {
        person_id: person.to_owned(),
        session_id: String::new(),
        org_id: org.to_owned(),
        roles,
        meta: RequestMeta::default(),
    }
}

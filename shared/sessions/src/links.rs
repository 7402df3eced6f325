//! Following a session without being its audience: private links and the block being presented.
//!
//! A **link** is a secret address (a 256-bit token, stored only as its SHA-256) that shows one
//! session read-only. Its facilitators make it, list it and revoke it. It expires after 1 to 90
//! days. The facilitator chooses whether it needs sign-in. Without sign-in, anyone holding the
//! address follows the session, and hub resources show only as far as the whole organisation sees
//! them (the rule of an open session). With sign-in, a member of the organisation follows it and
//! sees the hub as they always do. Link readers never see the notes on how it went, the
//! facilitators or the audience.
//!
//! **Presenting** is the block a facilitator shows now, kept for twelve hours. Those following by a
//! link see it and their page follows it.

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;
use emmaus_app::secrets;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_identity::{Actor, Principal, directory};
use emmaus_ports::{KvError, Query, Write};

use crate::access::Caller;
use crate::embeds::{self, Shown};
use crate::keys;
use crate::model::Session;

/// Live links one session may have at once.
pub const MAX_LINKS: usize = 10;
/// The longest a link lasts.
pub const MAX_LINK_DAYS: u32 = 90;
/// A link's label, to tell links apart ("Thursday group", "Visitors").
pub const MAX_LABEL: usize = 100;
/// How long the block being presented is remembered after its last change.
const PRESENTING_MS: i64 = 12 * 3600 * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// A link as its facilitators see it (its token is shown once, when it is made).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub id: String,
    pub session_id: String,
    /// The SHA-256 of the token, hex.
    pub digest: String,
    #[serde(default)]
    pub label: String,
    /// Whether only signed-in members of the organisation may follow it.
    pub sign_in: bool,
    pub expires_at: Timestamp,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// Where a token leads, found by its digest before any organisation is known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkPointer {
    pub org: String,
    pub session_id: String,
    pub link_id: String,
}

/// The block a facilitator is presenting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Presenting {
    /// None once the facilitator has stopped presenting.
    pub block_id: Option<String>,
    /// When this block came up.
    pub since: Timestamp,
    /// When the facilitator last said where they are.
    pub updated_at: Timestamp,
    pub by: String,
}

#[derive(Debug, Clone)]
pub struct NewLink {
    pub label: String,
    pub days: u32,
    pub sign_in: bool,
}

/// A link just made: its token (shown this once), its record, and the blocks whose hub resource
/// its readers will not see.
#[derive(Debug, Clone)]
pub struct MadeLink {
    pub token: String,
    pub link: Link,
    pub hidden: Vec<String>,
}

/// Who opens a link: nobody signed in, or someone signed in (a member of some organisation).
#[derive(Debug, Clone, Copy)]
pub enum Opener<'a> {
    Anyone,
    Signed(&'a Principal),
}

/// A session as a link shows it.
#[derive(Debug, Clone)]
pub struct Followed {
    pub session: Session,
    pub embeds: BTreeMap<String, Shown>,
    /// Each block's markdown as sanitised HTML, by block id, for readers who cannot ask the hub's
    /// renderer (nobody is signed in).
    pub rendered: BTreeMap<String, String>,
    pub presenting: Option<Presenting>,
    pub expires_at: Timestamp,
}

fn no_link() -> DomainError {
    DomainError::NotFound("the link".into())
}

/// The session at `id` for a caller who may change it.
async fn changeable(p: &Platform, actor: &Actor, id: &str) -> Result<Doc<Session>, DomainError> {
    let doc = crate::sessions::load(p, &actor.org_id, id).await?;
    Caller::new(actor).change(p, &doc.value).await?;
    Ok(doc)
}

async fn live_links(p: &Platform, org: &str, session: &str) -> Result<Vec<Doc<Link>>, DomainError> {
    let now = p.clock.now().unix_millis();
    let page = p.kv.query(&Query::new(keys::links(org, session), "l#", 100)).await.map_err(from_kv)?;
    let mut out = Vec::new();
    for item in page.items {
        let doc: Doc<Link> = docs::from_item(item)?;
        if doc.value.expires_at.unix_millis() > now {
            out.push(doc);
        }
    }
    Ok(out)
}

/// Makes a link to a session the caller may change.
pub async fn create(p: &Platform, actor: &Actor, session_id: &str, input: NewLink) -> Result<MadeLink, DomainError> {
    let doc = changeable(p, actor, session_id).await?;
    let label = input.label.trim().to_owned();
    if label.chars().count() > MAX_LABEL {
        return Err(DomainError::invalid("label", format!("is at most {MAX_LABEL} characters")));
    }
    if !(1..=MAX_LINK_DAYS).contains(&input.days) {
        return Err(DomainError::invalid("days", format!("a link lasts 1 to {MAX_LINK_DAYS} days")));
    }
    let org = actor.org_id.clone();
    if live_links(p, &org, session_id).await?.len() >= MAX_LINKS {
        // The request is right; the session's state refuses it, until a link goes.
        return Err(DomainError::Conflict(format!(
            "a session has at most {MAX_LINKS} links at once; revoke one first"
        )));
    }
    let now = p.clock.now();
    let expires_at = Timestamp::from_unix_millis(now.unix_millis() + i64::from(input.days) * DAY_MS);
    let token = secrets::new_token(p.ids.as_ref());
    let link = Link {
        id: p.ids.new_id(),
        session_id: session_id.to_owned(),
        digest: secrets::digest(&token),
        label,
        sign_in: input.sign_in,
        expires_at,
        created_by: actor.person_id.clone(),
        created_at: now,
    };
    let pointer = LinkPointer { org: org.clone(), session_id: session_id.to_owned(), link_id: link.id.clone() };
    // Both go when the link expires, as far as the store removes expired items; reads check too.
    let expires = Some(expires_at.unix_millis() / 1000 + 1);
    p.kv.batch(vec![
        docs::create_write(keys::link(&org, session_id, &link.id), &link, expires),
        docs::create_write(keys::link_token(&link.digest), &pointer, expires),
    ])
    .await
    .map_err(from_kv)?;
    // Members who follow it see the hub as they always do: what each one misses is theirs to see.
    let hidden = if input.sign_in {
        Vec::new()
    } else {
        embeds::hidden_from(p, &embeds::everyone_in(&org), &doc.value.blocks).await?
    };
    Ok(MadeLink { token, link, hidden })
}

/// The session's links that have not expired, newest first.
pub async fn list(p: &Platform, actor: &Actor, session_id: &str) -> Result<Vec<Link>, DomainError> {
    changeable(p, actor, session_id).await?;
    let mut links: Vec<Link> =
        live_links(p, &actor.org_id, session_id).await?.into_iter().map(|doc| doc.value).collect();
    links.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    Ok(links)
}

/// The writes that take a link away: its token's pointer and its record.
fn removal(doc: Doc<Link>) -> Vec<Write> {
    vec![
        Write::DeleteIfVersion { key: keys::link_token(&doc.value.digest), expected: 1 },
        Write::DeleteIfVersion { key: doc.key, expected: doc.version },
    ]
}

/// Revokes a link: its address stops working at once.
pub async fn revoke(p: &Platform, actor: &Actor, session_id: &str, link_id: &str) -> Result<(), DomainError> {
    changeable(p, actor, session_id).await?;
    if !emmaus_domain::validation::plausible_id(link_id) {
        return Err(no_link());
    }
    let doc: Doc<Link> =
        docs::get(p.kv.as_ref(), keys::link(&actor.org_id, session_id, link_id)).await?.ok_or_else(no_link)?;
    p.kv.batch(removal(doc)).await.map_err(|error| match error {
        // Gone meanwhile: revoked by someone else, or expired and removed by the store.
        KvError::Conflict(_) => no_link(),
        other => from_kv(other),
    })
}

/// Removes every link of a session being deleted; those left behind lead nowhere and expire.
pub(crate) async fn remove_all(p: &Platform, org: &str, session_id: &str) {
    let Ok(page) = p.kv.query(&Query::new(keys::links(org, session_id), "l#", 100)).await else { return };
    for item in page.items {
        let Ok(doc) = docs::from_item::<Link>(item) else { continue };
        let _ = p.kv.batch(removal(doc)).await;
    }
    if let Ok(Some(presenting)) = p.kv.get(&keys::presenting(org, session_id)).await {
        let _ = p.kv.delete_if_version(presenting.key, presenting.version).await;
    }
}

/// The session a token opens, as the link shows it; `NotFound` for a token that opens none
/// (never made, revoked, expired, or its session deleted), and `Unauthenticated` for a link that
/// asks for sign-in when nobody is signed in. A member of another organisation hears `NotFound`.
pub async fn open(p: &Platform, token: &str, opener: Opener<'_>) -> Result<Followed, DomainError> {
    if !secrets::plausible(token) {
        return Err(no_link());
    }
    let pointer: Doc<LinkPointer> =
        docs::get(p.kv.as_ref(), keys::link_token(&secrets::digest(token))).await?.ok_or_else(no_link)?;
    let LinkPointer { org, session_id, link_id } = pointer.value;
    let link: Doc<Link> =
        docs::get(p.kv.as_ref(), keys::link(&org, &session_id, &link_id)).await?.ok_or_else(no_link)?;
    let now = p.clock.now();
    if link.value.expires_at.unix_millis() <= now.unix_millis() {
        return Err(no_link());
    }
    let reader = match (link.value.sign_in, opener) {
        (false, _) => embeds::everyone_in(&org),
        (true, Opener::Anyone) => return Err(DomainError::Unauthenticated),
        (true, Opener::Signed(who)) => match directory::actor_in(p, who, &org).await {
            Ok(actor) => emmaus_hub::Reader::of(p, &actor).await?,
            // Someone of another organisation, or no longer a member: the link is not for them.
            Err(DomainError::NotFound(_) | DomainError::Forbidden) => return Err(no_link()),
            Err(other) => return Err(other),
        },
    };
    let session = docs::get::<Session>(p.kv.as_ref(), keys::session(&org, &session_id)).await?.ok_or_else(no_link)?;
    let embeds = embeds::resolve(p, &reader, &session.value.blocks).await?;
    let presenting = presenting(p, &org, &session.value, now).await?;
    let rendered = session
        .value
        .blocks
        .iter()
        .filter(|block| !block.body.trim().is_empty())
        .map(|block| (block.id.clone(), emmaus_hub::markdown::to_html(&block.body)))
        .collect();
    Ok(Followed { session: session.value, embeds, rendered, presenting, expires_at: link.value.expires_at })
}

/// The block being presented, if a facilitator presents one that is still in the outline.
async fn presenting(
    p: &Platform,
    org: &str,
    session: &Session,
    now: Timestamp,
) -> Result<Option<Presenting>, DomainError> {
    let Some(doc) = docs::get::<Presenting>(p.kv.as_ref(), keys::presenting(org, &session.id)).await? else {
        return Ok(None);
    };
    let fresh = now.unix_millis() - doc.value.updated_at.unix_millis() < PRESENTING_MS;
    let present = doc.value.block_id.as_ref().is_some_and(|id| session.blocks.iter().any(|b| &b.id == id));
    Ok((fresh && present).then_some(doc.value))
}

/// Says which block a facilitator presents now (`None`: they stopped); those following by a link
/// see it.
pub async fn present(
    p: &Platform,
    actor: &Actor,
    session_id: &str,
    block_id: Option<String>,
) -> Result<Presenting, DomainError> {
    let doc = changeable(p, actor, session_id).await?;
    if let Some(block) = &block_id
        && !doc.value.blocks.iter().any(|b| &b.id == block)
    {
        // Named rightly, but not in the outline as it is now (another facilitator may have taken it out).
        return Err(DomainError::Conflict("that block is not in the session's outline now; reload it".into()));
    }
    let now = p.clock.now();
    let key = keys::presenting(&actor.org_id, session_id);
    let found = docs::get::<Presenting>(p.kv.as_ref(), key.clone()).await?;
    // The same block again keeps when it came up, so a page that reloads keeps its timer.
    let since = match &found {
        Some(old) if old.value.block_id == block_id => old.value.since,
        _ => now,
    };
    let presenting = Presenting { block_id, since, updated_at: now, by: actor.person_id.clone() };
    let expires = Some((now.unix_millis() + PRESENTING_MS) / 1000);
    let write = match found {
        Some(old) => docs::replace_write(&Doc { value: presenting.clone(), ..old }, expires),
        None => docs::create_write(key, &presenting, expires),
    };
    p.kv.batch(vec![write]).await.map_err(|error| match error {
        KvError::Conflict(_) => {
            DomainError::Conflict("another facilitator moved on at the same time; try again".into())
        }
        other => from_kv(other),
    })?;
    Ok(presenting)
}

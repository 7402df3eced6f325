//! Conversation: those who walk with a person comment on the person's goals, study items and tasks
//! (markdown, shown through the hub's safe renderer), change their own comment for a short while
//! and delete it; each reader sees how many comments by others they have not read.
//!
//! A thread is one goal, study item or task (`goal-<id>`, `item-<id>`, `task-<id>`). Its comments
//! are kept under it (`cmt#<thread>#<id>`: ids grow with time, so a thread lists oldest first in
//! one query), with a summary (`thread#<thread>`) of how many there are and who wrote the last
//! fifty when. What each reader has read is one record per reader and plan (`seen#<reader>`): the
//! newest comment id read in each thread. So counting one's unread comments in a plan is two
//! reads, whatever the number of comments.

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_identity::Actor;
use emmaus_ports::{Key, KvError, Write};

use crate::access::{self, Plan};
use crate::{goals, keys, model, queue, tasks};

/// The longest comment.
pub const MAX_BODY: usize = 4000;
/// The most comments one thread holds.
pub const MAX_COMMENTS: usize = 500;
/// How long after writing it its author may still change a comment.
pub const EDIT_MINUTES: i64 = 15;
/// How many of a thread's latest comments its summary keeps, so unread counts stop there ("50+").
pub const RECENT: usize = 50;
/// How often a write that met another at the same time on a thread's summary is tried again.
const ATTEMPTS: usize = 4;

/// What a thread is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Goal,
    Item,
    Task,
}

impl SubjectKind {
    fn name(self) -> &'static str {
        match self {
            Self::Goal => "goal",
            Self::Item => "item",
            Self::Task => "task",
        }
    }
}

/// A thread: one goal, study item or task of a plan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ThreadId {
    pub kind: SubjectKind,
    pub subject: String,
}

impl ThreadId {
    /// Reads `goal-<id>`, `item-<id>` or `task-<id>`; anything else names no thread.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let missing = || DomainError::NotFound("the conversation".into());
        let (kind, subject) = raw.split_once('-').ok_or_else(missing)?;
        let kind = match kind {
            "goal" => SubjectKind::Goal,
            "item" => SubjectKind::Item,
            "task" => SubjectKind::Task,
            _ => return Err(missing()),
        };
        if !emmaus_domain::validation::plausible_id(subject) {
            return Err(missing());
        }
        Ok(Self { kind, subject: subject.to_owned() })
    }

    pub fn as_text(&self) -> String {
        format!("{}-{}", self.kind.name(), self.subject)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    pub id: String,
    /// The thread, `goal-<id>` and so on.
    pub thread: String,
    pub author_id: String,
    /// Markdown.
    pub body: String,
    pub created_at: Timestamp,
    #[serde(default)]
    pub edited_at: Option<Timestamp>,
}

/// One comment in a thread's summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recent {
    pub id: String,
    pub author_id: String,
    pub at: Timestamp,
}

/// A thread's summary: how many comments it holds and the latest of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ThreadSummary {
    pub thread: String,
    pub count: usize,
    /// The latest comments, oldest first, at most `RECENT`.
    pub recent: Vec<Recent>,
}

/// What one reader has read in one plan: the newest comment id read in each thread.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    pub threads: BTreeMap<String, String>,
}

impl Seen {
    /// The comments by others in `summary` that `reader` has not read (at most `RECENT`).
    pub fn unread(&self, reader: &str, summary: &ThreadSummary) -> usize {
        let read = self.threads.get(&summary.thread).map_or("", String::as_str);
        summary.recent.iter().filter(|c| c.author_id != reader && c.id.as_str() > read).count()
    }
}

/// A thread of a plan as one reader sees it.
#[derive(Debug, Clone)]
pub struct ThreadView {
    pub summary: ThreadSummary,
    pub unread: usize,
}

fn comment_key(plan: &Plan, thread: &ThreadId, id: &str) -> Key {
    Key::new(keys::plan(&plan.org, &plan.person), format!("cmt#{}#{id}", thread.as_text()))
}

fn summary_key(plan: &Plan, thread: &ThreadId) -> Key {
    Key::new(keys::plan(&plan.org, &plan.person), format!("thread#{}", thread.as_text()))
}

/// Where a reader's read marks for a plan are.
pub fn seen_key(org: &str, person: &str, reader: &str) -> Key {
    Key::new(keys::plan(org, person), format!("seen#{reader}"))
}

fn not_found() -> DomainError {
    DomainError::NotFound("the comment".into())
}

fn body(raw: &str) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::invalid("body", "is required"));
    }
    if text.chars().count() > MAX_BODY {
        return Err(DomainError::invalid("body", format!("must be at most {MAX_BODY} characters")));
    }
    Ok(text.to_owned())
}

/// The plan, once the thread's goal, study item or task is one of it.
async fn open(
    p: &Platform,
    actor: &Actor,
    person: &str,
    thread: &ThreadId,
    action: Action,
) -> Result<Plan, DomainError> {
    let plan = access::open(p, actor, person, action).await?;
    match thread.kind {
        SubjectKind::Goal => goals::load(p, &plan, &thread.subject).await.map(|_| ())?,
        SubjectKind::Item => queue::load(p, &plan, &thread.subject).await.map(|_| ())?,
        SubjectKind::Task => tasks::load(p, &plan, &thread.subject).await.map(|_| ())?,
    }
    Ok(plan)
}

/// A comment with its author's name (none for someone no longer a member).
#[derive(Debug, Clone)]
pub struct CommentView {
    pub comment: Doc<Comment>,
    pub author_name: Option<String>,
}

/// The thread's comments, oldest first, with their authors' names (one batch read).
pub async fn list(
    p: &Platform,
    actor: &Actor,
    person: &str,
    thread: &ThreadId,
) -> Result<Vec<CommentView>, DomainError> {
    let plan = open(p, actor, person, thread, Action::PlannerRead).await?;
    let comments: Vec<Doc<Comment>> = docs::all(
        p.kv.as_ref(),
        &keys::plan(&plan.org, &plan.person),
        &format!("cmt#{}#", thread.as_text()),
        MAX_COMMENTS,
    )
    .await?;
    let mut authors: Vec<(String, crate::people::Relation)> = Vec::new();
    for comment in &comments {
        if !authors.iter().any(|(id, _)| *id == comment.value.author_id) {
            authors.push((comment.value.author_id.clone(), crate::people::Relation::Member));
        }
    }
    let names: BTreeMap<String, String> = crate::people::named(p, &plan.org, &authors)
        .await?
        .into_iter()
        .map(|person| (person.person_id, person.display_name))
        .collect();
    Ok(comments
        .into_iter()
        .map(|comment| CommentView { author_name: names.get(&comment.value.author_id).cloned(), comment })
        .collect())
}

/// Every thread of the person's plan with comments, with what `actor` has not read in each.
pub async fn threads(p: &Platform, actor: &Actor, person: &str) -> Result<Vec<ThreadView>, DomainError> {
    let plan = access::open(p, actor, person, Action::PlannerRead).await?;
    let seen = seen_of(p, &plan, &actor.person_id).await?;
    Ok(summaries(p, &plan)
        .await?
        .into_iter()
        .map(|summary| ThreadView { unread: seen.unread(&actor.person_id, &summary), summary })
        .collect())
}

/// The summaries of every thread of `plan` (one query).
pub(crate) async fn summaries(p: &Platform, plan: &Plan) -> Result<Vec<ThreadSummary>, DomainError> {
    let found: Vec<Doc<ThreadSummary>> = docs::all(
        p.kv.as_ref(),
        &keys::plan(&plan.org, &plan.person),
        "thread#",
        model::MAX_GOALS + model::MAX_QUEUE + model::MAX_TASKS,
    )
    .await?;
    Ok(found.into_iter().map(|doc| doc.value).filter(|summary| summary.count > 0).collect())
}

async fn seen_of(p: &Platform, plan: &Plan, reader: &str) -> Result<Seen, DomainError> {
    Ok(docs::get(p.kv.as_ref(), seen_key(&plan.org, &plan.person, reader))
        .await?
        .map(|doc: Doc<Seen>| doc.value)
        .unwrap_or_default())
}

/// Adds a comment to the thread, by someone who may comment on the plan.
pub async fn add(
    p: &Platform,
    actor: &Actor,
    person: &str,
    thread: &ThreadId,
    text: &str,
) -> Result<Doc<Comment>, DomainError> {
    let plan = open(p, actor, person, thread, Action::PlannerComment).await?;
    let comment = Comment {
        id: p.ids.new_id(),
        thread: thread.as_text(),
        author_id: actor.person_id.clone(),
        body: body(text)?,
        created_at: p.clock.now(),
        edited_at: None,
    };
    let key = comment_key(&plan, thread, &comment.id);
    for _ in 0..ATTEMPTS {
        let (_, write) = summary_change(p, &plan, thread, |summary| {
            if summary.count >= MAX_COMMENTS {
                return Err(DomainError::Conflict(format!("a conversation holds at most {MAX_COMMENTS} comments")));
            }
            summary.count += 1;
            summary.recent.push(Recent {
                id: comment.id.clone(),
                author_id: comment.author_id.clone(),
                at: comment.created_at,
            });
            if summary.recent.len() > RECENT {
                summary.recent.remove(0);
            }
            Ok(())
        })
        .await?;
        match p.kv.batch(vec![docs::create_write(key.clone(), &comment, None), write]).await {
            Ok(()) => return Ok(Doc { key, value: comment, version: 1 }),
            // Another comment changed the summary meanwhile: read it again.
            Err(KvError::Conflict(_)) => {}
            Err(other) => return Err(emmaus_app::error::from_kv(other)),
        }
    }
    Err(busy())
}

fn busy() -> DomainError {
    DomainError::Conflict("the conversation was busy; try again".into())
}

/// The thread's summary after `change`, and the write that stores it at the version read.
async fn summary_change(
    p: &Platform,
    plan: &Plan,
    thread: &ThreadId,
    change: impl FnOnce(&mut ThreadSummary) -> Result<(), DomainError>,
) -> Result<(ThreadSummary, Write), DomainError> {
    let key = summary_key(plan, thread);
    let found: Option<Doc<ThreadSummary>> = docs::get(p.kv.as_ref(), key.clone()).await?;
    let (mut summary, version) = match found {
        Some(doc) => (doc.value, Some(doc.version)),
        None => (ThreadSummary { thread: thread.as_text(), ..ThreadSummary::default() }, None),
    };
    change(&mut summary)?;
    let write = match version {
        Some(version) => docs::replace_write(&Doc { key, value: summary.clone(), version }, None),
        None => docs::create_write(key, &summary, None),
    };
    Ok((summary, write))
}

/// The comment `id` of the thread, which `actor` wrote and may still comment on the plan.
async fn own(
    p: &Platform,
    actor: &Actor,
    person: &str,
    thread: &ThreadId,
    id: &str,
) -> Result<(Plan, Doc<Comment>), DomainError> {
    let plan = open(p, actor, person, thread, Action::PlannerRead).await?;
    if !emmaus_domain::validation::plausible_id(id) {
        return Err(not_found());
    }
    let comment: Doc<Comment> =
        docs::get(p.kv.as_ref(), comment_key(&plan, thread, id)).await?.ok_or_else(not_found)?;
    if comment.value.author_id != actor.person_id || !access::allowed(p, actor, &plan, Action::PlannerComment).await? {
        return Err(DomainError::Forbidden);
    }
    Ok((plan, comment))
}

/// Changes one's own comment, read at `version`, within `EDIT_MINUTES` of writing it.
pub async fn edit(
    p: &Platform,
    actor: &Actor,
    person: &str,
    thread: &ThreadId,
    id: &str,
    version: u64,
    text: &str,
) -> Result<Doc<Comment>, DomainError> {
    let (_, mut comment) = own(p, actor, person, thread, id).await?;
    let now = p.clock.now();
    comment.value.body = body(text)?;
    if now.unix_millis() - comment.value.created_at.unix_millis() > EDIT_MINUTES * 60_000 {
        return Err(DomainError::Conflict(format!(
            "a comment can be changed for {EDIT_MINUTES} minutes after it is written; write a new one instead"
        )));
    }
    if comment.version != version {
        return Err(goals::stale("comment"));
    }
    comment.value.edited_at = Some(now);
    let new_version =
        p.kv.put_if_version(comment.key.clone(), docs::encode(&comment.value), comment.version, None).await.map_err(
            |error| match error {
                KvError::Conflict(_) => goals::stale("comment"),
                other => emmaus_app::error::from_kv(other),
            },
        )?;
    comment.version = new_version;
    Ok(comment)
}

/// Deletes one's own comment; it leaves the thread's count and its unread counts.
pub async fn delete(p: &Platform, actor: &Actor, person: &str, thread: &ThreadId, id: &str) -> Result<(), DomainError> {
    let (plan, comment) = own(p, actor, person, thread, id).await?;
    for _ in 0..ATTEMPTS {
        let (_, write) = summary_change(p, &plan, thread, |summary| {
            summary.count = summary.count.saturating_sub(1);
            summary.recent.retain(|c| c.id != comment.value.id);
            Ok(())
        })
        .await?;
        let gone = Write::DeleteIfVersion { key: comment.key.clone(), expected: comment.version };
        match p.kv.batch(vec![gone, write]).await {
            Ok(()) => return Ok(()),
            Err(KvError::Conflict(_)) => {
                // Gone already (deleted at the same time), or the summary moved on: look again.
                if docs::get::<Comment>(p.kv.as_ref(), comment.key.clone()).await?.is_none() {
                    return Ok(());
                }
            }
            Err(other) => return Err(emmaus_app::error::from_kv(other)),
        }
    }
    Err(busy())
}

/// Marks the thread read by `actor`, up to its newest comment.
pub async fn mark_read(p: &Platform, actor: &Actor, person: &str, thread: &ThreadId) -> Result<(), DomainError> {
    let plan = open(p, actor, person, thread, Action::PlannerRead).await?;
    let Some(summary) = docs::get::<ThreadSummary>(p.kv.as_ref(), summary_key(&plan, thread)).await? else {
        return Ok(());
    };
    let Some(newest) = summary.value.recent.last().map(|c| c.id.clone()) else { return Ok(()) };
    let key = seen_key(&plan.org, &plan.person, &actor.person_id);
    for _ in 0..ATTEMPTS {
        let found: Option<Doc<Seen>> = docs::get(p.kv.as_ref(), key.clone()).await?;
        let (mut seen, version) = match found {
            Some(doc) => (doc.value, Some(doc.version)),
            None => (Seen::default(), None),
        };
        let text = thread.as_text();
        if seen.threads.get(&text).is_some_and(|read| *read >= newest) {
            return Ok(());
        }
        seen.threads.insert(text, newest.clone());
        let write = match version {
            Some(version) => docs::replace_write(&Doc { key: key.clone(), value: seen, version }, None),
            None => docs::create_write(key.clone(), &seen, None),
        };
        match p.kv.batch(vec![write]).await {
            Ok(()) => return Ok(()),
            Err(KvError::Conflict(_)) => {}
            Err(other) => return Err(emmaus_app::error::from_kv(other)),
        }
    }
    Err(busy())
}

//! The shapes of blocks and template slots in the API, shared by templates and sessions.

use emmaus_sessions::embeds::{ResourceCard, Shown};
use emmaus_sessions::model::{Block, BlockInput, BlockKind, Show, Slot};

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockKindView {
    Heading,
    Text,
    Scripture,
    Question,
    Activity,
    Prayer,
    Resource,
}

impl From<BlockKind> for BlockKindView {
    fn from(kind: BlockKind) -> Self {
        match kind {
            BlockKind::Heading => Self::Heading,
            BlockKind::Text => Self::Text,
            BlockKind::Scripture => Self::Scripture,
            BlockKind::Question => Self::Question,
            BlockKind::Activity => Self::Activity,
            BlockKind::Prayer => Self::Prayer,
            BlockKind::Resource => Self::Resource,
        }
    }
}

impl From<BlockKindView> for BlockKind {
    fn from(kind: BlockKindView) -> Self {
        match kind {
            BlockKindView::Heading => Self::Heading,
            BlockKindView::Text => Self::Text,
            BlockKindView::Scripture => Self::Scripture,
            BlockKindView::Question => Self::Question,
            BlockKindView::Activity => Self::Activity,
            BlockKindView::Prayer => Self::Prayer,
            BlockKindView::Resource => Self::Resource,
        }
    }
}

/// How a hub resource shows: as it is now, or with the first part of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShowView {
    Live,
    Excerpt,
}

impl From<Show> for ShowView {
    fn from(show: Show) -> Self {
        match show {
            Show::Live => Self::Live,
            Show::Excerpt => Self::Excerpt,
        }
    }
}

impl From<ShowView> for Show {
    fn from(show: ShowView) -> Self {
        match show {
            ShowView::Live => Self::Live,
            ShowView::Excerpt => Self::Excerpt,
        }
    }
}

/// A place in a template: a kind of block, a title (a heading's is required) and planned minutes.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SlotView {
    pub kind: BlockKindView,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: String,
    /// 0 to 600.
    #[serde(default)]
    #[schema(maximum = 600)]
    pub minutes: u32,
}

impl From<Slot> for SlotView {
    fn from(slot: Slot) -> Self {
        Self { kind: slot.kind.into(), title: slot.title, minutes: slot.minutes }
    }
}

impl From<SlotView> for Slot {
    fn from(slot: SlotView) -> Self {
        Self { kind: slot.kind.into(), title: slot.title, minutes: slot.minutes }
    }
}

/// A hub resource as the reader sees it, now or as pinned.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CardView {
    /// `note`, `link` or `file`.
    pub kind: String,
    pub title: String,
    pub description: String,
    /// A link's address.
    pub url: Option<String>,
    /// A file's name.
    pub file_name: Option<String>,
    /// The first part of its text, for an excerpt or a pinned copy.
    pub excerpt: Option<String>,
}

fn card(card: ResourceCard) -> CardView {
    let kind = match card.kind {
        emmaus_domain::hub::ResourceKind::Note => "note",
        emmaus_domain::hub::ResourceKind::Link => "link",
        emmaus_domain::hub::ResourceKind::File => "file",
    };
    CardView {
        kind: kind.to_owned(),
        title: card.title,
        description: card.description,
        url: card.url,
        file_name: card.file_name,
        excerpt: card.excerpt,
    }
}

/// A hub resource in a block.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct EmbedView {
    /// None when the resource is not available to the reader: nothing of it is told, not even
    /// its id; an outline saved back without one keeps the block's resource as it was.
    pub resource_id: Option<String>,
    pub show: ShowView,
    /// Whether the block keeps a copy of the resource as it was when pinned.
    pub pinned: bool,
    /// RFC 3339, when it was pinned.
    pub pinned_at: Option<String>,
    /// What the reader sees of it; none when it is not available to them (nothing of it is told).
    pub card: Option<CardView>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BlockView {
    pub id: String,
    pub kind: BlockKindView,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// A passage's reference.
    pub reference: Option<String>,
    pub minutes: u32,
    /// Nested under the heading above it.
    pub nested: bool,
    pub embed: Option<EmbedView>,
}

pub fn block_view(block: Block, shown: Option<&Shown>) -> BlockView {
    let embed = block.embed.map(|embed| {
        let card = match shown {
            Some(Shown::Resource(c)) => Some(card(c.clone())),
            _ => None,
        };
        EmbedView {
            resource_id: card.as_ref().map(|_| embed.resource_id),
            show: embed.show.into(),
            pinned: embed.pinned.is_some(),
            pinned_at: embed.pinned.map(|pin| crate::rfc3339(pin.pinned_at)),
            card,
        }
    });
    BlockView {
        id: block.id,
        kind: block.kind.into(),
        title: block.title,
        body: block.body,
        reference: block.reference,
        minutes: block.minutes,
        nested: block.nested,
        embed,
    }
}

/// A block as the composer saves it.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct BlockBody {
    /// Chosen by the composer, unique in the session: 1 to 64 letters, digits, `-` or `_`.
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub id: String,
    pub kind: BlockKindView,
    /// A heading's text (required for a heading); an optional short title for the others.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub title: String,
    /// Markdown, at most 20,000 characters; a heading has none.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub body: String,
    /// A scripture passage's reference, such as "John 3:16-21".
    #[schema(max_length = 200)]
    pub reference: Option<String>,
    /// Planned minutes, 0 to 600.
    #[serde(default)]
    #[schema(maximum = 600)]
    pub minutes: u32,
    /// Nested under the heading above it.
    #[serde(default)]
    pub nested: bool,
    /// A resource block's hub resource.
    pub resource_id: Option<String>,
    /// How a resource shows; live by default.
    pub show: Option<ShowView>,
    /// Keep a copy of the resource as it is now (kept while the block keeps the same resource).
    #[serde(default)]
    pub pin: bool,
}

impl From<BlockBody> for BlockInput {
    fn from(body: BlockBody) -> Self {
        Self {
            id: body.id,
            kind: body.kind.into(),
            title: body.title,
            body: body.body,
            reference: body.reference,
            minutes: body.minutes,
            nested: body.nested,
            resource_id: body.resource_id,
            show: body.show.map_or(Show::Live, Into::into),
            pin: body.pin,
        }
    }
}

//! What a written-out session needs from storage: the session as its reader sees it with the
//! names to print, the pictures of the hub files it shows (read only for a reader who sees them),
//! and the fonts installed for printing, kept in object storage under `fonts/` so that no font is
//! compiled into a component and an operator chooses the scripts their people write in.

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_identity::Actor;
use emmaus_ports::{BlobError, BlobKey, BlobStore};

use crate::embeds::{PictureKind, Shown};
use crate::export::Printable;
use crate::model::Audience;
use crate::sessions::{self, SessionView};

/// Where the fonts for printing are kept.
pub const FONTS_PREFIX: &str = "fonts/";
/// The most font files read, and their largest total: a CJK collection is about 20 MB.
pub const MAX_FONTS: usize = 24;
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;
/// The most pictures one document holds, and the largest one read.
pub const MAX_PICTURES: usize = 20;
pub const MAX_PICTURE_BYTES: u64 = 8 * 1024 * 1024;

/// A session gathered for writing out.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub view: SessionView,
    pub facilitators: Vec<String>,
    pub audience: String,
}

impl Gathered {
    pub fn printable(&self) -> Printable<'_> {
        Printable {
            session: &self.view.doc.value,
            embeds: &self.view.embeds,
            facilitators: self.facilitators.clone(),
            audience: self.audience.clone(),
        }
    }
}

/// The session `id` as the caller reads it, with its facilitators' and audience's names.
pub async fn gather(p: &Platform, actor: &Actor, id: &str) -> Result<Gathered, DomainError> {
    let view = sessions::get(p, actor, id).await?;
    let session = &view.doc.value;
    let mut facilitators = Vec::new();
    for person in &session.facilitators {
        facilitators.push(name_of(p, person).await?);
    }
    let audience = match &session.audience {
        Audience::Open => "Open".to_owned(),
        Audience::Person { person_id } => name_of(p, person_id).await?,
        Audience::Group { group_id } => {
            let group: Option<Doc<emmaus_domain::identity::Group>> =
                docs::get(p.kv.as_ref(), emmaus_identity::keys::group(&actor.org_id, group_id)).await?;
            group.map_or_else(|| "A group that was removed".to_owned(), |g| format!("The group {}", g.value.name))
        }
    };
    Ok(Gathered { view, facilitators, audience })
}

async fn name_of(p: &Platform, person: &str) -> Result<String, DomainError> {
    Ok(emmaus_identity::directory::person(p, person)
        .await?
        .map_or_else(|| "Someone who has left".to_owned(), |doc| doc.value.display_name))
}

/// The pictures of the hub files the reader sees in the session, by block id: PNG and JPEG files
/// up to 8 MB, at most 20.
pub async fn pictures(
    p: &Platform,
    org: &str,
    gathered: &Gathered,
) -> Result<BTreeMap<String, (PictureKind, Vec<u8>)>, DomainError> {
    let mut out = BTreeMap::new();
    for block in &gathered.view.doc.value.blocks {
        if out.len() == MAX_PICTURES {
            break;
        }
        let (Some(embed), Some(Shown::Resource(card))) = (&block.embed, gathered.view.embeds.get(&block.id)) else {
            continue;
        };
        let Some(kind) = card.picture else { continue };
        let key = emmaus_hub::files::original(org, &embed.resource_id)?;
        match p.blobs.head_if_present(&key).await.map_err(emmaus_app::error::from_blob)? {
            Some(meta) if meta.size <= MAX_PICTURE_BYTES => {}
            _ => continue,
        }
        let blob = p.blobs.get(&key).await.map_err(emmaus_app::error::from_blob)?;
        out.insert(block.id.clone(), (kind, blob.bytes));
    }
    Ok(out)
}

/// The fonts installed for printing, in the order of their names: the first is the text's own,
/// the others its fallbacks. `Misconfigured` when none is installed.
pub async fn fonts(p: &Platform) -> Result<Vec<Vec<u8>>, DomainError> {
    let listed = installed_fonts(p.blobs.as_ref()).await?;
    let mut out = Vec::new();
    let mut total = 0;
    for (key, size) in listed.into_iter().take(MAX_FONTS) {
        total += size;
        if total > MAX_FONT_BYTES {
            tracing::warn!(
                limit = MAX_FONT_BYTES,
                "the fonts for printing are larger than read at once; the rest are left out"
            );
            break;
        }
        let key = BlobKey::parse(key).map_err(emmaus_app::error::from_blob)?;
        out.push(p.blobs.get(&key).await.map_err(emmaus_app::error::from_blob)?.bytes);
    }
    if out.is_empty() {
        return Err(DomainError::Misconfigured {
            what: "printing (PDF and DOCX)".into(),
            reason: format!(
                "no fonts under {FONTS_PREFIX} in the blob store; install some with `emmaus fonts add` or the fonts route (docs/operations.md)"
            ),
        });
    }
    Ok(out)
}

/// The font files installed, by key, with their sizes.
pub async fn installed_fonts(blobs: &dyn BlobStore) -> Result<Vec<(String, u64)>, DomainError> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = blobs.list(FONTS_PREFIX, cursor.as_deref(), 100).await.map_err(emmaus_app::error::from_blob)?;
        out.extend(page.items.into_iter().map(|meta| (meta.key.as_str().to_owned(), meta.size)));
        match page.next {
            Some(next) if out.len() < 1000 => cursor = Some(next),
            _ => break,
        }
    }
    out.sort();
    Ok(out)
}

/// Installs a font file for printing under `name` (its file name: letters, digits, `-`, `_` and
/// `.`, ending in `.ttf`, `.otf` or `.ttc`), once its bytes are seen to be a font.
pub async fn install_font(blobs: &dyn BlobStore, name: &str, bytes: Vec<u8>) -> Result<String, DomainError> {
    let plain = !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with('.');
    let extension = std::path::Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !plain || !matches!(extension.as_deref(), Some("ttf" | "otf" | "ttc")) {
        return Err(DomainError::invalid(
            "name",
            "must be a file name of letters, digits, '-', '_' and '.' ending in .ttf, .otf or .ttc",
        ));
    }
    // TrueType 1.0, OpenType with CFF outlines, 'true' (old Apple), and collections.
    let font = [&b"\x00\x01\x00\x00"[..], b"OTTO", b"true", b"ttcf"].iter().any(|magic| bytes.starts_with(magic));
    if !font {
        return Err(DomainError::invalid("font", "is not a TrueType or OpenType font, nor a collection of them"));
    }
    if bytes.len() as u64 > MAX_FONT_BYTES {
        return Err(DomainError::TooLarge { what: "a font".into(), limit: MAX_FONT_BYTES });
    }
    let key = BlobKey::parse(format!("{FONTS_PREFIX}{name}")).map_err(emmaus_app::error::from_blob)?;
    blobs.put(&key, bytes, "font/sfnt").await.map_err(|error| match error {
        BlobError::TooLarge { .. } => DomainError::TooLarge { what: "a font".into(), limit: blobs.max_size() },
        other => emmaus_app::error::from_blob(other),
    })?;
    Ok(key.as_str().to_owned())
}

//! A vault note as people read it: its wikilinks, markdown links to other files of the vault and
//! embeds resolved through the vault's name lists (`super`) to the resources they mean, for the
//! reader's eyes only: a target the reader may not see, or one not imported yet, shows as plain
//! text marked unresolved, and never as its title or address.
//!
//! The note is rendered by the same `CommonMark` renderer as any other (raw HTML escaped, unsafe
//! addresses dropped). Each Obsidian construct is first replaced by a marker of two private-use
//! characters around a number (the same characters in the note itself are replaced beforehand, so
//! no marker can be forged), and the markers in the rendered HTML are then replaced by HTML built
//! here, every piece of text in it escaped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::hub::{ContentKind, ResourceKind};
use emmaus_obsidian::frontmatter;

use crate::markdown::escape;
use emmaus_obsidian::path::VaultPath;
use emmaus_obsidian::resolve::{Resolution, lookup_name, resolve};
use emmaus_obsidian::syntax::{self, LinkToken};
use emmaus_ports::Key;

use super::{Named, alias_key, alias_name, keyable, name_key};
use crate::access::Reader;
use crate::model::{FileStatus, Resource};
use crate::{keys, notes};

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
/// How deep embedded notes nest; deeper embeds show as links.
const MAX_DEPTH: usize = 2;
/// The most distinct targets one note's links are resolved for; links past them show unresolved.
const MAX_TARGETS: usize = 500;
/// The prefix of heading anchors, so a heading never takes an id the page already uses.
pub const HEADING_PREFIX: &str = "h-";

/// The links of one vault note, resolved through its vault's name and alias lists.
pub(crate) struct Resolver {
    source: VaultPath,
    names: BTreeMap<String, Named>,
    aliases: BTreeMap<String, Named>,
}

impl Resolver {
    /// Reads the lists `targets` (link paths as written) may be found in: two keys per target, in
    /// batches of a hundred.
    pub(crate) async fn load<'a>(
        p: &Platform,
        org: &str,
        vault: &str,
        source: VaultPath,
        targets: impl Iterator<Item = &'a str>,
    ) -> Result<Self, DomainError> {
        let mut wanted: BTreeSet<(bool, String)> = BTreeSet::new();
        for target in targets {
            if wanted.len() >= MAX_TARGETS * 2 {
                break;
            }
            let name = lookup_name(target);
            if keyable(&name) {
                wanted.insert((false, name));
            }
            let alias = alias_name(target);
            if keyable(&alias) {
                wanted.insert((true, alias));
            }
        }
        let keys: Vec<(bool, String, Key)> = wanted
            .into_iter()
            .map(|(alias, name)| {
                let key = if alias { alias_key(org, vault, &name) } else { name_key(org, vault, &name) };
                (alias, name, key)
            })
            .collect();
        let mut resolver = Self { source, names: BTreeMap::new(), aliases: BTreeMap::new() };
        let asked: Vec<Key> = keys.iter().map(|(_, _, key)| key.clone()).collect();
        let found = docs::get_items(p.kv.as_ref(), &asked).await?;
        for ((alias, name, _), item) in keys.into_iter().zip(found) {
            let Some(item) = item else { continue };
            let doc: Doc<Named> = docs::from_item(item)?;
            if alias {
                resolver.aliases.insert(name, doc.value)
            } else {
                resolver.names.insert(name, doc.value)
            };
        }
        Ok(resolver)
    }

    /// The resource a link's target means, by Obsidian's rule, or `None`.
    pub(crate) fn resolve(&self, target: &str) -> Option<String> {
        if target.trim().is_empty() {
            return None;
        }
        let paths = |list: Option<&Named>| -> Vec<VaultPath> {
            list.map(|named| named.files.iter().filter_map(|f| VaultPath::parse(&f.path).ok()).collect())
                .unwrap_or_default()
        };
        let by_name_list = self.names.get(&lookup_name(target));
        let by_alias_list = self.aliases.get(&alias_name(target));
        let found = match resolve(target, &self.source, &paths(by_name_list), &paths(by_alias_list)) {
            Resolution::Found { path, .. } => path,
            Resolution::Missing => return None,
        };
        by_name_list
            .into_iter()
            .chain(by_alias_list)
            .flat_map(|named| named.files.iter())
            .find(|file| file.path == found.as_str())
            .map(|file| file.resource_id.clone())
    }
}

/// The resources a vault note's links and embeds lead to (for its backlinks), in order and each
/// once, at most `max`.
pub(crate) async fn linked_ids(
    p: &Platform,
    resource: &Resource,
    text: &str,
    max: usize,
) -> Result<Vec<String>, DomainError> {
    let Some(link) = &resource.vault else { return Ok(Vec::new()) };
    let Ok(source) = VaultPath::parse(&link.path) else { return Ok(Vec::new()) };
    let body = frontmatter::split(text).body;
    let scan = syntax::scan(body);
    let targets = scan.links.iter().map(|l| l.target.path.as_str()).filter(|t| !t.is_empty());
    let resolver = Resolver::load(p, &resource.org_id, &link.vault_id, source, targets).await?;
    let mut out: Vec<String> = Vec::new();
    for token in &scan.links {
        if let Some(id) = resolver.resolve(&token.target.path)
            && id != resource.id
            && !out.contains(&id)
        {
            out.push(id);
            if out.len() == max {
                break;
            }
        }
    }
    Ok(out)
}

/// A note's text as HTML for `reader`: a vault note with its links resolved, any other as
/// markdown alone.
pub async fn note_html(
    p: &Platform,
    reader: &Reader,
    resource: &Resource,
    body: Option<&str>,
) -> Result<Option<String>, DomainError> {
    let Some(body) = body else { return Ok(None) };
    if resource.vault.is_none() {
        return Ok(Some(crate::markdown::to_html(body)));
    }
    render(p, reader, resource, body.to_owned(), 0).await.map(Some)
}

/// What a link's target turned out to be, for this reader.
enum Target {
    /// A resource the reader sees.
    Seen(Box<Resource>),
    /// Not in the library, or not for this reader: shown as plain text, the same either way.
    Unseen,
}

type Rendered<'a> = Pin<Box<dyn Future<Output = Result<String, DomainError>> + Send + 'a>>;

fn render<'a>(p: &'a Platform, reader: &'a Reader, resource: &'a Resource, text: String, depth: usize) -> Rendered<'a> {
    Box::pin(async move {
        let link = resource.vault.as_ref().expect("vault notes only");
        let body = frontmatter::split(&text).body;
        let scan = syntax::scan(body);
        let source =
            VaultPath::parse(&link.path).unwrap_or_else(|_| VaultPath::parse("note.md").expect("a plain path"));
        let targets = scan.links.iter().map(|l| l.target.path.as_str()).filter(|t| !t.is_empty());
        let resolver = Resolver::load(p, reader.org(), &link.vault_id, source, targets).await?;
        // Each link resolved once: the resources are read for these ids, and each link shows its own.
        let link_ids: Vec<Option<String>> = scan.links.iter().map(|l| resolver.resolve(&l.target.path)).collect();
        let targets = load_targets(p, reader, &link_ids).await?;

        // The markdown with every construct replaced by a marker, and the HTML each marker becomes.
        let mut marked = String::with_capacity(body.len() + 64);
        let mut pieces: Vec<String> = Vec::new();
        let mut spans: Vec<(std::ops::Range<usize>, Piece)> = Vec::new();
        spans.extend(
            scan.links.iter().zip(&link_ids).map(|(token, id)| (token.span.clone(), Piece::Link(token, id.as_deref()))),
        );
        spans.extend(scan.tags.iter().map(|tag| (tag.span.clone(), Piece::Tag(&tag.name))));
        spans.extend(scan.blocks.iter().map(|block| (block.span.clone(), Piece::Block(&block.id))));
        spans.sort_by_key(|(span, _)| span.start);
        let mut at = 0;
        for (span, piece) in spans {
            if span.start < at {
                continue;
            }
            push_clean(&mut marked, &body[at..span.start]);
            let html = match piece {
                Piece::Link(token, id) => {
                    let target = id.and_then(|id| match targets.get(id) {
                        Some(Target::Seen(found)) => Some(found.as_ref()),
                        _ => None,
                    });
                    link_html(p, reader, token, target, depth).await?
                }
                Piece::Tag(name) => tag_html(name),
                Piece::Block(id) => format!("<span id=\"block-{}\" class=\"block-anchor\"></span>", escape(id)),
            };
            let _ = write!(marked, "{OPEN}{}{CLOSE}", pieces.len());
            pieces.push(html);
            at = span.end;
        }
        push_clean(&mut marked, &body[at..]);
        let html = crate::markdown::to_html_with_heading_ids(&marked, HEADING_PREFIX);
        Ok(replace_markers(&html, &pieces))
    })
}

enum Piece<'a> {
    /// A link, with the resource it resolved to.
    Link(&'a LinkToken, Option<&'a str>),
    Tag(&'a str),
    Block(&'a str),
}

/// Copies note text, replacing the marker characters so none can be forged.
fn push_clean(out: &mut String, text: &str) {
    for c in text.chars() {
        out.push(if c == OPEN || c == CLOSE { '\u{FFFD}' } else { c });
    }
}

/// The resources the links resolved to, each read once, and what each is for this reader.
async fn load_targets(
    p: &Platform,
    reader: &Reader,
    resolved: &[Option<String>],
) -> Result<BTreeMap<String, Target>, DomainError> {
    let ids: BTreeSet<String> = resolved.iter().flatten().cloned().collect();
    let ids: Vec<String> = ids.into_iter().collect();
    let asked: Vec<Key> = ids.iter().map(|id| keys::resource(reader.org(), id)).collect();
    let found = docs::get_items(p.kv.as_ref(), &asked).await?;
    let mut out = BTreeMap::new();
    for (id, item) in ids.into_iter().zip(found) {
        let target = match item {
            Some(item) => {
                let doc: Doc<Resource> = docs::from_item(item)?;
                if shown(reader, &doc.value) { Target::Seen(Box::new(doc.value)) } else { Target::Unseen }
            }
            None => Target::Unseen,
        };
        out.insert(id, target);
    }
    Ok(out)
}

/// Whether a linked resource is one the reader can open: live, visible to them, and for a file,
/// with its bytes accepted.
fn shown(reader: &Reader, resource: &Resource) -> bool {
    resource.deleted.is_none()
        && reader.may_see(resource)
        && resource.file.as_ref().is_none_or(|file| matches!(file.status, FileStatus::Ready { .. }))
}

/// The anchor a link's heading or block fragment opens.
fn fragment(token: &LinkToken) -> String {
    if let Some(block) = &token.target.block {
        format!("#block-{}", escape(block))
    } else if let Some(heading) = &token.target.heading {
        format!("#{HEADING_PREFIX}{}", escape(&comrak::Anchorizer::new().anchorize(heading)))
    } else {
        String::new()
    }
}

/// The text a link shows: its label, else its target as written (with the heading).
fn label(token: &LinkToken) -> String {
    if let Some(label) = token.target.label.as_ref().filter(|l| !l.trim().is_empty()) {
        return label.clone();
    }
    let target = &token.target;
    let name = target.path.rsplit('/').next().unwrap_or(&target.path);
    let name = name.strip_suffix(".md").unwrap_or(name);
    match (&target.heading, &target.block) {
        (Some(heading), _) if name.is_empty() => heading.clone(),
        (Some(heading), _) => format!("{name} › {heading}"),
        (None, Some(block)) if name.is_empty() => format!("^{block}"),
        _ => name.to_owned(),
    }
}

async fn link_html(
    p: &Platform,
    reader: &Reader,
    token: &LinkToken,
    target: Option<&Resource>,
    depth: usize,
) -> Result<String, DomainError> {
    let text = escape(&label(token));
    if token.target.path.trim().is_empty() {
        // A link within the note itself.
        if token.embed {
            return Ok(format!("<span class=\"wikilink wikilink--unresolved\">{text}</span>"));
        }
        return Ok(format!("<a class=\"wikilink\" href=\"{}\">{text}</a>", fragment(token)));
    }
    let Some(target) = target else {
        let class = if token.embed { "embed embed--missing" } else { "wikilink wikilink--unresolved" };
        return Ok(format!("<span class=\"{class}\" title=\"Not in the library\">{text}</span>"));
    };
    let href = format!("/hub/{}{}", escape(&target.id), fragment(token));
    if !token.embed {
        return Ok(format!("<a class=\"wikilink\" href=\"{href}\">{text}</a>"));
    }
    match (&target.kind, target.file.as_ref().map(|f| &f.status)) {
        (ResourceKind::File, Some(FileStatus::Ready { kind })) if is_picture(*kind) => {
            let url = crate::files::inline_url(p, target).await?;
            let mut size = String::new();
            if let Some((width, height)) = token.target.size {
                let _ = write!(size, " width=\"{width}\"");
                if let Some(height) = height {
                    let _ = write!(size, " height=\"{height}\"");
                }
            }
            let alt = escape(token.target.label.as_deref().unwrap_or(&target.title));
            Ok(format!(
                "<a class=\"embed embed--image\" href=\"{href}\"><img src=\"{}\" alt=\"{alt}\"{size} loading=\"lazy\"></a>",
                escape(&url)
            ))
        }
        (ResourceKind::Note, _) if depth < MAX_DEPTH && target.vault.is_some() => {
            let text = notes::text(p, target).await?;
            let body = frontmatter::split(&text).body;
            let part = match (&token.target.heading, &token.target.block) {
                (_, Some(block)) => syntax::block(body, block).map(str::to_owned),
                (Some(heading), None) => syntax::section(body, heading).map(str::to_owned),
                (None, None) => Some(body.to_owned()),
            };
            let inner = match part {
                Some(part) => render(p, reader, target, part, depth + 1).await?,
                None => format!("<p class=\"muted\">{text} is not in the note any more.</p>"),
            };
            Ok(format!(
                "<div class=\"embed embed--note\"><p class=\"embed__source\"><a href=\"{href}\">{}</a></p>{inner}</div>",
                escape(&target.title)
            ))
        }
        _ => Ok(format!("<a class=\"embed embed--file\" href=\"{href}\">{}</a>", escape(&target.title))),
    }
}

fn is_picture(kind: ContentKind) -> bool {
    matches!(kind, ContentKind::Png | ContentKind::Jpeg | ContentKind::Gif | ContentKind::Webp)
}

fn tag_html(name: &str) -> String {
    let query: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("<a class=\"tag\" href=\"/hub?tag={}\">#{}</a>", escape(&query), escape(name))
}

/// Replaces each marker in `html` by its piece; a marker alone in a paragraph (an embedded note
/// on its own line) replaces the paragraph, so a block is not put inside one.
fn replace_markers(html: &str, pieces: &[String]) -> String {
    let mut out = String::with_capacity(html.len() + pieces.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        let Some(piece) = after[..end].parse::<usize>().ok().and_then(|n| pieces.get(n)) else {
            out.push_str(&rest[..start + OPEN.len_utf8()]);
            rest = after;
            continue;
        };
        let before = &rest[..start];
        let tail = &after[end + CLOSE.len_utf8()..];
        if piece.starts_with("<div") && before.ends_with("<p>") && tail.starts_with("</p>") {
            out.push_str(&before[..before.len() - 3]);
            out.push_str(piece);
            rest = &tail[4..];
        } else {
            out.push_str(before);
            out.push_str(piece);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_their_pieces_and_a_lone_block_replaces_its_paragraph() {
        let pieces = vec!["<a>x</a>".to_owned(), "<div>n</div>".to_owned()];
        let html = format!("<p>see {OPEN}0{CLOSE} now</p>\n<p>{OPEN}1{CLOSE}</p>\n");
        assert_eq!(replace_markers(&html, &pieces), "<p>see <a>x</a> now</p>\n<div>n</div>\n");
    }

    #[test]
    fn markers_that_name_no_piece_stay_text() {
        let html = format!("<p>{OPEN}7{CLOSE}</p>");
        assert_eq!(replace_markers(&html, &[]), html);
    }

    #[test]
    fn note_text_cannot_forge_a_marker() {
        let mut out = String::new();
        push_clean(&mut out, &format!("a{OPEN}0{CLOSE}b"));
        assert_eq!(out, "a\u{FFFD}0\u{FFFD}b");
    }

    #[test]
    fn escaping_covers_content_and_attributes() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}

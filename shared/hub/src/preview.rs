//! Link previews: a link's page fetched on the server for its title, description and preview
//! image, by the `ingest` job (`hub.preview`, in the outbox lane `ingest`).
//!
//! Fetching goes through the page port (`Platform::pages`), which connects only to public
//! addresses, checked on every connection after every resolution and redirect, within the size
//! and time limits of `emmaus_domain::hub::fetch`. A host without it (Spin) records the preview as
//! off. The page's title and description fill the resource's own only where the person left them
//! empty (a link's title is its host until then); the image is kept as a thumbnail.

use std::future::Future;
use std::pin::Pin;

use emmaus_app::Platform;
use emmaus_app::docs;
use emmaus_app::outbox::{self, Failure};
use emmaus_domain::DomainError;
use emmaus_domain::hub::content::sniff;
use emmaus_domain::hub::fetch::{MAX_IMAGE_BYTES, MAX_PAGE_BYTES};
use emmaus_domain::hub::resources::MAX_DESCRIPTION_CHARS;
use emmaus_ports::Write;

use crate::model::{Preview, Resource};
use crate::{ingest, keys, resources};

/// Fetches one link's preview: `{"org": …, "id": …, "url": …}`.
pub const TASK: &str = "hub.preview";

/// The write that enqueues fetching the preview of `url`, the address of link `id` of `org`.
pub(crate) fn task(p: &Platform, org: &str, id: &str, url: &str) -> Result<Write, DomainError> {
    outbox::enqueue_in(p, ingest::LANE, TASK, serde_json::json!({ "org": org, "id": id, "url": url }))
}

pub(crate) fn handle(
    p: Platform,
    payload: serde_json::Value,
) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + Send>> {
    Box::pin(async move {
        let field = |name: &str| outbox::payload_text(&payload, name);
        let (org, id, url) = (field("org")?, field("id")?, field("url")?);
        preview(&p, &org, &id, &url).await.map_err(Failure::from)
    })
}

/// Fetches and records the preview of link `id` if its address is still `url` and its preview is
/// pending; idempotent.
pub async fn preview(p: &Platform, org: &str, id: &str, url: &str) -> Result<(), DomainError> {
    let Some(doc) = docs::get::<Resource>(p.kv.as_ref(), keys::resource(org, id)).await? else { return Ok(()) };
    match &doc.value.link {
        Some(link) if link.url == url && link.preview == Preview::Pending => {}
        // Gone, changed to another address since (its own task follows), or fetched already.
        _ => return Ok(()),
    }
    let Some(pages) = p.pages.clone() else { return record(p, org, id, url, Preview::Off, None).await };
    let page = match pages.fetch(url, MAX_PAGE_BYTES).await {
        Ok(page) => page,
        Err(error) => return record(p, org, id, url, Preview::Failed { reason: error.to_string() }, None).await,
    };
    let html = page.content_type.to_ascii_lowercase().contains("html")
        || page.bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    let meta = if html { emmaus_extract::page_meta(&page.bytes) } else { emmaus_extract::PageMeta::default() };
    let image = match &meta.image {
        Some(address) => keep_image(p, org, id, &page.url, address).await?,
        None => false,
    };
    let preview = Preview::Done { title: meta.title.clone(), description: meta.description.clone(), image };
    record(p, org, id, url, preview, Some(meta)).await
}

/// Fetches the page's image (through the same guarded port), and keeps a thumbnail of it if it
/// is a picture one can be made of; whether one was kept. A missing or odd image is no failure of
/// the preview, only logged.
async fn keep_image(p: &Platform, org: &str, id: &str, page: &str, address: &str) -> Result<bool, DomainError> {
    let Some(pages) = p.pages.clone() else { return Ok(false) };
    let Some(image) = url::Url::parse(page).ok().and_then(|base| base.join(address).ok()) else { return Ok(false) };
    if !matches!(image.scheme(), "http" | "https") {
        return Ok(false);
    }
    let fetched = match pages.fetch(image.as_str(), MAX_IMAGE_BYTES).await {
        Ok(fetched) => fetched,
        Err(error) => {
            tracing::info!(org, resource = id, %error, "a link's preview image was not fetched");
            return Ok(false);
        }
    };
    match sniff(&fetched.bytes[..fetched.bytes.len().min(8192)], &[]) {
        Some(kind) => ingest::make_thumbnail(p, org, id, kind, &fetched.bytes).await,
        None => Ok(false),
    }
}

/// Records the preview on the link as it is now, filling its title and description from the
/// page where the person left them empty, and brings its search entry up to date.
async fn record(
    p: &Platform,
    org: &str,
    id: &str,
    url: &str,
    preview: Preview,
    meta: Option<emmaus_extract::PageMeta>,
) -> Result<(), DomainError> {
    resources::record_derived(p, org, id, |resource| {
        let Some(link) = resource.link.as_mut().filter(|link| link.url == url) else { return false };
        link.preview = preview.clone();
        if let Some(meta) = &meta {
            if let Some(title) = &meta.title
                && resource.title == resources::url_host(url)
            {
                resource.title = title.chars().take(emmaus_domain::hub::resources::MAX_TITLE_CHARS).collect();
            }
            if let Some(description) = &meta.description
                && resource.description.is_empty()
            {
                resource.description = description.chars().take(MAX_DESCRIPTION_CHARS).collect();
            }
        }
        true
    })
    .await
}

//! The `hub` function: the Knowledge Hub's library under `/api/hub/{org}`: notes and links, one
//! resource read and changed under its version (`ETag` and `If-Match`), a note's versions, the
//! trash, search with filters and facets, markdown rendered for an editor's preview, and files:
//! uploads within the organisation's quota, checked from their bytes, and short-lived download links.
//!
//! Every handler resolves the caller to an actor in the organisation of the path (404 for anyone
//! who is not a member) and leaves the decision to the hub's use cases.

mod bulk;
mod files;
mod render;
mod resources;
mod rules;
mod search;
mod trash;
mod vaults;
mod versions;
pub mod views;

use axum::http::{HeaderMap, StatusCode, header};
use emmaus_app::Platform;
use emmaus_domain::DomainError;
use emmaus_http::{ApiResult, Json};
use emmaus_identity::{Actor, Principal, directory};

emmaus_http::function_entry_points! {
    [search::list],
    [search::backlinks],
    [resources::create_note],
    [resources::create_link],
    [resources::read, resources::update, resources::delete],
    [versions::list],
    [versions::read],
    [versions::restore],
    [trash::list],
    [trash::restore],
    [render::render],
    [bulk::change],
    [rules::read, rules::replace],
    [files::start],
    [files::receive],
    [files::finish],
    [files::link],
    [files::storage],
    [vaults::list, vaults::open],
    [vaults::manifest],
    [vaults::put_file, vaults::remove_file],
    [vaults::announce, vaults::recent],
    [vaults::receive],
    [vaults::start],
    [vaults::read],
}

/// An answer carrying the version of what it holds as its `ETag`, for the next `If-Match`.
type Versioned<T> = (StatusCode, HeaderMap, Json<T>);

fn versioned<T>(status: StatusCode, version: u64, body: T) -> Versioned<T> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, emmaus_http::etag(version));
    (status, headers, Json(body))
}

/// A request body read as it streams in (an upload's bytes, a vault's file or archive), stopping
/// one byte past the largest file the store takes; `what` names it in the problem.
async fn read_body(p: &Platform, body: axum::body::Body, what: &str) -> Result<Vec<u8>, DomainError> {
    use http_body_util::BodyExt as _;
    let limit = usize::try_from(p.blobs.max_size()).unwrap_or(usize::MAX);
    let bytes = http_body_util::Limited::new(body, limit).collect().await.map_err(|error| {
        if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            DomainError::TooLarge { what: what.into(), limit: p.blobs.max_size() }
        } else {
            DomainError::invalid("file", "the upload was cut short; send it again")
        }
    })?;
    Ok(bytes.to_bytes().to_vec())
}

/// The caller as a member of `org`.
async fn actor(p: &Platform, who: &Principal, org: &str) -> ApiResult<Actor> {
    Ok(directory::actor_in(p, who, org).await?)
}

/// On Spin, the component also serves the download links of the store in Spin's database, signed
/// with the key every instance derives alike.
#[cfg(target_arch = "wasm32")]
fn spin_router(platform: Platform) -> axum::Router {
    let ids = platform.ids.clone();
    let settings = emmaus_http::HttpSettings::for_platform(&platform);
    let downloads = emmaus_http::downloads::routes(platform.clone(), emmaus_host_spin::link_signer());
    emmaus_http::finish(routes(platform).merge(downloads), ids, settings)
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::spin_router);

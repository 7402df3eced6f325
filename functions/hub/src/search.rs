//! `GET /api/hub/{org}/resources`: search and filtered listing, with facets.

use std::collections::BTreeMap;

use axum::extract::State;
use emmaus_app::Platform;
use emmaus_domain::hub::{Collection, Tag};
use emmaus_domain::{DomainError, Timestamp};
use emmaus_http::auth::Session;
use emmaus_http::{ApiResult, Json, Path, Query};
use emmaus_hub::search::{self, Listing, Order};

use crate::views::{FacetValue, FoundView, KindView, SourceView};

/// What to find; every parameter optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// Words to find; each matches as the start of a word, `"a phrase"` as a phrase.
    pub q: Option<String>,
    /// Kinds, comma-separated: `note`, `link`, `file`.
    pub kind: Option<String>,
    /// A tag; includes the tags below it (`theology` finds `theology/grace`).
    pub tag: Option<String>,
    /// A collection path; includes the collections inside it.
    pub collection: Option<String>,
    /// An author's person id.
    pub author: Option<String>,
    pub source: Option<SourceView>,
    /// Updated at or after (Unix milliseconds).
    pub updated_from: Option<i64>,
    /// Updated before (Unix milliseconds).
    pub updated_to: Option<i64>,
    /// `relevance` (default: best match first, or newest without words), `updated`, `created` or `title`.
    #[param(schema_with = orders)]
    pub sort: Option<String>,
    /// Oldest first, or Z to A.
    pub reverse: Option<bool>,
    #[param(minimum = 0, maximum = 10000)]
    pub offset: Option<u32>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `false` leaves the facets out (they are the same on every page of one search; a later page
    /// need not count them again). Default `true`.
    pub facets: Option<bool>,
}

fn orders() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["relevance", "updated", "created", "title"]))
        .build()
}

impl SearchParams {
    fn listing(self) -> Result<Listing, DomainError> {
        let mut kinds = Vec::new();
        for name in self.kind.iter().flat_map(|k| k.split(',')).map(str::trim).filter(|k| !k.is_empty()) {
            let kind: KindView = serde_json::from_value(serde_json::Value::String(name.to_owned()))
                .map_err(|_| DomainError::invalid("kind", format!("{name:?} is not note, link or file")))?;
            kinds.push(kind.into());
        }
        let tag = match self.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(text) => Some(Tag::parse(text).map_err(|reason| DomainError::invalid("tag", reason))?),
        };
        let collection = match self.collection.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => Some(Collection::parse(text).map_err(|reason| DomainError::invalid("collection", reason))?),
        };
        let order = match self.sort.as_deref().unwrap_or("relevance") {
            "relevance" => Order::Relevance,
            "updated" => Order::Updated,
            "created" => Order::Created,
            "title" => Order::Title,
            _ => return Err(DomainError::invalid("sort", "must be relevance, updated, created or title")),
        };
        let author = self.author.filter(|a| !a.trim().is_empty());
        if author.as_deref().is_some_and(|a| !emmaus_http::extract::plausible_id(a)) {
            return Err(DomainError::invalid("author", "is not a person id"));
        }
        Ok(Listing {
            text: self.q.unwrap_or_default(),
            kinds,
            tag,
            collection,
            author,
            source: self.source.map(Into::into),
            links_to: None,
            updated_from: self.updated_from.map(Timestamp::from_unix_millis),
            updated_to: self.updated_to.map(Timestamp::from_unix_millis),
            order,
            reverse: self.reverse.unwrap_or(false),
            offset: self.offset.unwrap_or(0),
            limit: self.limit.unwrap_or(20),
            without_facets: self.facets == Some(false),
        })
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SearchPage {
    /// Every match the caller may see, not just this page.
    pub total: u64,
    pub offset: u32,
    pub limit: u32,
    pub items: Vec<FoundView>,
    /// Counts per value of `kind`, `tags` and `collection` over every match (a tag or collection
    /// counts under each level above it too); empty when asked with `facets=false`.
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

/// Finds resources: words, filters and order; only what the caller may see is found or counted.
#[utoipa::path(
    get, path = "/api/hub/{org}/resources", tag = "hub", operation_id = "searchResources",
    params(("org" = String, Path, description = "Organisation id"), SearchParams),
    responses(
        (status = 200, description = "Matches", body = SearchPage),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(p): State<Platform>,
    Session(who): Session,
    Path(org): Path<String>,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<SearchPage>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let listing = params.listing()?;
    let results = search::find(&p, &actor, &listing).await?;
    let facets = results
        .facets
        .into_iter()
        .map(|(field, values)| {
            (field, values.into_iter().map(|v| FacetValue { value: v.value, count: v.count }).collect())
        })
        .collect();
    Ok(Json(SearchPage {
        total: results.total,
        offset: listing.offset,
        limit: listing.limit,
        items: results.items.into_iter().map(Into::into).collect(),
        facets,
    }))
}

/// The notes that link to a resource.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Backlinks {
    /// Those the caller may see, newest first, at most 50.
    pub items: Vec<crate::views::ResourceSummary>,
    /// Every one the caller may see.
    pub total: u64,
}

/// The notes that link to a resource (by its address in the app, `/hub/<id>`), those the caller
/// may see only.
#[utoipa::path(
    get, path = "/api/hub/{org}/resources/{resource}/backlinks", tag = "hub", operation_id = "resourceBacklinks",
    params(("org" = String, Path, description = "Organisation id"), ("resource" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "The notes linking here", body = Backlinks),
        (status = "default", description = "A problem", body = emmaus_http::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn backlinks(
    State(p): State<Platform>,
    Session(who): Session,
    Path((org, resource)): Path<(String, String)>,
) -> ApiResult<Json<Backlinks>> {
    let actor = crate::actor(&p, &who, &org).await?;
    let results = search::backlinks(&p, &actor, &resource).await?;
    let items = results
        .items
        .into_iter()
        .map(|found| crate::views::ResourceSummary::new(found.resource, found.version))
        .collect();
    Ok(Json(Backlinks { items, total: results.total }))
}

//! Finding resources: full-text search and filtered listing through the search port, with the
//! reader's visibility applied inside the query (so pages are full and counts honest), facets to
//! narrow by, and the records of the page read back from the store.

use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_app::error::from_kv;
use emmaus_domain::hub::{Collection, ResourceKind, Source, Tag};
use emmaus_domain::permissions::Action;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_identity::Actor;
use emmaus_ports::search::{self as port, Filter, Segment, Sort};
use emmaus_ports::{FacetCount, SearchQuery};

use crate::access::Reader;
use crate::index::{from_search, serde_name};
use crate::keys;
use crate::model::Resource;

/// The most results one page holds.
pub const MAX_PAGE: u32 = 100;
/// The fields counted for narrowing, as the API names them: those the library narrows by. Each
/// costs a lookup per match, so a field nobody narrows by is not counted (authors and sources
/// join when the web app offers them).
pub const FACETS: [&str; 3] = ["kind", "tags", "collection"];

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Best match first when there is text; most recently updated first otherwise.
    #[default]
    Relevance,
    Updated,
    Created,
    Title,
}

/// What to find: words, filters, order and page.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub text: String,
    pub kinds: Vec<ResourceKind>,
    /// A tag, which includes the tags below it.
    pub tag: Option<Tag>,
    /// A collection, which includes the collections inside it.
    pub collection: Option<Collection>,
    pub author: Option<String>,
    pub source: Option<Source>,
    /// Notes that link to this resource (its backlinks).
    pub links_to: Option<String>,
    /// Updated at or after.
    pub updated_from: Option<Timestamp>,
    /// Updated before.
    pub updated_to: Option<Timestamp>,
    pub order: Order,
    /// For `Updated`, `Created` and `Title`: the other way round (oldest first, Z to A).
    pub reverse: bool,
    pub offset: u32,
    pub limit: u32,
    /// Leave the facets out: they are the same on every page of one search, and counting them
    /// costs a lookup per match, so a page after the first needs not count them again.
    pub without_facets: bool,
}

/// One result: the resource, with its title and a passage with the matching words marked.
#[derive(Debug, Clone)]
pub struct Found {
    pub resource: Resource,
    pub version: u64,
    pub title: Vec<Segment>,
    pub snippet: Vec<Segment>,
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Every match the reader may see, not just this page.
    pub total: u64,
    pub items: Vec<Found>,
    /// Per facet, values by count, most first.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// The notes that link to resource `id` (which the reader must see), newest first, at most 50:
/// those the reader may see, as search shows them.
pub async fn backlinks(p: &Platform, actor: &Actor, id: &str) -> Result<Results, DomainError> {
    let reader = Reader::of(p, actor).await?;
    let target = crate::resources::visible(p, &reader, id).await?;
    reader.check(Action::HubRead, &target.value)?;
    let listing = Listing {
        links_to: Some(id.to_owned()),
        order: Order::Updated,
        limit: 50,
        without_facets: true,
        ..Listing::default()
    };
    find(p, actor, &listing).await
}

/// Finds what `listing` asks among the resources the actor may see.
pub async fn find(p: &Platform, actor: &Actor, listing: &Listing) -> Result<Results, DomainError> {
    let reader = Reader::of(p, actor).await?;
    if listing.limit == 0 || listing.limit > MAX_PAGE {
        return Err(DomainError::invalid("limit", format!("must be 1 to {MAX_PAGE}")));
    }
    if listing.offset > port::MAX_OFFSET {
        return Err(DomainError::invalid("offset", format!("results go {} deep; narrow the search", port::MAX_OFFSET)));
    }
    if listing.text.len() > port::MAX_QUERY_BYTES {
        return Err(DomainError::invalid("q", format!("must be at most {} bytes", port::MAX_QUERY_BYTES)));
    }
    if let (Some(from), Some(to)) = (listing.updated_from, listing.updated_to)
        && from >= to
    {
        return Err(DomainError::invalid("updated_to", "must be after updated_from"));
    }
    let query = query(&reader, listing)?;
    let results = p.search.search(reader.org(), &query).await.map_err(from_search)?;
    // The records of the page, read back: the index holds what a search needs, the store the rest.
    let keys: Vec<_> = results.hits.iter().map(|hit| keys::resource(reader.org(), &hit.id)).collect();
    let mut records = BTreeMap::new();
    if !keys.is_empty() {
        for item in p.kv.get_many(&keys).await.map_err(from_kv)?.into_iter().flatten() {
            let doc: Doc<Resource> = docs::from_item(item)?;
            records.insert(doc.value.id.clone(), doc);
        }
    }
    let mut items = Vec::with_capacity(results.hits.len());
    for hit in results.hits {
        // A record changed since it was indexed (deleted, or hidden) is left out until the index follows.
        let Some(doc) = records.remove(&hit.id) else { continue };
        if doc.value.deleted.is_some() || !reader.may_see(&doc.value) || !reader.allowed(Action::HubRead, &doc.value) {
            continue;
        }
        items.push(Found { resource: doc.value, version: doc.version, title: hit.title, snippet: hit.snippet });
    }
    Ok(Results { total: results.total, items, facets: results.facets })
}

fn query(reader: &Reader, listing: &Listing) -> Result<SearchQuery, DomainError> {
    let mut query = SearchQuery::new(listing.text.trim(), reader.reader_keys()?).page(listing.offset, listing.limit);
    if !listing.kinds.is_empty() {
        let any_of = listing.kinds.iter().map(serde_name).collect();
        query = query.filter(Filter::Keyword { field: "kind".into(), any_of });
    }
    if let Some(tag) = &listing.tag {
        query = query.filter(Filter::Path { field: "tags".into(), under: tag.as_str().to_owned() });
    }
    if let Some(collection) = &listing.collection {
        query = query.filter(Filter::Path { field: "collection".into(), under: collection.as_str().to_owned() });
    }
    if let Some(author) = &listing.author {
        query = query.filter(Filter::Keyword { field: "author".into(), any_of: vec![author.clone()] });
    }
    if let Some(target) = &listing.links_to {
        query = query.filter(Filter::Keyword { field: "links".into(), any_of: vec![target.clone()] });
    }
    if let Some(source) = &listing.source {
        query = query.filter(Filter::Keyword { field: "source".into(), any_of: vec![serde_name(source)] });
    }
    if listing.updated_from.is_some() || listing.updated_to.is_some() {
        query = query.filter(Filter::Date {
            field: "updated".into(),
            from: listing.updated_from.map(Timestamp::unix_seconds),
            to: listing.updated_to.map(Timestamp::unix_seconds),
        });
    }
    let newest_first = |field: &str| Sort::Date { field: field.into(), descending: !listing.reverse };
    let has_terms = !query.terms().is_empty();
    query = query.sorted(match listing.order {
        Order::Relevance if !has_terms => newest_first("updated"),
        Order::Relevance => Sort::Relevance,
        Order::Updated => newest_first("updated"),
        Order::Created => newest_first("created"),
        Order::Title => Sort::Keyword { field: "title".into(), descending: listing.reverse },
    });
    if !listing.without_facets {
        for facet in FACETS {
            query = query.facet(facet);
        }
    }
    Ok(query)
}

//! Ports: what the application needs from the world, as traits, with the rules adapters must keep.
//!
//! Every adapter (memory, SQLite, filesystem, DynamoDB, S3, Spin) implements these traits and must
//! pass the conformance suite in `emmaus-testkit`, which is the executable form of the contracts
//! written here. Traits are object-safe (`Arc<dyn KvStore>`), so a host chooses adapters at run
//! time from configuration and every use case is compiled once; see `docs/adr/0003`.

pub mod blob;
pub mod clock;
pub mod config;
pub mod http_client;
pub mod ids;
pub mod kv;
pub mod mailer;
pub mod openid;
pub mod page_fetch;
pub mod search;
pub mod signed_url;

pub use blob::{Blob, BlobError, BlobKey, BlobMeta, BlobPage, BlobStore, Presentation, PresignedPost};
pub use clock::{Clock, SystemClock};
pub use config::{ConfigError, ConfigExt, ConfigSource, EnvConfig, LayeredConfig, MapConfig};
pub use http_client::{HttpClient, HttpClientError};
pub use ids::{Ids, RandomIds};
pub use kv::{After, Cursor, Index, IndexKeys, Item, Key, KvError, KvStore, Page, Query, Write};
pub use mailer::{EmailMessage, MailError, Mailer};
pub use openid::{OpenIdConnect, OpenIdError, OpenIdProvider};
pub use page_fetch::{FetchError, Fetched, PageFetcher};
pub use search::{
    FacetCount, Filter, Hit, SearchDoc, SearchError, SearchIndex, SearchQuery, SearchResults, Segment, Sort, Weights,
};
pub use signed_url::{SignatureError, SignedRequest, UrlSigner};

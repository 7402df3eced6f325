//! The Knowledge Hub's rules: resources and their limits, who may see and change them,
//! hierarchical tags and the keyword rules that suggest them, what an uploaded file is (from its
//! bytes) and how it may be served, the header that names a download, and which addresses the
//! server may fetch for a link.

pub mod audience;
pub mod collections;
pub mod content;
pub mod disposition;
pub mod fetch;
pub mod resources;
pub mod tagging;
pub mod tags;

pub use collections::Collection;
pub use content::{ContentKind, Serving, Verdict};
pub use disposition::content_disposition;
pub use resources::{Quota, ResourceKind, Source, Usage, Visibility};
pub use tags::Tag;

//! The Knowledge Hub's rules: resources and their limits, who may see and change them, hierarchical
//! tags, what an uploaded file is (from its bytes) and how it may be served, and the header that
//! names a download.

pub mod audience;
pub mod content;
pub mod disposition;
pub mod resources;
pub mod tags;

pub use content::{ContentKind, Serving, Verdict};
pub use disposition::content_disposition;
pub use resources::{Quota, ResourceKind, Source, Usage, Visibility};
pub use tags::Tag;

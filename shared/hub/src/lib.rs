//! The Knowledge Hub module: the organisation's library of notes, links and files. Its use cases
//! add, read, change and delete resources under their versions, take uploads within a quota, keep a note's earlier versions,
//! hold deleted resources in a trash for 30 days, and find them through the search port with
//! every filter and facet applied for the reader's eyes only. The rules themselves (visibility,
//! tags, limits) are in `emmaus_domain::hub`; this crate applies them over the ports.

pub mod access;
pub mod bulk;
pub mod files;
pub mod index;
pub mod ingest;
pub mod keys;
pub mod markdown;
pub mod model;
pub mod notes;
pub mod preview;
pub mod purge;
pub mod resources;
pub mod search;
pub mod tagging;
pub mod vault;

pub use access::Reader;
pub use model::{NoteVersion, Resource};
pub use resources::{Change, Content, Described, ResourceView};

/// A platform of in-memory adapters with the hub's task handlers, for tests.
#[cfg(any(test, feature = "testing"))]
pub fn in_memory_platform() -> (emmaus_app::Platform, std::sync::Arc<emmaus_memory::ManualClock>) {
    let (mut p, clock) = emmaus_app::Platform::in_memory("local");
    p.tasks = std::sync::Arc::new(index::handlers(emmaus_app::outbox::Handlers::default()));
    (p, clock)
}

//! In-memory adapters: a key-value store, a blob store, a clock tests can move, counting ids and
//! an outbound-HTTP double, plus key-value wrappers that record the calls they forward or hold racing writers together. They keep
//! the same contracts as the durable adapters.

mod blob;
mod clock;
mod http;
mod ids;
mod kv;
mod recording;
mod rendezvous;

pub use blob::MemoryBlobStore;
pub use clock::ManualClock;
pub use http::ScriptedHttp;
pub use ids::SequentialIds;
pub use kv::MemoryKv;
pub use recording::RecordingKv;
pub use rendezvous::RendezvousKv;

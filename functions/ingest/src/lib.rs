//! The `ingest` function: the job that reads the text of uploaded files for search (PDF, DOCX,
//! PPTX, HTML, Markdown, plain text) and makes thumbnails of pictures, applying the outbox lane
//! `ingest` (`emmaus_hub::ingest`). It is a function of its own so that only it carries the
//! extractors, and so that a file that stops a Spin instance stops only this job's run.
//!
//! On Lambda its binary runs the job on an EventBridge schedule; on Spin and in the local binary
//! the job is also `POST /api/jobs/ingest`, guarded by the jobs token (ADR 0007).

mod trigger;

/// The function's name: its crate, Spin component and Lambda binary.
pub const NAME: &str = "ingest";
/// The jobs this function runs; the hosts' schedules and routes, and the drift test, read them.
pub const JOBS: &[emmaus_app::jobs::JobSpec] = &[emmaus_hub::ingest::INGEST];
/// Version and build of this binary, for `HostInfo`.
pub const VERSION: &str = emmaus_app::VERSION;
pub const BUILD: &str = emmaus_app::BUILD;

emmaus_http::function_entry_points! {
    [trigger::ingest],
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

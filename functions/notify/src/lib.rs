//! The `notify` function: the background jobs. Today they are `deliver-mail` (reset links and
//! queued mail) and `apply-outbox` (the follow-up work changes leave in the outbox); reminders and
//! browser push join them later.
//!
//! On Lambda its binary runs the jobs, each on an EventBridge schedule of its own that names it; on
//! Spin and in the local binary each job is also `POST /api/jobs/<name>`, guarded by the jobs token
//! (ADR 0007).

mod trigger;

/// The function's name: its crate, Spin component and Lambda binary.
pub const NAME: &str = "notify";
/// The jobs this function runs; the hosts' schedules and routes, and the drift test, read them.
pub const JOBS: &[emmaus_app::jobs::JobSpec] = &[emmaus_identity::jobs::DELIVER_MAIL, emmaus_app::jobs::APPLY_OUTBOX];
/// Version and build of this binary, for `HostInfo`.
pub const VERSION: &str = emmaus_app::VERSION;
pub const BUILD: &str = emmaus_app::BUILD;

emmaus_http::function_entry_points! {
    [trigger::deliver_mail],
    [trigger::apply_outbox],
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

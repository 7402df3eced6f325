//! The `notify` function: the background jobs. Today they are `deliver-mail` (reset links and
//! queued mail), `apply-outbox` (the follow-up work changes leave in the outbox) and `purge-trash`
//! (the hub's trash past its 30 days); reminders and browser push join them later.
//!
//! On Lambda its binary runs the jobs, each on an EventBridge schedule of its own that names it; on
//! Spin and in the local binary each job is also `POST /api/jobs/<name>`, guarded by the jobs token
//! (ADR 0007).

mod trigger;

/// The function's name: its crate, Spin component and Lambda binary.
pub const NAME: &str = "notify";
/// The jobs this function runs; the hosts' schedules and routes, and the drift test, read them.
pub const JOBS: &[emmaus_app::jobs::JobSpec] =
    &[emmaus_identity::jobs::DELIVER_MAIL, APPLY_OUTBOX, emmaus_hub::purge::PURGE_TRASH];

/// `apply-outbox` with every module's task handlers. This function is the one that applies the
/// outbox, so it alone carries them; the other components link none (a module's handler may pull
/// in a good deal: indexing, extraction).
pub const APPLY_OUTBOX: emmaus_app::jobs::JobSpec =
    emmaus_app::jobs::JobSpec { run: apply_outbox, ..emmaus_app::jobs::APPLY_OUTBOX };

/// The handlers of every module's outbox tasks, by kind.
pub fn task_handlers() -> emmaus_app::outbox::Handlers {
    emmaus_hub::index::handlers(emmaus_app::outbox::Handlers::default())
}

fn apply_outbox(
    mut p: emmaus_app::Platform,
    now: emmaus_domain::Timestamp,
) -> std::pin::Pin<Box<dyn Future<Output = emmaus_app::jobs::Outcome> + Send>> {
    p.tasks = std::sync::Arc::new(task_handlers());
    emmaus_app::jobs::apply_outbox(p, now)
}
/// Version and build of this binary, for `HostInfo`.
pub const VERSION: &str = emmaus_app::VERSION;
pub const BUILD: &str = emmaus_app::BUILD;

emmaus_http::function_entry_points! {
    [trigger::deliver_mail],
    [trigger::apply_outbox],
    [trigger::purge_trash],
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

//! Where the planner keeps a person's plan: one partition per person in an organisation, holding
//! their goals, study queue, tasks and the state of single occurrences.

use emmaus_ports::Key;

/// The partition of one person's plan.
pub fn plan(org: &str, person: &str) -> String {
    format!("org#{org}#plan#{person}")
}

pub fn goal(org: &str, person: &str, id: &str) -> Key {
    Key::new(plan(org, person), format!("goal#{id}"))
}

pub fn queue_item(org: &str, person: &str, id: &str) -> Key {
    Key::new(plan(org, person), format!("queue#{id}"))
}

/// A task lives under the instant its last occurrence ends (`u64` milliseconds, padded), so a
/// calendar reads only the tasks that reach into its range; [`task_pointer`] finds it by id.
pub fn task(org: &str, person: &str, ends_ms: i64, id: &str) -> Key {
    Key::new(plan(org, person), format!("task#{:013}#{id}", ends_ms.clamp(0, MAX_MS)))
}

/// The sort key at and after which lie the tasks that end at or after `ms`.
pub fn tasks_ending_from(ms: i64) -> String {
    format!("task#{:013}", ms.clamp(0, MAX_MS))
}

pub fn task_pointer(org: &str, person: &str, id: &str) -> Key {
    Key::new(plan(org, person), format!("tid#{id}"))
}

/// The state of one occurrence (done, skipped, moved), under the instant the series put it at.
pub fn occurrence(org: &str, person: &str, original_ms: i64, task: &str) -> Key {
    Key::new(plan(org, person), format!("occ#{:013}#{task}", original_ms.clamp(0, MAX_MS)))
}

/// The sort key of the first occurrence state at or after `ms`.
pub fn occurrences_from(ms: i64) -> String {
    format!("occ#{:013}", ms.clamp(0, MAX_MS))
}

/// A meeting lives under the instant it starts, so a plan's meetings list newest first and its
/// last one is one query; [`meeting_pointer`] finds it by id.
pub fn meeting(org: &str, person: &str, start_ms: i64, id: &str) -> Key {
    Key::new(plan(org, person), format!("meet#{:013}#{id}", start_ms.clamp(0, MAX_MS)))
}

/// The sort key just past the meetings that start before `ms`.
pub fn meetings_before(ms: i64) -> String {
    format!("meet#{:013}", ms.clamp(0, MAX_MS))
}

pub fn meeting_pointer(org: &str, person: &str, id: &str) -> Key {
    Key::new(plan(org, person), format!("mid#{id}"))
}

/// A person's calendar feed: the digest of its token, to revoke or renew it.
pub fn feed(org: &str, person: &str) -> Key {
    Key::new(plan(org, person), "feed")
}

/// Where a feed's token leads, found by its digest before any organisation is known.
pub fn feed_token(digest: &str) -> Key {
    Key::new("plan#feed", format!("t#{digest}"))
}

/// The highest instant a key holds: 9999999999999 ms is in the year 2286.
pub const MAX_MS: i64 = 9_999_999_999_999;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_sort_by_their_end_and_the_bound_admits_those_ending_later() {
        let early = task("o", "p", 5, "b");
        let late = task("o", "p", 50, "a");
        assert!(early.sort < late.sort);
        assert!(tasks_ending_from(6) > early.sort && tasks_ending_from(6) < late.sort);
        assert!(task("o", "p", i64::MAX, "a").sort > tasks_ending_from(MAX_MS - 1));
    }
}

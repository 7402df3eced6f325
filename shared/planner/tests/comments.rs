//! Conversation over in-memory adapters: who comments on what, unread counts for each side, the
//! short while a comment can be changed, deleting one's own, and threads that name nothing.

use emmaus_domain::{DomainError, Timestamp};
use emmaus_planner::comments::{self, ThreadId};
use emmaus_planner::goals::{self, NewGoal};
use emmaus_planner::tasks::{self, TaskInput};

mod support;

use support::world;

fn unread(threads: &[comments::ThreadView], thread: &ThreadId) -> usize {
    threads.iter().find(|t| t.summary.thread == thread.as_text()).map_or(0, |t| t.unread)
}

#[tokio::test]
async fn mentor_and_mentee_each_see_what_the_other_wrote_as_unread_until_they_read_it() {
    let w = world().await;
    let goal =
        goals::create(&w.p, &w.tim, "tim", NewGoal { title: "Pray".into(), ..NewGoal::default() }).await.unwrap();
    let thread = ThreadId::parse(&format!("goal-{}", goal.value.id)).unwrap();
    comments::add(&w.p, &w.mara, "tim", &thread, "How is it going? <script>x</script>").await.unwrap();
    comments::add(&w.p, &w.mara, "tim", &thread, "Try mornings.").await.unwrap();
    let tims = comments::threads(&w.p, &w.tim, "tim").await.unwrap();
    assert_eq!(unread(&tims, &thread), 2);
    assert_eq!(
        unread(&comments::threads(&w.p, &w.mara, "tim").await.unwrap(), &thread),
        0,
        "her own are not unread to her"
    );
    comments::mark_read(&w.p, &w.tim, "tim", &thread).await.unwrap();
    assert_eq!(unread(&comments::threads(&w.p, &w.tim, "tim").await.unwrap(), &thread), 0);
    comments::add(&w.p, &w.tim, "tim", &thread, "Mornings work!").await.unwrap();
    assert_eq!(unread(&comments::threads(&w.p, &w.mara, "tim").await.unwrap(), &thread), 1);
    // Paul, his pastor, reads all three as unread and writes too.
    assert_eq!(unread(&comments::threads(&w.p, &w.paul, "tim").await.unwrap(), &thread), 3);
    comments::add(&w.p, &w.paul, "tim", &thread, "Well done.").await.unwrap();
    let listed = comments::list(&w.p, &w.tim, "tim", &thread).await.unwrap();
    let bodies: Vec<&str> = listed.iter().map(|c| c.comment.value.body.as_str()).collect();
    assert_eq!(bodies, ["How is it going? <script>x</script>", "Try mornings.", "Mornings work!", "Well done."]);
    assert_eq!(listed[0].author_name.as_deref(), Some("Mara"));
    // Outsiders: another mentor and an admin are refused; another organisation's member finds nothing.
    for outsider in [&w.mo, &w.ada] {
        let refused = comments::add(&w.p, outsider, "tim", &thread, "hello").await.unwrap_err();
        assert!(matches!(refused, DomainError::Forbidden), "{}: {refused:?}", outsider.person_id);
        let refused = comments::list(&w.p, outsider, "tim", &thread).await.unwrap_err();
        assert!(matches!(refused, DomainError::Forbidden), "{}: {refused:?}", outsider.person_id);
    }
    let across = comments::list(&w.p, &w.bea, "tim", &thread).await.unwrap_err();
    assert!(matches!(across, DomainError::NotFound(_)), "{across:?}");
}

#[tokio::test]
async fn a_comment_is_changed_by_its_author_for_a_while_and_deleted_by_them_alone() {
    let (w, clock) = support::world_with_clock().await;
    let task = tasks::create(
        &w.p,
        &w.tim,
        "tim",
        TaskInput { title: Some("Read".into()), start: Some("2026-03-03T07:00".into()), ..TaskInput::default() },
    )
    .await
    .unwrap();
    let thread = ThreadId::parse(&format!("task-{}", task.id)).unwrap();
    let first = comments::add(&w.p, &w.mara, "tim", &thread, "Read John 1").await.unwrap();
    let id = first.value.id.clone();
    // Not Tim's to change or delete.
    let refused = comments::edit(&w.p, &w.tim, "tim", &thread, &id, 1, "x").await.unwrap_err();
    assert!(matches!(refused, DomainError::Forbidden), "{refused:?}");
    let refused = comments::delete(&w.p, &w.tim, "tim", &thread, &id).await.unwrap_err();
    assert!(matches!(refused, DomainError::Forbidden), "{refused:?}");
    let changed = comments::edit(&w.p, &w.mara, "tim", &thread, &id, 1, "Read John 1-2").await.unwrap();
    assert_eq!((changed.version, changed.value.body.as_str()), (2, "Read John 1-2"));
    assert!(changed.value.edited_at.is_some());
    let stale = comments::edit(&w.p, &w.mara, "tim", &thread, &id, 1, "again").await.unwrap_err();
    assert!(matches!(stale, DomainError::Stale(_)), "{stale:?}");
    let empty = comments::edit(&w.p, &w.mara, "tim", &thread, &id, 2, "   ").await.unwrap_err();
    assert!(matches!(&empty, DomainError::Validation(v) if v[0].field == "body"), "{empty:?}");
    // Sixteen minutes later it stays as it is.
    clock.set(Timestamp::from_unix_millis(1_772_452_800_000 + 16 * 60_000));
    let late = comments::edit(&w.p, &w.mara, "tim", &thread, &id, 2, "too late").await.unwrap_err();
    assert!(matches!(late, DomainError::Conflict(_)), "{late:?}");
    // Deleted, it is gone from the thread and from Tim's unread count.
    assert_eq!(unread(&comments::threads(&w.p, &w.tim, "tim").await.unwrap(), &thread), 1);
    comments::delete(&w.p, &w.mara, "tim", &thread, &id).await.unwrap();
    assert!(comments::list(&w.p, &w.tim, "tim", &thread).await.unwrap().is_empty());
    assert_eq!(unread(&comments::threads(&w.p, &w.tim, "tim").await.unwrap(), &thread), 0);
}

#[tokio::test]
async fn a_thread_names_a_goal_item_or_task_of_this_plan_and_a_comment_is_checked() {
    let w = world().await;
    let other =
        goals::create(&w.p, &w.sam, "sam", NewGoal { title: "Sam's".into(), ..NewGoal::default() }).await.unwrap();
    for raw in ["goal", "note-abc", "goal-a#b", "goal-"] {
        assert!(matches!(ThreadId::parse(raw), Err(DomainError::NotFound(_))), "{raw}");
    }
    // Sam's goal is no thread of Tim's plan.
    let elsewhere = ThreadId::parse(&format!("goal-{}", other.value.id)).unwrap();
    let missing = comments::add(&w.p, &w.mara, "tim", &elsewhere, "hello").await.unwrap_err();
    assert!(matches!(missing, DomainError::NotFound(_)), "{missing:?}");
    let goal =
        goals::create(&w.p, &w.tim, "tim", NewGoal { title: "Pray".into(), ..NewGoal::default() }).await.unwrap();
    let thread = ThreadId::parse(&format!("goal-{}", goal.value.id)).unwrap();
    for bad in ["", "   ", &"x".repeat(4001)] {
        let refused = comments::add(&w.p, &w.mara, "tim", &thread, bad).await.unwrap_err();
        assert!(matches!(&refused, DomainError::Validation(v) if v[0].field == "body"), "{refused:?}");
    }
    assert!(comments::threads(&w.p, &w.tim, "tim").await.unwrap().is_empty());
}

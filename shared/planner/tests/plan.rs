//! The planner's use cases over in-memory adapters: who may read and change a plan, goals and
//! their proposals under versions, the study queue's order under concurrent moves and what it
//! shows of the hub, and tasks whose occurrences are completed, moved and split, on a calendar
//! read in the person's time zone across a change of daylight saving time.

use emmaus_app::docs;
use emmaus_domain::DomainError;
use emmaus_domain::hub::Visibility;
use emmaus_identity::Actor;
use emmaus_planner::calendar;
use emmaus_planner::goals::{self, GoalChange, MilestoneInput, NewGoal};
use emmaus_planner::model::{GoalStatus, OccurrenceStatus, Progress};
use emmaus_planner::people::{self, Relation};
use emmaus_planner::queue::{self, ItemChange, NewItem, NewTarget};
use emmaus_planner::tasks::{self, OccurrenceChange, TaskInput};

mod support;

use support::{World, set_zone, world};

fn goal(title: &str) -> NewGoal {
    NewGoal {
        title: title.into(),
        why: "to grow".into(),
        target_date: Some("2026-06-01".into()),
        milestones: vec!["Begin".into(), "Finish".into()],
    }
}

#[tokio::test]
async fn a_plan_is_seen_by_its_person_their_mentor_and_their_pastor_alone() {
    let w = world().await;
    goals::create(&w.p, &w.tim, "tim", goal("Read the gospels")).await.unwrap();
    for reader in [&w.tim, &w.mara, &w.paul] {
        let list = goals::list(&w.p, reader, "tim").await.unwrap();
        assert_eq!(list.len(), 1, "{} reads Tim's goals", reader.person_id);
    }
    for outsider in [&w.mo, &w.sam, &w.ada] {
        let refused = goals::list(&w.p, outsider, "tim").await.unwrap_err();
        assert!(matches!(refused, DomainError::Forbidden), "{}: {refused:?}", outsider.person_id);
    }
    // Another organisation's person, and nobody at all, are not found.
    for person in ["bea", "nobody", "a#b"] {
        let missing = goals::list(&w.p, &w.mara, person).await.unwrap_err();
        assert!(matches!(missing, DomainError::NotFound(_)), "{person}: {missing:?}");
    }
    let across = goals::list(&w.p, &w.bea, "tim").await.unwrap_err();
    assert!(matches!(across, DomainError::NotFound(_)), "{across:?}");
}

#[tokio::test]
async fn a_proposed_goal_waits_for_its_person_and_a_stale_change_writes_nothing() {
    let w = world().await;
    let own = goals::create(&w.p, &w.tim, "tim", goal("Pray daily")).await.unwrap();
    assert_eq!(own.value.status, GoalStatus::Active);
    assert_eq!(own.value.proposed_by, None);
    let proposed = goals::create(&w.p, &w.mara, "tim", goal("Memorise Psalm 23")).await.unwrap();
    assert_eq!(proposed.value.status, GoalStatus::Proposed);
    assert_eq!(proposed.value.proposed_by.as_deref(), Some("mara"));
    // Only the person answers, and a proposal is not made active by a change.
    assert!(matches!(goals::answer(&w.p, &w.mara, "tim", &proposed.value.id, true).await, Err(DomainError::Forbidden)));
    let change = GoalChange { status: Some(GoalStatus::Active), ..GoalChange::default() };
    let refused = goals::update(&w.p, &w.tim, "tim", &proposed.value.id, 1, change).await.unwrap_err();
    assert!(matches!(refused, DomainError::Validation(_)), "{refused:?}");
    let accepted = goals::answer(&w.p, &w.tim, "tim", &proposed.value.id, true).await.unwrap();
    assert_eq!((accepted.value.status, accepted.version), (GoalStatus::Active, 2));
    assert!(matches!(
        goals::answer(&w.p, &w.tim, "tim", &proposed.value.id, false).await,
        Err(DomainError::Conflict(_))
    ));
    // A mentor proposes to a mentee they do not walk with: refused.
    assert!(matches!(goals::create(&w.p, &w.mara, "sam", goal("x")).await, Err(DomainError::Forbidden)));

    // Two edits from the same read: the second is stale and changes nothing.
    let first = GoalChange { title: Some("Pray every morning".into()), ..GoalChange::default() };
    let second = GoalChange { title: Some("Pray at night".into()), ..GoalChange::default() };
    goals::update(&w.p, &w.tim, "tim", &own.value.id, 1, first).await.unwrap();
    let stale = goals::update(&w.p, &w.tim, "tim", &own.value.id, 1, second).await.unwrap_err();
    assert!(matches!(stale, DomainError::Stale(_)), "{stale:?}");
    let now = goals::get(&w.p, &w.tim, "tim", &own.value.id).await.unwrap();
    assert_eq!((now.value.title.as_str(), now.version), ("Pray every morning", 2));
    // A mentor reads it but does not change it.
    let by_mentor = GoalChange { title: Some("Mine".into()), ..GoalChange::default() };
    assert!(matches!(
        goals::update(&w.p, &w.mara, "tim", &own.value.id, 2, by_mentor).await,
        Err(DomainError::Forbidden)
    ));
}

#[tokio::test]
async fn milestones_keep_their_ids_and_when_they_were_done() {
    let w = world().await;
    let made = goals::create(&w.p, &w.tim, "tim", goal("Read Acts")).await.unwrap();
    let [begin, finish] = [&made.value.milestones[0], &made.value.milestones[1]];
    let change = |done_begin: bool| GoalChange {
        milestones: Some(vec![
            MilestoneInput { id: Some(finish.id.clone()), title: "Finish".into(), done: false },
            MilestoneInput { id: Some(begin.id.clone()), title: "Begin".into(), done: done_begin },
            MilestoneInput { id: None, title: "Share".into(), done: false },
        ]),
        ..GoalChange::default()
    };
    let once = goals::update(&w.p, &w.tim, "tim", &made.value.id, 1, change(true)).await.unwrap();
    let done_at = once.value.milestones[1].done_at.expect("done now");
    assert_eq!(once.value.milestones[0].id, finish.id, "reordered");
    assert_eq!(once.value.milestones.len(), 3);
    let again = goals::update(&w.p, &w.tim, "tim", &made.value.id, 2, change(true)).await.unwrap();
    assert_eq!(again.value.milestones[1].done_at, Some(done_at), "still done since then");
    let foreign = GoalChange {
        milestones: Some(vec![MilestoneInput { id: Some("not-here".into()), title: "x".into(), done: false }]),
        ..GoalChange::default()
    };
    assert!(matches!(
        goals::update(&w.p, &w.tim, "tim", &made.value.id, 3, foreign).await,
        Err(DomainError::Validation(_))
    ));
}

async fn note(w: &World, author: &Actor, title: &str, visibility: Visibility) -> String {
    let described = emmaus_hub::Described {
        title: title.into(),
        description: String::new(),
        tags: vec![],
        collection: None,
        visibility: Some(visibility),
    };
    emmaus_hub::resources::create(&w.p, author, described, emmaus_hub::Content::Note { body: "text".into() })
        .await
        .unwrap()
        .resource
        .id
}

fn link(url: &str) -> NewItem {
    NewItem {
        target: NewTarget::Link { url: url.into(), title: String::new() },
        note: String::new(),
        due_date: None,
        goal_id: None,
    }
}

#[tokio::test]
async fn a_mentor_assigns_what_both_may_see_and_readers_see_only_what_the_hub_lets_them() {
    let w = world().await;
    let shared = note(&w, &w.mara, "Grace abounding", Visibility::Organisation).await;
    let private = note(&w, &w.mara, "Mara's own notes", Visibility::Private).await;
    let tims = note(&w, &w.tim, "Tim's journal", Visibility::Private).await;
    let assign = |resource: &str| NewItem {
        target: NewTarget::Resource { resource_id: resource.into() },
        note: "chapter 1".into(),
        due_date: Some("2026-03-09".into()),
        goal_id: None,
    };
    let item = queue::assign(&w.p, &w.mara, "tim", assign(&shared)).await.unwrap();
    assert_eq!(item.resource.as_ref().map(|r| r.title.as_str()), Some("Grace abounding"));
    assert_eq!(item.item.value.assigned_by, "mara");
    for hidden in [&private, &tims, &"nothing".to_owned()] {
        let refused = queue::assign(&w.p, &w.mara, "tim", assign(hidden)).await.unwrap_err();
        assert!(matches!(refused, DomainError::Validation(_)), "{hidden}: {refused:?}");
    }
    // Tim puts his own private journal in his own queue; his pastor sees that it is there, not what.
    queue::assign(&w.p, &w.tim, "tim", assign(&tims)).await.unwrap();
    let as_pastor = queue::list(&w.p, &w.paul, "tim", None).await.unwrap();
    assert_eq!(as_pastor.len(), 2);
    assert!(!as_pastor[0].hidden && as_pastor[1].hidden && as_pastor[1].resource.is_none());
    let as_tim = queue::list(&w.p, &w.tim, "tim", None).await.unwrap();
    assert_eq!(as_tim[1].resource.as_ref().map(|r| r.title.as_str()), Some("Tim's journal"));
    // Bad input is refused with the field named.
    let bad = NewItem { due_date: Some("soon".into()), ..link("https://example.org") };
    assert!(
        matches!(queue::assign(&w.p, &w.tim, "tim", bad).await, Err(DomainError::Validation(v)) if v[0].field == "due_date")
    );
    assert!(matches!(
        queue::assign(&w.p, &w.tim, "tim", link("javascript:alert(1)")).await,
        Err(DomainError::Validation(_))
    ));
}

#[tokio::test]
async fn progress_is_the_persons_and_the_assigner_may_change_or_remove_what_they_assigned() {
    let w = world().await;
    let item = queue::assign(&w.p, &w.mara, "tim", link("https://example.org/a")).await.unwrap();
    let id = item.item.value.id.clone();
    let progress = ItemChange { progress: Some(Progress::Done), ..ItemChange::default() };
    let refused = queue::update(&w.p, &w.mara, "tim", &id, 1, progress.clone()).await.unwrap_err();
    assert!(matches!(refused, DomainError::Validation(_)), "{refused:?}");
    let done = queue::update(&w.p, &w.tim, "tim", &id, 1, progress).await.unwrap();
    assert_eq!(done.item.value.done_on.as_deref(), Some("2026-03-02"));
    let note = ItemChange { note: Some("read it twice".into()), ..ItemChange::default() };
    let noted = queue::update(&w.p, &w.mara, "tim", &id, 2, note.clone()).await.unwrap();
    assert_eq!(noted.item.value.note, "read it twice");
    assert!(matches!(queue::update(&w.p, &w.mara, "tim", &id, 2, note).await, Err(DomainError::Stale(_))));
    // Tim's own item is not Mara's to remove; hers is.
    let own = queue::assign(&w.p, &w.tim, "tim", link("https://example.org/b")).await.unwrap();
    assert!(matches!(queue::remove(&w.p, &w.mara, "tim", &own.item.value.id).await, Err(DomainError::Forbidden)));
    assert!(matches!(queue::remove(&w.p, &w.paul, "tim", &id).await, Err(DomainError::Forbidden)));
    queue::remove(&w.p, &w.mara, "tim", &id).await.unwrap();
    assert_eq!(queue::list(&w.p, &w.tim, "tim", None).await.unwrap().len(), 1);
}

fn titles(items: &[queue::ItemView]) -> Vec<String> {
    items
        .iter()
        .map(|i| match &i.item.value.target {
            emmaus_planner::model::StudyTarget::Link { url, .. } => url.rsplit('/').next().unwrap().to_owned(),
            emmaus_planner::model::StudyTarget::Resource { resource_id } => resource_id.clone(),
        })
        .collect()
}

#[tokio::test]
async fn a_move_writes_one_item_and_moves_made_at_once_both_hold() {
    let w = world().await;
    let mut ids = Vec::new();
    for name in ["a", "b", "c", "d", "e"] {
        ids.push(
            queue::assign(&w.p, &w.mara, "tim", link(&format!("https://example.org/{name}")))
                .await
                .unwrap()
                .item
                .value
                .id,
        );
    }
    let moved = queue::move_item(&w.p, &w.tim, "tim", &ids[4], Some(&ids[0])).await.unwrap();
    assert_eq!(titles(&moved), ["e", "a", "b", "c", "d"]);
    let versions: Vec<u64> = moved.iter().map(|i| i.item.version).collect();
    assert_eq!(versions, [2, 1, 1, 1, 1], "only the moved item was written");
    // Two moves at once, of different items, into the same gap: both hold, nothing is lost.
    let (one, two) = tokio::join!(
        queue::move_item(&w.p, &w.tim, "tim", &ids[2], Some(&ids[1])),
        queue::move_item(&w.p, &w.tim, "tim", &ids[3], Some(&ids[1])),
    );
    one.unwrap();
    two.unwrap();
    let after = titles(&queue::list(&w.p, &w.tim, "tim", None).await.unwrap());
    assert_eq!(after.len(), 5);
    assert_eq!(&after[..2], ["e", "a"]);
    assert_eq!(after[4], "b");
    // To the end, and errors for a stranger item or itself.
    let end = queue::move_item(&w.p, &w.tim, "tim", &ids[4], None).await.unwrap();
    assert_eq!(titles(&end).last().map(String::as_str), Some("e"));
    assert!(matches!(
        queue::move_item(&w.p, &w.tim, "tim", &ids[0], Some("zzz")).await,
        Err(DomainError::Validation(_))
    ));
    assert!(matches!(
        queue::move_item(&w.p, &w.tim, "tim", &ids[0], Some(&ids[0])).await,
        Err(DomainError::Validation(_))
    ));
    assert!(matches!(queue::move_item(&w.p, &w.mara, "tim", &ids[0], None).await, Err(DomainError::Forbidden)));
}

fn weekly(start: &str) -> TaskInput {
    TaskInput {
        title: Some("Bible study".into()),
        start: Some(start.into()),
        duration_minutes: Some(60),
        rrule: Some(Some("FREQ=WEEKLY;BYDAY=MO".into())),
        ..TaskInput::default()
    }
}

fn at(calendar: &calendar::Calendar) -> Vec<(String, i64, OccurrenceStatus, bool)> {
    calendar.entries.iter().map(|e| (e.occurrence.clone(), e.start_ms, e.status, e.moved)).collect()
}

#[tokio::test]
async fn a_weekly_task_keeps_its_local_time_across_daylight_saving_and_its_occurrences_change_alone() {
    let w = world().await;
    set_zone(&w.p, "tim", "Europe/Berlin").await;
    // Mondays at 19:00 in Berlin from 16 March; summer time begins on 29 March 2026.
    let task = tasks::create(&w.p, &w.tim, "tim", weekly("2026-03-16T19:00")).await.unwrap();
    assert_eq!((task.zone.as_str(), task.revision, task.ends_ms), ("Europe/Berlin", 1, emmaus_planner::keys::MAX_MS));
    let march = calendar::range(&w.p, &w.tim, "tim", "2026-03-01", "2026-04-07").await.unwrap();
    let found = at(&march);
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["20260316T190000", "20260323T190000", "20260330T190000", "20260406T190000"]
    );
    // 18:00 UTC in winter, 17:00 UTC in summer: the wall clock stays at 19:00.
    assert_eq!(found[1].1, 1_774_288_800_000);
    assert_eq!(found[2].1, 1_774_890_000_000);

    let done = OccurrenceChange { status: OccurrenceStatus::Done, start: None };
    tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, "20260323T190000", done).await.unwrap();
    let moved = OccurrenceChange { status: OccurrenceStatus::Pending, start: Some("2026-04-01T08:30".into()) };
    tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, "20260330T190000", moved).await.unwrap();
    let after = at(&calendar::range(&w.p, &w.tim, "tim", "2026-03-01", "2026-04-07").await.unwrap());
    assert_eq!(after[1].2, OccurrenceStatus::Done);
    assert_eq!((after[2].0.as_str(), after[2].1, after[2].3), ("20260330T190000", 1_775_025_000_000, true));
    // Moved into a range its series put it outside of, and out of one it was in.
    let only_april_first = calendar::range(&w.p, &w.tim, "tim", "2026-04-01", "2026-04-02").await.unwrap();
    assert_eq!(at(&only_april_first).len(), 1);
    let only_march_30 = calendar::range(&w.p, &w.tim, "tim", "2026-03-30", "2026-03-31").await.unwrap();
    assert!(only_march_30.entries.is_empty());
    // The mentor sees it; an occurrence the series does not have is not found; too far is refused.
    assert_eq!(calendar::range(&w.p, &w.mara, "tim", "2026-03-01", "2026-04-07").await.unwrap().entries.len(), 4);
    let stray = OccurrenceChange { status: OccurrenceStatus::Done, start: None };
    assert!(matches!(
        tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, "20260317T190000", stray.clone()).await,
        Err(DomainError::NotFound(_))
    ));
    let far = OccurrenceChange { status: OccurrenceStatus::Pending, start: Some("2026-09-01T08:00".into()) };
    assert!(matches!(
        tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, "20260406T190000", far).await,
        Err(DomainError::Validation(_))
    ));
    assert!(matches!(
        tasks::set_occurrence(&w.p, &w.mara, "tim", &task.id, "20260406T190000", stray).await,
        Err(DomainError::Forbidden)
    ));
    // Back to pending where the series put it.
    let reset = OccurrenceChange { status: OccurrenceStatus::Pending, start: None };
    assert_eq!(tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, "20260330T190000", reset).await.unwrap(), None);
    assert_eq!(at(&calendar::range(&w.p, &w.tim, "tim", "2026-03-30", "2026-03-31").await.unwrap()).len(), 1);
}

#[tokio::test]
async fn this_and_following_splits_the_series_and_stale_versions_change_nothing() {
    let w = world().await;
    set_zone(&w.p, "tim", "America/New_York").await;
    let made = tasks::create(
        &w.p,
        &w.tim,
        "tim",
        TaskInput { rrule: Some(Some("FREQ=WEEKLY;BYDAY=MO;COUNT=6".into())), ..weekly("2026-03-02T07:00") },
    )
    .await
    .unwrap();
    let to_evening = TaskInput { start: Some("2026-03-16T18:00".into()), ..TaskInput::default() };
    let (before, after) =
        tasks::split(&w.p, &w.tim, "tim", &made.id, 1, "20260316T070000", to_evening.clone()).await.unwrap();
    assert_eq!(before.rrule.as_deref(), Some("FREQ=WEEKLY;COUNT=2;BYDAY=MO"));
    assert_eq!(
        (after.start.as_str(), after.rrule.as_deref()),
        ("2026-03-16T18:00:00", Some("FREQ=WEEKLY;COUNT=4;BYDAY=MO"))
    );
    let all = calendar::range(&w.p, &w.tim, "tim", "2026-03-01", "2026-05-01").await.unwrap();
    let names: Vec<&str> = all.entries.iter().map(|e| e.occurrence.as_str()).collect();
    assert_eq!(
        names,
        [
            "20260302T070000",
            "20260309T070000",
            "20260316T180000",
            "20260323T180000",
            "20260330T180000",
            "20260406T180000"
        ]
    );
    // The first half was read at version 1 and is at 2 now.
    let stale = tasks::split(&w.p, &w.tim, "tim", &made.id, 1, "20260309T070000", to_evening).await.unwrap_err();
    assert!(matches!(stale, DomainError::Stale(_)), "{stale:?}");
    assert!(matches!(tasks::delete(&w.p, &w.tim, "tim", &after.id, 7).await, Err(DomainError::Stale(_))));
    tasks::delete(&w.p, &w.tim, "tim", &after.id, 1).await.unwrap();
    assert!(matches!(tasks::get(&w.p, &w.tim, "tim", &after.id).await, Err(DomainError::NotFound(_))));
    assert_eq!(calendar::range(&w.p, &w.tim, "tim", "2026-03-01", "2026-05-01").await.unwrap().entries.len(), 2);
}

#[tokio::test]
async fn a_due_date_task_fills_its_day_and_bad_timings_name_their_field() {
    let w = world().await;
    set_zone(&w.p, "sam", "Asia/Kolkata").await;
    let due =
        TaskInput { title: Some("Hand in the essay".into()), due: Some("2026-03-05".into()), ..TaskInput::default() };
    let task = tasks::create(&w.p, &w.mo, "sam", due).await.unwrap();
    assert!(task.all_day);
    let week = calendar::range(&w.p, &w.sam, "sam", "2026-03-02", "2026-03-09").await.unwrap();
    assert_eq!(week.zone, "Asia/Kolkata");
    assert_eq!(week.entries.len(), 1);
    assert_eq!(week.entries[0].start_ms, 1_772_649_000_000, "midnight in Kolkata is 18:30 UTC the day before");
    for (input, field) in [
        (TaskInput { title: Some("x".into()), ..TaskInput::default() }, "start"),
        (TaskInput { start: Some("2026-03-02T10:00".into()), ..TaskInput::default() }, "title"),
        (TaskInput { title: Some("x".into()), start: Some("2026-03-02".into()), ..TaskInput::default() }, "start"),
        (
            TaskInput {
                title: Some("x".into()),
                start: Some("2026-03-02T10:00".into()),
                duration_minutes: Some(0),
                ..TaskInput::default()
            },
            "duration_minutes",
        ),
        (TaskInput { rrule: Some(Some("FREQ=HOURLY".into())), ..weekly("2026-03-02T10:00") }, "rrule"),
        (TaskInput { rrule: Some(Some("FREQ=WEEKLY;BYDAY=TU".into())), ..weekly("2026-03-02T10:00") }, "start"),
        (TaskInput { exdates: Some(vec!["2026-03-03T10:00".into()]), ..weekly("2026-03-02T10:00") }, "exdates"),
    ] {
        match tasks::create(&w.p, &w.sam, "sam", input).await {
            Err(DomainError::Validation(errors)) => assert_eq!(errors[0].field, field, "{errors:?}"),
            other => panic!("expected a problem with {field}: {other:?}"),
        }
    }
    for (from, to) in [("2026-03-09", "2026-03-02"), ("2026-01-01", "2027-06-01"), ("x", "2026-03-02")] {
        assert!(
            matches!(calendar::range(&w.p, &w.sam, "sam", from, to).await, Err(DomainError::Validation(_))),
            "{from} {to}"
        );
    }
}

#[tokio::test]
async fn two_items_left_at_one_rank_are_spread_apart_when_an_item_moves_between_them() {
    let w = world().await;
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        ids.push(
            queue::assign(&w.p, &w.tim, "tim", link(&format!("https://example.org/{name}")))
                .await
                .unwrap()
                .item
                .value
                .id,
        );
    }
    // What two moves into one gap at the same moment leave behind: a and b at the same rank.
    let key = |id: &str| emmaus_planner::keys::queue_item("org", "tim", id);
    let a: docs::Doc<emmaus_planner::model::QueueItem> =
        docs::get(w.p.kv.as_ref(), key(&ids[0])).await.unwrap().unwrap();
    let mut b: docs::Doc<emmaus_planner::model::QueueItem> =
        docs::get(w.p.kv.as_ref(), key(&ids[1])).await.unwrap().unwrap();
    b.value.rank = a.value.rank.clone();
    docs::replace(w.p.kv.as_ref(), &b, None).await.unwrap();
    let (first, second) = if ids[0] < ids[1] { (&ids[0], &ids[1]) } else { (&ids[1], &ids[0]) };
    let moved = queue::move_item(&w.p, &w.tim, "tim", &ids[2], Some(second)).await.unwrap();
    let order: Vec<&str> = moved.iter().map(|i| i.item.value.id.as_str()).collect();
    assert_eq!(order, [first.as_str(), ids[2].as_str(), second.as_str()]);
    let ranks: Vec<&str> = moved.iter().map(|i| i.item.value.rank.as_str()).collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "distinct again: {ranks:?}");
}

#[tokio::test]
async fn the_people_offered_are_those_whose_plans_the_matrix_lets_one_read() {
    let w = world().await;
    let offered =
        |list: Vec<people::PlanPerson>| list.into_iter().map(|p| (p.person_id, p.relation)).collect::<Vec<_>>();
    let own = |id: &str| (id.to_owned(), Relation::Own);
    assert_eq!(offered(people::list(&w.p, &w.paul).await.unwrap()), [own("paul"), ("tim".to_owned(), Relation::Group)]);
    assert_eq!(
        offered(people::list(&w.p, &w.mara).await.unwrap()),
        [own("mara"), ("tim".to_owned(), Relation::Mentee)]
    );
    assert_eq!(offered(people::list(&w.p, &w.ada).await.unwrap()), [own("ada")]);
    assert_eq!(offered(people::list(&w.p, &w.tim).await.unwrap()), [own("tim")]);
    // Every plan offered opens.
    for (actor, person) in [(&w.paul, "tim"), (&w.mara, "tim"), (&w.mo, "sam")] {
        goals::list(&w.p, actor, person).await.unwrap();
    }
}

#[tokio::test]
async fn a_calendar_across_plans_holds_exactly_the_plans_one_may_read() {
    let w = world().await;
    let daily = |title: &str| TaskInput {
        title: Some(title.into()),
        start: Some("2026-03-02T07:00".into()),
        rrule: Some(Some("FREQ=DAILY;COUNT=2".into())),
        ..TaskInput::default()
    };
    for (actor, person, title) in
        [(&w.tim, "tim", "Tim reads"), (&w.sam, "sam", "Sam reads"), (&w.mara, "mara", "Mara prepares")]
    {
        tasks::create(&w.p, actor, person, daily(title)).await.unwrap();
    }
    let seen = |plans: Vec<calendar::PersonEntries>| {
        plans
            .into_iter()
            .flat_map(|plan| plan.entries.into_iter().map(move |e| format!("{} {}", plan.person.person_id, e.title)))
            .collect::<Vec<_>>()
    };
    let (mara, zone, truncated) = calendar::across(&w.p, &w.mara, "2026-03-01", "2026-03-08").await.unwrap();
    assert_eq!((zone.as_str(), truncated), ("UTC", false));
    assert_eq!(seen(mara), ["mara Mara prepares", "mara Mara prepares", "tim Tim reads", "tim Tim reads"]);
    let (paul, ..) = calendar::across(&w.p, &w.paul, "2026-03-01", "2026-03-08").await.unwrap();
    assert_eq!(seen(paul), ["tim Tim reads", "tim Tim reads"]);
    let (ada, ..) = calendar::across(&w.p, &w.ada, "2026-03-01", "2026-03-08").await.unwrap();
    assert!(seen(ada).is_empty(), "an admin's own plan alone, and it is empty");
    let too_long = calendar::across(&w.p, &w.mara, "2026-03-01", "2026-06-01").await.unwrap_err();
    assert!(matches!(too_long, DomainError::Validation(_)), "{too_long:?}");
}

//! Dashboards over in-memory adapters: one's own day and week, a mentor's row per mentee, a
//! pastor's groups with their sums, an admin's organisation totals, and the store reads one
//! dashboard makes for a mentor of many.

use std::sync::Arc;

use emmaus_domain::Timestamp;
use emmaus_domain::identity::Role;
use emmaus_identity::{mentorships, testing};
use emmaus_memory::RecordingKv;
use emmaus_planner::goals::{self, GoalChange, MilestoneInput, NewGoal};
use emmaus_planner::meetings::{self, NewMeeting};
use emmaus_planner::model::{GoalStatus, OccurrenceStatus, Progress};
use emmaus_planner::queue::{self, ItemChange, NewItem, NewTarget};
use emmaus_planner::tasks::{self, OccurrenceChange, TaskInput};
use emmaus_planner::{comments, dashboard};

mod support;

use support::{set_zone, world};

fn link(title: &str) -> NewItem {
    NewItem {
        target: NewTarget::Link { url: format!("https://example.org/{title}"), title: title.into() },
        note: String::new(),
        due_date: None,
        goal_id: None,
    }
}

#[tokio::test]
async fn a_mentor_sees_each_mentees_goals_week_queue_and_last_meeting() {
    let w = world().await;
    set_zone(&w.p, "tim", "Europe/Berlin").await;
    // Tim accepts a goal Mara proposed and marks one of its two milestones done.
    let proposed = goals::create(
        &w.p,
        &w.mara,
        "tim",
        NewGoal { title: "Read Mark".into(), milestones: vec!["1-8".into(), "9-16".into()], ..NewGoal::default() },
    )
    .await
    .unwrap();
    let accepted = goals::answer(&w.p, &w.tim, "tim", &proposed.value.id, true).await.unwrap();
    let milestones = accepted
        .value
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| MilestoneInput { id: Some(m.id.clone()), title: m.title.clone(), done: i == 0 })
        .collect();
    let change = GoalChange { milestones: Some(milestones), ..GoalChange::default() };
    goals::update(&w.p, &w.tim, "tim", &proposed.value.id, accepted.version, change).await.unwrap();
    goals::create(&w.p, &w.mara, "tim", NewGoal { title: "Pray".into(), ..NewGoal::default() }).await.unwrap();
    // A daily task from last Thursday: Friday done, Saturday moved to Sunday, the rest pending.
    let task = tasks::create(
        &w.p,
        &w.tim,
        "tim",
        TaskInput {
            title: Some("Read a chapter".into()),
            start: Some("2026-02-26T07:00".into()),
            rrule: Some(Some("FREQ=DAILY".into())),
            ..TaskInput::default()
        },
    )
    .await
    .unwrap();
    let set = |occurrence: &'static str, status, start: Option<&str>| {
        let change = OccurrenceChange { status, start: start.map(str::to_owned) };
        tasks::set_occurrence(&w.p, &w.tim, "tim", &task.id, occurrence, change)
    };
    set("20260302T070000", OccurrenceStatus::Done, None).await.unwrap();
    set("20260303T070000", OccurrenceStatus::Pending, Some("2026-03-04T08:00")).await.unwrap();
    set("20260227T070000", OccurrenceStatus::Skipped, None).await.unwrap();
    // The queue: one done, one overdue.
    let first = queue::assign(&w.p, &w.mara, "tim", link("one")).await.unwrap();
    let change = ItemChange { progress: Some(Progress::Done), ..ItemChange::default() };
    queue::update(&w.p, &w.tim, "tim", &first.item.value.id, first.item.version, change).await.unwrap();
    queue::assign(&w.p, &w.mara, "tim", NewItem { due_date: Some("2026-03-01".into()), ..link("two") }).await.unwrap();
    let met = meetings::create(
        &w.p,
        &w.mara,
        "tim",
        NewMeeting { start: "2026-02-28T10:00".into(), duration_minutes: 45, ..NewMeeting::default() },
    )
    .await
    .unwrap();
    // A meeting planned for later is not the last one.
    meetings::create(
        &w.p,
        &w.mara,
        "tim",
        NewMeeting { start: "2026-03-09T10:00".into(), duration_minutes: 45, ..NewMeeting::default() },
    )
    .await
    .unwrap();

    let board = dashboard::build(&w.p, &w.mara).await.unwrap();
    assert_eq!(board.mentees.len(), 1, "Mara mentors Tim alone");
    let tim = &board.mentees[0];
    assert_eq!(tim.person.person_id, "tim");
    assert_eq!(tim.goals.len(), 1);
    assert_eq!(
        (tim.goals[0].title.as_str(), tim.goals[0].milestones_done, tim.goals[0].milestones_total),
        ("Read Mark", 1, 2)
    );
    assert_eq!(tim.proposed_goals, 1);
    // Now is Monday 2 March, 13:00 in Berlin: Monday's 07:00 is done, Tuesday's moved to
    // Wednesday, and Wednesday to Sunday pending (Wednesday twice: its own and the moved one).
    assert_eq!((tim.week.done, tim.week.pending, tim.week.moved, tim.week.skipped), (1, 6, 1, 0));
    // Overdue: Thursday 26, Saturday 28 and Sunday 1 (Friday 27 was skipped).
    assert_eq!(tim.overdue, 3);
    assert_eq!((tim.queue.done, tim.queue.not_started, tim.queue.overdue), (1, 1, 1));
    assert_eq!(tim.last_meeting.as_ref().map(|m| m.id.as_str()), Some(met.meeting.id.as_str()));
    // What he did lately, wherever it falls: skipped, done and moved.
    let recent: Vec<(&str, OccurrenceStatus, bool)> =
        tim.recent.iter().map(|c| (c.occurrence.as_str(), c.status, c.moved)).collect();
    assert_eq!(
        recent,
        [
            ("20260227T070000", OccurrenceStatus::Skipped, false),
            ("20260302T070000", OccurrenceStatus::Done, false),
            ("20260303T070000", OccurrenceStatus::Pending, true),
        ]
    );
    assert!(board.groups.is_empty());
    assert!(board.organisation.is_none());

    // Tim's own day: today's occurrence (done), the rest of his week, the head of his queue.
    let mine = dashboard::build(&w.p, &w.tim).await.unwrap();
    assert_eq!(mine.me.today, "2026-03-02");
    assert_eq!(mine.me.zone, "Europe/Berlin");
    assert_eq!(mine.me.today_entries.len(), 1);
    assert_eq!(mine.me.today_entries[0].status, OccurrenceStatus::Done);
    assert_eq!(mine.me.week_entries.len(), 6);
    assert_eq!(mine.me.overdue_count, 3);
    assert_eq!(mine.me.overdue[0].occurrence, "20260301T070000", "newest first");
    assert_eq!(mine.me.queue_head.len(), 1, "only what is not done");
    let statuses: Vec<GoalStatus> = mine.me.goals.iter().map(|g| g.status).collect();
    assert_eq!(statuses, [GoalStatus::Proposed, GoalStatus::Active]);
    assert!(mine.mentees.is_empty());
}

#[tokio::test]
async fn a_pastor_sees_their_groups_summed_and_an_admin_the_organisations_counts() {
    let w = world().await;
    goals::create(&w.p, &w.tim, "tim", NewGoal { title: "Serve".into(), ..NewGoal::default() }).await.unwrap();
    goals::create(&w.p, &w.sam, "sam", NewGoal { title: "Sing".into(), ..NewGoal::default() }).await.unwrap();
    meetings::create(
        &w.p,
        &w.paul,
        "tim",
        NewMeeting { start: "2026-02-20T18:00".into(), duration_minutes: 30, ..NewMeeting::default() },
    )
    .await
    .unwrap();
    let board = dashboard::build(&w.p, &w.paul).await.unwrap();
    assert_eq!(board.groups.len(), 1);
    let group = &board.groups[0];
    assert_eq!(group.name, "Tuesday group");
    let people: Vec<&str> = group.people.iter().map(|r| r.person.person_id.as_str()).collect();
    assert_eq!(people, ["tim"], "Sam is in no group Paul leads");
    assert_eq!((group.totals.people, group.totals.active_goals, group.totals.met_recently), (1, 1, 1));
    assert!(board.organisation.is_none(), "a pastor sees no organisation totals");

    let admin = dashboard::build(&w.p, &w.ada).await.unwrap();
    let org = admin.organisation.expect("an admin sees the organisation's totals");
    assert_eq!((org.members, org.admins, org.pastors, org.mentors, org.mentees), (6, 1, 1, 2, 2));
    assert_eq!((org.groups, org.active_mentorships), (1, 2));
    assert_eq!((org.plans.people, org.plans.active_goals, org.plans.met_recently), (6, 2, 1));
    assert!(!org.partial);
    assert!(admin.mentees.is_empty() && admin.groups.is_empty(), "an admin reads no one's plan");
}

#[tokio::test]
async fn a_mentor_of_thirty_costs_a_fixed_number_of_store_reads_per_mentee() {
    let (mut p, clock) = emmaus_hub::in_memory_platform();
    clock.set(Timestamp::from_unix_millis(1_772_452_800_000));
    let recording = Arc::new(RecordingKv::new(p.kv.clone()));
    p.kv = recording.clone();
    let admin = testing::member(&p, "org", "ada", "Ada", &[Role::Admin]).await;
    let mentor = testing::member(&p, "org", "mara", "Mara", &[Role::Mentor]).await;
    let mut reads = Vec::new();
    for count in [1_usize, 30] {
        while mentorships::list(&p, &admin).await.unwrap().len() < count {
            let n = mentorships::list(&p, &admin).await.unwrap().len();
            let id = format!("m{n:02}");
            testing::member(&p, "org", &id, &format!("Mentee{n}"), &[Role::Mentee]).await;
            mentorships::create(&p, &admin, "mara", &id).await.unwrap();
            let goal =
                goals::create(&p, &mentor, &id, NewGoal { title: "Grow".into(), ..NewGoal::default() }).await.unwrap();
            let mentee = emmaus_identity::directory::actor_in(
                &p,
                &emmaus_identity::Principal {
                    person_id: id.clone(),
                    session_id: "s".into(),
                    meta: emmaus_identity::RequestMeta::default(),
                },
                "org",
            )
            .await
            .unwrap();
            let thread = comments::ThreadId::parse(&format!("goal-{}", goal.value.id)).unwrap();
            comments::add(&p, &mentee, &id, &thread, "Shall we?").await.unwrap();
        }
        recording.take();
        let board = dashboard::build(&p, &mentor).await.unwrap();
        assert_eq!(board.mentees.len(), count);
        assert!(board.mentees.iter().all(|row| row.unread_comments == 1), "each mentee's one comment is unread");
        // A batch read records each of its keys: those are counted apart from the queries.
        let ops = recording.take();
        let queries = ops.iter().filter(|op| !op.starts_with("get_many")).count();
        reads.push((queries, ops.len() - queries));
    }
    let queries_per_mentee = (reads[1].0 - reads[0].0) / 29;
    let batch_keys_per_mentee = (reads[1].1 - reads[0].1) / 29;
    eprintln!("store queries and gets, batch-read keys: {reads:?}");
    // Their groups (read by the permission standing), and the row: the tasks and occurrence
    // states of the weeks it covers, the goals, the queue, the last meeting, the conversation's
    // threads and what the mentor read of them.
    assert_eq!(queries_per_mentee, 8, "{reads:?}");
    // Their name and membership, read fifty people to a batch.
    assert_eq!(batch_keys_per_mentee, 2, "{reads:?}");
}

//! Meetings over in-memory adapters: who records them and who reads what of them (private notes
//! open for their recorder alone, sealed in the store), changes under versions, paging newest
//! first, and next steps that become one task each.

use emmaus_domain::DomainError;
use emmaus_identity::mentorships;
use emmaus_planner::calendar;
use emmaus_planner::meetings::{self, MeetingChange, NewMeeting, StepInput};
use emmaus_planner::tasks::TaskInput;
use emmaus_ports::Query;

mod support;

use support::world;

fn meeting(start: &str) -> NewMeeting {
    NewMeeting {
        start: start.into(),
        duration_minutes: 60,
        shared_notes: "We read **Romans 8** together.".into(),
        private_notes: "Tim seems tired; ask about work.".into(),
        next_steps: vec!["Read Romans 9".into(), "Call his brother".into()],
    }
}

#[tokio::test]
async fn private_notes_open_for_their_recorder_alone_and_are_sealed_in_the_store() {
    let w = world().await;
    let recorded = meetings::create(&w.p, &w.mara, "tim", meeting("2026-03-02T09:00")).await.unwrap();
    assert!(recorded.mine);
    assert_eq!(recorded.private_notes.as_deref(), Some("Tim seems tired; ask about work."));
    let id = recorded.meeting.id.clone();
    // The person met and their group's pastor read the shared notes, never the private ones.
    for reader in [&w.tim, &w.paul] {
        let seen = meetings::get(&w.p, reader, "tim", &id).await.unwrap();
        assert_eq!(seen.meeting.shared_notes, "We read **Romans 8** together.");
        assert_eq!(seen.private_notes, None, "{}", reader.person_id);
        assert_eq!(seen.meeting.private_notes, None, "{}: the sealed text stays behind", reader.person_id);
        assert!(!seen.mine);
        let (listed, _) = meetings::list(&w.p, reader, "tim", None, 20).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].private_notes, None);
    }
    // Another mentor and an admin do not reach the meeting at all; another organisation's member
    // does not find the person.
    for outsider in [&w.mo, &w.ada] {
        let refused = meetings::get(&w.p, outsider, "tim", &id).await.unwrap_err();
        assert!(matches!(refused, DomainError::Forbidden), "{}: {refused:?}", outsider.person_id);
    }
    let across = meetings::get(&w.p, &w.bea, "tim", &id).await.unwrap_err();
    assert!(matches!(across, DomainError::NotFound(_)), "{across:?}");
    // The store holds the private notes sealed: a copy of it does not reveal them.
    let stored = w.p.kv.query(&Query::new("org#org#plan#tim", "meet#", 10)).await.unwrap();
    let raw = String::from_utf8(stored.items[0].value.clone()).unwrap();
    assert!(raw.contains("Romans 8"), "{raw}");
    assert!(!raw.contains("tired"), "{raw}");
    assert!(raw.contains("\"private_notes\":\"v1."), "{raw}");
}

#[tokio::test]
async fn two_recorders_never_read_each_others_private_notes() {
    let w = world().await;
    let maras = meetings::create(&w.p, &w.mara, "tim", meeting("2026-03-02T09:00")).await.unwrap();
    let mut pauls_notes = meeting("2026-02-20T18:00");
    pauls_notes.private_notes = "Pastoral concern, kept to myself.".into();
    let pauls = meetings::create(&w.p, &w.paul, "tim", pauls_notes).await.unwrap();
    let seen_by_mara = meetings::get(&w.p, &w.mara, "tim", &pauls.meeting.id).await.unwrap();
    assert_eq!(seen_by_mara.private_notes, None);
    let seen_by_paul = meetings::get(&w.p, &w.paul, "tim", &maras.meeting.id).await.unwrap();
    assert_eq!(seen_by_paul.private_notes, None);
    // Nor does either change or delete the other's.
    let change = MeetingChange { private_notes: Some("overwritten".into()), ..MeetingChange::default() };
    let refused = meetings::update(&w.p, &w.mara, "tim", &pauls.meeting.id, 1, change).await.unwrap_err();
    assert!(matches!(refused, DomainError::Forbidden), "{refused:?}");
    let refused = meetings::delete(&w.p, &w.paul, "tim", &maras.meeting.id, 1).await.unwrap_err();
    assert!(matches!(refused, DomainError::Forbidden), "{refused:?}");
    // The person, a mentor of someone else and an admin record no meeting with Tim.
    for refused_recorder in [&w.tim, &w.mo, &w.ada] {
        let refused = meetings::create(&w.p, refused_recorder, "tim", meeting("2026-03-02T09:00")).await.unwrap_err();
        assert!(matches!(refused, DomainError::Forbidden), "{}: {refused:?}", refused_recorder.person_id);
    }
    // Once the mentoring ends, Mara neither reads nor changes her old meeting.
    let pairing = mentorships::list(&w.p, &w.ada).await.unwrap().into_iter().find(|m| m.mentor_id == "mara").unwrap();
    mentorships::end(&w.p, &w.ada, &pairing.id).await.unwrap();
    let gone = meetings::get(&w.p, &w.mara, "tim", &maras.meeting.id).await.unwrap_err();
    assert!(matches!(gone, DomainError::Forbidden), "{gone:?}");
}

#[tokio::test]
async fn a_change_names_the_revision_it_read_and_meetings_list_newest_first_by_page() {
    let w = world().await;
    let first = meetings::create(&w.p, &w.mara, "tim", meeting("2026-01-05T09:00")).await.unwrap();
    meetings::create(&w.p, &w.mara, "tim", meeting("2026-02-05T09:00")).await.unwrap();
    meetings::create(&w.p, &w.mara, "tim", meeting("2026-03-01T09:00")).await.unwrap();
    let id = first.meeting.id.clone();
    // Moving the first meeting to the newest date moves it to the head of the list.
    let change = MeetingChange {
        start: Some("2026-03-02T08:00".into()),
        shared_notes: Some("Moved.".into()),
        next_steps: Some(vec![
            StepInput { id: Some(first.meeting.next_steps[1].id.clone()), title: "Call his brother soon".into() },
            StepInput { id: None, title: "Pray for Sam".into() },
        ]),
        ..MeetingChange::default()
    };
    let changed = meetings::update(&w.p, &w.mara, "tim", &id, 1, change.clone()).await.unwrap();
    assert_eq!(changed.meeting.revision, 2);
    assert_eq!(changed.meeting.start, "2026-03-02T08:00:00");
    assert_eq!(changed.meeting.next_steps[0].id, first.meeting.next_steps[1].id);
    assert_eq!(changed.private_notes.as_deref(), Some("Tim seems tired; ask about work."), "kept, and still opens");
    // Stale: nothing is written.
    let stale = meetings::update(&w.p, &w.mara, "tim", &id, 1, MeetingChange::default()).await.unwrap_err();
    assert!(matches!(stale, DomainError::Stale(_)), "{stale:?}");
    let (page, next) = meetings::list(&w.p, &w.tim, "tim", None, 2).await.unwrap();
    let starts: Vec<&str> = page.iter().map(|m| m.meeting.start.as_str()).collect();
    assert_eq!(starts, ["2026-03-02T08:00:00", "2026-03-01T09:00:00"]);
    let (rest, end) = meetings::list(&w.p, &w.tim, "tim", next, 2).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].meeting.start, "2026-02-05T09:00:00");
    assert!(end.is_none());
    // A step id that is not the meeting's, a bad start, a bad length: each names its field.
    for (change, field) in [
        (
            MeetingChange {
                next_steps: Some(vec![StepInput { id: Some("zzz".into()), title: "x".into() }]),
                ..MeetingChange::default()
            },
            "next_steps.0.id",
        ),
        (MeetingChange { start: Some("2026-13-01T09:00".into()), ..MeetingChange::default() }, "start"),
        (MeetingChange { duration_minutes: Some(0), ..MeetingChange::default() }, "duration_minutes"),
        (MeetingChange { private_notes: Some("x".repeat(20_001)), ..MeetingChange::default() }, "private_notes"),
    ] {
        let error = meetings::update(&w.p, &w.mara, "tim", &id, 2, change).await.unwrap_err();
        assert!(
            matches!(&error, DomainError::Validation(problems) if problems.iter().any(|p| p.field == field)),
            "{field}: {error:?}"
        );
    }
    // Deleting at the version read.
    meetings::delete(&w.p, &w.mara, "tim", &id, 2).await.unwrap();
    let gone = meetings::get(&w.p, &w.tim, "tim", &id).await.unwrap_err();
    assert!(matches!(gone, DomainError::NotFound(_)), "{gone:?}");
}

#[tokio::test]
async fn a_next_step_becomes_one_task_on_the_persons_calendar() {
    let w = world().await;
    let recorded = meetings::create(&w.p, &w.mara, "tim", meeting("2026-03-02T09:00")).await.unwrap();
    let step = recorded.meeting.next_steps[0].id.clone();
    let input = TaskInput { start: Some("2026-03-04T19:00".into()), ..TaskInput::default() };
    // The pastor who did not record the meeting does not make its steps tasks.
    let refused =
        meetings::step_to_task(&w.p, &w.paul, "tim", &recorded.meeting.id, &step, input.clone()).await.unwrap_err();
    assert!(matches!(refused, DomainError::Forbidden), "{refused:?}");
    // The person does.
    let (seen, task) =
        meetings::step_to_task(&w.p, &w.tim, "tim", &recorded.meeting.id, &step, input.clone()).await.unwrap();
    assert_eq!(task.title, "Read Romans 9");
    assert_eq!(task.notes, "A next step from the meeting of 2026-03-02.");
    assert_eq!(seen.meeting.next_steps[0].task_id.as_deref(), Some(task.id.as_str()));
    assert_eq!(seen.meeting.revision, 2);
    assert_eq!(seen.private_notes, None, "Tim does not read Mara's private notes here either");
    // Once only.
    let again =
        meetings::step_to_task(&w.p, &w.mara, "tim", &recorded.meeting.id, &step, input.clone()).await.unwrap_err();
    assert!(matches!(again, DomainError::Conflict(_)), "{again:?}");
    let missing = meetings::step_to_task(&w.p, &w.mara, "tim", &recorded.meeting.id, "nope", input).await.unwrap_err();
    assert!(matches!(missing, DomainError::NotFound(_)), "{missing:?}");
    let week = calendar::range(&w.p, &w.tim, "tim", "2026-03-02", "2026-03-09").await.unwrap();
    assert_eq!(week.entries.len(), 1);
    assert_eq!(week.entries[0].title, "Read Romans 9");
}

#[tokio::test]
async fn a_meeting_is_checked_whole_before_anything_is_written() {
    let w = world().await;
    for (input, field) in [
        (NewMeeting { duration_minutes: 0, ..meeting("2026-03-02T09:00") }, "duration_minutes"),
        (NewMeeting { duration_minutes: 721, ..meeting("2026-03-02T09:00") }, "duration_minutes"),
        (meeting("tomorrow"), "start"),
        (NewMeeting { shared_notes: "x".repeat(20_001), ..meeting("2026-03-02T09:00") }, "shared_notes"),
        (NewMeeting { next_steps: vec!["step".into(); 21], ..meeting("2026-03-02T09:00") }, "next_steps"),
        (NewMeeting { next_steps: vec!["  ".into()], ..meeting("2026-03-02T09:00") }, "next_steps.0"),
    ] {
        let error = meetings::create(&w.p, &w.mara, "tim", input).await.unwrap_err();
        assert!(
            matches!(&error, DomainError::Validation(problems) if problems.iter().any(|p| p.field == field)),
            "{field}: {error:?}"
        );
    }
    let (none, _) = meetings::list(&w.p, &w.mara, "tim", None, 20).await.unwrap();
    assert!(none.is_empty());
    let bad_limit = meetings::list(&w.p, &w.mara, "tim", None, 0).await.unwrap_err();
    assert!(matches!(bad_limit, DomainError::Validation(_)), "{bad_limit:?}");
}

//! The hub's use cases end to end on the in-memory platform: adding, reading, searching, changing
//! under a version, note versions, visibility, the trash and the purge.

use std::collections::BTreeMap;
use std::time::Duration;

use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::hub::{ResourceKind, Visibility};
use emmaus_domain::identity::Role;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_hub::search::{Listing, Order};
use emmaus_hub::{Change, Content, Described, notes, purge, resources, search};
use emmaus_identity::{Actor, groups};
use emmaus_ports::Query;

struct World {
    p: Platform,
    clock: std::sync::Arc<emmaus_memory::ManualClock>,
    people: BTreeMap<&'static str, Actor>,
    group: String,
}

impl World {
    /// One organisation: an admin, a pastor leading a group with `m1` in it, a mentor, and a
    /// mentee `m2` outside the group.
    async fn build() -> Self {
        let (p, clock) = emmaus_hub::in_memory_platform();
        clock.set(Timestamp::from_unix_seconds(1_800_000_000));
        let org = "ORG1".to_owned();
        let mut people = BTreeMap::new();
        for (name, role) in [
            ("admin", Role::Admin),
            ("pastor", Role::Pastor),
            ("mentor", Role::Mentor),
            ("m1", Role::Mentee),
            ("m2", Role::Mentee),
        ] {
            let actor =
                emmaus_identity::testing::member(&p, &org, &format!("P{}", name.to_uppercase()), name, &[role]).await;
            people.insert(name, actor);
        }
        let group = groups::create(&p, &people["admin"], "Thursday group", &people["pastor"].person_id).await.unwrap();
        groups::add_member(&p, &people["admin"], &group.id, &people["m1"].person_id).await.unwrap();
        Self { p, clock, people, group: group.id }
    }

    fn who(&self, name: &str) -> &Actor {
        &self.people[name]
    }

    async fn note(&self, by: &str, title: &str, body: &str, visibility: Visibility) -> resources::ResourceView {
        let described = Described { title: title.into(), visibility: Some(visibility), ..Described::default() };
        resources::create(&self.p, self.who(by), described, Content::Note { body: body.into() }).await.unwrap()
    }

    async fn find(&self, by: &str, text: &str) -> search::Results {
        let listing = Listing { text: text.into(), limit: 20, ..Listing::default() };
        search::find(&self.p, self.who(by), &listing).await.unwrap()
    }

    async fn titles(&self, by: &str, text: &str) -> Vec<String> {
        self.find(by, text).await.items.into_iter().map(|f| f.resource.title).collect()
    }

    async fn pending_tasks(&self) -> usize {
        self.p.kv.query(&Query::new("outbox", "task#", 100)).await.unwrap().items.len()
    }
}

#[tokio::test]
async fn a_note_is_found_by_a_word_inside_it_at_once() {
    let w = World::build().await;
    let made = w
        .note(
            "mentor",
            "Grace alone",
            "We read **Ephesians** two and talk about undeserved favour.",
            Visibility::Organisation,
        )
        .await;
    assert_eq!(made.version, 1);
    assert_eq!(made.resource.kind, ResourceKind::Note);
    // Indexed at once, and the task that did it is gone from the outbox.
    assert_eq!(w.pending_tasks().await, 0);
    let found = w.find("m2", "ephes").await;
    assert_eq!(found.total, 1);
    let hit = &found.items[0];
    assert_eq!(hit.resource.title, "Grace alone");
    let marked: Vec<&str> = hit.snippet.iter().filter(|s| s.hit).map(|s| s.text.as_str()).collect();
    assert_eq!(marked, ["Ephesians"], "the markdown marks are not indexed, the word is marked");
    assert_eq!(found.facets["kind"][0].value, "note");
    let read = resources::read(&w.p, w.who("m2"), &made.resource.id).await.unwrap();
    assert_eq!(read.body.as_deref(), Some("We read **Ephesians** two and talk about undeserved favour."));
    assert!(!read.may_change, "a mentee reads what a mentor wrote but does not change it");
}

#[tokio::test]
async fn visibility_holds_in_reads_searches_and_counts() {
    let w = World::build().await;
    let shared = w.note("pastor", "Group study on hope", "hope", Visibility::Group { group_id: w.group.clone() }).await;
    let private = w.note("m2", "My own hope journal", "hope", Visibility::Private).await;
    w.note("mentor", "Hope for everyone", "hope", Visibility::Organisation).await;
    let expect = [
        ("admin", vec!["Group study on hope", "Hope for everyone"]),
        ("pastor", vec!["Group study on hope", "Hope for everyone"]),
        ("m1", vec!["Group study on hope", "Hope for everyone"]),
        ("mentor", vec!["Hope for everyone"]),
        ("m2", vec!["Hope for everyone", "My own hope journal"]),
    ];
    for (who, titles) in expect {
        let found = w.find(who, "hope").await;
        let mut got: Vec<String> = found.items.iter().map(|f| f.resource.title.clone()).collect();
        got.sort();
        assert_eq!(got, titles, "{who}");
        assert_eq!(found.total, titles.len() as u64, "{who}: the total counts only what they see");
        let kinds: u64 = found.facets["kind"].iter().map(|f| f.count).sum();
        assert_eq!(kinds, titles.len() as u64, "{who}: facets count only what they see");
    }
    for who in ["admin", "pastor", "mentor", "m1"] {
        let error = resources::read(&w.p, w.who(who), &private.resource.id).await.unwrap_err();
        assert!(matches!(error, DomainError::NotFound(_)), "{who} reads another's private note: {error:?}");
    }
    for who in ["mentor", "m2"] {
        let error = resources::read(&w.p, w.who(who), &shared.resource.id).await.unwrap_err();
        assert!(matches!(error, DomainError::NotFound(_)), "{who} reads a group note outside the group");
    }
}

#[tokio::test]
async fn who_may_add_and_change_follows_the_matrix() {
    let w = World::build().await;
    let described =
        |visibility| Described { title: "Mine".into(), visibility: Some(visibility), ..Described::default() };
    let shared = resources::create(
        &w.p,
        w.who("m1"),
        described(Visibility::Organisation),
        Content::Note { body: String::new() },
    )
    .await;
    assert!(matches!(shared, Err(DomainError::Forbidden)), "a mentee shares nothing with the organisation");
    resources::create(&w.p, w.who("m1"), described(Visibility::Private), Content::Note { body: String::new() })
        .await
        .unwrap();
    let outside = Visibility::Group { group_id: w.group.clone() };
    let error = resources::create(&w.p, w.who("mentor"), described(outside), Content::Note { body: String::new() })
        .await
        .unwrap_err();
    assert!(matches!(error, DomainError::Validation(ref e) if e[0].field == "visibility.group_id"), "{error:?}");

    let note = w.note("mentor", "Prayer", "text", Visibility::Organisation).await;
    let rename = || Change { title: Some("Renamed".into()), ..Change::default() };
    for who in ["pastor", "m1"] {
        let error = resources::update(&w.p, w.who(who), &note.resource.id, 1, rename()).await.unwrap_err();
        assert!(matches!(error, DomainError::Forbidden), "{who}: {error:?}");
    }
    let changed = resources::update(&w.p, w.who("admin"), &note.resource.id, 1, rename()).await.unwrap();
    assert_eq!((changed.resource.title.as_str(), changed.version), ("Renamed", 2));
    let error = resources::update(
        &w.p,
        w.who("admin"),
        &note.resource.id,
        2,
        Change { visibility: Some(Visibility::Private), ..Change::default() },
    )
    .await
    .unwrap_err();
    assert!(matches!(error, DomainError::Validation(_)), "only the author makes a resource private: {error:?}");
}

#[tokio::test]
async fn a_stale_change_is_refused_and_loses_nothing() {
    let w = World::build().await;
    let note = w.note("mentor", "Draft", "first", Visibility::Organisation).await;
    let id = note.resource.id.clone();
    let body = |text: &str| Change { body: Some(text.into()), ..Change::default() };
    resources::update(&w.p, w.who("mentor"), &id, 1, body("second")).await.unwrap();
    let error = resources::update(&w.p, w.who("admin"), &id, 1, body("from an old copy")).await.unwrap_err();
    assert!(matches!(error, DomainError::Stale(_)), "{error:?}");
    let now = resources::read(&w.p, w.who("mentor"), &id).await.unwrap();
    assert_eq!((now.body.as_deref(), now.version), (Some("second"), 2));
    let error = resources::delete(&w.p, w.who("mentor"), &id, 1).await.unwrap_err();
    assert!(matches!(error, DomainError::Stale(_)));
    assert_eq!(w.titles("m1", "second").await, ["Draft"], "the search follows the saved text");
    assert!(w.titles("m1", "first").await.is_empty(), "and forgets the old one");
}

#[tokio::test]
async fn a_note_keeps_its_versions_and_restores_one() {
    let w = World::build().await;
    let note = w.note("mentor", "Psalm 23", "v1", Visibility::Organisation).await;
    let id = note.resource.id.clone();
    let mut version = 1;
    for n in 2..=25 {
        let change = Change { body: Some(format!("v{n}")), ..Change::default() };
        version = resources::update(&w.p, w.who("mentor"), &id, version, change).await.unwrap().version;
    }
    let kept = notes::versions(&w.p, w.who("m1"), &id).await.unwrap();
    assert_eq!(kept.len(), 21, "the current text and the 20 before it");
    assert_eq!((kept[0].number, kept[20].number), (25, 5));
    assert!(kept.iter().all(|v| v.text.is_empty()), "a list of versions leaves their texts out");
    let old = notes::version(&w.p, w.who("m1"), &id, 5).await.unwrap();
    assert_eq!((old.number, old.text.as_str()), (5, "v5"));
    assert!(matches!(notes::version(&w.p, w.who("m1"), &id, 4).await, Err(DomainError::NotFound(_))));
    // The dropped versions' records are gone from the store, not merely unlisted.
    let stored = w.p.kv.query(&Query::new(emmaus_hub::keys::versions("ORG1", &id), "", 100)).await.unwrap();
    assert_eq!(stored.items.len(), 21);

    let error = notes::restore(&w.p, w.who("mentor"), &id, 5, version - 1).await.unwrap_err();
    assert!(matches!(error, DomainError::Stale(_)));
    let restored = notes::restore(&w.p, w.who("mentor"), &id, 5, version).await.unwrap();
    assert_eq!((restored.body.as_deref(), restored.resource.note.as_ref().unwrap().number), (Some("v5"), 26));
    assert!(matches!(notes::restore(&w.p, w.who("m1"), &id, 6, restored.version).await, Err(DomainError::Forbidden)));
}

#[tokio::test]
async fn the_trash_restores_for_thirty_days_then_the_purge_removes_everything() {
    let w = World::build().await;
    let note = w.note("mentor", "Lent plan", "forty days", Visibility::Organisation).await;
    let id = note.resource.id.clone();
    resources::update(
        &w.p,
        w.who("mentor"),
        &id,
        1,
        Change { body: Some("forty days and nights".into()), ..Change::default() },
    )
    .await
    .unwrap();
    assert!(matches!(resources::delete(&w.p, w.who("pastor"), &id, 2).await, Err(DomainError::Forbidden)));
    resources::delete(&w.p, w.who("mentor"), &id, 2).await.unwrap();
    assert!(w.titles("admin", "forty").await.is_empty(), "out of the search at once");
    assert!(matches!(resources::read(&w.p, w.who("mentor"), &id).await, Err(DomainError::NotFound(_))));
    for (who, sees) in [("mentor", true), ("admin", true), ("pastor", false), ("m1", false)] {
        let (items, _) = resources::trash(&w.p, w.who(who), None, 50).await.unwrap();
        assert_eq!(items.iter().any(|t| t.resource.id == id), sees, "{who}");
    }
    assert!(matches!(resources::restore(&w.p, w.who("pastor"), &id).await, Err(DomainError::Forbidden)));
    let back = resources::restore(&w.p, w.who("admin"), &id).await.unwrap();
    assert_eq!(back.body.as_deref(), Some("forty days and nights"));
    assert_eq!(w.titles("m1", "forty").await, ["Lent plan"]);

    resources::delete(&w.p, w.who("mentor"), &id, back.version).await.unwrap();
    w.clock.advance(Duration::from_hours(29 * 24));
    assert_eq!(purge::purge(&w.p, w.p.clock.now()).await.unwrap().removed, 0, "not due yet");
    w.clock.advance(Duration::from_hours(2 * 24));
    assert!(
        matches!(resources::restore(&w.p, w.who("mentor"), &id).await, Err(DomainError::NotFound(_))),
        "past 30 days"
    );
    assert_eq!(purge::purge(&w.p, w.p.clock.now()).await.unwrap().removed, 1);
    assert!(w.p.kv.get(&emmaus_hub::keys::resource("ORG1", &id)).await.unwrap().is_none());
    let versions = w.p.kv.query(&Query::new(emmaus_hub::keys::versions("ORG1", &id), "", 10)).await.unwrap();
    assert!(versions.items.is_empty());
    assert_eq!(purge::purge(&w.p, w.p.clock.now()).await.unwrap().removed, 0, "idempotent");
}

#[tokio::test]
async fn filters_facets_and_orders() {
    let w = World::build().await;
    let add = |title: &str, tags: &[&str], collection: Option<&str>| Described {
        title: title.into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        collection: collection.map(str::to_owned),
        ..Described::default()
    };
    for (title, tags, collection) in [
        ("Beta on grace", vec!["#Theology/Grace"], Some("Sermons/Advent")),
        ("Alpha on law", vec!["theology/law"], Some("Sermons")),
        ("Gamma on prayer", vec!["practice"], None),
    ] {
        resources::create(&w.p, w.who("mentor"), add(title, &tags, collection), Content::Note { body: "text".into() })
            .await
            .unwrap();
        w.clock.advance(Duration::from_mins(1));
    }
    resources::create(
        &w.p,
        w.who("mentor"),
        add("", &[], None),
        Content::Link { url: "https://example.org/page".into() },
    )
    .await
    .unwrap();
    let w = &w;
    let list = |listing: Listing| async move {
        let found = search::find(&w.p, w.who("m1"), &Listing { limit: 20, ..listing }).await.unwrap();
        (found.items.iter().map(|f| f.resource.title.clone()).collect::<Vec<_>>(), found.facets)
    };
    let (titles, facets) = list(Listing::default()).await;
    assert_eq!(
        titles,
        ["example.org", "Gamma on prayer", "Alpha on law", "Beta on grace"],
        "newest first; a link named by its host"
    );
    let tags: Vec<(String, u64)> = facets["tags"].iter().map(|f| (f.value.clone(), f.count)).collect();
    assert!(tags.contains(&("theology".into(), 2)) && tags.contains(&("theology/grace".into(), 1)), "{tags:?}");
    let theology = emmaus_domain::hub::Tag::parse("theology").unwrap();
    assert_eq!(
        list(Listing { tag: Some(theology), order: Order::Title, ..Listing::default() }).await.0,
        ["Alpha on law", "Beta on grace"]
    );
    let sermons = emmaus_domain::hub::Collection::parse("Sermons").unwrap();
    assert_eq!(
        list(Listing { collection: Some(sermons), order: Order::Title, reverse: true, ..Listing::default() }).await.0,
        ["Beta on grace", "Alpha on law"]
    );
    assert_eq!(list(Listing { kinds: vec![ResourceKind::Link], ..Listing::default() }).await.0, ["example.org"]);
    assert_eq!(
        list(Listing { text: "exampl".into(), ..Listing::default() }).await.0,
        ["example.org"],
        "a link is found by its address"
    );
    let bad = search::find(&w.p, w.who("m1"), &Listing { limit: 101, ..Listing::default() }).await;
    assert!(matches!(bad, Err(DomainError::Validation(_))));
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field() {
    let w = World::build().await;
    let cases = [
        (Described { title: "  ".into(), ..Described::default() }, Content::Note { body: String::new() }, "title"),
        (
            Described { title: "x".into(), tags: vec!["a//b".into()], ..Described::default() },
            Content::Note { body: String::new() },
            "tags.0",
        ),
        (
            Described { title: "x".into(), collection: Some("a\u{1}".into()), ..Described::default() },
            Content::Note { body: String::new() },
            "collection",
        ),
        (Described::default(), Content::Link { url: "javascript:alert(1)".into() }, "url"),
        (Described::default(), Content::Link { url: "https://user:pw@example.org".into() }, "url"),
    ];
    for (described, content, field) in cases {
        match resources::create(&w.p, w.who("mentor"), described, content).await {
            Err(DomainError::Validation(errors)) => assert_eq!(errors[0].field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let big = Content::Note { body: "x".repeat(emmaus_domain::hub::resources::MAX_NOTE_BYTES + 1) };
    let error =
        resources::create(&w.p, w.who("mentor"), Described { title: "Big".into(), ..Described::default() }, big)
            .await
            .unwrap_err();
    assert!(matches!(error, DomainError::TooLarge { .. }), "{error:?}");
    // Within the limit in bytes, but past what one record holds once escaped: refused whole.
    let escaped = Content::Note { body: "\u{1}".repeat(emmaus_domain::hub::resources::MAX_NOTE_BYTES) };
    let error =
        resources::create(&w.p, w.who("mentor"), Described { title: "Odd".into(), ..Described::default() }, escaped)
            .await
            .unwrap_err();
    assert!(matches!(error, DomainError::TooLarge { .. }), "{error:?}");
    let note = w.note("mentor", "Link-less", "", Visibility::Organisation).await;
    let error = resources::update(
        &w.p,
        w.who("mentor"),
        &note.resource.id,
        1,
        Change { url: Some("https://x.test".into()), ..Change::default() },
    )
    .await
    .unwrap_err();
    assert!(matches!(error, DomainError::Validation(ref e) if e[0].field == "url"));
    assert_eq!(w.find("mentor", "").await.total, 1, "nothing refused was stored");
}

#[tokio::test]
async fn a_rebuild_restores_a_lost_index_and_reports_progress() {
    let w = World::build().await;
    let mut ids = Vec::new();
    for n in 0..130 {
        ids.push(
            w.note("mentor", &format!("Study {n}"), "the lamb and the lion", Visibility::Organisation)
                .await
                .resource
                .id,
        );
    }
    let gone = w.note("mentor", "Gone", "the lamb", Visibility::Organisation).await;
    resources::delete(&w.p, w.who("mentor"), &gone.resource.id, 1).await.unwrap();
    // The index is lost: every entry removed behind the store's back.
    for chunk in ids.chunks(100) {
        w.p.search.delete("ORG1", chunk).await.unwrap();
    }
    assert_eq!(w.find("admin", "lamb").await.total, 0);

    let mut steps = Vec::new();
    let rebuilt = emmaus_hub::index::rebuild(&w.p, "ORG1", |done, total| steps.push((done, total))).await.unwrap();
    assert_eq!((rebuilt.indexed, rebuilt.removed), (130, 1));
    assert_eq!(steps.first(), Some(&(0, 131)));
    assert_eq!(steps.last(), Some(&(131, 131)));
    assert_eq!(w.find("admin", "lamb").await.total, 130, "every live note is found again, the deleted one not");
    assert_eq!(w.titles("m1", "lion").await.len(), 20, "a page of them, for a mentee too");
}

#[tokio::test]
async fn bulk_changes_answer_for_each_resource_and_leave_the_others_done() {
    use emmaus_hub::bulk::{self, BulkAction, Outcome};
    let w = World::build().await;
    let mine = w.note("mentor", "Mine", "one", Visibility::Organisation).await.resource.id;
    let pastors = w.note("pastor", "Pastor's", "two", Visibility::Organisation).await.resource.id;
    let hidden = w.note("m2", "Hidden", "three", Visibility::Private).await.resource.id;
    let ids = vec![mine.clone(), pastors.clone(), hidden.clone(), "NOPE".to_owned(), "a#b".to_owned()];
    let tag = |t: &str| BulkAction::AddTags(vec![t.to_owned()]);
    let outcomes = bulk::apply(&w.p, w.who("mentor"), &ids, &tag("Advent")).await.unwrap();
    assert_eq!(outcomes, [Outcome::Done, Outcome::Forbidden, Outcome::NotFound, Outcome::NotFound, Outcome::NotFound]);
    assert_eq!(bulk::apply(&w.p, w.who("mentor"), &ids[..1], &tag("advent")).await.unwrap(), [Outcome::Unchanged]);
    let advent =
        Listing { tag: Some(emmaus_domain::hub::Tag::parse("advent").unwrap()), limit: 20, ..Listing::default() };
    let found = search::find(&w.p, w.who("m1"), &advent).await.unwrap();
    assert_eq!(found.items.iter().map(|f| f.resource.title.as_str()).collect::<Vec<_>>(), ["Mine"]);

    let both = vec![mine.clone(), pastors.clone()];
    let moved =
        bulk::apply(&w.p, w.who("admin"), &both, &BulkAction::Move(Some("Seasons/Advent".into()))).await.unwrap();
    assert_eq!(moved, [Outcome::Done, Outcome::Done], "admins change what is not private");
    let read = resources::read(&w.p, w.who("m1"), &pastors).await.unwrap();
    assert_eq!(read.resource.collection.as_ref().map(emmaus_domain::hub::Collection::as_str), Some("Seasons/Advent"));
    assert_eq!(read.version, 2, "one write per resource");
    let removed =
        bulk::apply(&w.p, w.who("admin"), &both, &BulkAction::RemoveTags(vec!["advent".into()])).await.unwrap();
    assert_eq!(removed, [Outcome::Done, Outcome::Unchanged]);

    let deleted = bulk::apply(&w.p, w.who("admin"), &both, &BulkAction::Delete).await.unwrap();
    assert_eq!(deleted, [Outcome::Done, Outcome::Done]);
    assert_eq!(w.find("m1", "").await.total, 0);
    let (trash, _) = resources::trash(&w.p, w.who("mentor"), None, 10).await.unwrap();
    assert_eq!(trash.iter().map(|t| t.resource.title.as_str()).collect::<Vec<_>>(), ["Mine"]);

    for (ids, action, field) in [
        (vec![], BulkAction::Delete, "ids"),
        (vec![mine.clone(), mine.clone()], BulkAction::Delete, "ids"),
        (vec![mine.clone()], BulkAction::AddTags(vec![]), "tags"),
        (vec![mine.clone()], BulkAction::AddTags(vec!["a//b".into()]), "tags.0"),
        (vec![mine.clone()], BulkAction::Move(Some("x\u{1}".into())), "collection"),
    ] {
        match bulk::apply(&w.p, w.who("admin"), &ids, &action).await {
            Err(DomainError::Validation(errors)) => assert_eq!(errors[0].field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn keyword_rules_suggest_tags_to_those_who_may_change_a_resource() {
    use emmaus_hub::tagging;
    let w = World::build().await;
    let rules =
        |pairs: &[(&str, &str)]| pairs.iter().map(|(k, t)| ((*k).to_owned(), (*t).to_owned())).collect::<Vec<_>>();
    let wanted =
        rules(&[("grace", "theology/grace"), ("born again", "theology/new-birth"), ("prayer", "practice/prayer")]);
    assert!(matches!(tagging::set_rules(&w.p, w.who("pastor"), &wanted, 0).await, Err(DomainError::Forbidden)));
    let saved = tagging::set_rules(&w.p, w.who("admin"), &wanted, 0).await.unwrap();
    assert_eq!(saved.version, 1);
    assert!(
        matches!(tagging::set_rules(&w.p, w.who("admin"), &wanted, 0).await, Err(DomainError::Stale(_))),
        "rules made meanwhile"
    );
    let bad = tagging::set_rules(&w.p, w.who("admin"), &rules(&[("", "x"), ("grace", "a//b")]), 1).await.unwrap_err();
    assert!(matches!(bad, DomainError::Validation(ref e) if e.len() == 2), "{bad:?}");
    assert_eq!(tagging::rules(&w.p, w.who("m1")).await.unwrap().rules.len(), 3, "members read them");

    let note =
        w.note("mentor", "Grace upon grace", "Born-again people pray: grace, GRACE.", Visibility::Organisation).await;
    let offered: Vec<(String, usize)> = note.suggestions.iter().map(|s| (s.tag.as_str().to_owned(), s.count)).collect();
    assert_eq!(
        offered,
        [("theology/grace".to_owned(), 4), ("theology/new-birth".to_owned(), 1)],
        "whole words only: pray is not prayer"
    );
    let read = resources::read(&w.p, w.who("m1"), &note.resource.id).await.unwrap();
    assert!(read.suggestions.is_empty(), "only those who may change it are offered tags");
    let tagged = resources::update(
        &w.p,
        w.who("mentor"),
        &note.resource.id,
        1,
        Change { tags: Some(vec!["theology/grace".into()]), ..Change::default() },
    )
    .await
    .unwrap();
    assert_eq!(
        tagged.suggestions.iter().map(|s| s.tag.as_str()).collect::<Vec<_>>(),
        ["theology/new-birth"],
        "an accepted one is no longer offered"
    );
}

#[tokio::test]
async fn a_later_page_may_leave_the_facets_out() {
    let w = World::build().await;
    for n in 0..3 {
        w.note("mentor", &format!("Page {n}"), "text", Visibility::Organisation).await;
    }
    let first = search::find(&w.p, w.who("m1"), &Listing { limit: 2, ..Listing::default() }).await.unwrap();
    assert_eq!(first.facets["kind"][0].count, 3);
    let later = Listing { offset: 2, limit: 2, without_facets: true, ..Listing::default() };
    let second = search::find(&w.p, w.who("m1"), &later).await.unwrap();
    assert!(second.facets.is_empty());
    assert_eq!((second.total, second.items.len()), (3, 1), "the total and the page are as before");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_announced_at_once_all_count_in_the_usage() {
    use emmaus_hub::files::{self, Announced};
    let w = World::build().await;
    // Every announcement reads the usage before any of them writes it, on every run.
    let racing = Platform::new(PlatformParts {
        kv: std::sync::Arc::new(emmaus_memory::RendezvousKv::new(w.p.kv.clone(), 3)),
        ..w.p.parts()
    });
    let tasks: Vec<_> = (0..3)
        .map(|i| {
            let (p, actor) = (racing.clone(), w.who("admin").clone());
            tokio::spawn(async move {
                let announced = Announced {
                    name: format!("f{i}.pdf"),
                    size: 100,
                    content_type: "application/pdf".into(),
                    ..Announced::default()
                };
                files::start(&p, &actor, announced).await.map(|_| ())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("each announcement is recorded, however they race");
    }
    let (usage, _) = files::usage(&w.p, w.who("admin")).await.unwrap();
    assert_eq!((usage.files, usage.bytes), (3, 300));
}

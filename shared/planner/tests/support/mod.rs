//! The organisation the planner's use-case tests act in, and a person's time zone set as their
//! profile would set it.

use emmaus_app::Platform;
use emmaus_app::docs;
use emmaus_domain::Timestamp;
use emmaus_domain::identity::{Person, Role};
use emmaus_domain::preferences::TimeZoneName;
use emmaus_identity::{Actor, groups, keys as identity_keys, mentorships, testing};

/// An organisation: Ada (admin), Paul (pastor of a group with Tim), Mara (mentor of Tim), Mo
/// (another mentor), Tim and Sam (mentees); and Bea, a member of another organisation.
#[allow(dead_code, reason = "each test file acts as the people its cases need")]
pub struct World {
    pub p: Platform,
    pub ada: Actor,
    pub paul: Actor,
    pub mara: Actor,
    pub mo: Actor,
    pub tim: Actor,
    pub sam: Actor,
    pub bea: Actor,
}

pub async fn world() -> World {
    world_with_clock().await.0
}

/// [`world`] and its clock, for a test that lets time pass.
#[allow(dead_code, reason = "not every test file lets time pass")]
pub async fn world_with_clock() -> (World, std::sync::Arc<emmaus_memory::ManualClock>) {
    let (p, clock) = emmaus_hub::in_memory_platform();
    // Monday 2 March 2026, 12:00 UTC.
    clock.set(Timestamp::from_unix_millis(1_772_452_800_000));
    let ada = testing::member(&p, "org", "ada", "Ada", &[Role::Admin]).await;
    let paul = testing::member(&p, "org", "paul", "Paul", &[Role::Pastor]).await;
    let mara = testing::member(&p, "org", "mara", "Mara", &[Role::Mentor]).await;
    let mo = testing::member(&p, "org", "mo", "Mo", &[Role::Mentor]).await;
    let tim = testing::member(&p, "org", "tim", "Tim", &[Role::Mentee]).await;
    let sam = testing::member(&p, "org", "sam", "Sam", &[Role::Mentee]).await;
    let bea = testing::member(&p, "other", "bea", "Bea", &[Role::Mentee]).await;
    let group = groups::create(&p, &ada, "Tuesday group", "paul").await.unwrap();
    groups::add_member(&p, &ada, &group.id, "tim").await.unwrap();
    mentorships::create(&p, &ada, "mara", "tim").await.unwrap();
    mentorships::create(&p, &ada, "mo", "sam").await.unwrap();
    (World { p, ada, paul, mara, mo, tim, sam, bea }, clock)
}

#[allow(dead_code, reason = "not every test file sets a time zone")]
pub async fn set_zone(p: &Platform, person: &str, zone: &str) {
    let mut doc: docs::Doc<Person> = docs::get(p.kv.as_ref(), identity_keys::person(person)).await.unwrap().unwrap();
    doc.value.time_zone = Some(TimeZoneName::parse(zone).unwrap());
    docs::replace(p.kv.as_ref(), &doc, None).await.unwrap();
}

//! The permission sweep: every route of every function, called by every role in every relation
//! to the resource it touches (plus a caller with two roles, anonymous callers, another
//! organisation's admin and a removed member whose session still lives), against the answer the
//! permission matrix gives. A route missing from [`specs`] fails the test.
//!
//! It judges bodies as well as statuses: organisation B's records carry markers (their ids, and
//! `MARKER-B` in their names), and no 2xx body an A caller gets may hold one; nor may it hold the
//! A records outside the caller's scope (invitations and mentorships the matrix does not let them
//! list). Across organisations the answer is exactly 404; another organisation's id inside a body
//! is answered exactly as an id that names nothing; a public route answers the same for anyone.
//!
//! Relations here are worked out from the world this test builds, from the definitions in
//! `docs/permissions.md`, independently of the application's own relation code. Combinations that
//! cannot exist are not swept: only pastors lead groups and only mentors have mentees.

use std::collections::{BTreeMap, BTreeSet};

use emmaus::api::{FUNCTIONS, routes_of};
use emmaus_app::Platform;
use emmaus_domain::Timestamp;
use emmaus_domain::identity::{Email, Membership, OrgSlug, Organisation, Person, Role, RoleSet};
use emmaus_domain::permissions::{self, Action, Relation};
use emmaus_http::HttpSettings;
use emmaus_identity::directory::{self, Pointer};
use emmaus_identity::{Actor, Principal, RequestMeta, groups, invitations, keys, mentorships, sessions};
use emmaus_testkit::api::{ApiResponse, ApiTarget};

/// The people of the two organisations, by the name this test gives them.
const A_PEOPLE: &[(&str, &[Role])] = &[
    ("admin", &[Role::Admin]),
    ("admin2", &[Role::Admin]),
    ("pastor", &[Role::Pastor]),
    ("pastor2", &[Role::Pastor]),
    ("mentor", &[Role::Mentor]),
    ("mentor2", &[Role::Mentor]),
    ("pm", &[Role::Pastor, Role::Mentor]),
    ("m1", &[Role::Mentee]),
    ("m2", &[Role::Mentee]),
    ("x", &[Role::Mentee]),
    ("gone", &[Role::Mentee]),
];
const B_PEOPLE: &[(&str, &[Role])] = &[
    ("b_admin", &[Role::Admin]),
    ("b_pastor", &[Role::Pastor]),
    ("b_mentor", &[Role::Mentor]),
    ("b_mentee", &[Role::Mentee]),
];

/// Who calls: one person per role in organisation A, one with two roles, a member removed while
/// signed in, another organisation's admin, and nobody.
const CALLERS: &[&str] = &["admin", "pastor", "mentor", "m2", "pm", "gone", "b_admin", "anonymous"];

/// An id that names nothing, for the twin of a call that names another organisation's record.
const UNKNOWN_ID: &str = "0000000000000000000000ZZZZ";

/// A world: A has groups G (led by pastor, with m1), G2 (led by pastor2, with m2) and G3 (led by
/// pm, with x and mentor2); mentor walks with m2 and walked with x (ended), mentor2 with m1, pm
/// with x; invitations into G (mentee) and G2 (mentor) and into no group; `gone` was removed after
/// signing in. B has a group, a mentorship and an invitation, every name marked `MARKER-B`.
struct World {
    p: Platform,
    org: BTreeMap<&'static str, String>,
    id: BTreeMap<&'static str, String>,
    tokens: BTreeMap<&'static str, String>,
    /// group name -> (org, leader, members)
    groups: BTreeMap<&'static str, (String, &'static str, Vec<&'static str>)>,
    /// mentorship name -> (org, mentor, mentee, active)
    mentorships: BTreeMap<&'static str, (String, &'static str, &'static str, bool)>,
    /// invitation name -> (org, group)
    invitations: BTreeMap<&'static str, (String, Option<&'static str>)>,
    /// hub resource name -> (org, author, who sees it, title marker)
    hub: BTreeMap<&'static str, (String, &'static str, Seen, String)>,
    /// announced upload awaiting its bytes -> (org, uploader)
    uploads: BTreeMap<&'static str, (String, &'static str)>,
    /// an Obsidian vault (with one file, `seed.md`) or an announced vault import -> (org, owner)
    vaults: BTreeMap<&'static str, (String, &'static str)>,
    /// session name -> (org, creator, audience, shared), see [`SESSIONS`]
    sessions: BTreeMap<&'static str, (String, &'static str, Aud, bool)>,
    /// session name -> the id of a private link its creator made to it
    links: BTreeMap<&'static str, String>,
}

/// The plans the sweep seeds: the person, and the names of their goal (proposed by their mentor),
/// study item (assigned by their mentor), task (their own, weekly on Mondays at 19:00 from
/// 2 March 2026) and who mentors them. Every title carries `PLANMARK-<person>-END`.
const PLANS: &[(&str, &str, &str, &str, &str)] = &[
    ("m2", "GL_M2", "Q_M2", "T_M2", "mentor"),
    ("m1", "GL_M1", "Q_M1", "T_M1", "mentor2"),
    ("x", "GL_X", "Q_X", "T_X", "pm"),
    ("b_mentee", "GL_B", "Q_B", "T_B", "b_mentor"),
];

/// The meeting each plan's mentor records with its person (shared notes marked as the plan is,
/// private notes marked `PRIVMARK-<person>-END`), and the name of its one next step.
const MEETINGS: &[(&str, &str, &str)] =
    &[("m2", "MT_M2", "MS_M2"), ("m1", "MT_M1", "MS_M1"), ("x", "MT_X", "MS_X"), ("b_mentee", "MT_B", "MS_B")];

/// The comment each plan's mentor writes on the plan's goal (marked as the plan is).
const COMMENTS: &[(&str, &str)] = &[("m2", "CM_M2"), ("m1", "CM_M1"), ("x", "CM_X"), ("b_mentee", "CM_B")];

/// Whom a swept session is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Aud {
    Open,
    Person(&'static str),
    Group(&'static str),
}

/// The sessions the sweep seeds: name, organisation, creator, audience and whether it is shared.
/// The admin's, for group G2 and shared with it, embeds group G's note (pinned) and the admin's
/// private one: neither may reach G2's pastor or its member. Every title carries
/// `SESSMARK-<name>-END`; each was saved once, so it is at version 2 with revision 1 kept.
const SESSIONS: &[(&str, &str, &str, Aud, bool)] = &[
    ("S_ADMIN", "A", "admin", Aud::Group("G2"), true),
    ("S_M2", "A", "mentor", Aud::Person("m2"), false),
    ("S_OPEN", "A", "pm", Aud::Open, false),
    ("S_B", "B", "b_pastor", Aud::Group("GB"), true),
];

/// The templates the sweep seeds: the organisation's in A (by a pastor), the mentor's own, and
/// B's; each name carries `TPLMARK-<name>-END` (B's `MARKER-B`).
const TEMPLATES: &[(&str, &str, &str, bool)] =
    &[("T_ORG", "A", "pastor", false), ("T_MENTOR", "A", "mentor", true), ("T_B", "B", "b_admin", false)];

/// A JPEG made by Pillow (`scripts/fixtures/make_documents.py`), the bytes of the sweep's files.
const JPEG: &[u8] = include_bytes!("../../shared/extract/tests/fixtures/photo.jpg");

/// Who sees a hub resource in A (`hub::audience`, restated from `docs/permissions.md`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Seen {
    Organisation,
    /// Group G: its members and leader, the admins, the author.
    GroupG,
    /// Its author alone.
    Private,
}

fn meta() -> RequestMeta {
    RequestMeta { request_id: Some("sweep".into()), client_address: Some("192.0.2.9".into()) }
}

impl World {
    async fn build() -> Self {
        let (p, _) = emmaus_hub::in_memory_platform();
        let mut w = World {
            p,
            org: BTreeMap::new(),
            id: BTreeMap::new(),
            tokens: BTreeMap::new(),
            groups: BTreeMap::new(),
            mentorships: BTreeMap::new(),
            invitations: BTreeMap::new(),
            hub: BTreeMap::new(),
            uploads: BTreeMap::new(),
            vaults: BTreeMap::new(),
            sessions: BTreeMap::new(),
            links: BTreeMap::new(),
        };
        for (org, people) in [("A", A_PEOPLE), ("B", B_PEOPLE)] {
            let org_id = w.p.ids.new_id();
            let organisation = Organisation {
                id: org_id.clone(),
                slug: OrgSlug::parse(&format!("org-{}", org.to_lowercase())).unwrap(),
                name: if org == "B" { "MARKER-B Organisation".to_owned() } else { "Organisation A".to_owned() },
                created_at: Timestamp::from_unix_seconds(0),
                sessions: emmaus_domain::identity::SessionPolicy::default(),
                admins_need_second_factor: false,
            };
            let mut writes = vec![
                emmaus_app::docs::create_write(keys::org(&org_id), &organisation, None),
                emmaus_app::docs::create_write(
                    keys::slug(organisation.slug.as_str()),
                    &Pointer { id: org_id.clone() },
                    None,
                ),
            ];
            for (name, roles) in people {
                // No passwords: hashing is slow by design and this test signs in by opening sessions.
                let marker = if org == "B" { "MARKER-B-" } else { "" };
                let person = Person {
                    id: w.p.ids.new_id(),
                    email: Email::parse(&format!("{name}@{}.test", org.to_lowercase())).unwrap(),
                    display_name: format!("{marker}{name}"),
                    password_hash: None,
                    last_org: None,
                    created_at: Timestamp::from_unix_seconds(0),
                    email_verified: true,
                    locale: None,
                    time_zone: None,
                };
                let membership = Membership {
                    org_id: org_id.clone(),
                    person_id: person.id.clone(),
                    roles: RoleSet::new(roles.iter().copied()),
                    joined_at: Timestamp::from_unix_seconds(0),
                };
                writes.extend(directory::person_writes(&person));
                writes.extend(directory::membership_writes(&membership));
                w.id.insert(name, person.id.clone());
            }
            for chunk in writes.chunks(20) {
                w.p.kv.batch(chunk.to_vec()).await.unwrap();
            }
            w.org.insert(if org == "A" { "A" } else { "B" }, org_id);
        }
        for name in A_PEOPLE.iter().chain(B_PEOPLE).map(|(n, _)| *n) {
            let issued = sessions::open(&w.p, &w.id[name]).await.unwrap();
            w.tokens.insert(name, issued.access_token);
        }
        w.seed_relations().await;
        w.seed_library().await;
        w.seed_plans().await;
        w.seed_sessions().await;
        // `gone` signed in, then was removed: the session lives on, the membership does not.
        let admin_a = w.actor("admin", "A").await;
        emmaus_identity::members::remove(&w.p, &admin_a, &w.id["gone"]).await.unwrap();
        w
    }

    /// Groups, mentorships (one ended) and invitations, through the use cases as admins make them.
    async fn seed_relations(&mut self) {
        let w = self;
        for (group, org, leader, members) in [
            ("G", "A", "pastor", vec!["m1"]),
            ("G2", "A", "pastor2", vec!["m2"]),
            ("G3", "A", "pm", vec!["x", "mentor2"]),
            ("GB", "B", "b_pastor", vec!["b_mentee"]),
        ] {
            let admin = w.actor(if org == "A" { "admin" } else { "b_admin" }, org).await;
            let name = if org == "B" { format!("MARKER-B {group}") } else { group.to_owned() };
            let made = groups::create(&w.p, &admin, &name, &w.id[leader]).await.unwrap();
            for member in &members {
                groups::add_member(&w.p, &admin, &made.id, &w.id[member]).await.unwrap();
            }
            w.id.insert(group, made.id);
            w.groups.insert(group, (org.to_owned(), leader, members));
        }
        for (name, org, mentor, mentee, active) in [
            ("MS", "A", "mentor", "m2", true),
            ("MS2", "A", "mentor2", "m1", true),
            ("MSE", "A", "mentor", "x", false),
            ("MSPM", "A", "pm", "x", true),
            ("MSB", "B", "b_mentor", "b_mentee", true),
        ] {
            let admin = w.actor(if org == "A" { "admin" } else { "b_admin" }, org).await;
            let made = mentorships::create(&w.p, &admin, &w.id[mentor], &w.id[mentee]).await.unwrap();
            if !active {
                mentorships::end(&w.p, &admin, &made.id).await.unwrap();
            }
            w.id.insert(name, made.id);
            w.mentorships.insert(name, (org.to_owned(), mentor, mentee, active));
        }
        for (name, org, group, role) in [
            ("INV_G", "A", Some("G"), Role::Mentee),
            ("INV_G2", "A", Some("G2"), Role::Mentor),
            ("INV", "A", None, Role::Mentee),
            ("INV_B", "B", None, Role::Mentee),
        ] {
            let admin = w.actor(if org == "A" { "admin" } else { "b_admin" }, org).await;
            let marker = if org == "B" { "marker-b-" } else { "" };
            let email = format!("{marker}{}@invited.test", name.to_lowercase());
            let group_id = group.map(|g| w.id[g].clone());
            let made = invitations::create(&w.p, &admin, &email, role, group_id.as_deref(), "http://t").await.unwrap();
            w.id.insert(name, made.invitation.id);
            w.invitations.insert(name, (org.to_owned(), group));
        }
    }

    /// Notes in A for the organisation (by mentor), for group G (by pastor), private to m2 and to
    /// admin, and one of mentor's in the trash; one in B. Every title carries its marker.
    async fn seed_library(&mut self) {
        use emmaus_domain::hub::Visibility;
        let w = self;
        for (name, org, author, seen) in [
            ("R_ORG", "A", "mentor", Seen::Organisation),
            ("R_GRP", "A", "pastor", Seen::GroupG),
            ("R_PRIV", "A", "m2", Seen::Private),
            ("R_PRIV_ADMIN", "A", "admin", Seen::Private),
            ("R_DEL", "A", "mentor", Seen::Organisation),
            ("R_B", "B", "b_admin", Seen::Organisation),
        ] {
            let actor = w.actor(author, org).await;
            let visibility = match seen {
                Seen::Organisation => Visibility::Organisation,
                Seen::GroupG => Visibility::Group { group_id: w.id["G"].clone() },
                Seen::Private => Visibility::Private,
            };
            let marker = if org == "B" { "MARKER-B hub note".to_owned() } else { format!("HUBMARK-{name}-END") };
            let described = emmaus_hub::Described {
                title: marker.clone(),
                visibility: Some(visibility),
                ..emmaus_hub::Described::default()
            };
            // The private note links to the shared one: its backlinks must show it to its author alone.
            let body = match (name, w.id.get("R_ORG")) {
                ("R_PRIV", Some(target)) => format!("body of {marker}, see [the shared note](/hub/{target})"),
                _ => format!("body of {marker}"),
            };
            let content = emmaus_hub::Content::Note { body };
            let made = emmaus_hub::resources::create(&w.p, &actor, described, content).await.unwrap();
            if name == "R_DEL" {
                emmaus_hub::resources::delete(&w.p, &actor, &made.resource.id, 1).await.unwrap();
            }
            w.id.insert(name, made.resource.id);
            w.hub.insert(name, (org.to_owned(), author, seen, marker));
        }
        // Files, accepted from their bytes: shared in A, private to m2, and one in B.
        for (name, org, author, seen) in [
            ("F_ORG", "A", "mentor", Seen::Organisation),
            ("F_PRIV", "A", "m2", Seen::Private),
            ("F_B", "B", "b_admin", Seen::Organisation),
        ] {
            let actor = w.actor(author, org).await;
            let visibility = if seen == Seen::Private { Visibility::Private } else { Visibility::Organisation };
            let marker = if org == "B" { "MARKER-B hub file".to_owned() } else { format!("HUBMARK-{name}-END") };
            let id = w.announce(&actor, &marker, visibility).await;
            emmaus_hub::files::receive(&w.p, &actor, &id, JPEG.to_vec()).await.unwrap();
            w.id.insert(name, id);
            w.hub.insert(name, (org.to_owned(), author, seen, marker));
        }
        // Uploads announced and awaiting their bytes: the mentor's, m2's (private) and B's.
        for (name, org, author) in [("U_MENTOR", "A", "mentor"), ("U_M2", "A", "m2"), ("U_B", "B", "b_admin")] {
            let actor = w.actor(author, org).await;
            let visibility = if author == "m2" { Visibility::Private } else { Visibility::Organisation };
            let id = w.announce(&actor, &format!("HUBMARK-{name}-END"), visibility).await;
            w.id.insert(name, id);
            w.uploads.insert(name, (org.to_owned(), author));
        }
        // Vaults with one file each, and vault imports awaiting their archive: the mentor's, m2's
        // and B's. Their names carry markers only their owners and the admins may see.
        for (name, org, owner) in [("V_MENTOR", "A", "mentor"), ("V_M2", "A", "m2"), ("V_B", "B", "b_admin")] {
            let actor = w.actor(owner, org).await;
            let reader = emmaus_hub::Reader::of(&w.p, &actor).await.unwrap();
            let spec = emmaus_hub::vault::VaultSpec { name: format!("HUBMARK-{name}-END"), ..Default::default() };
            let vault = emmaus_hub::vault::find_or_create(&w.p, &reader, &spec).await.unwrap().value;
            let seed = b"A seed note.".to_vec();
            let hash = emmaus_obsidian::content_hash(&seed);
            emmaus_hub::vault::sync::put(&w.p, &actor, &vault.id, "seed.md", &hash, seed).await.unwrap();
            w.id.insert(name, vault.id);
            w.vaults.insert(name, (org.to_owned(), owner));
        }
        for (name, org, owner) in [("I_MENTOR", "A", "mentor"), ("I_M2", "A", "m2"), ("I_B", "B", "b_admin")] {
            let actor = w.actor(owner, org).await;
            let announced = emmaus_hub::vault::jobs::Announced {
                vault: format!("HUBMARK-{name}-END"),
                size: 100 * 1024,
                ..Default::default()
            };
            let (job, _) = emmaus_hub::vault::jobs::announce(&w.p, &actor, announced).await.unwrap();
            w.id.insert(name, job.id);
            w.vaults.insert(name, (org.to_owned(), owner));
        }
    }

    /// A goal, a study item and a task in each plan of [`PLANS`], through the use cases.
    async fn seed_plans(&mut self) {
        use emmaus_planner::{comments, goals, meetings, queue, tasks};
        let w = self;
        for (person, goal, item, task, mentor) in PLANS.iter().copied() {
            let org = Self::org_of(person);
            let marker = format!("PLANMARK-{person}-END");
            let guide = w.actor(mentor, org).await;
            let own = w.actor(person, org).await;
            let new_goal = goals::NewGoal { title: marker.clone(), ..Default::default() };
            let made = goals::create(&w.p, &guide, &w.id[person], new_goal).await.unwrap();
            w.id.insert(goal, made.value.id);
            let link = queue::NewItem {
                target: queue::NewTarget::Link { url: "https://example.org/study".into(), title: marker.clone() },
                note: marker.clone(),
                due_date: None,
                goal_id: None,
            };
            let made = queue::assign(&w.p, &guide, &w.id[person], link).await.unwrap();
            w.id.insert(item, made.item.value.id);
            let weekly = tasks::TaskInput {
                title: Some(marker.clone()),
                start: Some("2026-03-02T19:00".into()),
                rrule: Some(Some("FREQ=WEEKLY;BYDAY=MO".into())),
                ..Default::default()
            };
            let made = tasks::create(&w.p, &own, &w.id[person], weekly).await.unwrap();
            w.id.insert(task, made.id);
            let (_, meeting, step) = MEETINGS.iter().copied().find(|m| m.0 == person).unwrap();
            let notes = meetings::NewMeeting {
                start: "2026-02-27T18:00".into(),
                duration_minutes: 45,
                shared_notes: marker.clone(),
                private_notes: format!("PRIVMARK-{person}-END"),
                next_steps: vec![marker.clone()],
            };
            let made = meetings::create(&w.p, &guide, &w.id[person], notes).await.unwrap();
            w.id.insert(step, made.meeting.next_steps[0].id.clone());
            w.id.insert(meeting, made.meeting.id);
            let (_, comment) = COMMENTS.iter().copied().find(|c| c.0 == person).unwrap();
            let thread = comments::ThreadId::parse(&format!("goal-{}", w.id[goal])).unwrap();
            let made = comments::add(&w.p, &guide, &w.id[person], &thread, &marker).await.unwrap();
            w.id.insert(comment, made.value.id);
        }
    }

    /// The templates of [`TEMPLATES`] and the sessions of [`SESSIONS`], through the use cases.
    async fn seed_sessions(&mut self) {
        use emmaus_sessions::model::{Audience, BlockInput, BlockKind, Show};
        use emmaus_sessions::{sessions, templates};
        let w = self;
        // The fonts printed sessions are set in (Debian's fonts-dejavu-core, which scripts/test installs).
        let font = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").expect("DejaVu Sans is installed");
        emmaus_sessions::print::install_font(w.p.blobs.as_ref(), "DejaVuSans.ttf", font).await.unwrap();
        for (name, org, author, personal) in TEMPLATES.iter().copied() {
            let actor = w.actor(author, org).await;
            let marker = if org == "B" { "MARKER-B template".to_owned() } else { format!("TPLMARK-{name}-END") };
            let new = templates::NewTemplate { name: marker, personal, ..Default::default() };
            let made = templates::create(&w.p, &actor, new).await.unwrap();
            w.id.insert(name, made.value.id);
        }
        for (name, org, creator, audience, shared) in SESSIONS.iter().copied() {
            let actor = w.actor(creator, org).await;
            let marker = if org == "B" { "MARKER-B session".to_owned() } else { format!("SESSMARK-{name}-END") };
            let to = match audience {
                Aud::Open => Audience::Open,
                Aud::Person(who) => Audience::Person { person_id: w.id[who].clone() },
                Aud::Group(group) => Audience::Group { group_id: w.id[group].clone() },
            };
            let new = sessions::NewSession {
                title: marker.clone(),
                date: "2026-03-10".into(),
                time: Some("19:00".into()),
                audience: to,
                facilitators: Vec::new(),
                template_id: None,
                planned_minutes: None,
            };
            let made = sessions::create(&w.p, &actor, new).await.unwrap();
            let block = |id: &str, kind: BlockKind, resource: Option<&str>, pin: bool| BlockInput {
                id: id.to_owned(),
                kind,
                title: if kind == BlockKind::Heading { marker.clone() } else { String::new() },
                body: if kind == BlockKind::Question { marker.clone() } else { String::new() },
                reference: None,
                minutes: 5,
                nested: false,
                resource_id: resource.map(|r| w.id[r].clone()),
                show: Show::Excerpt,
                pin,
            };
            let mut blocks =
                vec![block("h", BlockKind::Heading, None, false), block("q", BlockKind::Question, None, false)];
            match name {
                "S_ADMIN" => {
                    blocks.push(block("grp", BlockKind::Resource, Some("R_GRP"), true));
                    blocks.push(block("priv", BlockKind::Resource, Some("R_PRIV_ADMIN"), false));
                }
                "S_M2" => blocks.push(block("org", BlockKind::Resource, Some("R_ORG"), false)),
                _ => {}
            }
            let change = sessions::SessionChange { blocks: Some(blocks), shared: Some(shared), ..Default::default() };
            let id = made.doc.value.id;
            sessions::update(&w.p, &actor, &id, 1, change).await.unwrap();
            let link = emmaus_sessions::links::NewLink { label: marker.clone(), days: 7, sign_in: true };
            let made = emmaus_sessions::links::create(&w.p, &actor, &id, link).await.unwrap();
            w.links.insert(name, made.link.id);
            w.id.insert(name, id);
            w.sessions.insert(name, (org.to_owned(), creator, audience, shared));
        }
    }

    /// Relations of `caller` (acting in A) to a swept session, from `docs/permissions.md`: its
    /// facilitator's own, its audience's own once shared; a mentor's mentee's when it is for their
    /// mentee; a pastor's group's when it is for their group or someone in it.
    fn to_session(&self, caller: &str, name: &str) -> BTreeSet<Relation> {
        let (org, creator, audience, shared) = &self.sessions[name];
        if org != "A" {
            return BTreeSet::from([Relation::OtherOrg]);
        }
        let mut out = BTreeSet::from([Relation::SameOrg]);
        if caller == *creator {
            out.insert(Relation::Own);
        }
        match *audience {
            Aud::Open => {}
            Aud::Person(person) => {
                if *shared && caller == person {
                    out.insert(Relation::Own);
                }
                if self.mentees_of(caller).contains(person) {
                    out.insert(Relation::MyMentee);
                }
                if self.led_people(caller).contains(person) {
                    out.insert(Relation::MyGroup);
                }
            }
            Aud::Group(group) => {
                let (_, leader, members) = &self.groups[group];
                if *shared && members.contains(&caller) {
                    out.insert(Relation::Own);
                }
                if *leader == caller {
                    out.insert(Relation::MyGroup);
                }
            }
        }
        out
    }

    /// Whether `caller` reads the swept session `name`.
    fn reads_session(&self, caller: &str, name: &str) -> bool {
        Self::org_of(caller) == self.sessions[name].0
            && caller != "gone"
            && caller != "anonymous"
            && permissions::can(&Self::roles(caller), &self.to_session(caller, name), Action::SessionRead)
    }

    /// Announces a 100 KiB JPEG titled `title`; answers its id.
    async fn announce(&self, actor: &Actor, title: &str, visibility: emmaus_domain::hub::Visibility) -> String {
        let announced = emmaus_hub::files::Announced {
            described: emmaus_hub::Described {
                title: title.to_owned(),
                visibility: Some(visibility),
                ..Default::default()
            },
            name: "photo.jpg".into(),
            size: 100 * 1024,
            content_type: "image/jpeg".into(),
        };
        emmaus_hub::files::start(&self.p, actor, announced).await.unwrap().0.resource.id
    }

    /// Whether `caller` (acting in A) sees the hub resource `name`.
    fn sees(&self, caller: &str, name: &str) -> bool {
        let (org, author, seen, _) = &self.hub[name];
        if org != "A" || Self::org_of(caller) != "A" || caller == "gone" {
            return false;
        }
        match seen {
            Seen::Organisation => true,
            Seen::GroupG => {
                let (_, leader, members) = &self.groups["G"];
                caller == *author
                    || caller == *leader
                    || members.contains(&caller)
                    || Self::roles(caller).contains(Role::Admin)
            }
            Seen::Private => caller == *author,
        }
    }

    async fn actor(&self, name: &str, org: &str) -> Actor {
        let principal = Principal { person_id: self.id[name].clone(), session_id: "s".into(), meta: meta() };
        directory::actor_in(&self.p, &principal, &self.org[org]).await.unwrap()
    }

    fn org_of(person: &str) -> &'static str {
        if A_PEOPLE.iter().any(|(n, _)| *n == person) { "A" } else { "B" }
    }

    fn roles(caller: &str) -> RoleSet {
        A_PEOPLE
            .iter()
            .chain(B_PEOPLE)
            .find(|(n, _)| *n == caller)
            .map(|(_, roles)| RoleSet::new(roles.iter().copied()))
            .unwrap_or_default()
    }

    /// Whom `caller` mentors now: ended mentorships give no relation.
    fn mentees_of(&self, caller: &str) -> BTreeSet<&'static str> {
        self.mentorships
            .values()
            .filter(|(_, mentor, _, active)| *mentor == caller && *active)
            .map(|(_, _, mentee, _)| *mentee)
            .collect()
    }

    fn led_people(&self, caller: &str) -> BTreeSet<&'static str> {
        self.groups
            .values()
            .filter(|(_, leader, _)| *leader == caller)
            .flat_map(|(_, _, m)| m.iter().copied())
            .collect()
    }

    /// Relations of `caller` (acting in A) to a person.
    fn to_person(&self, caller: &str, person: &str) -> BTreeSet<Relation> {
        if Self::org_of(person) != "A" {
            return BTreeSet::from([Relation::OtherOrg]);
        }
        let mut out = BTreeSet::from([Relation::SameOrg]);
        if caller == person {
            out.insert(Relation::Own);
        }
        if self.mentees_of(caller).contains(person) {
            out.insert(Relation::MyMentee);
        }
        if self.led_people(caller).contains(person) {
            out.insert(Relation::MyGroup);
        }
        out
    }

    fn to_group(&self, caller: &str, group: &str) -> BTreeSet<Relation> {
        let (org, leader, members) = &self.groups[group];
        if org != "A" {
            return BTreeSet::from([Relation::OtherOrg]);
        }
        let mut out = BTreeSet::from([Relation::SameOrg]);
        if members.contains(&caller) {
            out.insert(Relation::Own);
        }
        if members.iter().any(|m| self.mentees_of(caller).contains(m)) {
            out.insert(Relation::MyMentee);
        }
        if *leader == caller {
            out.insert(Relation::MyGroup);
        }
        out
    }

    /// A pairing: whatever the caller is to either person, except that it is the caller's group's
    /// only when both people are in a group the caller leads.
    fn to_pair(&self, caller: &str, mentor: &str, mentee: &str) -> BTreeSet<Relation> {
        let mut out = self.to_person(caller, mentor);
        out.extend(self.to_person(caller, mentee));
        let led = self.led_people(caller);
        if !(led.contains(mentor) && led.contains(mentee)) {
            out.remove(&Relation::MyGroup);
        }
        out
    }

    /// What no 2xx body `caller` gets may hold: the other organisation's records (their ids and
    /// markers), and in A the invitations and mentorships the matrix does not let the caller list.
    fn forbidden(&self, caller: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mine = if caller == "b_admin" { "B" } else { "A" };
        // Anonymous callers may see neither organisation; everyone else not the other one.
        let hidden: &[&str] = match caller {
            "anonymous" => &["A", "B"],
            _ if mine == "A" => &["B"],
            _ => &["A"],
        };
        for theirs in hidden.iter().copied() {
            out.push(self.org[theirs].clone());
            if theirs == "B" {
                out.push("MARKER-B".to_owned());
                out.push("marker-b-".to_owned());
            }
            let people = if theirs == "B" { B_PEOPLE } else { A_PEOPLE };
            out.extend(people.iter().map(|(name, _)| self.id[name].clone()));
            out.extend(self.groups.iter().filter(|(_, g)| g.0 == theirs).map(|(name, _)| self.id[name].clone()));
            out.extend(self.mentorships.iter().filter(|(_, m)| m.0 == theirs).map(|(name, _)| self.id[name].clone()));
            out.extend(self.invitations.iter().filter(|(_, i)| i.0 == theirs).map(|(name, _)| self.id[name].clone()));
        }
        if mine == "A" && caller != "anonymous" {
            let roles = Self::roles(caller);
            for (name, (org, _)) in &self.invitations {
                if org == "A" && !permissions::can(&roles, &self.to_invitation(caller, name), Action::InvitationList) {
                    out.push(self.id[name].clone());
                    out.push(format!("{}@invited.test", name.to_lowercase()));
                }
            }
            for (name, (org, mentor, mentee, _)) in &self.mentorships {
                if org == "A"
                    && !permissions::can(&roles, &self.to_pair(caller, mentor, mentee), Action::MentorshipList)
                {
                    out.push(self.id[name].clone());
                }
            }
        }
        for (name, (org, author, _, marker)) in &self.hub {
            let in_trash_for = |c: &str| name == &"R_DEL" && (c == *author || Self::roles(c).contains(Role::Admin));
            let visible = if org == "A" {
                self.sees(caller, name) && (name != &"R_DEL" || in_trash_for(caller))
            } else {
                caller == "b_admin"
            };
            if !visible {
                out.push(self.id[name].clone());
                out.push(marker.clone());
            }
        }
        for (name, (org, uploader)) in &self.uploads {
            if !(org == "A" && caller == *uploader) {
                out.push(self.id[name].clone());
                out.push(format!("HUBMARK-{name}-END"));
            }
        }
        for (name, (org, owner)) in &self.vaults {
            let admin_here = org == "A" && Self::roles(caller).contains(Role::Admin) && caller != "gone";
            if !(org == "A" && (caller == *owner || admin_here)) {
                out.push(self.id[name].clone());
                out.push(format!("HUBMARK-{name}-END"));
            }
        }
        for (person, ..) in PLANS.iter().copied() {
            let reads = mine == "A"
                && Self::org_of(person) == "A"
                && caller != "gone"
                && permissions::can(&Self::roles(caller), &self.to_person(caller, person), Action::PlannerRead);
            if !reads {
                out.push(format!("PLANMARK-{person}-END"));
            }
            // A meeting's private notes: its recorder's alone, whoever else reads the plan.
            let recorder = PLANS.iter().find(|plan| plan.0 == person).map(|plan| plan.4);
            if !(mine == Self::org_of(person) && recorder == Some(caller)) {
                out.push(format!("PRIVMARK-{person}-END"));
            }
        }
        for (name, ..) in SESSIONS {
            if self.sessions[name].0 == "A" && !self.reads_session(caller, name) {
                out.push(format!("SESSMARK-{name}-END"));
            }
        }
        for (name, org, owner, personal) in TEMPLATES.iter().copied() {
            let uses = org == "A"
                && mine == "A"
                && caller != "gone"
                && (!personal || caller == owner)
                && !permissions::scope(&Self::roles(caller), Action::SessionTemplateRead).is_empty();
            if org == "A" && !uses {
                out.push(format!("TPLMARK-{name}-END"));
            }
        }
        if caller == "gone" {
            // Removed: nothing of A at all but their own account.
            out.push(self.org["A"].clone());
            out.extend(A_PEOPLE.iter().filter(|(n, _)| *n != "gone").map(|(n, _)| self.id[n].clone()));
        }
        out
    }

    fn to_invitation(&self, caller: &str, invitation: &str) -> BTreeSet<Relation> {
        let (org, group) = &self.invitations[invitation];
        if org != "A" {
            return BTreeSet::from([Relation::OtherOrg]);
        }
        let mut out = BTreeSet::from([Relation::SameOrg]);
        if group.is_some_and(|g| self.groups[g].1 == caller) {
            out.insert(Relation::MyGroup);
        }
        out
    }
}

/// Who may call a route.
#[derive(Clone, Copy)]
enum Guard {
    /// Anyone; the answer must not depend on who calls.
    Public,
    /// Any signed-in person; anonymous callers get 401.
    SignedIn,
    /// A change to one's own account: anyone who still belongs to an organisation; a removed
    /// member (who may only sign out) gets 403, anonymous callers 401.
    OwnAccount,
    /// A collection in the organisation: allowed when the matrix gives the action in any relation.
    List(Action),
    /// One resource: allowed when the matrix gives the action in the relations the caller has to it.
    Matrix(Action),
    /// A record answered as not found to a caller who may not read it (a session, someone else's
    /// personal template: `Call::unseen`), else as `Matrix`.
    Readable(Action),
    /// A hub resource: not found for a caller its visibility does not admit, else as `Matrix`.
    Hub(Action),
    /// An announced upload: its uploader's alone, who gets `status`; anyone else 404, as if there
    /// were no such upload.
    Uploader(u16),
    /// A vault or a vault import: its owner's and the admins', who get `status`; anyone else 404,
    /// as if there were no such vault.
    VaultOwner(u16),
    /// A job trigger: no person's session runs it, whatever their roles; only the jobs token does.
    JobToken,
    /// Held mail: an admin of any organisation (or a request from the server's own machine, which
    /// the sweep never is); anyone else hears 404, as if there were none.
    Operator,
    /// A signed-in person's request that gets past authentication to answer `status` (the sweep
    /// cannot complete it: an SSO link needs a provider); anonymous callers get 401.
    SignedInReaches(u16),
    /// A change to one's own account that gets past the permission check to answer `status` (a
    /// code the sweep cannot know); a removed member gets 403, anonymous callers 401.
    OwnAccountReaches(u16),
}

/// One call to sweep: the request, and the relations it stands in when the guard is `Matrix`.
struct Call {
    method: &'static str,
    path: String,
    body: Option<serde_json::Value>,
    relations: BTreeSet<Relation>,
    /// The organisation in the path is B, which the caller (of A) is not a member of.
    other_org_path: bool,
    /// The action this call needs, where it differs from the route's (invitations by role).
    action: Option<Action>,
    /// For a call naming another organisation's record: the same call naming nothing instead,
    /// whose answer it must equal.
    twin: Option<(String, Option<serde_json::Value>)>,
    /// The resource is one the caller's visibility does not admit (`Guard::Hub`).
    unseen: bool,
    /// Request headers besides authorisation and content type (`If-Match`).
    headers: Vec<(&'static str, String)>,
}

type Build = fn(&World, &str) -> Vec<Call>;

fn call(method: &'static str, path: String, body: Option<serde_json::Value>, relations: BTreeSet<Relation>) -> Call {
    Call {
        method,
        path,
        body,
        relations,
        other_org_path: false,
        action: None,
        twin: None,
        unseen: false,
        headers: Vec::new(),
    }
}

/// A call naming B's record `foreign` (in its path or body), with its twin naming nothing.
fn foreign_call(method: &'static str, path: String, body: Option<serde_json::Value>, foreign: &str) -> Call {
    foreign_calls(method, path, body, &[foreign])
}

/// [`foreign_call`] for a call naming several of B's records.
fn foreign_calls(method: &'static str, path: String, body: Option<serde_json::Value>, foreign: &[&str]) -> Call {
    // Each foreign id becomes a different id that names nothing (a pairing needs two people).
    let swap = |text: &str| {
        foreign.iter().enumerate().fold(text.to_owned(), |text, (i, id)| text.replace(id, &format!("{UNKNOWN_ID}{i}")))
    };
    let twin_body = body.as_ref().map(|b| serde_json::from_str(&swap(&b.to_string())).unwrap());
    Call { twin: Some((swap(&path), twin_body)), ..call(method, path, body, BTreeSet::from([Relation::OtherOrg])) }
}

fn org_calls(w: &World, method: &'static str, tail: &str, body: Option<serde_json::Value>) -> Vec<Call> {
    let mut out = vec![call(
        method,
        format!("/api/people/{}{tail}", w.org["A"]),
        body.clone(),
        BTreeSet::from([Relation::SameOrg]),
    )];
    out.push(Call {
        other_org_path: true,
        ..call(method, format!("/api/people/{}{tail}", w.org["B"]), body, BTreeSet::from([Relation::OtherOrg]))
    });
    out
}

/// The calls on a collection of the hub: in A, and in B (not the caller's).
fn hub_org_calls(w: &World, method: &'static str, tail: &str, body: Option<serde_json::Value>) -> Vec<Call> {
    let path = |org: &str| format!("/api/hub/{}{tail}", w.org[org]);
    vec![
        call(method, path("A"), body.clone(), BTreeSet::from([Relation::SameOrg])),
        Call { other_org_path: true, ..call(method, path("B"), body, BTreeSet::from([Relation::OtherOrg])) },
    ]
}

/// Adding to the hub: shared with the organisation (same organisation), kept private (own), and
/// shared with B's group (answered as a group that does not exist).
fn hub_create_calls(w: &World, tail: &str, body: &serde_json::Value) -> Vec<Call> {
    let with = |visibility: serde_json::Value| {
        let mut body = body.clone();
        body["visibility"] = visibility;
        body
    };
    let mut out = hub_org_calls(w, "POST", tail, Some(with(serde_json::json!({"scope": "organisation"}))));
    out.push(call(
        "POST",
        format!("/api/hub/{}{tail}", w.org["A"]),
        Some(with(serde_json::json!({"scope": "private"}))),
        BTreeSet::from([Relation::SameOrg, Relation::Own]),
    ));
    out.push(foreign_call(
        "POST",
        format!("/api/hub/{}{tail}", w.org["A"]),
        Some(with(serde_json::json!({"scope": "group", "group_id": w.id["GB"]}))),
        &w.id["GB"],
    ));
    out
}

/// A call on each hub resource, at version `If-Match: "1"`: A's live notes (own or not, seen or
/// not), and B's, by A's path and by B's.
fn hub_resource_calls(
    w: &World,
    caller: &str,
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    hub_calls_on(w, caller, &["R_ORG", "R_GRP", "R_PRIV", "R_PRIV_ADMIN", "R_B"], method, tail, body)
}

/// [`hub_resource_calls`] on the resources `names`, the last of them B's.
fn hub_calls_on(
    w: &World,
    caller: &str,
    names: &[&'static str],
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    let if_match = vec![("if-match", "\"1\"".to_owned())];
    let mut out = Vec::new();
    for &name in names {
        let path = format!("/api/hub/{}/resources/{}{tail}", w.org["A"], w.id[name]);
        if w.hub[name].0 == "B" {
            out.push(Call { headers: if_match.clone(), ..foreign_call(method, path, body.cloned(), &w.id[name]) });
            let b_path = format!("/api/hub/{}/resources/{}{tail}", w.org["B"], w.id[name]);
            out.push(Call {
                other_org_path: true,
                headers: if_match.clone(),
                ..call(method, b_path, body.cloned(), BTreeSet::from([Relation::OtherOrg]))
            });
            continue;
        }
        let mut relations = BTreeSet::from([Relation::SameOrg]);
        if w.hub[name].1 == caller {
            relations.insert(Relation::Own);
        }
        out.push(Call {
            unseen: !w.sees(caller, name),
            headers: if_match.clone(),
            ..call(method, path, body.cloned(), relations)
        });
    }
    out
}

/// A call on each announced upload: A's (the caller's own or not) and B's, by A's path and B's.
/// Only the uploader reaches their own (`Guard::Uploader`).
fn upload_calls(
    w: &World,
    caller: &str,
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    let mut out = Vec::new();
    for name in ["U_MENTOR", "U_M2", "U_B"] {
        let path = format!("/api/hub/{}/uploads/{}{tail}", w.org["A"], w.id[name]);
        if name == "U_B" {
            out.push(foreign_call(method, path, body.cloned(), &w.id[name]));
            let b_path = format!("/api/hub/{}/uploads/{}{tail}", w.org["B"], w.id[name]);
            out.push(Call {
                other_org_path: true,
                ..call(method, b_path, body.cloned(), BTreeSet::from([Relation::OtherOrg]))
            });
            continue;
        }
        let mut relations = BTreeSet::from([Relation::SameOrg]);
        if w.uploads[name].1 == caller {
            relations.insert(Relation::Own);
        }
        out.push(call(method, path, body.cloned(), relations));
    }
    out
}

/// A call on each vault (or vault import, `kind` "I"): A's (the caller's own or not) and B's, by
/// A's path and B's. `path` makes the path from the organisation and the vault's id.
fn vault_calls(
    w: &World,
    caller: &str,
    kind: &str,
    method: &'static str,
    path: fn(&str, &str) -> String,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    let mut out = Vec::new();
    for name in ["MENTOR", "M2", "B"] {
        let name: &'static str = w.vaults.keys().find(|n| **n == format!("{kind}_{name}")).expect("a swept vault");
        let id = &w.id[name];
        if name.ends_with("_B") {
            out.push(foreign_call(method, path(&w.org["A"], id), body.cloned(), id));
            out.push(Call {
                other_org_path: true,
                ..call(method, path(&w.org["B"], id), body.cloned(), BTreeSet::from([Relation::OtherOrg]))
            });
            continue;
        }
        let mut relations = BTreeSet::from([Relation::SameOrg]);
        if w.vaults[name].1 == caller {
            relations.insert(Relation::Own);
        }
        out.push(call(method, path(&w.org["A"], id), body.cloned(), relations));
    }
    out
}

/// Creating something of one's own in the hub (a vault, an import): in A, and in B.
fn own_hub_calls(w: &World, tail: &str, body: &serde_json::Value) -> Vec<Call> {
    let path = |org: &str| format!("/api/hub/{}{tail}", w.org[org]);
    vec![
        call("POST", path("A"), Some(body.clone()), BTreeSet::from([Relation::SameOrg, Relation::Own])),
        Call {
            other_org_path: true,
            ..call("POST", path("B"), Some(body.clone()), BTreeSet::from([Relation::OtherOrg]))
        },
    ]
}

/// The note the sweep puts into a vault: its bytes as the sweep sends them, and their hash.
fn swept_file() -> (serde_json::Value, String) {
    let body = serde_json::json!({"a": "note"});
    let hash = emmaus_obsidian::content_hash(&serde_json::to_vec(&body).unwrap());
    (body, hash)
}

/// A call on each person's plan (`/api/planner/{org}/people/{person}{tail}`): everyone in
/// `person_targets`, B's mentee answered as a person who does not exist.
fn plan_calls(
    w: &World,
    caller: &str,
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    person_targets()
        .into_iter()
        .map(|t| {
            let path = format!("/api/planner/{}/people/{}{tail}", w.org["A"], w.id[t]);
            if World::org_of(t) == "B" {
                foreign_call(method, path, body.cloned(), &w.id[t])
            } else {
                call(method, path, body.cloned(), w.to_person(caller, t))
            }
        })
        .collect()
}

/// Which seeded record of a plan a call is on.
#[derive(Clone, Copy)]
enum PlanRecord {
    Goal,
    Item,
    Task,
    Meeting,
    /// The conversation on the plan's goal.
    Thread,
}

/// Who a call on a plan's record is for, besides what the matrix says of the route's action.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    /// As the matrix says.
    Matrix,
    /// The item's assigner may also act, under `planner.add`.
    Assigner,
    /// The meeting's recorder or the comment's author, the plan's mentor, alone (under the
    /// route's action); anyone else is refused.
    Recorder,
    /// The person of the plan or the meeting's recorder (under the route's action).
    PersonOrRecorder,
}

/// A call on a seeded record of each plan of [`PLANS`] (`tail` follows its id), at version
/// `If-Match: "1"`; `{step}` in `tail` is the seeded meeting's next step and `{comment}` the seeded
/// comment. `who` says who besides the matrix decides (an item's assigner, a meeting's recorder).
fn plan_record_calls(
    w: &World,
    caller: &str,
    method: &'static str,
    record: PlanRecord,
    tail: &str,
    body: Option<&serde_json::Value>,
    who: Who,
) -> Vec<Call> {
    let if_match = vec![("if-match", "\"1\"".to_owned())];
    PLANS
        .iter()
        .map(|plan| {
            let (person, goal, item, task, mentor) = *plan;
            let (kind, name) = match record {
                PlanRecord::Goal => ("goals", goal),
                PlanRecord::Item => ("queue", item),
                PlanRecord::Task => ("tasks", task),
                PlanRecord::Meeting => ("meetings", MEETINGS.iter().find(|m| m.0 == person).unwrap().1),
                PlanRecord::Thread => ("threads", goal),
            };
            let id = match record {
                PlanRecord::Thread => format!("goal-{}", w.id[name]),
                _ => w.id[name].clone(),
            };
            let id = &id;
            let step = &w.id[MEETINGS.iter().find(|m| m.0 == person).unwrap().2];
            let comment = &w.id[COMMENTS.iter().find(|c| c.0 == person).unwrap().1];
            let tail = tail.replace("{step}", step).replace("{comment}", comment);
            let path = format!("/api/planner/{}/people/{}/{kind}/{id}{tail}", w.org["A"], w.id[person]);
            if World::org_of(person) == "B" {
                return Call {
                    headers: if_match.clone(),
                    // The record's own id (a thread's is `goal-<id>`), so the twin names a thread too.
                    ..foreign_calls(method, path, body.cloned(), &[&w.id[person], &w.id[name]])
                };
            }
            let action = (who == Who::Assigner && caller == mentor).then_some(Action::PlannerAdd);
            let stands = match who {
                Who::Recorder if caller != mentor => false,
                Who::PersonOrRecorder if caller != mentor && caller != person => false,
                _ => true,
            };
            // Someone the rule leaves out stands to the record as to nothing of theirs.
            let relations = if stands { w.to_person(caller, person) } else { BTreeSet::from([Relation::SameOrg]) };
            Call { headers: if_match.clone(), action, ..call(method, path, body.cloned(), relations) }
        })
        .collect()
}

/// A call on each swept session (`tail` follows its id; `{link}` in it is the session's private
/// link), at its version `If-Match: "2"`: A's by
/// A's path, B's by A's path (answered as a session that does not exist) and by B's.
fn session_calls(
    w: &World,
    caller: &str,
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    session_calls_under(w, caller, "sessions", method, tail, body)
}

/// [`session_calls`] under the function `function`'s paths (`/api/<function>/{org}/sessions/…`).
fn session_calls_under(
    w: &World,
    caller: &str,
    function: &str,
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    let if_match = vec![("if-match", "\"2\"".to_owned())];
    let mut out = Vec::new();
    for (name, ..) in SESSIONS.iter().copied() {
        let tail = tail.replace("{link}", &w.links[name]);
        let path = |org: &str| format!("/api/{function}/{}/sessions/{}{tail}", w.org[org], w.id[name]);
        if w.sessions[name].0 == "B" {
            out.push(Call { headers: if_match.clone(), ..foreign_call(method, path("A"), body.cloned(), &w.id[name]) });
            out.push(Call {
                other_org_path: true,
                headers: if_match.clone(),
                ..call(method, path("B"), body.cloned(), BTreeSet::from([Relation::OtherOrg]))
            });
            continue;
        }
        out.push(Call {
            unseen: !w.reads_session(caller, name),
            headers: if_match.clone(),
            ..call(method, path("A"), body.cloned(), w.to_session(caller, name))
        });
    }
    out
}

/// A call on each swept template, at version `If-Match: "1"`: someone else's personal template is
/// not there at all; B's is answered as a template that does not exist.
fn template_calls(w: &World, caller: &str, method: &'static str, body: Option<&serde_json::Value>) -> Vec<Call> {
    let if_match = vec![("if-match", "\"1\"".to_owned())];
    let mut out = Vec::new();
    for (name, org, owner, personal) in TEMPLATES.iter().copied() {
        let path = |o: &str| format!("/api/sessions/{}/templates/{}", w.org[o], w.id[name]);
        if org == "B" {
            out.push(Call { headers: if_match.clone(), ..foreign_call(method, path("A"), body.cloned(), &w.id[name]) });
            out.push(Call {
                other_org_path: true,
                headers: if_match.clone(),
                ..call(method, path("B"), body.cloned(), BTreeSet::from([Relation::OtherOrg]))
            });
            continue;
        }
        let mut relations = BTreeSet::from([Relation::SameOrg]);
        if personal && caller == owner {
            relations.insert(Relation::Own);
        }
        out.push(Call {
            unseen: personal && caller != owner,
            headers: if_match.clone(),
            ..call(method, path("A"), body.cloned(), relations)
        });
    }
    out
}

/// Making a session for each kind of audience: open (one's own), a person (as the caller stands to
/// them), group G (theirs when they lead it), and B's mentee (a person who does not exist here).
fn session_create_calls(w: &World, caller: &str) -> Vec<Call> {
    let path = |org: &str| format!("/api/sessions/{}/sessions", w.org[org]);
    let body = |audience: serde_json::Value| {
        Some(serde_json::json!({"title": "swept", "date": "2026-03-10", "audience": audience}))
    };
    let mut group = BTreeSet::from([Relation::SameOrg]);
    if w.groups["G"].1 == caller {
        group.insert(Relation::MyGroup);
    }
    vec![
        call(
            "POST",
            path("A"),
            body(serde_json::json!({"kind": "open"})),
            BTreeSet::from([Relation::SameOrg, Relation::Own]),
        ),
        call(
            "POST",
            path("A"),
            body(serde_json::json!({"kind": "person", "person_id": w.id["m2"]})),
            w.to_person(caller, "m2"),
        ),
        call(
            "POST",
            path("A"),
            body(serde_json::json!({"kind": "person", "person_id": w.id["x"]})),
            w.to_person(caller, "x"),
        ),
        call("POST", path("A"), body(serde_json::json!({"kind": "group", "group_id": w.id["G"]})), group),
        foreign_call(
            "POST",
            path("A"),
            body(serde_json::json!({"kind": "person", "person_id": w.id["b_mentee"]})),
            &w.id["b_mentee"],
        ),
        Call {
            other_org_path: true,
            ..call("POST", path("B"), body(serde_json::json!({"kind": "open"})), BTreeSet::from([Relation::OtherOrg]))
        },
    ]
}

fn person_targets() -> Vec<&'static str> {
    vec!["admin", "pastor", "mentor", "pm", "m1", "m2", "x", "b_mentee"]
}

#[expect(clippy::too_many_lines, reason = "the sweep table: one entry per route, read top to bottom")]
fn specs() -> BTreeMap<(&'static str, &'static str), (Guard, Build)> {
    use serde_json::json;
    let mut s: BTreeMap<(&'static str, &'static str), (Guard, Build)> = BTreeMap::new();
    // system
    s.insert(
        ("GET", "/api/health"),
        (Guard::Public, |_, _| vec![call("GET", "/api/health".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("GET", "/api/openapi.json"),
        (Guard::Public, |_, _| vec![call("GET", "/api/openapi.json".into(), None, BTreeSet::new())]),
    );
    // auth: public forms answer alike whoever calls; the signed-in ones need a session.
    s.insert(
        ("GET", "/api/auth/session"),
        (Guard::SignedIn, |_, _| vec![call("GET", "/api/auth/session".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/auth/sign-in"),
        (Guard::Public, |_, _| {
            vec![call(
                "POST",
                "/api/auth/sign-in".into(),
                Some(json!({"email": "nobody@a.test", "password": "wrong password"})),
                BTreeSet::new(),
            )]
        }),
    );
    s.insert(
        ("POST", "/api/auth/refresh"),
        (Guard::Public, |_, _| vec![call("POST", "/api/auth/refresh".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/auth/sign-out"),
        (Guard::SignedIn, |_, _| vec![call("POST", "/api/auth/sign-out".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/auth/sign-out-everywhere"),
        (Guard::SignedIn, |_, _| vec![call("POST", "/api/auth/sign-out-everywhere".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("PATCH", "/api/auth/profile"),
        (Guard::OwnAccount, |_, _| {
            vec![call("PATCH", "/api/auth/profile".into(), Some(json!({"display_name": "Renamed"})), BTreeSet::new())]
        }),
    );
    s.insert(
        ("POST", "/api/auth/password"),
        (Guard::OwnAccount, |_, _| {
            vec![call(
                "POST",
                "/api/auth/password".into(),
                Some(json!({"current_password": "x", "new_password": "a new long passphrase"})),
                BTreeSet::new(),
            )]
        }),
    );
    s.insert(
        ("POST", "/api/auth/password/forgot"),
        (Guard::Public, |_, _| {
            vec![call(
                "POST",
                "/api/auth/password/forgot".into(),
                Some(json!({"email": "nobody@a.test"})),
                BTreeSet::new(),
            )]
        }),
    );
    s.insert(
        ("POST", "/api/auth/password/reset"),
        (Guard::Public, |_, _| {
            vec![call(
                "POST",
                "/api/auth/password/reset".into(),
                Some(json!({"token": "x", "password": "a new long passphrase"})),
                BTreeSet::new(),
            )]
        }),
    );
    s.insert(
        ("POST", "/api/auth/invitations/preview"),
        (Guard::Public, |_, _| {
            vec![call("POST", "/api/auth/invitations/preview".into(), Some(json!({"token": "x"})), BTreeSet::new())]
        }),
    );
    s.insert(
        ("POST", "/api/auth/invitations/accept"),
        (Guard::Public, |_, _| {
            vec![call(
                "POST",
                "/api/auth/invitations/accept".into(),
                Some(json!({"token": "x", "password": "a new long passphrase"})),
                BTreeSet::new(),
            )]
        }),
    );
    s.insert(
        ("GET", "/api/auth/setup"),
        (Guard::Public, |_, _| vec![call("GET", "/api/auth/setup".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/jobs/deliver-mail"),
        (Guard::JobToken, |_, _| vec![call("POST", "/api/jobs/deliver-mail".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/jobs/ingest"),
        (Guard::JobToken, |_, _| vec![call("POST", "/api/jobs/ingest".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/jobs/purge-trash"),
        (Guard::JobToken, |_, _| vec![call("POST", "/api/jobs/purge-trash".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/jobs/apply-outbox"),
        (Guard::JobToken, |_, _| vec![call("POST", "/api/jobs/apply-outbox".into(), None, BTreeSet::new())]),
    );
    s.insert(("POST", "/api/auth/setup"), (Guard::Public, |_, _| vec![call("POST", "/api/auth/setup".into(), Some(json!({"code": "nope", "org_slug": "new-org", "org_name": "New", "email": "n@n.test", "display_name": "N", "password": "a new long passphrase"})), BTreeSet::new())]));
    s.insert(
        ("GET", "/api/auth/outbox"),
        (Guard::Operator, |_, _| vec![call("GET", "/api/auth/outbox".into(), None, BTreeSet::new())]),
    );
    // The second factor: the second step of a sign-in is public (a made-up challenge is nobody's);
    // setting up is one's own account; a code in a world with no setup begun and no second factor
    // gets past the checks to 409.
    s.insert(
        ("POST", "/api/auth/sign-in/second-factor"),
        (Guard::Public, |_, _| {
            vec![call(
                "POST",
                "/api/auth/sign-in/second-factor".into(),
                Some(json!({"challenge": "p1.c1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "code": "123456"})),
                BTreeSet::new(),
            )]
        }),
    );
    s.insert(
        ("POST", "/api/auth/second-factor/setup"),
        (Guard::OwnAccount, |_, _| vec![call("POST", "/api/auth/second-factor/setup".into(), None, BTreeSet::new())]),
    );
    s.insert(
        ("POST", "/api/auth/second-factor/setup/confirm"),
        (Guard::OwnAccountReaches(409), |_, _| {
            let body = Some(json!({"code": "000000"}));
            vec![call("POST", "/api/auth/second-factor/setup/confirm".into(), body, BTreeSet::new())]
        }),
    );
    s.insert(
        ("POST", "/api/auth/second-factor/recovery-codes"),
        (Guard::OwnAccountReaches(409), |_, _| {
            let body = Some(json!({"code": "000000"}));
            vec![call("POST", "/api/auth/second-factor/recovery-codes".into(), body, BTreeSet::new())]
        }),
    );
    s.insert(
        ("POST", "/api/auth/second-factor/disable"),
        (Guard::OwnAccountReaches(409), |_, _| {
            let body = Some(json!({"code": "000000"}));
            vec![call("POST", "/api/auth/second-factor/disable".into(), body, BTreeSet::new())]
        }),
    );
    s.insert(
        ("POST", "/api/auth/sso/{provider}/link"),
        (Guard::SignedInReaches(404), |_, _| {
            vec![call(
                "POST",
                "/api/auth/sso/none/link".into(),
                Some(json!({"return_to": "/profile"})),
                BTreeSet::new(),
            )]
        }),
    );
    for (path, concrete) in [
        ("/api/auth/providers", "/api/auth/providers"),
        ("/api/auth/sso/{provider}/start", "/api/auth/sso/none/start"),
        ("/api/auth/sso/{provider}/callback", "/api/auth/sso/none/callback?code=c&state=s"),
    ] {
        let build: Build = match concrete {
            "/api/auth/providers" => |_, _| vec![call("GET", "/api/auth/providers".into(), None, BTreeSet::new())],
            "/api/auth/sso/none/start" => {
                |_, _| vec![call("GET", "/api/auth/sso/none/start".into(), None, BTreeSet::new())]
            }
            _ => |_, _| vec![call("GET", "/api/auth/sso/none/callback?code=c&state=s".into(), None, BTreeSet::new())],
        };
        s.insert(("GET", path), (Guard::Public, build));
    }
    // people: the organisation and its collections
    s.insert(("GET", "/api/people/{org}"), (Guard::Matrix(Action::OrgRead), |w, _| org_calls(w, "GET", "", None)));
    s.insert(
        ("PATCH", "/api/people/{org}"),
        (Guard::Matrix(Action::OrgUpdate), |w, _| org_calls(w, "PATCH", "", Some(json!({"name": "Renamed"})))),
    );
    s.insert(
        ("GET", "/api/people/{org}/members"),
        (Guard::List(Action::MemberList), |w, _| org_calls(w, "GET", "/members", None)),
    );
    s.insert(
        ("GET", "/api/people/{org}/invitations"),
        (Guard::List(Action::InvitationList), |w, _| org_calls(w, "GET", "/invitations", None)),
    );
    s.insert(
        ("GET", "/api/people/{org}/groups"),
        (Guard::List(Action::GroupList), |w, _| org_calls(w, "GET", "/groups", None)),
    );
    s.insert(
        ("GET", "/api/people/{org}/mentorships"),
        (Guard::List(Action::MentorshipList), |w, _| org_calls(w, "GET", "/mentorships", None)),
    );
    s.insert(
        ("GET", "/api/people/{org}/audit"),
        (Guard::Matrix(Action::AuditRead), |w, _| org_calls(w, "GET", "/audit", None)),
    );
    s.insert(
        ("GET", "/api/people/{org}/audit/verify"),
        (Guard::Matrix(Action::AuditRead), |w, _| org_calls(w, "GET", "/audit/verify", None)),
    );
    s.insert(
        ("GET", "/api/people/{org}/audit/export"),
        (Guard::Matrix(Action::AuditExport), |w, _| org_calls(w, "GET", "/audit/export", None)),
    );
    s.insert(
        ("POST", "/api/people/{org}/groups"),
        (Guard::Matrix(Action::GroupCreate), |w, _| {
            let leader = w.id["pastor"].clone();
            let mut out = org_calls(w, "POST", "/groups", Some(json!({"name": "New group", "leader_id": leader})));
            let foreign = json!({"name": "New group", "leader_id": w.id["b_pastor"]});
            out.push(foreign_call(
                "POST",
                format!("/api/people/{}/groups", w.org["A"]),
                Some(foreign),
                &w.id["b_pastor"],
            ));
            out
        }),
    );
    // hub: the library
    s.insert(
        ("GET", "/api/hub/{org}/resources"),
        (Guard::List(Action::HubRead), |w, _| hub_org_calls(w, "GET", "/resources", None)),
    );
    s.insert(
        ("GET", "/api/hub/{org}/trash"),
        (Guard::List(Action::HubRead), |w, _| hub_org_calls(w, "GET", "/trash", None)),
    );
    // Many at once: each resource answered on its own (not found, forbidden, done) in the body, in
    // the order asked and naming none, so B's id among them is answered as an id naming nothing.
    s.insert(
        ("POST", "/api/hub/{org}/bulk"),
        (Guard::List(Action::HubRead), |w, _| {
            let ids: Vec<String> =
                ["R_ORG", "R_GRP", "R_PRIV", "R_PRIV_ADMIN", "R_B"].iter().map(|n| w.id[*n].clone()).collect();
            let body = json!({"ids": ids, "action": "add_tags", "tags": ["swept"]});
            let mut out = hub_org_calls(w, "POST", "/bulk", Some(body.clone()));
            let twin = serde_json::from_str(&body.to_string().replace(&w.id["R_B"], UNKNOWN_ID)).unwrap();
            out[0].twin = Some((out[0].path.clone(), Some(twin)));
            out
        }),
    );
    s.insert(
        ("GET", "/api/hub/{org}/tag-rules"),
        (Guard::List(Action::HubRead), |w, _| hub_org_calls(w, "GET", "/tag-rules", None)),
    );
    s.insert(
        ("PUT", "/api/hub/{org}/tag-rules"),
        (Guard::Matrix(Action::HubRulesManage), |w, _| {
            let body = json!({"rules": [{"keyword": "grace", "tag": "theology/grace"}]});
            let mut out = hub_org_calls(w, "PUT", "/tag-rules", Some(body));
            for c in &mut out {
                c.headers = vec![("if-match", "\"0\"".to_owned())];
            }
            out
        }),
    );
    s.insert(
        ("POST", "/api/hub/{org}/render"),
        (Guard::List(Action::HubRead), |w, _| hub_org_calls(w, "POST", "/render", Some(json!({"body": "# Preview"})))),
    );
    s.insert(
        ("POST", "/api/hub/{org}/notes"),
        (Guard::Matrix(Action::HubCreate), |w, _| {
            hub_create_calls(w, "/notes", &json!({"title": "New note", "body": "# New"}))
        }),
    );
    s.insert(
        ("POST", "/api/hub/{org}/links"),
        (Guard::Matrix(Action::HubCreate), |w, _| {
            hub_create_calls(w, "/links", &json!({"url": "https://example.org/page"}))
        }),
    );
    s.insert(
        ("GET", "/api/hub/{org}/resources/{resource}"),
        (Guard::Hub(Action::HubRead), |w, c| hub_resource_calls(w, c, "GET", "", None)),
    );
    s.insert(
        ("PATCH", "/api/hub/{org}/resources/{resource}"),
        (Guard::Hub(Action::HubChange), |w, c| {
            hub_resource_calls(w, c, "PATCH", "", Some(&json!({"title": "Renamed"})))
        }),
    );
    s.insert(
        ("DELETE", "/api/hub/{org}/resources/{resource}"),
        (Guard::Hub(Action::HubChange), |w, c| hub_resource_calls(w, c, "DELETE", "", None)),
    );
    s.insert(
        ("GET", "/api/hub/{org}/resources/{resource}/file"),
        (Guard::Hub(Action::HubRead), |w, c| hub_calls_on(w, c, &["F_ORG", "F_PRIV", "F_B"], "GET", "/file", None)),
    );
    s.insert(
        ("GET", "/api/hub/{org}/resources/{resource}/backlinks"),
        (Guard::Hub(Action::HubRead), |w, c| hub_resource_calls(w, c, "GET", "/backlinks", None)),
    );
    s.insert(
        ("GET", "/api/hub/{org}/storage"),
        (Guard::List(Action::HubRead), |w, _| hub_org_calls(w, "GET", "/storage", None)),
    );
    s.insert(
        ("POST", "/api/hub/{org}/uploads"),
        (Guard::Matrix(Action::HubCreate), |w, _| {
            hub_create_calls(
                w,
                "/uploads",
                &json!({"name": "psalm.pdf", "size": 1000, "content_type": "application/pdf"}),
            )
        }),
    );
    s.insert(
        // The bytes sent are JSON, which the uploads announced as JPEGs are not: judged and held back.
        ("PUT", "/api/hub/{org}/uploads/{resource}"),
        (Guard::Uploader(200), |w, c| upload_calls(w, c, "PUT", "", Some(&json!({"not": "a photo"})))),
    );
    s.insert(
        // Nothing was sent to these uploads: the uploader hears that the bytes have not arrived.
        ("POST", "/api/hub/{org}/uploads/{resource}/finish"),
        (Guard::Uploader(409), |w, c| upload_calls(w, c, "POST", "/finish", None)),
    );
    // Obsidian vaults and their imports.
    s.insert(
        ("GET", "/api/hub/{org}/vaults"),
        (Guard::List(Action::HubRead), |w, _| hub_org_calls(w, "GET", "/vaults", None)),
    );
    s.insert(
        ("POST", "/api/hub/{org}/vaults"),
        (Guard::Matrix(Action::HubImport), |w, _| own_hub_calls(w, "/vaults", &json!({"name": "Sweep vault"}))),
    );
    s.insert(
        ("GET", "/api/hub/{org}/vaults/{vault}/manifest"),
        (Guard::VaultOwner(200), |w, c| {
            vault_calls(w, c, "V", "GET", |org, id| format!("/api/hub/{org}/vaults/{id}/manifest"), None)
        }),
    );
    s.insert(
        ("PUT", "/api/hub/{org}/vaults/{vault}/files"),
        (Guard::VaultOwner(200), |w, c| {
            let (body, _) = swept_file();
            vault_calls(
                w,
                c,
                "V",
                "PUT",
                |org, id| format!("/api/hub/{org}/vaults/{id}/files?path=Swept.md&hash={}", swept_file().1),
                Some(&body),
            )
        }),
    );
    s.insert(
        ("DELETE", "/api/hub/{org}/vaults/{vault}/files"),
        (Guard::VaultOwner(204), |w, c| {
            vault_calls(w, c, "V", "DELETE", |org, id| format!("/api/hub/{org}/vaults/{id}/files?path=seed.md"), None)
        }),
    );
    s.insert(
        ("POST", "/api/hub/{org}/imports"),
        (Guard::Matrix(Action::HubImport), |w, _| {
            own_hub_calls(w, "/imports", &json!({"vault": "Sweep vault", "size": 1000}))
        }),
    );
    s.insert(
        ("GET", "/api/hub/{org}/imports"),
        (Guard::List(Action::HubRead), |w, _| hub_org_calls(w, "GET", "/imports", None)),
    );
    s.insert(
        ("GET", "/api/hub/{org}/imports/{import}"),
        (Guard::VaultOwner(200), |w, c| {
            vault_calls(w, c, "I", "GET", |org, id| format!("/api/hub/{org}/imports/{id}"), None)
        }),
    );
    s.insert(
        // The bytes are not a zip: accepted and queued, and the job reports the archive refused.
        ("PUT", "/api/hub/{org}/imports/{import}/archive"),
        (Guard::VaultOwner(202), |w, c| {
            vault_calls(
                w,
                c,
                "I",
                "PUT",
                |org, id| format!("/api/hub/{org}/imports/{id}/archive"),
                Some(&json!({"a": 1})),
            )
        }),
    );
    s.insert(
        // Nothing was sent: the owner hears that the archive has not arrived.
        ("POST", "/api/hub/{org}/imports/{import}/start"),
        (Guard::VaultOwner(409), |w, c| {
            vault_calls(w, c, "I", "POST", |org, id| format!("/api/hub/{org}/imports/{id}/start"), None)
        }),
    );
    s.insert(
        ("GET", "/api/hub/{org}/resources/{resource}/versions"),
        (Guard::Hub(Action::HubRead), |w, c| hub_resource_calls(w, c, "GET", "/versions", None)),
    );
    s.insert(
        ("GET", "/api/hub/{org}/resources/{resource}/versions/{version}"),
        (Guard::Hub(Action::HubRead), |w, c| hub_resource_calls(w, c, "GET", "/versions/1", None)),
    );
    s.insert(
        ("POST", "/api/hub/{org}/resources/{resource}/versions/{version}/restore"),
        (Guard::Hub(Action::HubChange), |w, c| hub_resource_calls(w, c, "POST", "/versions/1/restore", None)),
    );
    s.insert(
        ("POST", "/api/hub/{org}/trash/{resource}/restore"),
        (Guard::Hub(Action::HubChange), |w, c| {
            let path = |org: &str, name: &str| format!("/api/hub/{}/trash/{}/restore", w.org[org], w.id[name]);
            let mut relations = BTreeSet::from([Relation::SameOrg]);
            if w.hub["R_DEL"].1 == c {
                relations.insert(Relation::Own);
            }
            vec![
                Call { unseen: !w.sees(c, "R_DEL"), ..call("POST", path("A", "R_DEL"), None, relations) },
                foreign_call("POST", path("A", "R_B"), None, &w.id["R_B"]),
                Call {
                    other_org_path: true,
                    ..call("POST", path("B", "R_B"), None, BTreeSet::from([Relation::OtherOrg]))
                },
            ]
        }),
    );
    // planner: whose plans one may open, the calendar across them, and a person's plan
    s.insert(
        ("GET", "/api/planner/{org}/calendar"),
        (Guard::List(Action::PlannerRead), |w, _| {
            let path = |org: &str| format!("/api/planner/{}/calendar?from=2026-03-01&to=2026-04-01", w.org[org]);
            vec![
                call("GET", path("A"), None, BTreeSet::from([Relation::SameOrg])),
                Call { other_org_path: true, ..call("GET", path("B"), None, BTreeSet::from([Relation::OtherOrg])) },
            ]
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/dashboard"),
        (Guard::List(Action::PlannerRead), |w, _| {
            let path = |org: &str| format!("/api/planner/{}/dashboard", w.org[org]);
            vec![
                call("GET", path("A"), None, BTreeSet::from([Relation::SameOrg])),
                Call { other_org_path: true, ..call("GET", path("B"), None, BTreeSet::from([Relation::OtherOrg])) },
            ]
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people"),
        (Guard::List(Action::PlannerRead), |w, _| {
            let path = |org: &str| format!("/api/planner/{}/people", w.org[org]);
            vec![
                call("GET", path("A"), None, BTreeSet::from([Relation::SameOrg])),
                Call { other_org_path: true, ..call("GET", path("B"), None, BTreeSet::from([Relation::OtherOrg])) },
            ]
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/goals"),
        (Guard::Matrix(Action::PlannerRead), |w, c| plan_calls(w, c, "GET", "/goals", None)),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/goals"),
        (Guard::Matrix(Action::PlannerAdd), |w, c| {
            plan_calls(w, c, "POST", "/goals", Some(&json!({"title": "Sweep goal"})))
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/goals/{goal}"),
        (Guard::Matrix(Action::PlannerRead), |w, c| {
            plan_record_calls(w, c, "GET", PlanRecord::Goal, "", None, Who::Matrix)
        }),
    );
    s.insert(
        ("PATCH", "/api/planner/{org}/people/{person}/goals/{goal}"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "PATCH", PlanRecord::Goal, "", Some(&json!({"why": "swept"})), Who::Matrix)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/goals/{goal}/accept"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "POST", PlanRecord::Goal, "/accept", None, Who::Matrix)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/goals/{goal}/decline"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "POST", PlanRecord::Goal, "/decline", None, Who::Matrix)
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/queue"),
        (Guard::Matrix(Action::PlannerRead), |w, c| plan_calls(w, c, "GET", "/queue", None)),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/queue"),
        (Guard::Matrix(Action::PlannerAdd), |w, c| {
            plan_calls(w, c, "POST", "/queue", Some(&json!({"url": "https://example.org/swept"})))
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/queue/{item}"),
        (Guard::Matrix(Action::PlannerRead), |w, c| {
            plan_record_calls(w, c, "GET", PlanRecord::Item, "", None, Who::Matrix)
        }),
    );
    s.insert(
        ("PATCH", "/api/planner/{org}/people/{person}/queue/{item}"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "PATCH", PlanRecord::Item, "", Some(&json!({"note": "swept"})), Who::Assigner)
        }),
    );
    s.insert(
        ("DELETE", "/api/planner/{org}/people/{person}/queue/{item}"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "DELETE", PlanRecord::Item, "", None, Who::Assigner)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/queue/{item}/move"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "POST", PlanRecord::Item, "/move", Some(&json!({"before": null})), Who::Matrix)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/tasks"),
        (Guard::Matrix(Action::PlannerAdd), |w, c| {
            plan_calls(w, c, "POST", "/tasks", Some(&json!({"title": "Sweep task", "start": "2026-03-03T10:00"})))
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/tasks/{task}"),
        (Guard::Matrix(Action::PlannerRead), |w, c| {
            plan_record_calls(w, c, "GET", PlanRecord::Task, "", None, Who::Matrix)
        }),
    );
    s.insert(
        ("PATCH", "/api/planner/{org}/people/{person}/tasks/{task}"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "PATCH", PlanRecord::Task, "", Some(&json!({"notes": "swept"})), Who::Matrix)
        }),
    );
    s.insert(
        ("DELETE", "/api/planner/{org}/people/{person}/tasks/{task}"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            plan_record_calls(w, c, "DELETE", PlanRecord::Task, "", None, Who::Matrix)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/tasks/{task}/split"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            let body = json!({"occurrence": "20260309T190000", "start": "2026-03-09T20:00"});
            plan_record_calls(w, c, "POST", PlanRecord::Task, "/split", Some(&body), Who::Matrix)
        }),
    );
    s.insert(
        ("PUT", "/api/planner/{org}/people/{person}/tasks/{task}/occurrences/{occurrence}"),
        (Guard::Matrix(Action::PlannerChange), |w, c| {
            let body = json!({"status": "done"});
            plan_record_calls(w, c, "PUT", PlanRecord::Task, "/occurrences/20260309T190000", Some(&body), Who::Matrix)
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/calendar"),
        (Guard::Matrix(Action::PlannerRead), |w, c| {
            plan_calls(w, c, "GET", "/calendar?from=2026-03-01&to=2026-04-01", None)
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/meetings"),
        (Guard::Matrix(Action::PlannerRead), |w, c| plan_calls(w, c, "GET", "/meetings", None)),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/meetings"),
        (Guard::Matrix(Action::PlannerMeet), |w, c| {
            let body = json!({"start": "2026-03-03T10:00", "duration_minutes": 30, "private_notes": "swept"});
            plan_calls(w, c, "POST", "/meetings", Some(&body))
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/meetings/{meeting}"),
        (Guard::Matrix(Action::PlannerRead), |w, c| {
            plan_record_calls(w, c, "GET", PlanRecord::Meeting, "", None, Who::Matrix)
        }),
    );
    s.insert(
        ("PATCH", "/api/planner/{org}/people/{person}/meetings/{meeting}"),
        (Guard::Matrix(Action::PlannerMeet), |w, c| {
            let body = json!({"shared_notes": "swept"});
            plan_record_calls(w, c, "PATCH", PlanRecord::Meeting, "", Some(&body), Who::Recorder)
        }),
    );
    s.insert(
        ("DELETE", "/api/planner/{org}/people/{person}/meetings/{meeting}"),
        (Guard::Matrix(Action::PlannerMeet), |w, c| {
            plan_record_calls(w, c, "DELETE", PlanRecord::Meeting, "", None, Who::Recorder)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/meetings/{meeting}/steps/{step}/task"),
        (Guard::Matrix(Action::PlannerAdd), |w, c| {
            let body = json!({"due": "2026-03-06"});
            plan_record_calls(
                w,
                c,
                "POST",
                PlanRecord::Meeting,
                "/steps/{step}/task",
                Some(&body),
                Who::PersonOrRecorder,
            )
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/threads"),
        (Guard::Matrix(Action::PlannerRead), |w, c| plan_calls(w, c, "GET", "/threads", None)),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/threads/{thread}/comments"),
        (Guard::Matrix(Action::PlannerRead), |w, c| {
            plan_record_calls(w, c, "GET", PlanRecord::Thread, "/comments", None, Who::Matrix)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/threads/{thread}/comments"),
        (Guard::Matrix(Action::PlannerComment), |w, c| {
            let body = json!({"body": "swept"});
            plan_record_calls(w, c, "POST", PlanRecord::Thread, "/comments", Some(&body), Who::Matrix)
        }),
    );
    s.insert(
        ("PATCH", "/api/planner/{org}/people/{person}/threads/{thread}/comments/{comment}"),
        (Guard::Matrix(Action::PlannerComment), |w, c| {
            let body = json!({"body": "swept"});
            plan_record_calls(w, c, "PATCH", PlanRecord::Thread, "/comments/{comment}", Some(&body), Who::Recorder)
        }),
    );
    s.insert(
        ("DELETE", "/api/planner/{org}/people/{person}/threads/{thread}/comments/{comment}"),
        (Guard::Matrix(Action::PlannerComment), |w, c| {
            plan_record_calls(w, c, "DELETE", PlanRecord::Thread, "/comments/{comment}", None, Who::Recorder)
        }),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/threads/{thread}/read"),
        (Guard::Matrix(Action::PlannerRead), |w, c| {
            plan_record_calls(w, c, "POST", PlanRecord::Thread, "/read", None, Who::Matrix)
        }),
    );
    s.insert(
        ("GET", "/api/planner/{org}/people/{person}/feed"),
        (Guard::Matrix(Action::PlannerChange), |w, c| plan_calls(w, c, "GET", "/feed", None)),
    );
    s.insert(
        ("POST", "/api/planner/{org}/people/{person}/feed"),
        (Guard::Matrix(Action::PlannerChange), |w, c| plan_calls(w, c, "POST", "/feed", None)),
    );
    s.insert(
        ("DELETE", "/api/planner/{org}/people/{person}/feed"),
        (Guard::Matrix(Action::PlannerChange), |w, c| plan_calls(w, c, "DELETE", "/feed", None)),
    );
    // A feed's address carries its secret: one that opens none answers the same to anyone.
    s.insert(
        ("GET", "/api/planner-feeds/{token}"),
        (Guard::Public, |_, _| {
            vec![call(
                "GET",
                "/api/planner-feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
                None,
                BTreeSet::new(),
            )]
        }),
    );
    // sessions: templates (the organisation's and one's own) and sessions
    s.insert(
        ("GET", "/api/sessions/{org}/templates"),
        (Guard::List(Action::SessionTemplateRead), |w, _| {
            let path = |org: &str| format!("/api/sessions/{}/templates", w.org[org]);
            vec![
                call("GET", path("A"), None, BTreeSet::from([Relation::SameOrg])),
                Call { other_org_path: true, ..call("GET", path("B"), None, BTreeSet::from([Relation::OtherOrg])) },
            ]
        }),
    );
    s.insert(
        ("POST", "/api/sessions/{org}/templates"),
        (Guard::Matrix(Action::SessionTemplateManage), |w, _| {
            let path = |org: &str| format!("/api/sessions/{}/templates", w.org[org]);
            vec![
                call("POST", path("A"), Some(json!({"name": "swept"})), BTreeSet::from([Relation::SameOrg])),
                call(
                    "POST",
                    path("A"),
                    Some(json!({"name": "swept", "personal": true})),
                    BTreeSet::from([Relation::SameOrg, Relation::Own]),
                ),
                Call {
                    other_org_path: true,
                    ..call("POST", path("B"), Some(json!({"name": "swept"})), BTreeSet::from([Relation::OtherOrg]))
                },
            ]
        }),
    );
    s.insert(
        ("GET", "/api/sessions/{org}/templates/{template}"),
        (Guard::Readable(Action::SessionTemplateRead), |w, c| template_calls(w, c, "GET", None)),
    );
    s.insert(
        ("PATCH", "/api/sessions/{org}/templates/{template}"),
        (Guard::Readable(Action::SessionTemplateManage), |w, c| {
            template_calls(w, c, "PATCH", Some(&json!({"name": "swept"})))
        }),
    );
    s.insert(
        ("DELETE", "/api/sessions/{org}/templates/{template}"),
        (Guard::Readable(Action::SessionTemplateManage), |w, c| template_calls(w, c, "DELETE", None)),
    );
    s.insert(
        ("GET", "/api/sessions/{org}/sessions"),
        (Guard::List(Action::SessionRead), |w, _| {
            let path = |org: &str| format!("/api/sessions/{}/sessions", w.org[org]);
            vec![
                call("GET", path("A"), None, BTreeSet::from([Relation::SameOrg])),
                Call { other_org_path: true, ..call("GET", path("B"), None, BTreeSet::from([Relation::OtherOrg])) },
            ]
        }),
    );
    s.insert(
        ("POST", "/api/sessions/{org}/sessions"),
        (Guard::Matrix(Action::SessionCreate), |w, c| session_create_calls(w, c)),
    );
    s.insert(
        ("GET", "/api/sessions/{org}/sessions/{session}"),
        (Guard::Readable(Action::SessionRead), |w, c| session_calls(w, c, "GET", "", None)),
    );
    s.insert(
        ("PATCH", "/api/sessions/{org}/sessions/{session}"),
        (Guard::Readable(Action::SessionChange), |w, c| {
            session_calls(w, c, "PATCH", "", Some(&json!({"title": "swept"})))
        }),
    );
    s.insert(
        ("DELETE", "/api/sessions/{org}/sessions/{session}"),
        (Guard::Readable(Action::SessionChange), |w, c| session_calls(w, c, "DELETE", "", None)),
    );
    s.insert(
        ("GET", "/api/sessions/{org}/sessions/{session}/revisions"),
        (Guard::Readable(Action::SessionChange), |w, c| session_calls(w, c, "GET", "/revisions", None)),
    );
    s.insert(
        ("POST", "/api/sessions/{org}/sessions/{session}/revisions/{version}/restore"),
        (Guard::Readable(Action::SessionChange), |w, c| session_calls(w, c, "POST", "/revisions/1/restore", None)),
    );
    s.insert(
        ("GET", "/api/sessions/{org}/sessions/{session}/export"),
        (Guard::Readable(Action::SessionRead), |w, c| session_calls(w, c, "GET", "/export?format=markdown", None)),
    );
    s.insert(
        ("GET", "/api/sessions/{org}/sessions/{session}/links"),
        (Guard::Readable(Action::SessionChange), |w, c| session_calls(w, c, "GET", "/links", None)),
    );
    s.insert(
        ("POST", "/api/sessions/{org}/sessions/{session}/links"),
        (Guard::Readable(Action::SessionChange), |w, c| {
            session_calls(w, c, "POST", "/links", Some(&json!({"label": "swept", "days": 1})))
        }),
    );
    s.insert(
        ("DELETE", "/api/sessions/{org}/sessions/{session}/links/{link}"),
        (Guard::Readable(Action::SessionChange), |w, c| session_calls(w, c, "DELETE", "/links/{link}", None)),
    );
    s.insert(
        ("PUT", "/api/sessions/{org}/sessions/{session}/presenting"),
        (Guard::Readable(Action::SessionChange), |w, c| {
            session_calls(w, c, "PUT", "/presenting", Some(&json!({"block_id": "h"})))
        }),
    );
    s.insert(
        ("GET", "/api/sessions/{org}/leaders"),
        (Guard::List(Action::SessionCreate), |w, _| {
            let path = |org: &str| format!("/api/sessions/{}/leaders", w.org[org]);
            vec![
                call("GET", path("A"), None, BTreeSet::from([Relation::SameOrg])),
                Call { other_org_path: true, ..call("GET", path("B"), None, BTreeSet::from([Relation::OtherOrg])) },
            ]
        }),
    );
    // A private link's address carries its secret: one that opens none answers the same to anyone.
    s.insert(
        ("GET", "/api/session-links/{token}"),
        (Guard::Public, |_, _| {
            vec![call(
                "GET",
                "/api/session-links/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
                None,
                BTreeSet::new(),
            )]
        }),
    );
    // exports: a session printed, read as the caller reads it (fonts installed by the world)
    s.insert(
        ("GET", "/api/exports/{org}/sessions/{session}/{format}"),
        (Guard::Readable(Action::SessionRead), |w, c| session_calls_under(w, c, "exports", "GET", "/pdf", None)),
    );
    // people: one member
    s.insert(
        ("GET", "/api/people/{org}/members/{person}"),
        (Guard::Matrix(Action::MemberRead), |w, c| person_calls(w, c, "GET", "", None)),
    );
    s.insert(
        ("DELETE", "/api/people/{org}/members/{person}"),
        (Guard::Matrix(Action::MemberRemove), |w, c| person_calls(w, c, "DELETE", "", None)),
    );
    s.insert(
        ("PUT", "/api/people/{org}/members/{person}/roles"),
        (Guard::Matrix(Action::MemberRolesUpdate), |w, c| {
            // The target's own roles again: allowed calls succeed without touching the last-admin rule.
            person_targets()
                .into_iter()
                .map(|t| {
                    let roles: Vec<Role> = World::roles(t).iter().collect();
                    let path = format!("/api/people/{}/members/{}/roles", w.org["A"], w.id[t]);
                    let body = Some(serde_json::json!({"roles": roles}));
                    if World::org_of(t) == "B" {
                        foreign_call("PUT", path, body, &w.id[t])
                    } else {
                        call("PUT", path, body, w.to_person(c, t))
                    }
                })
                .collect()
        }),
    );
    // people: invitations, by role and group
    s.insert(
        ("POST", "/api/people/{org}/invitations"),
        (Guard::Matrix(Action::InviteMentee), |w, c| invitation_calls(w, c)),
    );
    s.insert(
        ("DELETE", "/api/people/{org}/invitations/{invitation}"),
        (Guard::Matrix(Action::InvitationRevoke), |w, c| {
            ["INV_G", "INV_G2", "INV", "INV_B"]
                .into_iter()
                .map(|i| {
                    let path = format!("/api/people/{}/invitations/{}", w.org["A"], w.id[i]);
                    if w.invitations[i].0 == "B" {
                        foreign_call("DELETE", path, None, &w.id[i])
                    } else {
                        call("DELETE", path, None, w.to_invitation(c, i))
                    }
                })
                .collect()
        }),
    );
    // people: groups
    s.insert(
        ("GET", "/api/people/{org}/groups/{group}"),
        (Guard::Matrix(Action::GroupRead), |w, c| group_calls(w, c, "GET", "", None)),
    );
    s.insert(
        ("PATCH", "/api/people/{org}/groups/{group}"),
        (Guard::Matrix(Action::GroupUpdate), |w, c| {
            group_calls(w, c, "PATCH", "", Some(&serde_json::json!({"name": "Renamed"})))
        }),
    );
    s.insert(
        ("DELETE", "/api/people/{org}/groups/{group}"),
        (Guard::Matrix(Action::GroupDelete), |w, c| group_calls(w, c, "DELETE", "", None)),
    );
    s.insert(
        ("PUT", "/api/people/{org}/groups/{group}/members/{person}"),
        (Guard::Matrix(Action::GroupMembersAdd), |w, c| {
            let x = w.id["x"].clone();
            let mut out = group_calls(w, c, "PUT", &format!("/members/{x}"), None);
            // B's mentee into A's group: answered as a person who does not exist.
            let b = w.id["b_mentee"].clone();
            out.push(foreign_call(
                "PUT",
                format!("/api/people/{}/groups/{}/members/{b}", w.org["A"], w.id["G"]),
                None,
                &b,
            ));
            out
        }),
    );
    s.insert(
        ("DELETE", "/api/people/{org}/groups/{group}/members/{person}"),
        (Guard::Matrix(Action::GroupMembersRemove), |w, c| {
            ["G", "G2", "G3", "GB"]
                .into_iter()
                .map(|g| {
                    let member = w.groups[g].2[0];
                    let path = format!("/api/people/{}/groups/{}/members/{}", w.org["A"], w.id[g], w.id[member]);
                    if w.groups[g].0 == "B" {
                        foreign_calls("DELETE", path, None, &[&w.id[g], &w.id[member]])
                    } else {
                        call("DELETE", path, None, w.to_group(c, g))
                    }
                })
                .collect()
        }),
    );
    // people: mentorships
    s.insert(
        ("POST", "/api/people/{org}/mentorships"),
        (Guard::Matrix(Action::MentorshipCreate), |w, c| {
            let path = format!("/api/people/{}/mentorships", w.org["A"]);
            let mut out: Vec<Call> = [("mentor", "m1"), ("mentor", "x"), ("mentor2", "x")]
                .into_iter()
                .map(|(mentor, mentee)| {
                    let body = serde_json::json!({"mentor_id": w.id[mentor], "mentee_id": w.id[mentee]});
                    call("POST", path.clone(), Some(body), w.to_pair(c, mentor, mentee))
                })
                .collect();
            let (bm, bmentee) = (w.id["b_mentor"].clone(), w.id["b_mentee"].clone());
            let body = serde_json::json!({"mentor_id": bm, "mentee_id": bmentee});
            out.push(foreign_calls("POST", path, Some(body), &[&bm, &bmentee]));
            out
        }),
    );
    s.insert(
        ("POST", "/api/people/{org}/mentorships/{mentorship}/end"),
        (Guard::Matrix(Action::MentorshipEnd), |w, c| {
            let mut out: Vec<Call> = ["MS", "MS2", "MSPM"]
                .into_iter()
                .map(|m| {
                    let (_, mentor, mentee, _) = w.mentorships[m];
                    let path = format!("/api/people/{}/mentorships/{}/end", w.org["A"], w.id[m]);
                    call("POST", path, None, w.to_pair(c, mentor, mentee))
                })
                .collect();
            let b = w.id["MSB"].clone();
            out.push(foreign_call("POST", format!("/api/people/{}/mentorships/{b}/end", w.org["A"]), None, &b));
            out
        }),
    );
    s
}

fn person_calls(
    w: &World,
    caller: &str,
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    person_targets()
        .into_iter()
        .map(|t| {
            let path = format!("/api/people/{}/members/{}{tail}", w.org["A"], w.id[t]);
            if World::org_of(t) == "B" {
                foreign_call(method, path, body.cloned(), &w.id[t])
            } else {
                call(method, path, body.cloned(), w.to_person(caller, t))
            }
        })
        .collect()
}

fn group_calls(
    w: &World,
    caller: &str,
    method: &'static str,
    tail: &str,
    body: Option<&serde_json::Value>,
) -> Vec<Call> {
    ["G", "G2", "G3", "GB"]
        .into_iter()
        .map(|g| {
            let path = format!("/api/people/{}/groups/{}{tail}", w.org["A"], w.id[g]);
            if w.groups[g].0 == "B" {
                foreign_call(method, path, body.cloned(), &w.id[g])
            } else {
                call(method, path, body.cloned(), w.to_group(caller, g))
            }
        })
        .collect()
}

/// Invitations in every role, into G (led by pastor), into G3 (led by pm), into no group, and
/// into B's group (answered as a group that does not exist).
fn invitation_calls(w: &World, caller: &str) -> Vec<Call> {
    let path = format!("/api/people/{}/invitations", w.org["A"]);
    let mut out = Vec::new();
    for role in Role::ALL {
        for group in [Some("G"), Some("G3"), None] {
            let mut relations = BTreeSet::from([Relation::SameOrg]);
            if group.is_some_and(|g| w.groups[g].1 == caller) {
                relations.insert(Relation::MyGroup);
            }
            let body = serde_json::json!({"email": "new@invited.test", "role": role, "group_id": group.map(|g| w.id[g].clone())});
            let action = invitations::action_for(role);
            out.push(Call { action: Some(action), ..call("POST", path.clone(), Some(body), relations) });
        }
        let body = serde_json::json!({"email": "new@invited.test", "role": role, "group_id": w.id["GB"]});
        out.push(Call {
            action: Some(invitations::action_for(role)),
            ..foreign_call("POST", path.clone(), Some(body), &w.id["GB"])
        });
    }
    out
}

async fn send(w: &World, caller: &str, c: &Call) -> ApiResponse {
    let target =
        ApiTarget::in_process(emmaus_http::finish(emmaus::api::routes(&w.p), w.p.ids.clone(), HttpSettings::default()));
    let mut request = http::Request::builder().method(c.method).uri(&c.path);
    if let Some(token) = w.tokens.get(caller) {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in &c.headers {
        request = request.header(*name, value);
    }
    let body = match &c.body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            serde_json::to_vec(json).unwrap()
        }
        None => Vec::new(),
    };
    target.send(request.body(body).unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_every_role_every_relation() {
    let specs = specs();
    let declared: BTreeSet<(String, String)> = FUNCTIONS.iter().flat_map(routes_of).collect();
    let swept: BTreeSet<(String, String)> = specs.keys().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    let missing: Vec<_> = declared.difference(&swept).collect();
    assert!(missing.is_empty(), "routes missing from the permission sweep: {missing:?}");
    let stale: Vec<_> = swept.difference(&declared).collect();
    assert!(stale.is_empty(), "the sweep lists routes that no longer exist: {stale:?}");

    let mut failures = Vec::new();
    let mut seen: BTreeMap<&str, BTreeSet<Relation>> = BTreeMap::new();
    // A public route's answer for the first caller, which every other caller must get too.
    let mut public: BTreeMap<(&str, &str, usize), (String, u16, serde_json::Value)> = BTreeMap::new();
    let mut count = 0;
    let mut bodies = 0;
    for ((method, path), (guard, build)) in &specs {
        let probe = World::build().await;
        let calls_per_caller: Vec<(&str, usize)> = CALLERS.iter().map(|c| (*c, build(&probe, c).len())).collect();
        let forbidden: BTreeMap<&str, Vec<String>> = CALLERS.iter().map(|c| (*c, probe.forbidden(c))).collect();
        drop(probe);
        for (caller, calls) in calls_per_caller {
            for index in 0..calls {
                // A fresh world for each call, so writes in one call never change another's answer.
                let w = World::build().await;
                let c = &build(&w, caller)[index];
                if caller == "b_admin" && c.other_org_path {
                    // B is this caller's own organisation; its own-org answers are swept for A's people.
                    continue;
                }
                let response = send(&w, caller, c).await;
                count += 1;
                if (200..300).contains(&response.status) {
                    bodies += 1;
                }
                let roles = World::roles(caller);
                let mut verdict = judge(*guard, caller, &roles, c, response.status);
                if verdict.is_ok() {
                    verdict = beyond_status(caller, c, &response, &forbidden[caller]).await;
                }
                if matches!(guard, Guard::Public) {
                    let answer = (caller.to_owned(), response.status, comparable(&response.body));
                    let first = public.entry((*method, *path, index)).or_insert_with(|| answer.clone());
                    if (first.1, &first.2) != (answer.1, &answer.2) {
                        verdict =
                            Err(format!("a public route answered {} otherwise ({}: {})", first.0, first.1, first.2));
                    }
                }
                if let Guard::Matrix(_) = guard
                    && !matches!(caller, "anonymous" | "b_admin" | "gone")
                {
                    seen.entry(caller).or_default().extend(c.relations.iter().copied());
                }
                if let Err(why) = verdict {
                    failures.push(format!(
                        "{method} {path} as {caller} {:?}: {why} (got {}: {})",
                        c.relations,
                        response.status,
                        String::from_utf8_lossy(&response.body)
                    ));
                }
            }
        }
    }
    // Every relation that can exist was swept for every role.
    for (caller, expected) in [
        ("admin", vec![Relation::Own, Relation::SameOrg, Relation::OtherOrg]),
        ("pastor", vec![Relation::Own, Relation::MyGroup, Relation::SameOrg, Relation::OtherOrg]),
        ("mentor", vec![Relation::Own, Relation::MyMentee, Relation::SameOrg, Relation::OtherOrg]),
        ("pm", vec![Relation::Own, Relation::MyMentee, Relation::MyGroup, Relation::SameOrg, Relation::OtherOrg]),
        ("m2", vec![Relation::Own, Relation::SameOrg, Relation::OtherOrg]),
    ] {
        for relation in expected {
            assert!(
                seen.get(caller).is_some_and(|s| s.contains(&relation)),
                "{caller} never swept in relation {relation:?}"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} calls disagree with the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!(
        "permission sweep: {count} calls over {} routes agree with the matrix; {bodies} bodies hold nothing out of scope",
        specs.len()
    );
}

/// What an answer must also be, besides the right status: free of what the caller may not see;
/// and for a call naming another organisation's record, the answer to a record that does not exist.
async fn beyond_status(caller: &str, c: &Call, response: &ApiResponse, forbidden: &[String]) -> Result<(), String> {
    if let Some((twin_path, twin_body)) = &c.twin
        && !matches!(caller, "anonymous" | "gone" | "b_admin")
    {
        let twin = Call {
            path: twin_path.clone(),
            body: twin_body.clone(),
            twin: None,
            headers: c.headers.clone(),
            ..call(c.method, String::new(), None, BTreeSet::new())
        };
        let twin_response = send(&World::build().await, caller, &twin).await;
        if (twin_response.status, comparable(&twin_response.body)) != (response.status, comparable(&response.body)) {
            return Err(format!(
                "answers otherwise than for an id that names nothing ({}: {})",
                twin_response.status,
                String::from_utf8_lossy(&twin_response.body)
            ));
        }
    }
    if (200..300).contains(&response.status) {
        let text = String::from_utf8_lossy(&response.body);
        if let Some(leak) = forbidden.iter().find(|marker| text.contains(marker.as_str())) {
            return Err(format!("the body holds {leak}, which this caller may not see"));
        }
    }
    Ok(())
}

/// A body as it may be compared between two calls: JSON without the per-request fields.
fn comparable(body: &[u8]) -> serde_json::Value {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut object)) => {
            object.remove("request_id");
            object.remove("instance");
            serde_json::Value::Object(object)
        }
        Ok(other) => other,
        Err(_) => serde_json::Value::String(String::from_utf8_lossy(body).into_owned()),
    }
}

/// Whether a status is right for the guard, caller and relations.
fn judge(guard: Guard, caller: &str, roles: &RoleSet, c: &Call, status: u16) -> Result<(), String> {
    let ok = (200..300).contains(&status);
    let needs_sign_in = !matches!(guard, Guard::JobToken | Guard::Operator | Guard::Public);
    if needs_sign_in && caller == "anonymous" {
        return expect(status == 401, "anonymous must get 401");
    }
    match guard {
        Guard::JobToken => expect(status == 401, "only the jobs token runs a job"),
        Guard::Operator => {
            if roles.contains(Role::Admin) && caller != "gone" {
                expect(ok, "an admin reads held mail")
            } else {
                expect(status == 404, "nobody but an admin hears of held mail")
            }
        }
        Guard::SignedInReaches(expected) => expect(status == expected, "a signed-in person gets past authentication"),
        Guard::OwnAccountReaches(_) | Guard::OwnAccount if caller == "gone" => {
            expect(status == 403, "a removed member may only sign out")
        }
        Guard::OwnAccountReaches(expected) => expect(status == expected, "a member reaches their own account"),
        Guard::Public => {
            if status == 403 || status >= 500 {
                return Err("a public route refused or failed".into());
            }
            Ok(())
        }
        Guard::SignedIn => expect(ok, "any signed-in person may"),
        Guard::OwnAccount => expect(ok, "a member changes their own account"),
        // Not a member of the organisation in the path (B's admin in A, a removed member, A's
        // people in B): exactly the answer for an organisation that does not exist.
        _ if caller == "b_admin" || caller == "gone" || c.other_org_path => {
            expect(status == 404, "across organisations the answer is 404")
        }
        // Another organisation's record named inside A: never done; the twin check holds the answer
        // to the one for a record that does not exist.
        _ if c.relations.contains(&Relation::OtherOrg) => expect(!ok, "nothing crosses organisations"),
        Guard::List(action) => {
            let allowed = !permissions::scope(roles, action).is_empty();
            expect(ok == allowed, if allowed { "the matrix allows listing" } else { "the matrix refuses listing" })
        }
        Guard::Hub(_) if c.unseen => expect(status == 404, "what a resource's visibility hides is not found"),
        Guard::Readable(_) if c.unseen => expect(status == 404, "what the caller may not read is not found"),
        Guard::Uploader(expected) if c.relations.contains(&Relation::Own) => {
            expect(status == expected, "the uploader reaches their own upload")
        }
        Guard::Uploader(_) => expect(status == 404, "someone else's upload is not found"),
        Guard::VaultOwner(expected) if c.relations.contains(&Relation::Own) || roles.contains(Role::Admin) => {
            expect(status == expected, "the owner and the admins reach a vault")
        }
        Guard::VaultOwner(_) => expect(status == 404, "someone else's vault is not found"),
        Guard::Matrix(action) | Guard::Hub(action) | Guard::Readable(action) => {
            let allowed = permissions::can(roles, &c.relations, c.action.unwrap_or(action));
            if allowed {
                expect(ok, "the matrix allows it")
            } else {
                expect(status == 403, "the matrix refuses it (403)")
            }
        }
    }
}

fn expect(condition: bool, why: &str) -> Result<(), String> {
    if condition { Ok(()) } else { Err(why.to_owned()) }
}

#[test]
fn callers_cover_every_role() {
    let roles: BTreeSet<Role> = CALLERS
        .iter()
        .flat_map(|c| A_PEOPLE.iter().find(|(n, _)| n == c).map(|(_, r)| r.to_vec()).unwrap_or_default())
        .collect();
    assert_eq!(roles, Role::ALL.into_iter().collect());
}

/// A path id outside the id alphabet names nothing: 404 before any lookup, never a storage error.
#[tokio::test]
async fn ids_outside_the_id_alphabet_are_not_found() {
    let w = World::build().await;
    let org = w.org["A"].clone();
    let long = "x".repeat(65);
    for path in [
        format!("/api/people/{org}/members/{long}"),
        format!("/api/people/{org}/members/a%23b"),
        format!("/api/people/{org}/groups/%20"),
        "/api/people/a%2Fb/members".to_owned(),
        format!("/api/people/{long}"),
        "/api/auth/sso/%C3%A9/start".to_owned(),
    ] {
        let response = send(&w, "admin", &call("GET", path.clone(), None, BTreeSet::new())).await;
        assert_eq!(response.status, 404, "{path}: {}", String::from_utf8_lossy(&response.body));
        let problem: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(problem["type"], "urn:emmaus:problem:not-found", "{path}: {problem}");
    }
}

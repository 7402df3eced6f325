//! Obsidian vaults end to end on the in-memory platform: a vault the test builds is imported,
//! read back as people see it (links, embeds, tags, collections, backlinks), imported again as it
//! changes, and kept in sync one file at a time.

use emmaus_testkit::archives::zip_of;
use std::collections::BTreeMap;

use emmaus_app::Platform;
use emmaus_domain::hub::{ResourceKind, Source, Visibility};
use emmaus_domain::identity::Role;
use emmaus_domain::{DomainError, Timestamp};
use emmaus_hub::search::Listing;
use emmaus_hub::vault::import::{self, Options, SourceFile, Summary, VaultSource};
use emmaus_hub::vault::zip::ZipSource;
use emmaus_hub::vault::{VaultSpec, sync};
use emmaus_hub::{resources, search};
use emmaus_identity::Actor;
use emmaus_obsidian::archive::Limits;
use emmaus_obsidian::path::{VaultPath, skipped};

const PNG: &[u8] = include_bytes!("../../extract/tests/fixtures/transparent.png");
const PDF: &[u8] = include_bytes!("../../extract/tests/fixtures/two-pages.pdf");

/// A vault held in memory: path to bytes.
#[derive(Clone, Default)]
struct Vault(BTreeMap<String, Vec<u8>>);

impl Vault {
    fn with(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.0.insert(path.to_owned(), bytes.into());
        self
    }

    fn without(mut self, path: &str) -> Self {
        self.0.remove(path);
        self
    }
}

impl VaultSource for Vault {
    fn files(&self) -> Vec<SourceFile> {
        self.0
            .iter()
            .filter_map(|(path, bytes)| {
                let path = VaultPath::parse(path).ok()?;
                skipped(&path).is_none().then_some(SourceFile { path, size: bytes.len() as u64 })
            })
            .collect()
    }

    fn read(&mut self, path: &VaultPath) -> Result<Vec<u8>, String> {
        self.0.get(path.as_str()).cloned().ok_or_else(|| "gone".to_owned())
    }

    fn skipped(&self) -> usize {
        self.0.keys().filter(|p| VaultPath::parse(p).ok().is_some_and(|p| skipped(&p).is_some())).count()
    }
}

struct World {
    p: Platform,
    people: BTreeMap<&'static str, Actor>,
}

impl World {
    async fn build() -> Self {
        let (p, clock) = emmaus_hub::in_memory_platform();
        clock.set(Timestamp::from_unix_seconds(1_800_000_000));
        let mut people = BTreeMap::new();
        for (name, role) in [("admin", Role::Admin), ("mentor", Role::Mentor), ("mentee", Role::Mentee)] {
            let actor =
                emmaus_identity::testing::member(&p, "ORG1", &format!("P{}", name.to_uppercase()), name, &[role]).await;
            people.insert(name, actor);
        }
        Self { p, people }
    }

    fn who(&self, name: &str) -> &Actor {
        &self.people[name]
    }

    async fn import_as(&self, by: &str, vault: &mut Vault, options: Options) -> Summary {
        let spec = VaultSpec { name: "Teaching".into(), collection: Some("Teaching".into()), visibility: None };
        import::import(&self.p, self.who(by), &spec, vault, options, |_| {}).await.unwrap()
    }

    async fn import(&self, vault: &mut Vault) -> Summary {
        self.import_as("mentor", vault, Options::default()).await
    }

    /// The resource of a vault path, by its title search.
    async fn id_of(&self, title: &str) -> String {
        let listing = Listing { text: format!("\"{title}\""), limit: 20, ..Listing::default() };
        let found = search::find(&self.p, self.who("admin"), &listing).await.unwrap();
        found
            .items
            .into_iter()
            .find(|hit| hit.resource.title == title)
            .unwrap_or_else(|| panic!("{title} is in the library"))
            .resource
            .id
    }

    async fn html(&self, by: &str, id: &str) -> String {
        resources::read(&self.p, self.who(by), id).await.unwrap().html.unwrap_or_default()
    }
}

fn teaching() -> Vault {
    Vault::default()
        .with(
            "Grace.md",
            "---\ntitle: Grace alone\ntags: [theology, grace]\naliases: [Sola Gratia]\nseries: Romans\nweek: 3\n---\n\
             # Grace\n\nSee [[Faith]], [[Faith|trust]], [[Faith#Hearing]] and [[Faith#^key]].\n\
             Also [[Sermons/Notes]] and [markdown](Sermons/Notes.md) and [encoded](Sermons/Notes%20Two.md).\n\n\
             ![[cross.png|300]] ![[cross.png|300x200]]\n\n![[handout.pdf]]\n\n![[Faith#Hearing]]\n\n\
             A link to [[Nowhere yet]] and #inline/nested in text, not `#code` nor https://x.org/#frag.\n",
        )
        .with(
            "Faith.md",
            "Faith comes first.\n\n## Hearing\n\nFaith comes by hearing. ^key\n\n## Other\n\nNot this part.\n",
        )
        .with("Sermons/Notes.md", "Notes on [[Sola Gratia]] and [[Grace]].\n")
        .with("Sermons/Notes Two.md", "Second notes.\n")
        .with("Attachments/cross.png", PNG)
        .with("Attachments/handout.pdf", PDF)
        .with(".obsidian/app.json", "{}")
        .with(".trash/Old.md", "old")
}

#[tokio::test]
async fn a_vault_comes_in_whole_with_its_links_tags_folders_and_attachments() {
    let w = World::build().await;
    let summary = w.import(&mut teaching()).await;
    assert_eq!((summary.notes, summary.attachments, summary.skipped), (4, 2, 2));
    assert_eq!(summary.changes.created, 6);
    assert_eq!(summary.changes.failed, 0, "{:?}", summary.warnings);
    assert_eq!(summary.links.unresolved, 1);
    assert_eq!(summary.unresolved[0].target, "Nowhere yet");
    assert_eq!(summary.unresolved[0].source, "Grace.md");
    // Faith ×5 (four links, one embed), Sermons/Notes ×2, Notes Two, cross ×2, handout; Sola Gratia and Grace.
    assert_eq!(summary.links.resolved, 13);
    assert_eq!(summary.collections, 3, "Teaching, Teaching/Sermons, Teaching/Attachments");

    let grace = w.id_of("Grace alone").await;
    let read = resources::read(&w.p, w.who("mentee"), &grace).await.unwrap();
    assert_eq!(read.resource.source, Source::Obsidian);
    let tags: Vec<&str> = read.resource.tags.iter().map(emmaus_domain::hub::Tag::as_str).collect();
    assert_eq!(tags, ["theology", "grace", "inline/nested"]);
    assert_eq!(read.resource.collection.as_ref().map(emmaus_domain::hub::Collection::as_str), Some("Teaching"));
    let link = read.resource.vault.as_ref().unwrap();
    assert_eq!(link.aliases, ["Sola Gratia"]);
    assert_eq!(link.properties["series"], "Romans");
    assert_eq!(link.properties["week"], 3);
    let notes = w.id_of("Notes").await;
    let notes_read = resources::read(&w.p, w.who("mentee"), &notes).await.unwrap();
    assert_eq!(
        notes_read.resource.collection.as_ref().map(emmaus_domain::hub::Collection::as_str),
        Some("Teaching/Sermons")
    );

    let faith = w.id_of("Faith").await;
    let html = read.html.unwrap();
    assert!(html.contains(&format!("<a class=\"wikilink\" href=\"/hub/{faith}\">Faith</a>")), "{html}");
    assert!(html.contains(&format!("<a class=\"wikilink\" href=\"/hub/{faith}\">trust</a>")), "{html}");
    assert!(html.contains(&format!("href=\"/hub/{faith}#h-hearing\"")), "{html}");
    assert!(html.contains(&format!("href=\"/hub/{faith}#block-key\"")), "{html}");
    assert_eq!(html.matches(&format!("href=\"/hub/{notes}\"")).count(), 2, "a wikilink and a markdown link: {html}");
    let two = w.id_of("Notes Two").await;
    assert!(html.contains(&format!("href=\"/hub/{two}\">encoded</a>")), "{html}");
    let cross = w.id_of("cross.png").await;
    assert!(html.contains(&format!("<a class=\"embed embed--image\" href=\"/hub/{cross}\"><img src=\"")), "{html}");
    assert!(html.contains("width=\"300\" loading") && html.contains("width=\"300\" height=\"200\""), "{html}");
    let handout = w.id_of("handout.pdf").await;
    assert!(
        html.contains(&format!("<a class=\"embed embed--file\" href=\"/hub/{handout}\">handout.pdf</a>")),
        "{html}"
    );
    assert!(html.contains("Faith comes by hearing."), "the section is transcluded: {html}");
    assert!(!html.contains("Not this part"), "only the section: {html}");
    assert!(html.contains("wikilink--unresolved\" title=\"Not in the library\">Nowhere yet</span>"), "{html}");
    assert!(html.contains("<a class=\"tag\" href=\"/hub?tag=inline%2Fnested\">#inline/nested</a>"), "{html}");
    assert!(html.contains("<code>#code</code>") && html.contains("https://x.org/#frag"), "{html}");
    assert!(!html.contains("series: Romans"), "the frontmatter is not shown as text: {html}");

    let faith_html = w.html("mentee", &faith).await;
    assert!(faith_html.contains("id=\"h-hearing\""), "{faith_html}");
    assert!(faith_html.contains("<span id=\"block-key\" class=\"block-anchor\"></span>"), "{faith_html}");

    // The alias resolves, and the notes linking to Grace are its backlinks.
    let notes_html = notes_read.html.unwrap();
    assert!(
        notes_html.contains(&format!("<a class=\"wikilink\" href=\"/hub/{grace}\">Sola Gratia</a>")),
        "{notes_html}"
    );
    let backlinks = search::backlinks(&w.p, w.who("mentee"), &faith).await.unwrap();
    assert_eq!(backlinks.items.iter().map(|h| h.resource.id.clone()).collect::<Vec<_>>(), std::slice::from_ref(&grace));
    let to_grace = search::backlinks(&w.p, w.who("mentee"), &grace).await.unwrap();
    assert_eq!(to_grace.items.len(), 1, "Notes links to Grace by name and by alias, once");

    // A file embedded is a file resource, ingested like an upload.
    let pdf = resources::read(&w.p, w.who("mentee"), &handout).await.unwrap();
    assert_eq!(pdf.resource.kind, ResourceKind::File);
    assert_eq!(
        pdf.resource.collection.as_ref().map(emmaus_domain::hub::Collection::as_str),
        Some("Teaching/Attachments")
    );
}

#[tokio::test]
async fn importing_again_updates_in_place_keeps_moved_notes_and_reports_what_went() {
    let w = World::build().await;
    let mut vault = teaching();
    w.import(&mut vault).await;
    let again = w.import(&mut vault).await;
    assert_eq!(again.changes.unchanged, 6, "{:?}", again.changes);
    assert_eq!(again.changes.created + again.changes.updated, 0);

    let faith = w.id_of("Faith").await;
    let notes = w.id_of("Notes").await;
    let mut changed = vault
        .clone()
        .with("Faith.md", "Faith comes first, and stays.\n\n## Hearing\n\nFaith comes by hearing. ^key\n")
        .without("Sermons/Notes.md")
        .with("Archive/Notes moved.md", "Notes on [[Sola Gratia]] and [[Grace]].\n")
        .without("Sermons/Notes Two.md")
        .with("Nowhere yet.md", "Now it exists.\n");
    let summary = w.import(&mut changed).await;
    let c = summary.changes;
    assert_eq!((c.created, c.updated, c.moved, c.removed, c.trashed), (1, 1, 1, 1, 0), "{c:?}");
    assert_eq!(summary.removed, ["Sermons/Notes Two.md"]);
    // Grace's links to the moved and removed notes lead nowhere now; the one to the new note does.
    let targets: Vec<&str> = summary.unresolved.iter().map(|u| u.target.as_str()).collect();
    assert_eq!(targets, ["Sermons/Notes", "Sermons/Notes.md", "Sermons/Notes Two.md"]);
    // The changed note is a new version, the old one kept.
    let versions = emmaus_hub::notes::versions(&w.p, w.who("mentor"), &faith).await.unwrap();
    assert_eq!(versions.iter().map(|v| v.number).collect::<Vec<_>>(), [2, 1]);
    // The moved note kept its identity, and lives in its new folder.
    let moved = resources::read(&w.p, w.who("mentor"), &notes).await.unwrap();
    assert_eq!(moved.resource.vault.unwrap().path, "Archive/Notes moved.md");
    assert_eq!(moved.resource.collection.unwrap().as_str(), "Teaching/Archive");
    // The link that led nowhere leads to the new note now, and it has its backlink.
    let grace = w.id_of("Grace alone").await;
    let nowhere = w.id_of("Nowhere yet").await;
    assert!(w.html("mentor", &grace).await.contains(&format!("href=\"/hub/{nowhere}\">Nowhere yet</a>")));
    let back = search::backlinks(&w.p, w.who("mentor"), &nowhere).await.unwrap();
    assert_eq!(back.items.len(), 1, "the note that linked before its target came is reindexed");
    // The removed note stays until asked, and then goes to the trash.
    let two = w.id_of("Notes Two").await;
    let mut trimmed = changed.clone();
    let summary = w.import_as("mentor", &mut trimmed, Options { trash_removed: true }).await;
    assert_eq!((summary.changes.removed, summary.changes.trashed), (1, 1));
    let gone = resources::read(&w.p, w.who("mentor"), &two).await.unwrap_err();
    assert!(matches!(gone, DomainError::NotFound(_)));
    let after = w.import_as("mentor", &mut trimmed, Options { trash_removed: true }).await;
    assert_eq!(after.changes.removed, 0, "a path trashed is no longer the vault's: {:?}", after.removed);
}

#[tokio::test]
async fn a_broken_file_is_reported_and_the_rest_imported() {
    let w = World::build().await;
    let mut vault = Vault::default()
        .with("Good.md", "Fine.")
        .with("Latin1.md", b"caf\xe9".to_vec())
        .with("Broken.md", "---\ntitle: [unclosed\n---\nBody stays.\n")
        .with("Bad tags.md", "---\ntags: [\"ok\", \"not ok!\"]\n---\n")
        .with("fake.png", "this is not a picture");
    let summary = w.import(&mut vault).await;
    assert_eq!(summary.changes.created, 3, "{:?}", summary.warnings);
    assert_eq!(summary.changes.failed, 2);
    let warned: Vec<&str> = summary.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(warned, ["Bad tags.md", "Broken.md", "Latin1.md", "fake.png"]);
    let broken = w.id_of("Broken").await;
    let read = resources::read(&w.p, w.who("mentor"), &broken).await.unwrap();
    assert_eq!(read.body.as_deref(), Some("---\ntitle: [unclosed\n---\nBody stays.\n"), "the text is kept whole");
}

#[tokio::test]
async fn what_the_reader_may_not_see_is_never_linked_or_embedded() {
    let w = World::build().await;
    // The mentee's own vault is private to them; the mentor's links into it show nothing of it.
    let mut private = Vault::default().with("Secret.md", "My secret.");
    let spec = VaultSpec { name: "Mine".into(), collection: None, visibility: None };
    let summary = import::import(&w.p, w.who("mentee"), &spec, &mut private, Options::default(), |_| {}).await.unwrap();
    assert_eq!(summary.changes.created, 1);
    let mut teaching = Vault::default().with("Open.md", "See [[Open]] and ![[Open]].");
    w.import(&mut teaching).await;
    let secret = {
        let found =
            search::find(&w.p, w.who("mentee"), &Listing { text: "secret".into(), limit: 5, ..Listing::default() })
                .await
                .unwrap();
        found.items[0].resource.clone()
    };
    assert_eq!(secret.visibility, Visibility::Private);
    let error = resources::read(&w.p, w.who("mentor"), &secret.id).await.unwrap_err();
    assert!(matches!(error, DomainError::NotFound(_)));
    // A mentee may not take another's vault name.
    let spec = VaultSpec { name: "teaching".into(), collection: None, visibility: None };
    let taken = import::import(&w.p, w.who("mentee"), &spec, &mut Vault::default(), Options::default(), |_| {}).await;
    assert!(matches!(taken, Err(DomainError::Conflict(_))), "{taken:?}");
}

#[tokio::test]
async fn the_sync_api_puts_removes_and_answers_the_manifest() {
    let w = World::build().await;
    let reader = emmaus_hub::Reader::of(&w.p, w.who("mentor")).await.unwrap();
    let spec = VaultSpec { name: "Synced".into(), collection: None, visibility: None };
    let vault = emmaus_hub::vault::find_or_create(&w.p, &reader, &spec).await.unwrap().value;
    let text = b"Hello [[World]].".to_vec();
    let hash = emmaus_obsidian::content_hash(&text);
    let put = sync::put(&w.p, w.who("mentor"), &vault.id, "Notes/Hello.md", &hash, text.clone()).await.unwrap();
    assert_eq!(put.outcome, import::Outcome::Created);
    let again = sync::put(&w.p, w.who("mentor"), &vault.id, "Notes/Hello.md", &hash, text.clone()).await.unwrap();
    assert_eq!(again.outcome, import::Outcome::Unchanged, "the same hash twice changes nothing");
    assert_eq!(again.entry.resource_id, put.entry.resource_id);
    let wrong = sync::put(&w.p, w.who("mentor"), &vault.id, "Notes/Hello.md", &"0".repeat(64), text.clone()).await;
    assert!(matches!(wrong, Err(DomainError::Validation(_))), "a damaged transfer is refused");
    for bad in ["../escape.md", "/abs.md", ".obsidian/app.json"] {
        let refused = sync::put(&w.p, w.who("mentor"), &vault.id, bad, &hash, text.clone()).await;
        assert!(matches!(refused, Err(DomainError::Validation(_))), "{bad}: {refused:?}");
    }
    let (_, manifest, next) = sync::manifest(&w.p, w.who("mentor"), &vault.id, None, 100).await.unwrap();
    assert_eq!(next, None);
    assert_eq!(
        manifest.iter().map(|e| (e.path.as_str(), e.hash.as_str())).collect::<Vec<_>>(),
        [("Notes/Hello.md", hash.as_str())]
    );
    // A rename is a removal and a put of the same bytes: the resource comes back under the new path.
    sync::remove(&w.p, w.who("mentor"), &vault.id, "Notes/Hello.md").await.unwrap();
    let renamed = sync::put(&w.p, w.who("mentor"), &vault.id, "Hello again.md", &hash, text).await.unwrap();
    assert_eq!(renamed.outcome, import::Outcome::Moved);
    assert_eq!(renamed.entry.resource_id, put.entry.resource_id);
    let read = resources::read(&w.p, w.who("mentor"), &put.entry.resource_id).await.unwrap();
    assert_eq!(read.resource.vault.unwrap().path, "Hello again.md");
    // Someone else's vault is not there for them.
    let other = sync::manifest(&w.p, w.who("mentee"), &vault.id, None, 100).await.unwrap_err();
    assert!(matches!(other, DomainError::NotFound(_)));
}

#[tokio::test]
async fn a_zipped_vault_imports_as_a_folder_does_and_an_unsafe_one_is_refused_whole() {
    let w = World::build().await;
    let bytes = zip_of(&[
        ("My Vault/A.md", b"Links to [[B]]."),
        ("My Vault/B.md", b"B."),
        ("My Vault/.obsidian/x.json", b"{}"),
    ]);
    let mut source = ZipSource::open(&bytes, Limits::default()).unwrap();
    let spec = VaultSpec { name: "Zipped".into(), collection: None, visibility: None };
    let summary = import::import(&w.p, w.who("mentor"), &spec, &mut source, Options::default(), |_| {}).await.unwrap();
    assert_eq!((summary.notes, summary.skipped, summary.links.resolved), (2, 1, 1));
    let evil = zip_of(&[("../evil.md", b"x"), ("ok.md", b"y")]);
    assert!(ZipSource::open(&evil, Limits::default()).is_err());
}

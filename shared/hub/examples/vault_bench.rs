//! `vault_bench NOTES`: importing a generated Obsidian vault on the local host's store, files and
//! index (SQLite, a data folder, tantivy). The vault has NOTES notes in 20 folders, each with
//! frontmatter (tags, an alias for one in ten), 150 to 400 words, five wikilinks to other notes
//! (by name, by path, by alias, to a heading) and inline tags, and one picture per 50 notes
//! embedded by one note in 50.
//!
//! It prints, in one run:
//! - parsing and link resolution alone (every note's frontmatter, tags and links read, and every
//!   link resolved by Obsidian's rule), in notes per second;
//! - the whole import (reading, storage and indexing), in notes per second;
//! - the process's peak memory after it (`VmHWM`);
//! - importing again with nothing changed, and with 1 % of the notes changed, each against the
//!   first import's time.
//!
//! Release build: `scripts/bench/obsidian`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use emmaus_app::{Platform, PlatformParts};
use emmaus_domain::identity::{Role, RoleSet};
use emmaus_hub::vault::VaultSpec;
use emmaus_hub::vault::import::{self, Options, SourceFile, VaultSource};
use emmaus_identity::{Actor, RequestMeta};
use emmaus_obsidian::path::VaultPath;
use emmaus_obsidian::resolve::Catalogue;
use emmaus_ports::SystemClock;

const PNG: &[u8] = include_bytes!("../../extract/tests/fixtures/transparent.png");
const WORDS: &[&str] = &[
    "grace", "faith", "hope", "love", "mercy", "shepherd", "covenant", "kingdom", "prayer", "psalm", "gospel", "light",
    "bread", "vine", "spirit", "wisdom", "peace", "joy", "patience", "kindness", "servant", "path", "river", "stone",
];

/// A vault in memory, as a folder would give it.
#[derive(Clone)]
struct Vault(BTreeMap<String, Vec<u8>>);

impl VaultSource for Vault {
    fn files(&self) -> Vec<SourceFile> {
        self.0
            .iter()
            .map(|(path, bytes)| SourceFile {
                path: VaultPath::parse(path).expect("a plain path"),
                size: bytes.len() as u64,
            })
            .collect()
    }

    fn read(&mut self, path: &VaultPath) -> Result<Vec<u8>, String> {
        self.0.get(path.as_str()).cloned().ok_or_else(|| "gone".into())
    }

    fn skipped(&self) -> usize {
        0
    }
}

/// A small deterministic generator (xorshift), so every run imports the same vault.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

fn note_name(i: usize) -> String {
    format!("Note {i:05}")
}

fn note_path(i: usize) -> String {
    format!("Folder {:02}/{}.md", i % 20, note_name(i))
}

fn note(i: usize, notes: usize, rng: &mut Rng, revision: usize) -> String {
    use std::fmt::Write as _;
    let mut text = format!("---\ntags: [{}, study/{}]\n", WORDS[i % WORDS.len()], WORDS[(i / 7) % WORDS.len()]);
    if i.is_multiple_of(10) {
        let _ = writeln!(text, "aliases: [Alias {i}]");
    }
    let _ = write!(text, "revision: {revision}\n---\n# {}\n\n", note_name(i));
    let words = 150 + rng.next(250);
    for w in 0..words {
        text.push_str(WORDS[rng.next(WORDS.len())]);
        text.push(if w % 15 == 14 { '\n' } else { ' ' });
    }
    for link in 0..5 {
        let target = rng.next(notes);
        let written = match link {
            1 => format!("[[Folder {:02}/{}|see]]", target % 20, note_name(target)),
            2 if target.is_multiple_of(10) => format!("[[Alias {target}]]"),
            3 => format!("[[{}#Heading]]", note_name(target)),
            _ => format!("[[{}]]", note_name(target)),
        };
        let _ = write!(text, "\n{written} #tag{link}");
    }
    if i.is_multiple_of(50) {
        let _ = write!(text, "\n\n![[picture {:04}.png|300]]\n", i / 50);
    }
    text
}

fn vault(notes: usize) -> Vault {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut files = BTreeMap::new();
    for i in 0..notes {
        files.insert(note_path(i), note(i, notes, &mut rng, 0).into_bytes());
    }
    for p in 0..notes.div_ceil(50) {
        files.insert(format!("Attachments/picture {p:04}.png"), PNG.to_vec());
    }
    Vault(files)
}

fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let notes: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(10_000);
    let source = vault(notes);

    // Parsing and link resolution alone.
    let started = Instant::now();
    let mut catalogue = Catalogue::new();
    let mut parsed = Vec::new();
    for (path, bytes) in &source.0 {
        let path = VaultPath::parse(path)?;
        catalogue.add(path.clone());
        if path.is_note() {
            let note = import::parse_note(&path, bytes)?;
            for alias in &note.aliases {
                catalogue.add_alias(&path, alias);
            }
            parsed.push((path, note));
        }
    }
    let mut resolved = 0;
    for (path, note) in &parsed {
        for target in &note.targets {
            if matches!(catalogue.resolve(target, path), emmaus_obsidian::resolve::Resolution::Found { .. }) {
                resolved += 1;
            }
        }
    }
    let parse_time = started.elapsed();
    let links: usize = parsed.iter().map(|(_, n)| n.targets.len()).sum();
    drop(parsed);

    // The whole import on the local host's adapters.
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(SystemClock);
    let (base, _) = Platform::in_memory("local");
    let p = Platform::new(PlatformParts {
        kv: Arc::new(emmaus_sqlite::SqliteKv::open(&dir.path().join("emmaus.db"), clock.clone())?),
        blobs: Arc::new(emmaus_fs::FsBlobStore::open(
            &dir.path().join("files"),
            64 * 1024 * 1024,
            clock.clone(),
            emmaus_ports::UrlSigner::new("", vec![1; 32]),
        )?),
        search: Arc::new(emmaus_search_tantivy::TantivySearch::open(dir.path().join("search"))?),
        clock,
        ..base.parts()
    });
    let actor = Actor {
        person_id: "BENCHADMIN".into(),
        session_id: "bench".into(),
        org_id: "BENCHORG".into(),
        roles: RoleSet::new([Role::Admin]),
        meta: RequestMeta::default(),
    };
    let spec = VaultSpec { name: "Bench".into(), collection: Some("Bench".into()), visibility: None };
    let started = Instant::now();
    let first = import::import(&p, &actor, &spec, &mut source.clone(), Options::default(), |_| {}).await?;
    let import_time = started.elapsed();
    assert_eq!(first.changes.created as usize, source.0.len(), "{:?}", first.warnings.first());
    let peak = peak_memory_mib();

    let started = Instant::now();
    let again = import::import(&p, &actor, &spec, &mut source.clone(), Options::default(), |_| {}).await?;
    let unchanged_time = started.elapsed();
    assert_eq!(again.changes.unchanged as usize, source.0.len());

    let mut changed = source.clone();
    let mut rng = Rng(7);
    let step = 100;
    for i in (0..notes).step_by(step) {
        changed.0.insert(note_path(i), note(i, notes, &mut rng, 1).into_bytes());
    }
    let started = Instant::now();
    let after = import::import(&p, &actor, &spec, &mut changed, Options::default(), |_| {}).await?;
    let changed_time = started.elapsed();
    assert_eq!(after.changes.updated as usize, notes.div_ceil(step));

    let secs = |d: std::time::Duration| d.as_secs_f64();
    #[expect(clippy::cast_precision_loss, reason = "a count of notes, far below 2^52")]
    let per_second = |d: std::time::Duration| notes as f64 / d.as_secs_f64();
    println!("vault: {notes} notes, {} pictures, {links} links ({resolved} resolved)", source.0.len() - notes);
    println!("parsing and link resolution: {:.0} notes/s ({:.2} s)", per_second(parse_time), secs(parse_time));
    println!(
        "whole import (reading, storage, indexing): {:.0} notes/s ({:.1} s)",
        per_second(import_time),
        secs(import_time)
    );
    println!("peak memory (VmHWM): {peak:.0} MiB");
    println!(
        "import again, nothing changed: {:.2} s ({:.1} % of the first import)",
        secs(unchanged_time),
        100.0 * secs(unchanged_time) / secs(import_time)
    );
    println!(
        "import again, 1 % of notes changed ({} notes): {:.2} s ({:.1} % of the first import)",
        after.changes.updated,
        secs(changed_time),
        100.0 * secs(changed_time) / secs(import_time)
    );
    Ok(())
}

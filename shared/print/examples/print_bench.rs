//! How long a 30-block session takes to print: the PDF (typst, fonts parsed once as a warm instance
//! keeps them) and the DOCX, median and 95th percentile over `rounds`, against the goal of
//! 200 ms for the PDF on the local host; and how long parsing the fonts takes (a cold instance's
//! extra). Fonts: `DejaVu Sans` and `Nanum Gothic` from Debian (`scripts/bench/exports` installs them).
//! Usage: `print_bench [rounds]`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use emmaus_domain::Timestamp;
use emmaus_print::Sheet;
use emmaus_print::pdf::Fonts;
use emmaus_sessions::export::Printable;
use emmaus_sessions::model::{Audience, Block, BlockKind, Session, Status};

const FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
];

fn session() -> Session {
    let kinds = [BlockKind::Question, BlockKind::Text, BlockKind::Scripture, BlockKind::Prayer, BlockKind::Activity];
    let mut blocks = Vec::new();
    for i in 0..30 {
        let kind = if i % 6 == 0 { BlockKind::Heading } else { kinds[i % kinds.len()] };
        blocks.push(Block {
            id: format!("b{i}"),
            kind,
            title: if kind == BlockKind::Heading { format!("Part {i}") } else { String::new() },
            body: if kind == BlockKind::Heading {
                String::new()
            } else {
                format!("Block {i}: a paragraph of the kind a session holds, with Greek λόγος, Hebrew שָׁלוֹם and Korean 기도.\n\n- one point\n- another point")
            },
            reference: (kind == BlockKind::Scripture).then(|| "John 1:1-5".to_owned()),
            minutes: 5,
            nested: kind != BlockKind::Heading,
            embed: None,
        });
    }
    Session {
        id: "S".into(),
        title: "A thirty-block evening".into(),
        date: "2026-03-10".into(),
        time: Some("19:30".into()),
        zone: "Europe/London".into(),
        starts_at: Timestamp::from_unix_millis(0),
        audience: Audience::Open,
        facilitators: vec!["p".into()],
        status: Status::Ready,
        planned_minutes: Some(120),
        blocks,
        notes: String::new(),
        shared: false,
        template_id: None,
        created_by: "p".into(),
        created_at: Timestamp::from_unix_millis(0),
        updated_at: Timestamp::from_unix_millis(0),
        updated_by: "p".into(),
    }
}

/// The median and the 95th percentile, in milliseconds.
fn quantiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |percent: usize| times[(times.len() - 1) * percent / 100].as_secs_f64() * 1000.0;
    (at(50), at(95))
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|r| r.parse().ok()).unwrap_or(30);
    let files: Vec<Vec<u8>> = FONTS.iter().map(|path| std::fs::read(path).expect("the fonts are installed")).collect();
    let started = Instant::now();
    let fonts = Fonts::new(files.clone()).expect("the fonts parse");
    let parse = started.elapsed();
    let session = session();
    let embeds = BTreeMap::new();
    let printable =
        Printable { session: &session, embeds: &embeds, facilitators: vec!["Paul".into()], audience: "Open".into() };
    let base = Sheet::of(&printable, BTreeMap::new());
    let (mut pdf_times, mut docx_times) = (Vec::new(), Vec::new());
    let (mut pdf_size, mut docx_size) = (0, 0);
    for round in 0..rounds {
        // A different document each round: typst memoizes layout within a process, and a warm
        // instance prints many sessions, not one again and again.
        let mut sheet = base.clone();
        sheet.title = format!("{} {round}", base.title);
        for (i, part) in sheet.parts.iter_mut().enumerate() {
            part.label = format!("{} {round}.{i}", part.label);
        }
        let started = Instant::now();
        pdf_size = emmaus_print::pdf::pdf(&sheet, &fonts).expect("the PDF is made").len();
        pdf_times.push(started.elapsed());
        let started = Instant::now();
        docx_size = emmaus_print::docx::docx(&sheet, fonts.families()).expect("the DOCX is made").len();
        docx_times.push(started.elapsed());
    }
    let first = pdf_times[0].as_secs_f64() * 1000.0;
    let (pdf50, pdf95) = quantiles(pdf_times);
    let (docx50, docx95) = quantiles(docx_times);
    println!(
        "print, 30 blocks, {rounds} rounds (fonts: {} MB, parsed in {:.1} ms)",
        files.iter().map(Vec::len).sum::<usize>() / 1_000_000,
        parse.as_secs_f64() * 1000.0
    );
    println!("  PDF:  p50 {pdf50:.1} ms, p95 {pdf95:.1} ms, {pdf_size} bytes; goal 200 ms: {:.2} of it", pdf50 / 200.0);
    println!("  PDF, the first in the process (a cold instance): {first:.1} ms, {:.2} of the goal", first / 200.0);
    println!("  DOCX: p50 {docx50:.1} ms, p95 {docx95:.1} ms, {docx_size} bytes");
}

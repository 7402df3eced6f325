//! Times a Lambda binary's cold start under the emulator: process spawn to its first `GET /next`.
//!
//! Usage: `lambda-startup <binary> [runs]`; prints one line per run, then min/median/max in ms.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use emmaus_lambda_emulator::LambdaProcess;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(binary) = args.next().map(PathBuf::from) else {
        eprintln!("usage: lambda-startup <binary> [runs]");
        return ExitCode::FAILURE;
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20).max(1);
    let mut samples = Vec::with_capacity(runs);
    for run in 1..=runs {
        let process = LambdaProcess::start(&binary, &[("EMMAUS_LOG", "warn")]);
        let Some(startup) = process.startup(Duration::from_secs(10)) else {
            eprintln!("run {run}: no call to /next within 10 s; output:\n{}", process.logs());
            return ExitCode::FAILURE;
        };
        let ms = startup.as_secs_f64() * 1000.0;
        println!("run {run:>2}: {ms:.2} ms");
        samples.push(ms);
    }
    samples.sort_by(f64::total_cmp);
    let median =
        if runs % 2 == 1 { samples[runs / 2] } else { f64::midpoint(samples[runs / 2 - 1], samples[runs / 2]) };
    println!(
        "start to first /next over {runs} runs: min {:.2} ms, median {median:.2} ms, max {:.2} ms",
        samples[0],
        samples[runs - 1]
    );
    ExitCode::SUCCESS
}

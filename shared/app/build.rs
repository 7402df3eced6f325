//! Records which source revision this build comes from, for `GET /api/health` and logs.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=EMMAUS_BUILD");
    let build = std::env::var("EMMAUS_BUILD").ok().filter(|b| !b.is_empty()).or_else(git_revision);
    println!("cargo:rustc-env=EMMAUS_BUILD={}", build.unwrap_or_else(|| "unknown".into()));
}

fn git_revision() -> Option<String> {
    let output = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let dirty = Command::new("git").args(["status", "--porcelain", "--untracked-files=no"]).output().ok()?;
    let revision = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    Some(if dirty.stdout.is_empty() { revision } else { format!("{revision}-modified") })
}

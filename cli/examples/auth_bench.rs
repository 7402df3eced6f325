//! Times a password sign-in (argon2id at OWASP cost, through the whole use case) and an
//! authenticated request's token check (signature, claims, and the session read), on the local
//! host's real adapters (SQLite in a temporary folder), and prints both with their ratio.
//! Run by `scripts/bench/auth`.

use std::time::{Duration, Instant};

use emmaus::config::Layers;
use emmaus_identity::setup::NewOrg;
use emmaus_identity::{RequestMeta, accounts, sessions, settings, setup, tokens};

const PASSWORD: &str = "a long benchmark passphrase";

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn show(label: &str, samples: &[Duration]) -> Duration {
    let m = median(samples.to_vec());
    let (min, max) = (samples.iter().min().unwrap(), samples.iter().max().unwrap());
    println!("{label:<40} median {m:>10.3?}  min {min:>10.3?}  max {max:>10.3?}  ({} runs)", samples.len());
    m
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut layers = Layers::default();
    layers.flag("data_dir", Some(data.path().join("data").display().to_string()));
    let config = layers.resolve().map_err(anyhow::Error::msg)?;
    let (p, _) = emmaus::platform::open(&config)?;
    let meta = RequestMeta::default();
    let new = NewOrg {
        slug: "bench",
        name: "Bench",
        admin_email: "bench@example.org",
        admin_name: "Bench",
        admin_password: PASSWORD,
    };
    setup::create_org(&p, &new, &meta).await.map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut sign_ins = Vec::new();
    let mut issued = None;
    for _ in 0..15 {
        let started = Instant::now();
        let session =
            accounts::sign_in(&p, "bench@example.org", PASSWORD, &meta).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        sign_ins.push(started.elapsed());
        issued = Some(session);
    }
    let token = issued.expect("signed in").access_token;

    let mut checks = Vec::new();
    let mut signatures = Vec::new();
    let ring = settings::load(p.config.as_ref()).map_err(|e| anyhow::anyhow!("{e}"))?;
    for _ in 0..2000 {
        let started = Instant::now();
        sessions::authenticate(&p, &token).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        checks.push(started.elapsed());
        let started = Instant::now();
        tokens::verify(&ring.ring, &ring.issuer, &token, p.clock.now()).map_err(|e| anyhow::anyhow!("{e}"))?;
        signatures.push(started.elapsed());
    }
    println!("Password sign-in and token check on this machine (release build, SQLite in a temporary folder):");
    let sign_in = show("password sign-in (argon2id m=19456,t=2,p=1)", &sign_ins);
    let check = show("token check (signature + session read)", &checks);
    let signature = show("  of which signature and claims", &signatures);
    println!("ratio sign-in / token check: {:.0}", sign_in.as_secs_f64() / check.as_secs_f64());
    println!(
        "share of the token check spent on the signature: {:.0}%",
        100.0 * signature.as_secs_f64() / check.as_secs_f64()
    );
    Ok(())
}

//! Scenarios that must hold on every key-value adapter a host uses, run by those adapters'
//! tests against a [`Platform`] built on them (the `testing` feature).

use emmaus_domain::DomainError;
use emmaus_domain::audit::AuditAction;

use crate::setup::{self, NewOrg};
use crate::{RequestMeta, accounts, audit};
use emmaus_app::Platform;

/// What a burst of parallel wrong sign-ins for one account came to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Burst {
    /// Attempts whose password was checked (each leaves a failed sign-in in the audit log).
    pub checked: usize,
    /// Attempts refused with 429 before any hash.
    pub limited: usize,
    /// Attempts refused as wrong.
    pub refused: usize,
    /// Anything else (a conflict, a storage error): there must be none.
    pub other: Vec<String>,
}

/// Makes an organisation whose admin is `admin@burst.test`, then fires `attempts` wrong sign-ins
/// for that account at once, each as its own task, and counts what came of them.
pub async fn sign_in_burst(p: &Platform, attempts: usize) -> Burst {
    let new = NewOrg {
        slug: "burst",
        name: "Burst",
        admin_email: "admin@burst.test",
        admin_name: "Admin",
        admin_password: "the right passphrase",
    };
    let meta = RequestMeta { request_id: Some("burst".into()), client_address: Some("192.0.2.30".into()) };
    let (org, _) = setup::create_org(p, &new, &meta).await.expect("an organisation");
    let tasks: Vec<_> = (0..attempts)
        .map(|i| {
            let (p, meta) = (p.clone(), meta.clone());
            tokio::spawn(async move {
                accounts::sign_in(&p, "admin@burst.test", &format!("wrong passphrase {i}"), &meta).await
            })
        })
        .collect();
    let mut burst = Burst::default();
    for task in tasks {
        match task.await.expect("the task ran") {
            Err(DomainError::RateLimited { .. }) => burst.limited += 1,
            Err(DomainError::Refused(_)) => burst.refused += 1,
            Err(other) => burst.other.push(other.to_string()),
            Ok(_) => burst.other.push("a wrong password signed in".into()),
        }
    }
    let entries = audit::all(p, &org.id, 10_000).await.expect("the audit log");
    burst.checked = entries.iter().filter(|e| e.event.action == AuditAction::SignInFailed).count();
    burst
}

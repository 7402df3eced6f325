//! First run: the first organisation and its admin, made by `emmaus admin create` or by the
//! first-run page with a one-time code that the server prints in its log.

use std::time::Duration;

use emmaus_domain::audit::AuditAction;
use emmaus_domain::identity::{
    Email, Membership, OrgSlug, Organisation, Person, Role, RoleSet, SessionPolicy, normalise_display_name,
};
use emmaus_domain::{DomainError, password};
use emmaus_ports::Key;

use crate::context::RequestMeta;
use crate::directory::{self, Pointer};
use crate::secrets::{digest, same};
use crate::{audit, keys, passwords, throttle};
use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};

const CODE_TTL: Duration = Duration::from_hours(24);

fn done_key() -> Key {
    Key::new("system#setup", "done")
}

fn code_key() -> Key {
    Key::new("system#setup", "code")
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Code {
    hash: String,
}

/// Whether first-run setup is still open.
pub async fn needed(p: &Platform) -> Result<bool, DomainError> {
    Ok(docs::get::<Pointer>(p.kv.as_ref(), done_key()).await?.is_none())
}

/// Makes a setup code when setup is open and none is live, and prints it in the log; every host
/// calls this (the local one at start, the others when the first-run page asks). Returns the new
/// code, or `None` when setup is done or a code is already out.
pub async fn issue_code(p: &Platform) -> Result<Option<String>, DomainError> {
    if !needed(p).await? || docs::get::<Code>(p.kv.as_ref(), code_key()).await?.is_some() {
        return Ok(None);
    }
    let bytes = p.ids.random_bytes(10);
    let code: String = emmaus_ports::ids::encode_id(0, bytes.try_into().expect("ten bytes"))[10..].to_owned();
    let code = format!("{}-{}-{}-{}", &code[0..4], &code[4..8], &code[8..12], &code[12..16]);
    let expires = p.clock.now().plus(CODE_TTL).unix_seconds();
    match docs::create(p.kv.as_ref(), code_key(), &Code { hash: digest(&code) }, Some(expires)).await {
        Ok(()) => {
            tracing::warn!(setup_code = %code, "Emmaus has no organisation yet: open the web app and enter this setup code, or run `emmaus admin create`");
            Ok(Some(code))
        }
        Err(DomainError::Conflict(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Replaces any outstanding setup code with a new one and logs it: a host that starts (or
/// restarts) while setup is open prints a code its operator can use. `None` once set up.
pub async fn reissue_code(p: &Platform) -> Result<Option<String>, DomainError> {
    if !needed(p).await? {
        return Ok(None);
    }
    if let Some(old) = docs::get::<Code>(p.kv.as_ref(), code_key()).await? {
        // Another host replacing it at the same moment is fine: one of the two codes stands.
        let _ = p.kv.delete_if_version(old.key, old.version).await;
    }
    issue_code(p).await
}

/// What the first organisation and admin are made from.
#[derive(Debug, Clone)]
pub struct NewOrg<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub admin_email: &'a str,
    pub admin_name: &'a str,
    pub admin_password: &'a str,
}

/// Creates an organisation with its first admin (a new person, or an existing one by email,
/// whose password then stays as it is). Trusted callers only: the CLI, or [`with_code`].
pub async fn create_org(
    p: &Platform,
    new: &NewOrg<'_>,
    meta: &RequestMeta,
) -> Result<(Organisation, Person), DomainError> {
    let slug = OrgSlug::parse(new.slug)?;
    let name = normalise_display_name("org_name", new.name)?;
    let email = Email::parse(new.admin_email)?;
    let now = p.clock.now();
    let existing = directory::person_by_email(p, &email).await?;
    let org = Organisation {
        id: p.ids.new_id(),
        slug: slug.clone(),
        name,
        created_at: now,
        sessions: SessionPolicy::default(),
        admins_need_second_factor: false,
    };
    let mut writes = vec![
        docs::create_write(keys::org(&org.id), &org, None),
        docs::create_write(keys::slug(slug.as_str()), &Pointer { id: org.id.clone() }, None),
    ];
    let person = if let Some(doc) = existing {
        doc.value
    } else {
        password::check_new("admin_password", new.admin_password, email.as_str(), Some(new.admin_name))?;
        let person = Person {
            id: p.ids.new_id(),
            email,
            display_name: normalise_display_name("admin_name", new.admin_name)?,
            password_hash: Some(passwords::hash(new.admin_password, &p.ids.random_bytes(16)).await?),
            last_org: Some(org.id.clone()),
            created_at: now,
            // Typed in by the operator; nothing was mailed to it yet.
            email_verified: false,
            locale: None,
            time_zone: None,
        };
        writes.extend(directory::person_writes(&person));
        person
    };
    let membership = Membership {
        org_id: org.id.clone(),
        person_id: person.id.clone(),
        roles: RoleSet::new([Role::Admin]),
        joined_at: now,
    };
    writes.extend(directory::membership_writes(&membership));
    if needed(p).await? {
        writes.push(docs::create_write(done_key(), &Pointer { id: org.id.clone() }, None));
    }
    p.kv.batch(writes).await.map_err(|e| match e {
        emmaus_ports::KvError::Conflict(key) if key.partition.starts_with("slug#") => {
            DomainError::invalid("slug", "is taken by another organisation")
        }
        emmaus_ports::KvError::Conflict(_) => {
            DomainError::Conflict("setup ran at the same time elsewhere; reload".into())
        }
        other => emmaus_app::error::from_kv(other),
    })?;
    if let Ok(Some(code)) = docs::get::<Code>(p.kv.as_ref(), code_key()).await {
        let _ = p.kv.delete_if_version(code.key, code.version).await;
    }
    audit::record(
        p,
        &org.id,
        audit::event(
            p,
            meta,
            Some(&person.id),
            AuditAction::OrgCreated,
            Some(format!("org:{}", org.id)),
            Some(format!("slug {}", org.slug)),
        ),
    )
    .await;
    Ok((org, person))
}

/// The first-run page: creates the first organisation when the setup code matches.
pub async fn with_code(
    p: &Platform,
    code: &str,
    new: &NewOrg<'_>,
    meta: &RequestMeta,
) -> Result<(Organisation, Person), DomainError> {
    let refused = || DomainError::Refused("the setup code is not valid; find the current one in the server log".into());
    throttle::attempt(p, "setup-code", meta.client_address.as_deref()).await?;
    if !needed(p).await? {
        return Err(DomainError::Conflict("Emmaus is already set up; sign in instead".into()));
    }
    let stored: Option<Doc<Code>> = docs::get(p.kv.as_ref(), code_key()).await?;
    let presented = digest(&code.trim().to_ascii_uppercase());
    if !stored.is_some_and(|c| same(&c.value.hash, &presented)) {
        return Err(refused());
    }
    create_org(p, new, meta).await
}

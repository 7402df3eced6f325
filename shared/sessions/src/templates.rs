//! Session templates: the organisation's (kept by its admins and pastors) and a leader's own, each
//! a name, a description and an ordered list of block slots with kinds and planned minutes. Every
//! change names the version it read (`If-Match`); a stale one writes nothing.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::permissions::{self, Action, Relation};
use emmaus_identity::Actor;

use crate::access;
use crate::keys;
use crate::model::{self, MAX_DESCRIPTION, MAX_TEMPLATES, Slot, Template};

#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    pub name: String,
    pub description: String,
    pub slots: Vec<Slot>,
    /// The caller's own, rather than the organisation's.
    pub personal: bool,
}

/// A change: each field present replaces what is there.
#[derive(Debug, Clone, Default)]
pub struct TemplateChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub slots: Option<Vec<Slot>>,
}

pub(crate) fn not_found() -> DomainError {
    DomainError::NotFound("the template".into())
}

fn stale() -> DomainError {
    DomainError::Stale(
        "the template was changed since you read it; reload it to see the change, then apply yours again".into(),
    )
}

/// The templates the caller may use: the organisation's, then their own, each by name.
pub async fn list(p: &Platform, actor: &Actor) -> Result<Vec<Doc<Template>>, DomainError> {
    if permissions::scope(&actor.roles, Action::SessionTemplateRead).is_empty() {
        return Err(DomainError::Forbidden);
    }
    let mut out: Vec<Doc<Template>> = all(p, &actor.org_id)
        .await?
        .into_iter()
        .filter(|doc| {
            access::to_template(actor, &doc.value)
                .is_some_and(|relations| permissions::can(&actor.roles, &relations, Action::SessionTemplateRead))
        })
        .collect();
    out.sort_by(|a, b| {
        (a.value.owner.is_some(), a.value.name.to_lowercase())
            .cmp(&(b.value.owner.is_some(), b.value.name.to_lowercase()))
    });
    Ok(out)
}

async fn all(p: &Platform, org: &str) -> Result<Vec<Doc<Template>>, DomainError> {
    docs::all(p.kv.as_ref(), &keys::templates(org), "t#", MAX_TEMPLATES + 1).await
}

/// One template the caller may use.
pub async fn get(p: &Platform, actor: &Actor, id: &str) -> Result<Doc<Template>, DomainError> {
    let doc = load(p, actor, id).await?;
    allow(actor, &doc.value, Action::SessionTemplateRead)?;
    Ok(doc)
}

/// The template `id`, as long as it is not someone else's personal one.
pub(crate) async fn load(p: &Platform, actor: &Actor, id: &str) -> Result<Doc<Template>, DomainError> {
    if !emmaus_domain::validation::plausible_id(id) {
        return Err(not_found());
    }
    let doc: Doc<Template> =
        docs::get(p.kv.as_ref(), keys::template(&actor.org_id, id)).await?.ok_or_else(not_found)?;
    access::to_template(actor, &doc.value).ok_or_else(not_found)?;
    Ok(doc)
}

fn allow(actor: &Actor, template: &Template, action: Action) -> Result<(), DomainError> {
    let relations = access::to_template(actor, template).ok_or_else(not_found)?;
    if permissions::can(&actor.roles, &relations, action) { Ok(()) } else { Err(DomainError::Forbidden) }
}

pub async fn create(p: &Platform, actor: &Actor, input: NewTemplate) -> Result<Doc<Template>, DomainError> {
    let relations = if input.personal {
        std::collections::BTreeSet::from([Relation::SameOrg, Relation::Own])
    } else {
        std::collections::BTreeSet::from([Relation::SameOrg])
    };
    if !permissions::can(&actor.roles, &relations, Action::SessionTemplateManage) {
        return Err(DomainError::Forbidden);
    }
    let now = p.clock.now();
    let template = Template {
        id: p.ids.new_id(),
        owner: input.personal.then(|| actor.person_id.clone()),
        name: model::title("name", &input.name)?,
        description: model::text("description", &input.description, MAX_DESCRIPTION)?,
        slots: model::slots(input.slots)?,
        created_by: actor.person_id.clone(),
        created_at: now,
        updated_at: now,
        updated_by: actor.person_id.clone(),
    };
    if all(p, &actor.org_id).await?.len() >= MAX_TEMPLATES {
        return Err(DomainError::Conflict(format!(
            "an organisation keeps at most {MAX_TEMPLATES} templates; remove ones no longer used first"
        )));
    }
    let key = keys::template(&actor.org_id, &template.id);
    docs::create(p.kv.as_ref(), key.clone(), &template, None).await?;
    Ok(Doc { key, value: template, version: 1 })
}

pub async fn update(
    p: &Platform,
    actor: &Actor,
    id: &str,
    expected: u64,
    change: TemplateChange,
) -> Result<Doc<Template>, DomainError> {
    let mut doc = load(p, actor, id).await?;
    allow(actor, &doc.value, Action::SessionTemplateManage)?;
    let template = &mut doc.value;
    if let Some(name) = &change.name {
        template.name = model::title("name", name)?;
    }
    if let Some(description) = &change.description {
        template.description = model::text("description", description, MAX_DESCRIPTION)?;
    }
    if let Some(slots) = change.slots {
        template.slots = model::slots(slots)?;
    }
    template.updated_at = p.clock.now();
    template.updated_by.clone_from(&actor.person_id);
    if doc.version != expected {
        return Err(stale());
    }
    let version =
        p.kv.put_if_version(doc.key.clone(), docs::encode(&doc.value), doc.version, None).await.map_err(|error| {
            match error {
                emmaus_ports::KvError::Conflict(_) => stale(),
                other => emmaus_app::error::from_kv(other),
            }
        })?;
    doc.version = version;
    Ok(doc)
}

/// Removes a template; sessions made from it keep their blocks.
pub async fn delete(p: &Platform, actor: &Actor, id: &str, expected: u64) -> Result<(), DomainError> {
    let doc = load(p, actor, id).await?;
    allow(actor, &doc.value, Action::SessionTemplateManage)?;
    if doc.version != expected {
        return Err(stale());
    }
    p.kv.delete_if_version(doc.key, expected).await.map_err(|error| match error {
        emmaus_ports::KvError::Conflict(_) => stale(),
        other => emmaus_app::error::from_kv(other),
    })
}

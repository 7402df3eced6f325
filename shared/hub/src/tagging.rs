//! An organisation's keyword rules, which suggest tags for a resource from its words
//! (`emmaus_domain::hub::tagging`): admins keep them; the author of a resource (or an admin) sees
//! what they suggest and accepts a suggestion by adding the tag.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_domain::hub::tagging::{Suggestion, TagRule, parse_rules, suggest};
use emmaus_domain::permissions::Action;
use emmaus_identity::Actor;
use emmaus_ports::{IndexKeys, Key, Write};

use crate::access::Reader;
use crate::model::Resource;
use crate::resources::stale_on_conflict;

fn key(org: &str) -> Key {
    Key::new(crate::keys::library(org), "tag-rules")
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct RuleSet {
    rules: Vec<TagRule>,
}

/// The rules and their version (0 while there are none yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    pub rules: Vec<TagRule>,
    pub version: u64,
}

async fn load(p: &Platform, org: &str) -> Result<Rules, DomainError> {
    let doc: Option<Doc<RuleSet>> = docs::get(p.kv.as_ref(), key(org)).await?;
    Ok(doc.map_or_else(Rules::default, |doc| Rules { rules: doc.value.rules, version: doc.version }))
}

/// The organisation's rules; any member may read them.
pub async fn rules(p: &Platform, actor: &Actor) -> Result<Rules, DomainError> {
    let reader = Reader::of(p, actor).await?;
    if !reader.allowed_here(Action::HubRead) {
        return Err(DomainError::Forbidden);
    }
    load(p, reader.org()).await
}

/// Replaces the rules read at `expected` (0: none yet); admins only.
pub async fn set_rules(
    p: &Platform,
    actor: &Actor,
    rules: &[(String, String)],
    expected: u64,
) -> Result<Rules, DomainError> {
    let reader = Reader::of(p, actor).await?;
    if !reader.allowed_here(Action::HubRulesManage) {
        return Err(DomainError::Forbidden);
    }
    let parsed = parse_rules("rules", rules)?;
    let value = docs::encode(&RuleSet { rules: parsed.clone() });
    let write = match expected {
        0 => Write::PutIfAbsent { key: key(reader.org()), value, expires_at: None, index: IndexKeys::NONE },
        _ => Write::PutIfVersion { key: key(reader.org()), value, expected, expires_at: None, index: IndexKeys::NONE },
    };
    p.kv.batch(vec![write]).await.map_err(stale_on_conflict)?;
    Ok(Rules { rules: parsed, version: expected + 1 })
}

/// What the organisation's rules suggest for `resource`, whose note text (if any) is `body`.
pub(crate) async fn suggestions(
    p: &Platform,
    resource: &Resource,
    body: Option<&str>,
) -> Result<Vec<Suggestion>, DomainError> {
    let rules = load(p, &resource.org_id).await?;
    if rules.rules.is_empty() {
        return Ok(Vec::new());
    }
    let url = resource.link.as_ref().map_or("", |link| link.url.as_str());
    let text = [resource.title.as_str(), resource.description.as_str(), body.unwrap_or(""), url].join("\n");
    Ok(suggest(&rules.rules, &text, &resource.tags))
}

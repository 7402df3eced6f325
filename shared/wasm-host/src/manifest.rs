//! A component's grants read from `spin.toml`, resolved as `spin up` resolves them, so that a test
//! runs the component with exactly what the manifest gives it: its variables (templates over the
//! application's `[variables]`, from their defaults or from the values the test sets, as
//! `SPIN_VARIABLE_*` would), its `allowed_outbound_hosts` (then enforced) and its SQLite database.
//!
//! Stricter than Spin where Spin is silent: a value for a variable `spin.toml` does not declare is
//! an error here (Spin ignores it), so a test cannot pass on a variable a deployment would lack.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use wasmtime::format_err;

use crate::HostOptions;

/// What a manifest grants one component; [`crate::WasmHost::start_granted`] runs it so.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    /// Its variables, and the database folder if it is granted `default`.
    pub options: HostOptions,
    /// Its `allowed_outbound_hosts`, templates resolved; only these may be called.
    pub allowed_outbound_hosts: Vec<String>,
}

/// `spin.toml`, parsed.
#[derive(Debug, Clone)]
pub struct SpinManifest {
    path: PathBuf,
    table: toml::Table,
}

impl SpinManifest {
    pub fn read(path: &Path) -> wasmtime::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| format_err!("cannot read {}: {e}", path.display()))?;
        let table = text.parse().map_err(|e| format_err!("{} is not TOML: {e}", path.display()))?;
        Ok(Self { path: path.to_owned(), table })
    }

    /// What `component` gets under `spin up` with the application variables `values` set:
    /// its variables and allowed outbound hosts resolved, and `sqlite_dir` if it is granted the
    /// database `default`. A required variable without a value, a template naming an undeclared
    /// variable, a value for an undeclared one, or an allowed host Spin would refuse is an error.
    pub fn grants(
        &self,
        component: &str,
        values: &HashMap<String, String>,
        sqlite_dir: Option<PathBuf>,
    ) -> wasmtime::Result<Grants> {
        let declared = self.table.get("variables").and_then(toml::Value::as_table).cloned().unwrap_or_default();
        if let Some(name) = values.keys().find(|name| !declared.contains_key(name.as_str())) {
            return Err(format_err!("{} does not declare the variable {name} under [variables]", self.path.display()));
        }
        let resolve = |template: &str| resolve(template, &declared, values);
        let entry = self
            .table
            .get("component")
            .and_then(|components| components.get(component))
            .and_then(toml::Value::as_table)
            .ok_or_else(|| format_err!("{} has no [component.{component}]", self.path.display()))?;
        let context = |what: &str| format!("[component.{component}] {what} in {}", self.path.display());

        let mut variables = HashMap::new();
        if let Some(table) = entry.get("variables").and_then(toml::Value::as_table) {
            for (name, template) in table {
                let template = template.as_str().ok_or_else(|| format_err!("{}: not a string", context(name)))?;
                let value = resolve(template).map_err(|e| format_err!("{}: {e}", context(name)))?;
                variables.insert(name.clone(), value);
            }
        }
        let mut allowed = Vec::new();
        for host in entry.get("allowed_outbound_hosts").and_then(toml::Value::as_array).into_iter().flatten() {
            let template = host.as_str().ok_or_else(|| format_err!("{}: not a string", context("a host")))?;
            allowed.push(resolve(template).map_err(|e| format_err!("{}: {e}", context(template)))?);
        }
        let databases = entry.get("sqlite_databases").and_then(toml::Value::as_array);
        let granted = databases.is_some_and(|labels| labels.iter().any(|label| label.as_str() == Some("default")));
        let options = HostOptions { variables, sqlite_dir: sqlite_dir.filter(|_| granted) };
        Ok(Grants { options, allowed_outbound_hosts: allowed })
    }
}

/// `template` with each `{{ name }}` replaced by the application variable's value or default.
fn resolve(template: &str, declared: &toml::Table, values: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let close = rest[open..].find("}}").ok_or_else(|| format!("{template:?} has an unclosed {{{{"))?;
        let name = rest[open + 2..open + close].trim();
        let variable = declared.get(name).ok_or_else(|| format!("{template:?} names {name}, which is not declared"))?;
        let value = match values.get(name) {
            Some(value) => value.clone(),
            None => match variable.get("default").and_then(toml::Value::as_str) {
                Some(default) => default.to_owned(),
                None => return Err(format!("the variable {name} is required; give it a value")),
            },
        };
        out.push_str(&value);
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::resolve;

    #[test]
    fn templates_resolve_from_values_then_defaults() {
        let declared: toml::Table =
            "a = { default = \"x\" }\nb = { required = true }\nc = { default = \"\" }".parse().expect("TOML");
        let values = HashMap::from([("b".to_owned(), "y".to_owned())]);
        assert_eq!(resolve("{{ a }}-{{b}}-{{ c }}!", &declared, &values).as_deref(), Ok("x-y-!"));
        assert_eq!(resolve("plain", &declared, &HashMap::new()).as_deref(), Ok("plain"));
        assert!(resolve("{{ b }}", &declared, &HashMap::new()).expect_err("required").contains("required"));
        assert!(resolve("{{ d }}", &declared, &values).expect_err("undeclared").contains("not declared"));
        assert!(resolve("{{ a", &declared, &values).expect_err("unclosed").contains("unclosed"));
    }
}

//! Configuration from Spin variables.
//!
//! Spin variable names are lower snake case (`[a-z0-9_]`, starting with a letter), so our setting
//! `EMMAUS_FOO_BAR` is the variable `foo_bar`, declared in `spin.toml` under `[variables]` and the
//! component's `[component.<name>.variables]`. A variable the manifest does not give the component
//! reads as unset, and errors about it say so (see [`variable_hint`]): Spin cannot tell a component about
//! variables it was not given, so an operator who set one that is not declared learns it here.

/// The Spin variable that holds the setting `key`: `EMMAUS_FOO_BAR` → `foo_bar`.
pub fn variable_name(key: &str) -> String {
    key.strip_prefix("EMMAUS_").unwrap_or(key).to_ascii_lowercase()
}

/// What a Spin operator needs to know about the setting `key` when it is missing or wrong: the
/// variable that holds it and, when the component was not given that variable, that `spin.toml`
/// must declare it (`SPIN_VARIABLE_*` values of undeclared variables are ignored).
pub fn variable_hint(key: &str, declared: bool) -> String {
    let name = variable_name(key);
    if declared {
        format!("on Spin, the variable {name}")
    } else {
        format!(
            "on Spin, the variable {name}, which spin.toml does not give this component: declare it in \
             [variables] and pass it in the component's variables (docs/deploy-spin.md)"
        )
    }
}

/// Settings from the component's Spin variables; an undefined (or unreadable) variable is `None`.
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Default, Clone, Copy)]
pub struct SpinVariables;

#[cfg(target_arch = "wasm32")]
impl emmaus_ports::ConfigSource for SpinVariables {
    fn get(&self, key: &str) -> Option<String> {
        match spin_sdk::variables::get(&variable_name(key)) {
            Ok(value) => Some(value),
            Err(spin_sdk::variables::Error::Undefined(_)) => None,
            Err(other) => {
                // A malformed name or a provider failure: the setting is unusable either way, and
                // the caller reports it missing by name; the cause goes to the log.
                eprintln!("could not read the Spin variable for {key}: {other}");
                None
            }
        }
    }

    fn hint(&self, key: &str) -> Option<String> {
        let undeclared =
            matches!(spin_sdk::variables::get(&variable_name(key)), Err(spin_sdk::variables::Error::Undefined(_)));
        Some(variable_hint(key, !undeclared))
    }
}

#[cfg(test)]
mod tests {
    use super::{variable_hint, variable_name};

    #[test]
    fn settings_map_to_lower_snake_case_variables() {
        assert_eq!(variable_name("EMMAUS_S3_ENDPOINT"), "s3_endpoint");
        assert_eq!(variable_name("EMMAUS_BLOB_STORE"), "blob_store");
        assert_eq!(variable_name("blob_store"), "blob_store");
    }

    #[test]
    fn hints_name_the_variable_and_an_undeclared_one_says_so() {
        assert_eq!(variable_hint("EMMAUS_OIDC_GOOGLE_ISSUER", true), "on Spin, the variable oidc_google_issuer");
        let undeclared = variable_hint("EMMAUS_OIDC_ENTRA_ISSUER", false);
        assert!(
            undeclared.starts_with("on Spin, the variable oidc_entra_issuer, which spin.toml does not"),
            "{undeclared}"
        );
        assert!(undeclared.contains("docs/deploy-spin.md"), "{undeclared}");
    }
}

//! Configuration from Spin variables.
//!
//! Spin variable names are lower snake case (`[a-z0-9_]`, starting with a letter), so our setting
//! `EMMAUS_FOO_BAR` is the variable `foo_bar`, declared in `spin.toml` under `[variables]` and the
//! component's `[component.<name>.variables]`.

/// The Spin variable that holds the setting `key`: `EMMAUS_FOO_BAR` → `foo_bar`.
pub fn variable_name(key: &str) -> String {
    key.strip_prefix("EMMAUS_").unwrap_or(key).to_ascii_lowercase()
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
}

#[cfg(test)]
mod tests {
    use super::variable_name;

    #[test]
    fn settings_map_to_lower_snake_case_variables() {
        assert_eq!(variable_name("EMMAUS_S3_ENDPOINT"), "s3_endpoint");
        assert_eq!(variable_name("EMMAUS_BLOB_STORE"), "blob_store");
        assert_eq!(variable_name("blob_store"), "blob_store");
    }
}

//! The configuration port: one lookup function, whatever the host keeps settings in.
//!
//! Environment variables locally and on Lambda, Spin variables on Spin. Typed settings are parsed
//! from a lookup once at start, and a missing or malformed key fails with its name.

use std::collections::BTreeMap;
use std::str::FromStr;

pub trait ConfigSource: Send + Sync + std::fmt::Debug {
    /// The raw value of `key` (e.g. `EMMAUS_DATA_DIR`), if set.
    fn get(&self, key: &str) -> Option<String>;

    /// What the person configuring this source should know about `key` when it is missing or
    /// wrong, beyond its name: where this source reads it (Spin says which variable, and whether
    /// `spin.toml` declares it). Called only on the error path; `None` by default.
    fn hint(&self, key: &str) -> Option<String> {
        let _ = key;
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the setting {key} is required but not set")]
    Missing { key: String },
    #[error("the setting {key} is not valid: {reason}")]
    Invalid { key: String, reason: String },
}

impl ConfigError {
    /// The setting the error is about.
    pub fn key(&self) -> &str {
        match self {
            Self::Missing { key } | Self::Invalid { key, .. } => key,
        }
    }
}

/// Typed reads over any source, naming the key in every error.
pub trait ConfigExt: ConfigSource {
    #[track_caller]
    fn required(&self, key: &str) -> Result<String, ConfigError> {
        self.get(key).filter(|v| !v.is_empty()).ok_or_else(|| ConfigError::Missing { key: key.to_owned() })
    }

    fn parsed<T>(&self, key: &str) -> Result<Option<T>, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        match self.get(key).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(raw) => raw
                .trim()
                .parse()
                .map(Some)
                .map_err(|e: T::Err| ConfigError::Invalid { key: key.to_owned(), reason: e.to_string() }),
        }
    }
}

impl<T: ConfigSource + ?Sized> ConfigExt for T {}

/// The process environment.
#[derive(Debug, Default, Clone, Copy)]
pub struct EnvConfig;

impl ConfigSource for EnvConfig {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok()
    }
}

/// Several sources asked in order; the first that has a key answers (e.g. flags and files over
/// generated defaults, or the environment over a secret store).
#[derive(Debug, Clone)]
pub struct LayeredConfig(Vec<std::sync::Arc<dyn ConfigSource>>);

impl LayeredConfig {
    pub fn new(layers: Vec<std::sync::Arc<dyn ConfigSource>>) -> Self {
        Self(layers)
    }
}

impl ConfigSource for LayeredConfig {
    fn get(&self, key: &str) -> Option<String> {
        self.0.iter().find_map(|layer| layer.get(key).filter(|v| !v.is_empty()))
    }

    fn hint(&self, key: &str) -> Option<String> {
        self.0.iter().find_map(|layer| layer.hint(key))
    }
}

/// Settings held in a map: tests, and hosts that merge a file with the environment.
#[derive(Debug, Default, Clone)]
pub struct MapConfig(BTreeMap<String, String>);

impl MapConfig {
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.insert(key.into(), value.into());
    }
}

impl ConfigSource for MapConfig {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_answer_in_order_and_skip_empty_values() {
        let first = MapConfig::new().with("A", "first").with("B", "");
        let second = MapConfig::new().with("A", "second").with("B", "second").with("C", "second");
        let layered = LayeredConfig::new(vec![std::sync::Arc::new(first), std::sync::Arc::new(second)]);
        assert_eq!(layered.get("A").as_deref(), Some("first"));
        assert_eq!(layered.get("B").as_deref(), Some("second"));
        assert_eq!(layered.get("D"), None);
    }

    #[test]
    fn errors_name_the_key() {
        let config = MapConfig::new().with("EMMAUS_PORT", "eighty");
        assert_eq!(
            config.required("EMMAUS_SECRET").unwrap_err().to_string(),
            "the setting EMMAUS_SECRET is required but not set"
        );
        let err = config.parsed::<u16>("EMMAUS_PORT").unwrap_err();
        assert!(err.to_string().starts_with("the setting EMMAUS_PORT is not valid"), "{err}");
        assert_eq!(config.parsed::<u16>("EMMAUS_ABSENT").unwrap(), None);
        assert_eq!(err.key(), "EMMAUS_PORT");
        assert_eq!(config.hint("EMMAUS_PORT"), None);
    }
}

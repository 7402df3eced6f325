//! Settings from one Secrets Manager secret, read once at cold start.
//!
//! `EMMAUS_SECRETS_ARN` names a secret whose value is a JSON object of settings, e.g.
//! `{"EMMAUS_SESSION_KEYS": "k1:…", "EMMAUS_POSTMARK_TOKEN": "…"}`. The function's settings are
//! then the environment first and the secret's keys after it (`emmaus_ports::LayeredConfig`: the
//! first non-empty value wins), so an operator can override one setting without editing the secret. Values are kept as `SecretString` and never
//! logged or shown by `Debug`; errors name the setting and the secret, never a value.

use std::collections::BTreeMap;

use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata as _};
use emmaus_ports::{ConfigError, ConfigSource};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;

/// The setting that names the secret.
pub const SECRETS_ARN: &str = "EMMAUS_SECRETS_ARN";

/// The settings one secret holds.
#[derive(Default)]
pub struct SecretSettings {
    /// Where they came from, for `Debug` and errors.
    arn: String,
    values: BTreeMap<String, SecretString>,
}

// By hand: the names of the settings, never their values.
impl std::fmt::Debug for SecretSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretSettings").field("arn", &self.arn).field("keys", &self.keys()).finish_non_exhaustive()
    }
}

impl SecretSettings {
    /// Parses the secret's text: a JSON object whose values are strings. The reasons never quote
    /// the text, which holds secrets even when it is malformed.
    pub fn parse(arn: &str, text: &str) -> Result<Self, ConfigError> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| malformed(arn, &format!("it is not JSON (line {}, column {})", e.line(), e.column())))?;
        let Value::Object(object) = json else {
            return Err(malformed(arn, "it is JSON but not an object of settings"));
        };
        let mut values = BTreeMap::new();
        for (key, value) in object {
            let Value::String(value) = value else {
                return Err(malformed(arn, &format!("the value of `{}` is not a string", key.escape_debug())));
            };
            values.insert(key, SecretString::from(value));
        }
        Ok(Self { arn: arn.to_owned(), values })
    }

    /// The settings the secret holds (names only).
    pub fn keys(&self) -> Vec<&str> {
        self.values.keys().map(String::as_str).collect()
    }
}

impl ConfigSource for SecretSettings {
    fn get(&self, key: &str) -> Option<String> {
        self.values.get(key).map(|value| value.expose_secret().to_owned())
    }
}

fn malformed(arn: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        key: SECRETS_ARN.into(),
        reason: format!("the secret `{arn}` must hold a JSON object of string settings, but {reason}"),
    }
}

/// Reads the secret `arn` once (its current version) and parses it.
pub async fn fetch(client: &aws_sdk_secretsmanager::Client, arn: &str) -> Result<SecretSettings, ConfigError> {
    let output = client.get_secret_value().secret_id(arn).send().await.map_err(|e| {
        // The service's code and message (`AccessDeniedException: …`) when it answered, else the
        // chain of causes (no route, timeout); neither holds the secret's value.
        let cause = match e.code() {
            Some(code) => format!("{code}: {}", e.message().unwrap_or("no message")),
            None => DisplayErrorContext(&e).to_string(),
        };
        ConfigError::Invalid { key: SECRETS_ARN.into(), reason: format!("the secret `{arn}` cannot be read: {cause}") }
    })?;
    let text = output.secret_string().ok_or_else(|| malformed(arn, "it holds binary data, not text"))?;
    SecretSettings::parse(arn, text)
}

/// A Secrets Manager client on the loaded configuration, at `endpoint` when one is given (tests).
pub fn client(config: &aws_config::SdkConfig, endpoint: Option<&str>) -> aws_sdk_secretsmanager::Client {
    let mut builder = aws_sdk_secretsmanager::config::Builder::from(config);
    if let Some(endpoint) = endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    aws_sdk_secretsmanager::Client::from_conf(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:emmaus-AbCdEf";

    fn reason(text: &str) -> String {
        let error = SecretSettings::parse(ARN, text).unwrap_err().to_string();
        assert!(error.contains(SECRETS_ARN) && error.contains(ARN), "{error}");
        assert!(!error.contains("hunter2"), "the error shows a value: {error}");
        error
    }

    #[test]
    fn malformed_secrets_are_named_without_their_values() {
        assert!(reason("hunter2").contains("not JSON (line 1, column 1)"));
        assert!(reason(r#"{"EMMAUS_SESSION_KEYS": "hunter2""#).contains("not JSON"));
        assert!(reason(r#""hunter2""#).contains("not an object"));
        assert!(reason(r#"["hunter2"]"#).contains("not an object"));
        assert!(
            reason(r#"{"EMMAUS_PORT": 8080, "B": "hunter2"}"#).contains("the value of `EMMAUS_PORT` is not a string")
        );
        assert!(reason(r#"{"EMMAUS_X": {"hunter2": 1}}"#).contains("`EMMAUS_X`"));
    }

    #[test]
    fn debug_names_the_keys_but_never_the_values() {
        let settings = SecretSettings::parse(ARN, r#"{"EMMAUS_SESSION_KEYS": "k1:hunter2"}"#).unwrap();
        let shown = format!("{settings:?}");
        assert!(shown.contains("EMMAUS_SESSION_KEYS") && shown.contains(ARN) && !shown.contains("hunter2"), "{shown}");
        assert_eq!(settings.get("EMMAUS_SESSION_KEYS").as_deref(), Some("k1:hunter2"));
        assert_eq!(settings.get("EMMAUS_OTHER"), None);
    }
}

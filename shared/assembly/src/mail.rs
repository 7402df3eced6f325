//! Which mailer the settings ask for, for the choices every host can build: the dev outbox (over
//! the key-value port) and Postmark (over the outbound-HTTP port). SMTP needs raw sockets and
//! lettre, which a Spin component has neither of, so native hosts build it themselves.
//!
//! | setting | meaning |
//! | --- | --- |
//! | `EMMAUS_MAILER` | `outbox` (the default: mail is held in the store, not sent), `smtp` or `postmark` |
//! | `EMMAUS_MAIL_FROM` | the sender, optionally with a display name (`Emmaus <noreply@example.org>`) |
//! | `EMMAUS_POSTMARK_TOKEN` | Postmark's server token (a secret) |
//! | `EMMAUS_POSTMARK_URL` | another Postmark API base URL (a regional endpoint, a test double) |

use std::sync::Arc;

use emmaus_ports::config::ConfigExt as _;
use emmaus_ports::{Clock, ConfigError, ConfigSource, HttpClient, Ids, KvStore, MailError, Mailer};
use secrecy::SecretString;

pub const MAILER: &str = "EMMAUS_MAILER";
pub const MAIL_FROM: &str = "EMMAUS_MAIL_FROM";
pub const POSTMARK_TOKEN: &str = "EMMAUS_POSTMARK_TOKEN";
pub const POSTMARK_URL: &str = "EMMAUS_POSTMARK_URL";

/// What `EMMAUS_MAILER` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Outbox,
    Smtp,
    Postmark,
}

impl Choice {
    /// `EMMAUS_MAILER`, `outbox` when unset or empty; any other value is an error naming it.
    pub fn from_config(config: &dyn ConfigSource) -> Result<Self, ConfigError> {
        match config.get(MAILER).as_deref().map(str::trim) {
            None | Some("" | "outbox") => Ok(Self::Outbox),
            Some("smtp") => Ok(Self::Smtp),
            Some("postmark") => Ok(Self::Postmark),
            Some(other) => Err(ConfigError::Invalid {
                key: MAILER.into(),
                reason: format!("expected one of outbox, smtp, postmark, not `{}`", other.escape_debug()),
            }),
        }
    }
}

/// `EMMAUS_MAIL_FROM`, required and checked loosely (an `@`, no line breaks); each adapter checks
/// it further, so an error after this one is about another setting.
pub fn mail_from(config: &dyn ConfigSource) -> Result<String, ConfigError> {
    let from = config.required(MAIL_FROM)?.trim().to_owned();
    if !from.contains('@') || from.chars().any(char::is_control) {
        return Err(ConfigError::Invalid {
            key: MAIL_FROM.into(),
            reason: format!("`{}` is not an email address", from.escape_debug()),
        });
    }
    Ok(from)
}

/// The mailer for `outbox` or `postmark`, or `None` for `smtp`, which the caller builds if it can.
pub fn portable(
    config: &dyn ConfigSource,
    kv: &Arc<dyn KvStore>,
    clock: &Arc<dyn Clock>,
    ids: &Arc<dyn Ids>,
    http: &Arc<dyn HttpClient>,
) -> Result<Option<Arc<dyn Mailer>>, ConfigError> {
    Ok(match Choice::from_config(config)? {
        Choice::Outbox => Some(Arc::new(emmaus_app::mail::Outbox::new(kv.clone(), clock.clone(), ids.clone()))),
        Choice::Smtp => None,
        Choice::Postmark => Some(Arc::new(postmark(config, http)?)),
    })
}

fn postmark(
    config: &dyn ConfigSource,
    http: &Arc<dyn HttpClient>,
) -> Result<emmaus_postmark::PostmarkMailer, ConfigError> {
    let from = mail_from(config)?;
    let token = SecretString::from(config.required(POSTMARK_TOKEN)?);
    // `from` passed the same check the adapter makes, so a refusal here is the token's; the
    // adapter's message never holds the token itself.
    let mailer =
        emmaus_postmark::PostmarkMailer::new(http.clone(), &token, &from).map_err(|e| invalid(POSTMARK_TOKEN, e))?;
    match config.get(POSTMARK_URL).filter(|url| !url.trim().is_empty()) {
        Some(url) => mailer.with_base_url(url.trim()).map_err(|e| invalid(POSTMARK_URL, e)),
        None => Ok(mailer),
    }
}

/// A mailer's refusal of its settings, as a configuration error naming `key`.
pub fn invalid(key: &str, error: MailError) -> ConfigError {
    let reason = match error {
        MailError::Invalid(reason) => reason,
        other @ MailError::Unavailable(_) => other.to_string(),
    };
    ConfigError::Invalid { key: key.to_owned(), reason }
}

#[cfg(test)]
mod tests {
    use emmaus_memory::{ManualClock, MemoryKv, ScriptedHttp, SequentialIds};
    use emmaus_ports::MapConfig;

    use super::*;

    fn select(config: &MapConfig) -> Result<Option<Arc<dyn Mailer>>, ConfigError> {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::default());
        let kv: Arc<dyn KvStore> = Arc::new(MemoryKv::new(clock.clone()));
        let ids: Arc<dyn Ids> = Arc::new(SequentialIds::default());
        let http: Arc<dyn HttpClient> = Arc::new(ScriptedHttp::new());
        portable(config, &kv, &clock, &ids, &http)
    }

    fn adapter(config: &MapConfig) -> Option<&'static str> {
        select(config).unwrap().map(|mailer| mailer.adapter())
    }

    fn error(config: &MapConfig) -> String {
        select(config).unwrap_err().to_string()
    }

    fn postmark() -> MapConfig {
        MapConfig::new()
            .with(MAILER, "postmark")
            .with(MAIL_FROM, "Emmaus <noreply@example.org>")
            .with(POSTMARK_TOKEN, "server-token-1234")
    }

    #[test]
    fn the_outbox_is_the_default_and_smtp_is_left_to_the_host() {
        assert_eq!(adapter(&MapConfig::new()), Some("outbox"));
        assert_eq!(adapter(&MapConfig::new().with(MAILER, "")), Some("outbox"));
        assert_eq!(adapter(&MapConfig::new().with(MAILER, "outbox")), Some("outbox"));
        assert_eq!(adapter(&MapConfig::new().with(MAILER, "smtp")), None);
        assert_eq!(adapter(&postmark()), Some("postmark"));
        assert_eq!(adapter(&postmark().with(POSTMARK_URL, "http://127.0.0.1:9")), Some("postmark"));
    }

    #[test]
    fn errors_name_the_setting_and_never_the_token() {
        let unknown = error(&MapConfig::new().with(MAILER, "sendmail"));
        assert!(unknown.contains(MAILER) && unknown.contains("outbox, smtp, postmark"), "{unknown}");
        let mut config = postmark();
        config.insert(POSTMARK_TOKEN, "");
        assert_eq!(error(&config), format!("the setting {POSTMARK_TOKEN} is required but not set"));
        config.insert(POSTMARK_TOKEN, "bad\ntoken-secret");
        let bad_token = error(&config);
        assert!(bad_token.contains(POSTMARK_TOKEN) && !bad_token.contains("token-secret"), "{bad_token}");
        assert_eq!(error(&postmark().with(MAIL_FROM, "")), format!("the setting {MAIL_FROM} is required but not set"));
        assert!(error(&postmark().with(MAIL_FROM, "nobody")).contains(MAIL_FROM));
        let url = error(&postmark().with(POSTMARK_URL, "http://postmark.example.org"));
        assert!(url.contains(POSTMARK_URL) && url.contains("loopback"), "{url}");
    }
}

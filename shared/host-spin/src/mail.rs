//! The mailer a Spin component sends with, from the variables `mailer` (`outbox`, the default, or
//! `postmark`), `mail_from`, `postmark_token` and `postmark_url`.
//!
//! `smtp` is a configuration error here: components have no raw sockets. Each request builds a
//! fresh instance, so a warning at start would repeat on every request; instead the outbox warns
//! each time it holds a message, which is when mail that should have gone out stays behind.

use std::sync::Arc;

use emmaus_app::mail::Outbox;
use emmaus_assembly::mail::{self as select, Choice, MAILER};
use emmaus_ports::{Clock, ConfigError, ConfigSource, EmailMessage, HttpClient, Ids, KvStore, MailError, Mailer};

/// Builds the mailer the variables ask for; errors name the Spin variable to set.
pub fn mailer(
    config: &dyn ConfigSource,
    kv: &Arc<dyn KvStore>,
    clock: &Arc<dyn Clock>,
    ids: &Arc<dyn Ids>,
    http: &Arc<dyn HttpClient>,
) -> Result<Arc<dyn Mailer>, ConfigError> {
    match Choice::from_config(config).map_err(spin_named)? {
        Choice::Outbox => Ok(Arc::new(Held(Outbox::new(kv.clone(), clock.clone(), ids.clone())))),
        Choice::Postmark => select::portable(config, kv, clock, ids, http)
            .map_err(spin_named)?
            .ok_or_else(|| ConfigError::Invalid { key: variable(MAILER), reason: "postmark is not available".into() }),
        Choice::Smtp => Err(ConfigError::Invalid {
            key: variable(MAILER),
            reason: "smtp needs raw sockets, which Spin components do not have; use postmark (or outbox to hold mail)"
                .into(),
        }),
    }
}

/// A configuration error naming the Spin variable instead of the setting it stands for.
pub(crate) fn spin_named(error: ConfigError) -> ConfigError {
    match error {
        ConfigError::Missing { key } => ConfigError::Missing { key: variable(&key) },
        ConfigError::Invalid { key, reason } => ConfigError::Invalid { key: variable(&key), reason },
    }
}

/// The Spin variable behind a setting: `EMMAUS_POSTMARK_TOKEN` is `postmark_token`, as
/// `emmaus_spin::SpinVariables` reads it.
fn variable(key: &str) -> String {
    key.strip_prefix("EMMAUS_").unwrap_or(key).to_ascii_lowercase()
}

/// The dev outbox, warning on stderr (Spin's log) whenever it holds a message instead of sending it.
#[derive(Debug)]
struct Held(Outbox);

#[async_trait::async_trait]
impl Mailer for Held {
    fn adapter(&self) -> &'static str {
        self.0.adapter()
    }

    async fn send(&self, message: &EmailMessage) -> Result<(), MailError> {
        self.0.send(message).await?;
        // Never the body: it may hold a single-use link, and the dev page is where it is shown.
        eprintln!(
            "WARNING: an email was held in the dev outbox, not sent (the variable mailer is outbox); \
             set mailer = \"postmark\" with mail_from and postmark_token to send mail"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use emmaus_memory::{MemoryKv, ScriptedHttp, SequentialIds};
    use emmaus_ports::{MapConfig, SystemClock};

    use super::*;

    fn select(config: &MapConfig) -> Result<Arc<dyn Mailer>, ConfigError> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let kv: Arc<dyn KvStore> = Arc::new(MemoryKv::new(clock.clone()));
        let ids: Arc<dyn Ids> = Arc::new(SequentialIds::default());
        let http: Arc<dyn HttpClient> = Arc::new(ScriptedHttp::new());
        mailer(config, &kv, &clock, &ids, &http)
    }

    #[test]
    fn outbox_and_postmark_are_the_choices() {
        assert_eq!(select(&MapConfig::new()).unwrap().adapter(), "outbox");
        assert_eq!(select(&MapConfig::new().with(MAILER, "outbox")).unwrap().adapter(), "outbox");
        let postmark = MapConfig::new()
            .with(MAILER, "postmark")
            .with("EMMAUS_MAIL_FROM", "noreply@example.org")
            .with("EMMAUS_POSTMARK_TOKEN", "token");
        assert_eq!(select(&postmark).unwrap().adapter(), "postmark");
    }

    #[test]
    fn errors_name_the_spin_variable() {
        let error = |config: &MapConfig| select(config).unwrap_err().to_string();
        let smtp = error(&MapConfig::new().with(MAILER, "smtp"));
        assert!(smtp.starts_with("the setting mailer is not valid: smtp needs raw sockets"), "{smtp}");
        assert!(error(&MapConfig::new().with(MAILER, "carrier-pigeon")).starts_with("the setting mailer is not valid"));
        let postmark = MapConfig::new().with(MAILER, "postmark").with("EMMAUS_MAIL_FROM", "noreply@example.org");
        assert_eq!(error(&postmark), "the setting postmark_token is required but not set");
        assert_eq!(variable("EMMAUS_POSTMARK_URL"), "postmark_url");
    }

    #[tokio::test]
    async fn the_outbox_still_holds_what_it_warns_about() {
        let mailer = select(&MapConfig::new()).unwrap();
        let message = EmailMessage { to: "ana@example.org".into(), subject: "Hi".into(), text: "Hello".into() };
        mailer.send(&message).await.unwrap();
    }
}

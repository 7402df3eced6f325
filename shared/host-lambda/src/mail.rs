//! The mailer a Lambda function sends with: `EMMAUS_MAILER` = `outbox` (the default), `smtp`
//! (`EMMAUS_SMTP_URL`, `EMMAUS_MAIL_FROM`) or `postmark` (see `emmaus_assembly::mail`).
//!
//! The choice is logged at cold start; the outbox gets a warning, since on Lambda it means mail
//! is held in the table instead of reaching anyone.

use std::sync::Arc;

use emmaus_assembly::mail::{self as select, MAIL_FROM, MAILER, invalid};
use emmaus_ports::config::ConfigExt as _;
use emmaus_ports::{Clock, ConfigError, ConfigSource, HttpClient, Ids, KvStore, Mailer};

/// The SMTP server's URL (`smtps://user:password@host`, see `emmaus_smtp::Endpoint::parse`); it
/// holds a password, so it belongs in the settings secret.
pub const SMTP_URL: &str = "EMMAUS_SMTP_URL";

/// Builds the mailer the settings ask for; errors name the setting to fix.
pub fn mailer(
    config: &dyn ConfigSource,
    kv: &Arc<dyn KvStore>,
    clock: &Arc<dyn Clock>,
    ids: &Arc<dyn Ids>,
    http: &Arc<dyn HttpClient>,
) -> Result<Arc<dyn Mailer>, ConfigError> {
    let mailer = match select::portable(config, kv, clock, ids, http)? {
        Some(mailer) => mailer,
        None => Arc::new(smtp(config)?),
    };
    match mailer.adapter() {
        "outbox" => tracing::warn!(
            setting = MAILER,
            "no mail service is configured (EMMAUS_MAILER is outbox): any mail this function sends is held in \
             the store and shown by GET /api/auth/outbox, not sent; set EMMAUS_MAILER to postmark or smtp"
        ),
        adapter => tracing::info!(mailer = adapter, "mail is sent with {adapter}"),
    }
    Ok(mailer)
}

fn smtp(config: &dyn ConfigSource) -> Result<emmaus_smtp::SmtpMailer, ConfigError> {
    let url = config.required(SMTP_URL)?;
    // The URL alone first, so its errors name it; the errors never repeat its password.
    let endpoint = emmaus_smtp::Endpoint::parse(&url).map_err(|e| invalid(SMTP_URL, e))?;
    let from = select::mail_from(config)?;
    let mailer = emmaus_smtp::SmtpMailer::from_url(&url, &from).map_err(|e| invalid(MAIL_FROM, e))?;
    tracing::info!(endpoint = %endpoint, "SMTP server");
    Ok(mailer)
}

#[cfg(test)]
mod tests {
    use emmaus_memory::MemoryKv;
    use emmaus_ports::{MapConfig, RandomIds, SystemClock};

    use super::*;

    fn select(config: &MapConfig) -> Result<Arc<dyn Mailer>, ConfigError> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let kv: Arc<dyn KvStore> = Arc::new(MemoryKv::new(clock.clone()));
        let ids: Arc<dyn Ids> = Arc::new(RandomIds::new(clock.clone()));
        let http: Arc<dyn HttpClient> =
            Arc::new(emmaus_reqwest::ReqwestHttp::new(std::time::Duration::from_secs(1)).unwrap());
        mailer(config, &kv, &clock, &ids, &http)
    }

    fn smtp_config() -> MapConfig {
        MapConfig::new()
            .with(MAILER, "smtp")
            .with(SMTP_URL, "smtps://emmaus:hunter2@mail.example.org")
            .with(MAIL_FROM, "Emmaus <noreply@example.org>")
    }

    #[test]
    fn every_choice_builds_its_adapter() {
        assert_eq!(select(&MapConfig::new()).unwrap().adapter(), "outbox");
        assert_eq!(select(&smtp_config()).unwrap().adapter(), "smtp");
        let postmark = MapConfig::new()
            .with(MAILER, "postmark")
            .with(MAIL_FROM, "noreply@example.org")
            .with("EMMAUS_POSTMARK_TOKEN", "token");
        assert_eq!(select(&postmark).unwrap().adapter(), "postmark");
    }

    #[test]
    fn smtp_errors_name_the_setting_and_hide_the_password() {
        let error = |config: &MapConfig| select(config).unwrap_err().to_string();
        assert_eq!(
            error(&MapConfig::new().with(MAILER, "smtp")),
            format!("the setting {SMTP_URL} is required but not set")
        );
        let scheme = error(&smtp_config().with(SMTP_URL, "imap://emmaus:hunter2@mail.example.org"));
        assert!(scheme.contains(SMTP_URL) && !scheme.contains("hunter2"), "{scheme}");
        let from = error(&smtp_config().with(MAIL_FROM, ""));
        assert_eq!(from, format!("the setting {MAIL_FROM} is required but not set"));
        let from = error(&smtp_config().with(MAIL_FROM, "Emmaus <noreply@>"));
        assert!(from.contains(MAIL_FROM) && !from.contains("hunter2"), "{from}");
        assert!(error(&MapConfig::new().with(MAILER, "pigeon")).contains(MAILER));
    }
}

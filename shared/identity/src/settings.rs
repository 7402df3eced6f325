//! Identity settings from the configuration port, parsed once per key ring on each thread.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use emmaus_domain::DomainError;
use emmaus_ports::{ConfigExt as _, ConfigSource};

use crate::tokens::{KEYS_SETTING, KeyRing};

/// How long each credential lives.
pub const ACCESS_TTL: Duration = Duration::from_mins(10);
/// A refresh token not used for this long is dead.
pub const REFRESH_IDLE: Duration = Duration::from_hours(14 * 24);
/// However active, a session ends after this and the person signs in again.
pub const SESSION_MAX: Duration = Duration::from_hours(60 * 24);
pub const INVITATION_TTL: Duration = Duration::from_hours(7 * 24);
pub const RESET_TTL: Duration = Duration::from_hours(1);

#[derive(Debug)]
pub struct Settings {
    pub ring: KeyRing,
    /// `iss` of our access tokens: the public URL when set, else `emmaus`.
    pub issuer: String,
}

/// The settings, parsed again only when the key-ring setting changes.
///
/// Kept per thread: every signed-in request asks, and with one cache for the process the server's
/// worker threads took turns at its lock. A thread parses the settings on its first request.
pub fn load(config: &dyn ConfigSource) -> Result<Arc<Settings>, DomainError> {
    thread_local! {
        // The key ring the settings were parsed from; the issuer is compared on the settings.
        static CACHE: RefCell<Option<(String, Arc<Settings>)>> = const { RefCell::new(None) };
    }
    let keys = config
        .required(KEYS_SETTING)
        .map_err(|e| DomainError::Misconfigured { what: "sign-in".into(), reason: e.to_string() })?;
    let issuer = config.get("EMMAUS_PUBLIC_URL").filter(|u| !u.is_empty()).unwrap_or_else(|| "emmaus".to_owned());
    CACHE.with_borrow_mut(|cache| {
        if let Some((seen, settings)) = cache.as_ref()
            && *seen == keys
            && settings.issuer == issuer
        {
            return Ok(settings.clone());
        }
        let ring = KeyRing::parse(&keys).map_err(|e| DomainError::Misconfigured {
            what: "sign-in".into(),
            reason: format!("the session key ring ({KEYS_SETTING}) is not valid: {e}"),
        })?;
        let settings = Arc::new(Settings { ring, issuer });
        *cache = Some((keys, settings.clone()));
        Ok(settings)
    })
}

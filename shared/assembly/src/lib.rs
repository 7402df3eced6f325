//! The one way every host builds its Platform: the host opens its stores, transports and mailer;
//! [`platform`] checks the settings every host must refuse at start, adds the choices that are the
//! same everywhere (the OpenID Connect relying party) and puts the bundle together.
//!
//! `emmaus-app` names only ports, so the use cases never compile an adapter; the hosts depend on
//! this crate instead, and a choice made here is the same on every host.

use std::sync::Arc;
use std::time::Duration;

use emmaus_app::{HostInfo, Platform, PlatformParts, sealing};
use emmaus_identity::{audit, tokens};
use emmaus_ports::{
    BlobStore, Clock, ConfigError, ConfigSource, HttpClient, Ids, KvStore, Mailer, OpenIdConnect, SearchIndex,
};

pub mod mail;

/// Connect, first-byte and between-bytes timeout of outbound API calls (OpenID Providers, Postmark)
/// on every host: well inside a Lambda's or a Spin request's time, long enough for a slow provider.
pub const OUTBOUND_TIMEOUT: Duration = Duration::from_secs(10);

/// What a host opened for itself.
#[derive(Debug)]
pub struct HostParts {
    pub kv: Arc<dyn KvStore>,
    pub blobs: Arc<dyn BlobStore>,
    pub search: Arc<dyn SearchIndex>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub http: Arc<dyn HttpClient>,
    /// Link previews' fetcher, where the host can check every address it connects to.
    pub pages: Option<Arc<dyn emmaus_ports::PageFetcher>>,
    pub config: Arc<dyn ConfigSource>,
    pub mailer: Arc<dyn Mailer>,
    pub host: HostInfo,
}

/// The Platform from a host's parts, once the settings every host checks at start are sound: a
/// key ring that is set but unreadable stops the start naming its setting, rather than failing
/// every sign-in later (a function that signs nobody in has no ring, and skips the check).
pub fn platform(parts: HostParts) -> Result<Platform, ConfigError> {
    check_ring(parts.config.as_ref(), tokens::KEYS_SETTING, tokens::KeyRing::check)?;
    check_ring(parts.config.as_ref(), audit::KEYS_SETTING, |ring| audit::parse_ring(ring).map(|_| ()))?;
    check_ring(parts.config.as_ref(), sealing::KEYS_SETTING, |ring| sealing::parse_ring(ring).map(|_| ()))?;
    let HostParts { kv, blobs, search, clock, ids, http, pages, config, mailer, host } = parts;
    Ok(Platform::new(PlatformParts {
        kv,
        blobs,
        search,
        clock,
        ids,
        http,
        pages,
        config,
        mailer,
        openid: openid(),
        // No handlers here: the function that applies the outbox (`notify`) brings every module's
        // to its job, so no other component links code it never runs.
        tasks: Arc::new(emmaus_app::outbox::Handlers::default()),
        host,
    }))
}

/// The relying party SSO sign-in uses: `emmaus-oidc`, over the host's outbound-HTTP port.
pub fn openid() -> Arc<dyn OpenIdConnect> {
    Arc::new(emmaus_oidc::RelyingParty)
}

fn check_ring(
    config: &dyn ConfigSource,
    key: &str,
    parse: impl Fn(&str) -> Result<(), String>,
) -> Result<(), ConfigError> {
    let Some(ring) = config.get(key).filter(|ring| !ring.trim().is_empty()) else { return Ok(()) };
    parse(ring.trim()).map_err(|reason| {
        let reason = reason.strip_prefix(&format!("{key}: ")).map_or(reason.clone(), str::to_owned);
        ConfigError::Invalid { key: key.to_owned(), reason }
    })
}

#[cfg(test)]
mod tests {
    use emmaus_memory::{ManualClock, MemoryBlobStore, MemoryKv, ScriptedHttp, SequentialIds};
    use emmaus_ports::{MapConfig, UrlSigner};

    use super::*;

    fn parts(config: MapConfig) -> HostParts {
        let clock = Arc::new(ManualClock::default());
        let kv: Arc<dyn KvStore> = Arc::new(MemoryKv::new(clock.clone()));
        let ids: Arc<dyn Ids> = Arc::new(SequentialIds::default());
        HostParts {
            mailer: Arc::new(emmaus_app::mail::Outbox::new(kv.clone(), clock.clone(), ids.clone())),
            blobs: Arc::new(MemoryBlobStore::new(1024, clock.clone(), UrlSigner::new("", vec![0; 32]))),
            search: Arc::new(emmaus_sqlite::SqliteSearch::in_memory().expect("an in-memory index")),
            kv,
            clock,
            ids,
            http: Arc::new(ScriptedHttp::new()),
            pages: None,
            config: Arc::new(config),
            host: HostInfo { kind: "local", version: "0.0.0", build: "test" },
        }
    }

    #[test]
    fn a_platform_is_built_without_rings_or_with_sound_ones() {
        assert!(platform(parts(MapConfig::new())).is_ok());
        let sound = MapConfig::new()
            .with(tokens::KEYS_SETTING, tokens::KeyRing::new_entry("k1", &[7; 32]))
            .with(audit::KEYS_SETTING, audit::new_key_entry("a1", &[8; 32]))
            .with(sealing::KEYS_SETTING, sealing::new_key_entry("s1", &[9; 32]));
        let built = platform(parts(sound)).expect("sound rings pass");
        assert_eq!(built.host.kind, "local");
    }

    #[test]
    fn an_unreadable_ring_stops_the_start_naming_its_setting_and_not_its_value() {
        for key in [tokens::KEYS_SETTING, audit::KEYS_SETTING, sealing::KEYS_SETTING] {
            let error = platform(parts(MapConfig::new().with(key, "k1:not-a-key-secret"))).expect_err("refused");
            let ConfigError::Invalid { key: named, reason } = &error else { panic!("{error:?}") };
            assert_eq!(named, key);
            assert!(!reason.contains("not-a-key-secret"), "{reason}");
        }
    }
}

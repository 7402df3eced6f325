//! The Platform bundle: the adapters a host chose, handed to every function's router.

use std::sync::Arc;

use emmaus_ports::{BlobStore, Clock, ConfigSource, HttpClient, Ids, KvStore, Mailer, OpenIdConnect, SearchIndex};

/// Which host runs the code, and what build it is; reported by health and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInfo {
    /// `local`, `lambda` or `spin`.
    pub kind: &'static str,
    pub version: &'static str,
    /// The source revision the binary was built from, or `unknown`.
    pub build: &'static str,
}

/// Everything a use case may reach outside itself ([`PlatformParts`]), behind one shared pointer.
///
/// A router hands every request its own clone of its state (axum clones it twice a request), and
/// on a server's several threads raising and dropping one count is cheaper than one per adapter,
/// each on a memory line the other threads touch too. Fields are read through `Deref`
/// (`platform.kv`); writing one (`platform.tasks = …`, in set-up and tests) copies the parts first
/// when another clone shares them (`Arc::make_mut`), so no other clone sees the change.
#[derive(Debug, Clone)]
pub struct Platform(Arc<PlatformParts>);

impl Platform {
    pub fn new(parts: PlatformParts) -> Self {
        Self(Arc::new(parts))
    }

    /// A copy of the parts, for a platform that differs in one or two of them:
    /// `Platform::new(PlatformParts { kv, ..platform.parts() })`.
    pub fn parts(&self) -> PlatformParts {
        PlatformParts::clone(&self.0)
    }
}

impl std::ops::Deref for Platform {
    type Target = PlatformParts;

    fn deref(&self) -> &PlatformParts {
        &self.0
    }
}

impl std::ops::DerefMut for Platform {
    fn deref_mut(&mut self) -> &mut PlatformParts {
        Arc::make_mut(&mut self.0)
    }
}

/// The adapters a host chose, and what it is. Cloning copies handles, not adapters.
#[derive(Debug, Clone)]
pub struct PlatformParts {
    pub kv: Arc<dyn KvStore>,
    pub blobs: Arc<dyn BlobStore>,
    /// Full-text search over the organisations' documents (`emmaus_ports::search`).
    pub search: Arc<dyn SearchIndex>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub http: Arc<dyn HttpClient>,
    /// Fetches people's links to public addresses only (link previews); `None` where the host
    /// cannot check the address it connects to (Spin).
    pub pages: Option<Arc<dyn emmaus_ports::PageFetcher>>,
    pub config: Arc<dyn ConfigSource>,
    /// Where invitations and reset links go: SMTP, a mail API, or the dev outbox.
    pub mailer: Arc<dyn Mailer>,
    /// The OpenID Connect relying party for SSO sign-in (`emmaus-oidc`).
    pub openid: Arc<dyn OpenIdConnect>,
    /// The handlers of outbox tasks by kind, as the modules register them (`crate::outbox`).
    pub tasks: Arc<crate::outbox::Handlers>,
    pub host: HostInfo,
}

/// A key-ring entry `test:<32 bytes of base64url>` of bytes all `fill`.
#[cfg(any(test, feature = "testing"))]
fn test_ring_entry(fill: u8) -> String {
    use base64::Engine as _;
    format!("test:{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([fill; 32]))
}

/// The jobs token of [`Platform::in_memory`].
#[cfg(any(test, feature = "testing"))]
pub const TEST_JOBS_TOKEN: &str = "test-jobs-token-0123456789abcdefghij";

#[cfg(any(test, feature = "testing"))]
impl Platform {
    /// A platform of in-memory adapters with a manual clock and sequential ids, for tests; the
    /// mailer is the dev outbox, so tests read sent mail back from the store; a fixed session key
    /// ring signs access tokens, and the jobs token is [`TEST_JOBS_TOKEN`].
    pub fn in_memory(kind: &'static str) -> (Self, Arc<emmaus_memory::ManualClock>) {
        use emmaus_memory::{ManualClock, MemoryBlobStore, MemoryKv, ScriptedHttp, SequentialIds};
        let clock = Arc::new(ManualClock::default());
        let kv: Arc<dyn KvStore> = Arc::new(MemoryKv::new(clock.clone()));
        let ids: Arc<dyn Ids> = Arc::new(SequentialIds::default());
        let signer = emmaus_ports::UrlSigner::new("", vec![0; 32]);
        let platform = Self::new(PlatformParts {
            kv: kv.clone(),
            blobs: Arc::new(MemoryBlobStore::new(1024 * 1024, clock.clone(), signer)),
            search: Arc::new(emmaus_sqlite::SqliteSearch::in_memory().expect("an in-memory search index opens")),
            clock: clock.clone(),
            ids: ids.clone(),
            http: Arc::new(ScriptedHttp::new()),
            pages: None,
            config: Arc::new(
                emmaus_ports::MapConfig::new()
                    // The identity module's key rings (`emmaus_identity::tokens`, `::audit`): `kid:`
                    // and 32 bytes of base64url, as its own ring makers write them.
                    .with("EMMAUS_SESSION_KEYS", test_ring_entry(7))
                    .with(crate::jobs::TOKEN_SETTING, TEST_JOBS_TOKEN)
                    .with("EMMAUS_AUDIT_KEYS", test_ring_entry(9))
                    .with(crate::sealing::KEYS_SETTING, crate::sealing::new_key_entry("test", &[11; 32])),
            ),
            mailer: Arc::new(crate::mail::Outbox::new(kv, clock.clone(), ids)),
            openid: Arc::new(emmaus_oidc::RelyingParty),
            tasks: Arc::new(crate::outbox::Handlers::default()),
            host: HostInfo { kind, version: "0.0.0", build: "test" },
        });
        (platform, clock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Clones share one set of parts; changing a part of one leaves the others as they were.
    #[test]
    fn clones_share_parts_until_one_is_changed() {
        let (platform, _) = Platform::in_memory("local");
        let clone = platform.clone();
        assert!(Arc::ptr_eq(&platform.0, &clone.0), "a clone shares the parts");
        assert!(Arc::ptr_eq(&platform.kv, &clone.kv));

        let mut changed = clone.clone();
        changed.host.kind = "lambda";
        assert_eq!((platform.host.kind, clone.host.kind, changed.host.kind), ("local", "local", "lambda"));
        assert!(!Arc::ptr_eq(&changed.0, &platform.0), "the changed clone has parts of its own");
        assert!(Arc::ptr_eq(&changed.kv, &platform.kv), "copying the parts copies handles, not adapters");

        let rebuilt = Platform::new(PlatformParts { pages: None, ..changed.parts() });
        assert_eq!(rebuilt.host.kind, "lambda");
        assert!(Arc::ptr_eq(&rebuilt.search, &platform.search));
    }
}

//! Typed configuration of `emmaus serve`, layered: defaults < `emmaus.toml` < environment < flags.
//!
//! Every setting has one name in each layer (`listen`, `EMMAUS_LISTEN`, `--listen`); an unknown
//! file key, or a value that does not parse, stops the start with a message naming where it came from.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use emmaus_http::telemetry::LogFormat;

/// The settings and their meaning, in the order `--help` and the docs list them.
pub const SETTINGS: &[(&str, &str)] = &[
    ("listen", "address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one)"),
    ("data_dir", "folder for the database, files and keys (default ./data)"),
    ("site_dir", "serve the web app from this folder instead of the embedded copy"),
    ("public_url", "public origin used in links (default: same-origin relative links)"),
    ("log", "log filter, e.g. info or warn,emmaus_http=debug (default info)"),
    ("log_format", "text or json (default text)"),
    ("max_body_bytes", "largest accepted request body (default 1048576)"),
    ("max_blob_bytes", "largest accepted file (default 26214400)"),
    ("mailer", "outbox (default: mail is held and shown at /dev/outbox), smtp or postmark"),
    ("smtp_url", "smtp://user:pass@host:587 (STARTTLS), smtps://… or smtp+insecure://127.0.0.1:1025"),
    ("mail_from", "sender address of invitations and reset links"),
    ("postmark_token", "Postmark server token, when mailer is postmark"),
    ("jobs_token", "bearer token (32+ characters) for POST /api/jobs/<name>; jobs also run by themselves here"),
    (
        "trusted_proxies",
        "reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1,10.0.0.0/8 (default none)",
    ),
    (
        "outbox_on_public_address",
        "true to hold mail in the dev outbox while listening beyond loopback (default false: refused)",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub site_dir: Option<PathBuf>,
    pub public_url: String,
    pub log: String,
    pub log_format: LogFormat,
    pub max_body_bytes: usize,
    pub max_blob_bytes: u64,
    pub trusted_proxies: crate::proxies::TrustedProxies,
    /// Every value that was set, under its `EMMAUS_*` name, for the platform's configuration port.
    pub settings: BTreeMap<String, String>,
}

/// Where a value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    File(PathBuf),
    Env,
    Flag,
}

fn env_name(key: &str) -> String {
    format!("EMMAUS_{}", key.to_uppercase())
}

fn describe(key: &str, origin: &Origin) -> String {
    match origin {
        Origin::File(path) => format!("`{key}` in {}", path.display()),
        Origin::Env => env_name(key),
        Origin::Flag => format!("--{}", key.replace('_', "-")),
    }
}

/// Collects raw values from the layers, later layers winning.
#[derive(Debug, Default)]
pub struct Layers {
    values: BTreeMap<&'static str, (String, Origin)>,
}

impl Layers {
    /// Reads a TOML file of settings; every key must be known and every value a scalar.
    pub fn file(&mut self, path: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let table: toml::Table = text.parse().map_err(|e| format!("{} is not valid TOML: {e}", path.display()))?;
        for (key, value) in table {
            let known = SETTINGS.iter().find(|(k, _)| *k == key).map(|(k, _)| *k).ok_or_else(|| {
                let names: Vec<_> = SETTINGS.iter().map(|(k, _)| *k).collect();
                format!("unknown setting `{key}` in {}; known settings: {}", path.display(), names.join(", "))
            })?;
            let raw = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(format!(
                        "`{key}` in {} must be a string or a number, not {}",
                        path.display(),
                        other.type_str()
                    ));
                }
            };
            self.values.insert(known, (raw, Origin::File(path.to_owned())));
        }
        Ok(())
    }

    /// Reads `EMMAUS_*` variables through `lookup` (the environment, or a map in tests).
    pub fn env(&mut self, lookup: impl Fn(&str) -> Option<String>) {
        for (key, _) in SETTINGS {
            if let Some(value) = lookup(&env_name(key)).filter(|v| !v.is_empty()) {
                self.values.insert(key, (value, Origin::Env));
            }
        }
    }

    pub fn flag(&mut self, key: &'static str, value: Option<String>) {
        if let Some(value) = value {
            self.values.insert(key, (value, Origin::Flag));
        }
    }

    fn parse<T: std::str::FromStr>(&self, key: &str, default: T) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        match self.values.get(key) {
            None => Ok(default),
            Some((raw, origin)) => {
                raw.trim().parse().map_err(|e| format!("invalid {}: {e} (value: {raw:?})", describe(key, origin)))
            }
        }
    }

    fn text(&self, key: &str) -> Option<String> {
        self.values.get(key).map(|(raw, _)| raw.clone())
    }

    /// Turns the layers into typed settings, naming the offending setting on any error.
    pub fn resolve(&self) -> Result<ServeConfig, String> {
        let log = self.text("log").unwrap_or_else(|| "info".into());
        if let Err(e) = emmaus_http::telemetry::parse_filter(&log) {
            let origin = &self.values["log"].1;
            return Err(format!("invalid {}: {e}", describe("log", origin)));
        }
        let max_body_bytes: usize = self.parse("max_body_bytes", 1024 * 1024)?;
        let max_blob_bytes: u64 = self.parse("max_blob_bytes", 25 * 1024 * 1024)?;
        for (key, value) in [("max_body_bytes", max_body_bytes as u64), ("max_blob_bytes", max_blob_bytes)] {
            if value == 0 {
                return Err(format!("invalid {}: must be greater than 0", describe(key, &self.values[key].1)));
            }
        }
        let public_url = self.text("public_url").unwrap_or_default();
        if !(public_url.is_empty() || public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!(
                "invalid {}: must start with http:// or https://",
                describe("public_url", &self.values["public_url"].1)
            ));
        }
        let mailer = self.text("mailer").unwrap_or_else(|| "outbox".into());
        if !["outbox", "smtp", "postmark"].contains(&mailer.as_str()) {
            return Err(format!(
                "invalid {}: expected outbox, smtp or postmark, not `{mailer}`",
                describe("mailer", &self.values["mailer"].1)
            ));
        }
        let listen = self.parse("listen", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        let outbox_on_public_address: bool = self.parse("outbox_on_public_address", false)?;
        if mailer == "outbox" && !listen.ip().is_loopback() && !outbox_on_public_address {
            let from = self.values.get("listen").map_or_else(|| "listen".to_owned(), |(_, o)| describe("listen", o));
            return Err(format!(
                "refusing to listen on {listen} ({from}) while mail is held in the dev outbox, whose reset links \
                 anyone on the network could then ask for; set mailer to smtp or postmark, or \
                 outbox_on_public_address = true"
            ));
        }
        let trusted_proxies = match self.values.get("trusted_proxies") {
            None => crate::proxies::TrustedProxies::default(),
            Some((raw, origin)) => crate::proxies::TrustedProxies::parse(raw)
                .map_err(|e| format!("invalid {}: {e}", describe("trusted_proxies", origin)))?,
        };
        Ok(ServeConfig {
            settings: self.values.iter().map(|(key, (value, _))| (env_name(key), value.clone())).collect(),
            listen,
            trusted_proxies,
            data_dir: PathBuf::from(self.text("data_dir").unwrap_or_else(|| "data".into())),
            site_dir: self.text("site_dir").map(PathBuf::from),
            public_url,
            log,
            log_format: self.parse("log_format", LogFormat::Text)?,
            max_body_bytes,
            max_blob_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emmaus.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn defaults_are_local_and_safe() {
        let config = Layers::default().resolve().unwrap();
        assert_eq!(config.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.data_dir, PathBuf::from("data"));
        assert_eq!(config.log_format, LogFormat::Text);
    }

    #[test]
    fn later_layers_win() {
        let (_dir, path) = write_file("listen = \"127.0.0.1:9000\"\ndata_dir = \"/from/file\"\nmax_body_bytes = 10\n");
        let mut layers = Layers::default();
        layers.file(&path).unwrap();
        layers.env(|key| (key == "EMMAUS_DATA_DIR").then(|| "/from/env".to_owned()));
        layers.flag("listen", Some("127.0.0.1:9100".into()));
        let config = layers.resolve().unwrap();
        assert_eq!(config.listen, "127.0.0.1:9100".parse().unwrap());
        assert_eq!(config.data_dir, PathBuf::from("/from/env"));
        assert_eq!(config.max_body_bytes, 10);
    }

    #[test]
    fn errors_name_the_setting_where_it_was_written() {
        let (_dir, path) = write_file("listen = \"nowhere\"\n");
        let mut layers = Layers::default();
        layers.file(&path).unwrap();
        let error = layers.resolve().unwrap_err();
        assert!(error.starts_with(&format!("invalid `listen` in {}", path.display())), "{error}");

        let mut layers = Layers::default();
        layers.env(|key| (key == "EMMAUS_MAX_BLOB_BYTES").then(|| "lots".to_owned()));
        assert!(layers.resolve().unwrap_err().starts_with("invalid EMMAUS_MAX_BLOB_BYTES"));

        let mut layers = Layers::default();
        layers.flag("log_format", Some("xml".into()));
        assert!(layers.resolve().unwrap_err().starts_with("invalid --log-format"));
    }

    #[test]
    fn unknown_file_keys_and_tables_are_refused() {
        let (_dir, path) = write_file("lisen = \"127.0.0.1:1\"\n");
        let error = Layers::default().file(&path).unwrap_err();
        assert!(error.starts_with("unknown setting `lisen`"), "{error}");
        let (_dir, path) = write_file("[listen]\nport = 1\n");
        assert!(Layers::default().file(&path).unwrap_err().contains("must be a string or a number"));
        let (_dir, path) = write_file("listen = ");
        assert!(Layers::default().file(&path).unwrap_err().contains("is not valid TOML"));
    }

    #[test]
    fn the_outbox_stays_on_loopback_unless_told_otherwise() {
        let mut layers = Layers::default();
        layers.flag("listen", Some("0.0.0.0:8080".into()));
        let error = layers.resolve().unwrap_err();
        assert!(error.starts_with("refusing to listen on 0.0.0.0:8080 (--listen)"), "{error}");
        layers.flag("outbox_on_public_address", Some("true".into()));
        assert!(layers.resolve().is_ok());
        let mut layers = Layers::default();
        layers.flag("listen", Some("0.0.0.0:8080".into()));
        layers.flag("mailer", Some("smtp".into()));
        assert!(layers.resolve().is_ok(), "a real mailer may listen anywhere");
        let mut layers = Layers::default();
        layers.flag("listen", Some("[::1]:8080".into()));
        assert!(layers.resolve().is_ok());
    }

    #[test]
    fn trusted_proxies_are_parsed_where_they_are_set() {
        let mut layers = Layers::default();
        layers.env(|key| (key == "EMMAUS_TRUSTED_PROXIES").then(|| "127.0.0.1, 10.0.0.0/8".to_owned()));
        assert_ne!(layers.resolve().unwrap().trusted_proxies, crate::proxies::TrustedProxies::default());
        let mut layers = Layers::default();
        layers.env(|key| (key == "EMMAUS_TRUSTED_PROXIES").then(|| "10.0.0.0/40".to_owned()));
        let error = layers.resolve().unwrap_err();
        assert!(error.starts_with("invalid EMMAUS_TRUSTED_PROXIES: `10.0.0.0/40`"), "{error}");
    }

    #[test]
    fn zero_limits_and_bad_urls_are_refused() {
        let mut layers = Layers::default();
        layers.flag("max_body_bytes", Some("0".into()));
        assert!(layers.resolve().unwrap_err().contains("greater than 0"));
        let mut layers = Layers::default();
        layers.env(|key| (key == "EMMAUS_PUBLIC_URL").then(|| "example.org".to_owned()));
        assert!(layers.resolve().unwrap_err().starts_with("invalid EMMAUS_PUBLIC_URL"));
    }
}

//! Reads the one SMTP setting, a URL, into where and how to connect; refuses what would be unsafe.

use percent_encoding::percent_decode_str;

use emmaus_ports::MailError;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: plain connect, then STARTTLS, which the server must offer (default port 587).
    StartTls,
    /// `smtps://`: TLS from the first byte (default port 465).
    ImplicitTls,
    /// `smtp+insecure://`: no TLS at all, accepted only for loopback dev servers (default port 25).
    Plain,
}

impl Security {
    pub fn scheme(self) -> &'static str {
        match self {
            Self::StartTls => "smtp",
            Self::ImplicitTls => "smtps",
            Self::Plain => "smtp+insecure",
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub security: Security,
    pub host: String,
    pub port: u16,
    /// User name and password, percent-decoded.
    pub credentials: Option<(String, String)>,
}

// By hand, so the password never reaches a log.
impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("security", &self.security)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish()
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        write!(f, "{}://{host}:{}", self.security.scheme(), self.port)
    }
}

fn invalid(what: impl Into<String>) -> MailError {
    MailError::Invalid(what.into())
}

impl Endpoint {
    /// Parses `smtp://user:pass@host:port`, `smtps://…` or `smtp+insecure://host:port`. Errors name
    /// the part that is wrong and never repeat the URL, which may carry a password.
    pub fn parse(url: &str) -> Result<Self, MailError> {
        let parsed = url::Url::parse(url).map_err(|e| invalid(format!("the SMTP URL is not a valid URL: {e}")))?;
        let security = match parsed.scheme() {
            "smtp" => Security::StartTls,
            "smtps" => Security::ImplicitTls,
            "smtp+insecure" => Security::Plain,
            other => {
                return Err(invalid(format!(
                    "the SMTP URL's scheme must be smtp (STARTTLS), smtps (implicit TLS) or smtp+insecure \
                     (plain, loopback only), not `{other}`"
                )));
            }
        };
        // Non-special schemes keep hosts opaque: an IPv6 literal still arrives in brackets.
        let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
        if host.is_empty() {
            return Err(invalid("the SMTP URL names no host"));
        }
        if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid(
                "the SMTP URL takes no path, query or fragment: only scheme, credentials, host and port",
            ));
        }
        if security == Security::Plain && !is_loopback(&host) {
            return Err(invalid(format!(
                "smtp+insecure sends mail and passwords in plain text and is only for dev servers on this \
                 machine; `{host}` is not a loopback address (use smtp:// or smtps://)"
            )));
        }
        let port = parsed.port().unwrap_or(match security {
            Security::StartTls => 587,
            Security::ImplicitTls => 465,
            Security::Plain => 25,
        });
        let decode = |part: &str, name: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(std::borrow::Cow::into_owned)
                .map_err(|_| invalid(format!("the SMTP URL's {name} is not UTF-8 once percent-decoded")))
        };
        let user = decode(parsed.username(), "user name")?;
        let credentials = match parsed.password() {
            Some(_) if user.is_empty() => return Err(invalid("the SMTP URL has a password but no user name")),
            Some(password) => Some((user, decode(password, "password")?)),
            None if user.is_empty() => None,
            None => return Err(invalid("the SMTP URL has a user name but no password")),
        };
        Ok(Self { security, host, port, credentials })
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(url: &str) -> String {
        match Endpoint::parse(url) {
            Err(MailError::Invalid(message)) => message,
            other => panic!("{url}: expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn schemes_choose_the_protection_and_the_default_port() {
        let starttls = Endpoint::parse("smtp://mail.example.com").unwrap();
        assert_eq!((starttls.security, starttls.port, starttls.credentials), (Security::StartTls, 587, None));
        let implicit = Endpoint::parse("smtps://mail.example.com").unwrap();
        assert_eq!((implicit.security, implicit.port), (Security::ImplicitTls, 465));
        let plain = Endpoint::parse("smtp+insecure://127.0.0.1:2525").unwrap();
        assert_eq!((plain.security, plain.host.as_str(), plain.port), (Security::Plain, "127.0.0.1", 2525));
        assert_eq!(plain.to_string(), "smtp+insecure://127.0.0.1:2525");
        for loopback in ["smtp+insecure://localhost", "smtp+insecure://[::1]:1025", "smtp+insecure://127.1.2.3"] {
            assert_eq!(Endpoint::parse(loopback).unwrap().security, Security::Plain, "{loopback}");
        }
        assert_eq!(Endpoint::parse("smtp+insecure://[::1]:1025").unwrap().to_string(), "smtp+insecure://[::1]:1025");
    }

    #[test]
    fn credentials_are_percent_decoded() {
        let endpoint = Endpoint::parse("smtps://apikey%40example.com:p%40ss%3Aw%2Frd@smtp.example.com:2465").unwrap();
        assert_eq!(endpoint.credentials, Some(("apikey@example.com".to_owned(), "p@ss:w/rd".to_owned())));
        assert_eq!(endpoint.port, 2465);
    }

    #[test]
    fn plain_text_is_refused_beyond_loopback() {
        for url in
            ["smtp+insecure://mail.example.com:25", "smtp+insecure://10.0.0.5", "smtp+insecure://localhost.evil.test"]
        {
            assert!(refusal(url).contains("not a loopback address"), "{url}");
        }
    }

    #[test]
    fn errors_name_the_wrong_part_and_never_the_password() {
        assert!(refusal("http://mail.example.com").contains("not `http`"));
        assert!(refusal("not a url").contains("not a valid URL"));
        assert!(refusal("smtp://user:hunter2@mail.example.com/inbox").contains("no path"));
        assert!(refusal("smtp://user:hunter2@mail.example.com?tls=none").contains("no path, query"));
        assert!(refusal("smtp://:hunter2@mail.example.com").contains("no user name"));
        assert!(refusal("smtp://user@mail.example.com").contains("no password"));
        for url in ["smtp://user:hunter2@mail.example.com/x", "smtp+insecure://user:hunter2@mail.example.com"] {
            assert!(!refusal(url).contains("hunter2"), "{url}");
        }
        let endpoint = Endpoint::parse("smtp://user:hunter2@mail.example.com").unwrap();
        assert!(!format!("{endpoint:?} {endpoint}").contains("hunter2"));
    }
}

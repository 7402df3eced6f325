//! A person's locale and time zone: how dates, times and numbers are shown to them, and which
//! local time their plans keep across daylight-saving changes.

use crate::DomainError;

/// A BCP 47 language tag as browsers and `Intl` take it (`en`, `en-GB`, `de-CH`, `zh-Hant-TW`),
/// kept in its canonical case. Checked for shape, not against a registry: an unknown but
/// well-formed tag falls back to the nearest language the app speaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Locale(String);
crate::validation::checked_text!(Locale, DomainError);

/// Longest tag taken; real ones are far shorter.
const MAX_LOCALE_LEN: usize = 35;

impl Locale {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::invalid("locale", "must be a language tag such as en, en-GB or de-CH");
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > MAX_LOCALE_LEN {
            return Err(invalid());
        }
        let mut parts = raw.split(['-', '_']);
        let language =
            parts.next().filter(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()));
        let mut tag = language.ok_or_else(invalid)?.to_ascii_lowercase();
        let mut expecting_script = true;
        let mut expecting_region = true;
        for part in parts {
            let alphabetic = part.bytes().all(|b| b.is_ascii_alphabetic());
            let digits = part.bytes().all(|b| b.is_ascii_digit());
            tag.push('-');
            if expecting_script && part.len() == 4 && alphabetic {
                // Title case, as in `Hant`.
                tag.push_str(&part[..1].to_ascii_uppercase());
                tag.push_str(&part[1..].to_ascii_lowercase());
                expecting_script = false;
            } else if expecting_region && ((part.len() == 2 && alphabetic) || (part.len() == 3 && digits)) {
                tag.push_str(&part.to_ascii_uppercase());
                expecting_script = false;
                expecting_region = false;
            } else if (5..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                // A variant (`1901`, `valencia`); extensions and private use are not taken.
                tag.push_str(&part.to_ascii_lowercase());
                expecting_script = false;
                expecting_region = false;
            } else {
                return Err(invalid());
            }
        }
        Ok(Self(tag))
    }
}

/// A time zone by its IANA name (`Europe/Berlin`, `America/New_York`, `UTC`), known to the tz
/// database built into this binary. The name is kept as the database spells it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);
crate::validation::checked_text!(TimeZoneName, DomainError);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        let invalid =
            || DomainError::invalid("time_zone", "must be a time zone name such as Europe/Berlin or America/New_York");
        if raw.is_empty() || raw.len() > 64 {
            return Err(invalid());
        }
        let zone = jiff::tz::db().get(raw).map_err(|_| invalid())?;
        // The database answers case-insensitively; keep its own spelling.
        let name = zone.iana_name().unwrap_or(raw).to_owned();
        Ok(Self(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_are_taken_in_canonical_case_and_malformed_ones_refused() {
        for (raw, kept) in [
            ("en", "en"),
            ("en-gb", "en-GB"),
            ("de_CH", "de-CH"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
            ("ca-ES-valencia", "ca-ES-valencia"),
        ] {
            assert_eq!(Locale::parse(raw).unwrap().as_str(), kept, "{raw}");
        }
        for raw in ["", "e", "english", "en-", "en-GB-GB", "en GB", "12", "en-x-private", &"a".repeat(40)] {
            assert!(Locale::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn time_zones_are_known_iana_names_in_the_databases_spelling() {
        for (raw, kept) in [
            ("Europe/Berlin", "Europe/Berlin"),
            ("america/new_york", "America/New_York"),
            ("UTC", "UTC"),
            ("Asia/Kolkata", "Asia/Kolkata"),
        ] {
            assert_eq!(TimeZoneName::parse(raw).unwrap().as_str(), kept, "{raw}");
        }
        for raw in ["", "Mars/Olympus", "Europe", "../etc/passwd", "+02:00"] {
            assert!(TimeZoneName::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn both_refuse_bad_values_when_read_from_json_too() {
        assert!(serde_json::from_str::<Locale>(r#""not a tag""#).is_err());
        assert!(serde_json::from_str::<TimeZoneName>(r#""Nowhere/City""#).is_err());
        assert_eq!(serde_json::to_string(&TimeZoneName::parse("europe/paris").unwrap()).unwrap(), r#""Europe/Paris""#);
    }
}

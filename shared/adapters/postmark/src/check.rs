//! What the adapter refuses before calling Postmark: anything in `To` but one bare address (Postmark
//! reads commas as more recipients and accepts display names), and line breaks in a subject.

use emmaus_ports::MailError;

/// A bare `local@domain` address: dot-atoms (RFC 5322) with UTF-8 allowed, no quoted local parts,
/// no IP literals, a domain of at least two labels. Stricter than the RFC, never looser.
pub fn recipient(to: &str) -> Result<(), MailError> {
    let refuse =
        |why: &str| Err(MailError::Invalid(format!("the recipient is not a single valid email address: {why}")));
    let Some((local, domain)) = to.rsplit_once('@') else { return refuse("it has no @") };
    if to.len() > 254 {
        return refuse("it is longer than 254 octets");
    }
    let atext =
        |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (!c.is_ascii() && !c.is_control());
    if local.is_empty() || local.len() > 64 || !dot_atom(local, atext) {
        return refuse("the part before the @ is empty, too long, or holds a character an address may not");
    }
    let label_char = |c: char| c.is_alphanumeric() || c == '-' || (!c.is_ascii() && !c.is_control());
    let labels_ok = domain.split('.').all(|l| l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'));
    if !dot_atom(domain, label_char) || !labels_ok || !domain.contains('.') {
        return refuse("the domain is not a host name like example.org");
    }
    Ok(())
}

/// Non-empty atoms of `allowed` characters joined by single dots.
fn dot_atom(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    text.split('.').all(|atom| !atom.is_empty() && atom.chars().all(&allowed))
}

/// A subject is one line: a line break in one is a bug, or an attempt to add headers, upstream.
pub fn subject(subject: &str) -> Result<(), MailError> {
    if subject.chars().any(|c| c.is_control() && c != '\t') {
        return Err(MailError::Invalid("the subject contains a line break or another control character".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_addresses_pass() {
        for ok in ["ana@example.org", "first.last+tag@mail.example.co.uk", "o'neil@example.org", "zoë@bücher.example"]
        {
            assert!(recipient(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lists_names_and_malformed_addresses_are_refused() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@localhost",
            "ana@example..org",
            ".ana@example.org",
            "ana@-example.org",
            "a@b.org, c@d.org",
            "a@b.org;c@d.org",
            "Ana <ana@example.org>",
            "\"ana\"@example.org",
            "ana@example.org\r\nBcc: x@evil.test",
            "ana @example.org",
        ] {
            assert!(matches!(recipient(bad), Err(MailError::Invalid(_))), "{bad:?}");
        }
    }

    #[test]
    fn subjects_are_one_line() {
        assert!(subject("Römer 12\t🙏").is_ok());
        for bad in ["Hi\r\nBcc: x@evil.test", "Hi\nthere", "Hi\rthere", "Hi\u{0}"] {
            assert!(subject(bad).is_err(), "{bad:?}");
        }
    }
}

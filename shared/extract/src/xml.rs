//! Small helpers over quick-xml for the parts of Office files.
//!
//! Office parts use fixed prefixes in practice (`w:`, `a:`, `p:`), but the standard allows any, so
//! elements are matched by local name and only where a name is ambiguous by having a prefix.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart};

/// A reader that tolerates mismatched end tags: a slightly broken part still yields its text.
pub(crate) fn reader(source: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(source);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    reader
}

/// The element's name without its prefix.
pub(crate) fn local<'a>(element: &'a BytesStart<'_>) -> &'a str {
    let name = element.name().0;
    name.split_once(':').map_or(name, |(_, local)| local)
}

/// The value of the attribute with this local name; `prefixed` tells `r:id` (true) from `id`.
pub(crate) fn attribute(element: &BytesStart<'_>, name: &str, prefixed: bool) -> Option<String> {
    element.attributes().with_checks(false).filter_map(Result::ok).find_map(|attribute| {
        let key = attribute.key;
        if key.local_name().as_ref() != name || key.prefix().is_some() != prefixed {
            return None;
        }
        let value =
            quick_xml::escape::unescape(&attribute.value).map_or_else(|_| attribute.value.to_string(), Cow::into_owned);
        Some(value)
    })
}

/// The text a character or predefined entity reference (`&#233;`, `&amp;`) stands for; others
/// (which Office never writes) are dropped.
pub(crate) fn reference(reference: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Some(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(reference).map(str::to_owned)
}

//! Reading the two XML answers the store needs: a `ListObjectsV2` page and an error's `<Code>`.
//!
//! S3's responses are flat and predictable, so a small scanner suffices; what it must get right is
//! entity decoding (keys are XML-escaped) and ignoring elements it does not know.

/// The keys of one listing page and whether more follow.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ListPage {
    pub keys: Vec<String>,
    pub truncated: bool,
}

/// Parses a `ListBucketResult`; `None` when the document is not one.
pub fn list_page(xml: &str) -> Option<ListPage> {
    if !xml.contains("<ListBucketResult") {
        return None;
    }
    let mut keys = Vec::new();
    let mut rest = xml;
    while let Some((contents, after)) = element(rest, "Contents") {
        keys.push(unescape(element(contents, "Key")?.0)?);
        rest = after;
    }
    let truncated = element(xml, "IsTruncated").is_some_and(|(value, _)| value.trim() == "true");
    Some(ListPage { keys, truncated })
}

/// The `<Code>` of an S3 error document, such as `NoSuchKey`.
pub fn error_code(xml: &str) -> Option<String> {
    element(xml, "Code").and_then(|(code, _)| unescape(code))
}

/// The text of the first `<name>...</name>` (also `<name attr="...">`) and what follows it.
/// `<name/>` elements hold nothing and are skipped by the search for `<name>` or `<name `.
fn element<'a>(xml: &'a str, name: &str) -> Option<(&'a str, &'a str)> {
    let mut from = 0;
    loop {
        let start = from + xml[from..].find(&format!("<{name}"))?;
        let after_name = start + 1 + name.len();
        let tag_end = after_name + xml[after_name..].find('>')?;
        let opens = matches!(xml.as_bytes().get(after_name), Some(b'>' | b' ' | b'\t' | b'\r' | b'\n'));
        if !opens || xml[..tag_end].ends_with('/') {
            from = tag_end;
            continue;
        }
        let close = format!("</{name}>");
        let end = tag_end + 1 + xml[tag_end + 1..].find(&close)?;
        return Some((&xml[tag_end + 1..end], &xml[end + close.len()..]));
    }
}

/// Decodes the five predefined entities and numeric references; `None` for anything else.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = amp + rest[amp..].find(';')?;
        let entity = &rest[amp + 1..semi];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => entity.strip_prefix('#')?.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(decoded);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>org/</Prefix>
<KeyCount>3</KeyCount><MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>
<Contents><Key>org/a&amp;b&lt;c&gt;</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>
<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>org/&#x20AC;&#39;x&apos;</Key><Size>3</Size></Contents>
<Contents>
  <Key>org/plain</Key><Size>1</Size></Contents>
<NextContinuationToken>1ueGcxLPRx1Tr</NextContinuationToken></ListBucketResult>"#;

    #[test]
    fn a_page_yields_its_keys_decoded_and_its_truncation() {
        let page = list_page(PAGE).unwrap();
        assert_eq!(page.keys, ["org/a&b<c>", "org/\u{20AC}'x'", "org/plain"]);
        assert!(page.truncated);
    }

    #[test]
    fn an_empty_page_and_other_documents() {
        let empty = "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>\
                     <IsTruncated>false</IsTruncated><Prefix/></ListBucketResult>";
        assert_eq!(list_page(empty), Some(ListPage::default()));
        assert_eq!(list_page("<Error><Code>NoSuchBucket</Code></Error>"), None);
    }

    #[test]
    fn error_codes_are_read() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>gone</Message></Error>";
        assert_eq!(error_code(xml).as_deref(), Some("NoSuchKey"));
        assert_eq!(error_code("not xml"), None);
    }

    #[test]
    fn entities_decode_or_refuse() {
        assert_eq!(unescape("a&amp;b&#65;&#x42;").as_deref(), Some("a&bAB"));
        assert_eq!(unescape("a&bogus;"), None);
        assert_eq!(unescape("a&amp"), None);
    }

    #[test]
    fn similar_element_names_do_not_match() {
        assert_eq!(element("<KeyCount>1</KeyCount><Key>k</Key>", "Key").map(|(text, _)| text), Some("k"));
        assert_eq!(element("<Key/><Key>k</Key>", "Key").map(|(text, _)| text), Some("k"));
    }
}

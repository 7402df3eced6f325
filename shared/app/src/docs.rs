//! Typed JSON documents over the key-value port: read with their version, write conditionally.

use emmaus_domain::DomainError;
use emmaus_ports::{Key, KvStore, Query, Write};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::from_kv;

/// A document with the version it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc<T> {
    pub key: Key,
    pub value: T,
    pub version: u64,
}

/// The document stored under `key`. The bytes are checked as UTF-8 once, as a whole, and parsed
/// as text: parsed as bytes, `serde_json` checks every string it meets on its own, which cost more
/// than the whole check for the small documents read on every request.
fn decode<T: DeserializeOwned>(key: &Key, bytes: &[u8]) -> Result<T, DomainError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        DomainError::unexpected(std::io::Error::other(format!("the stored document {key} does not parse: {e}")))
    };
    let text = std::str::from_utf8(bytes).map_err(|e| unreadable(&e))?;
    serde_json::from_str(text).map_err(|e| unreadable(&e))
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("documents serialise")
}

/// A document from an item read by other means (`get_many`, a query).
pub fn from_item<T: DeserializeOwned>(item: emmaus_ports::Item) -> Result<Doc<T>, DomainError> {
    Ok(Doc { value: decode(&item.key, &item.value)?, version: item.version, key: item.key })
}

pub async fn get<T: DeserializeOwned>(kv: &dyn KvStore, key: Key) -> Result<Option<Doc<T>>, DomainError> {
    match kv.get(&key).await.map_err(from_kv)? {
        None => Ok(None),
        Some(item) => Ok(Some(Doc { value: decode(&item.key, &item.value)?, version: item.version, key })),
    }
}

/// Creates the document; `Conflict` (with `what` in the message) when it exists.
pub async fn create<T: Serialize>(
    kv: &dyn KvStore,
    key: Key,
    value: &T,
    expires_at: Option<i64>,
) -> Result<(), DomainError> {
    kv.put_if_absent(key, encode(value), expires_at).await.map(|_| ()).map_err(from_kv)
}

/// Replaces the document read at `doc.version` with `doc.value`.
pub async fn replace<T: Serialize>(
    kv: &dyn KvStore,
    doc: &Doc<T>,
    expires_at: Option<i64>,
) -> Result<u64, DomainError> {
    kv.put_if_version(doc.key.clone(), encode(&doc.value), doc.version, expires_at).await.map_err(from_kv)
}

/// A conditional put of `doc` as part of a batch.
pub fn replace_write<T: Serialize>(doc: &Doc<T>, expires_at: Option<i64>) -> Write {
    Write::PutIfVersion {
        key: doc.key.clone(),
        value: encode(&doc.value),
        expected: doc.version,
        expires_at,
        index: emmaus_ports::IndexKeys::NONE,
    }
}

pub fn create_write<T: Serialize>(key: Key, value: &T, expires_at: Option<i64>) -> Write {
    Write::PutIfAbsent { key, value: encode(value), expires_at, index: emmaus_ports::IndexKeys::NONE }
}

/// Every document of a partition under `prefix`, following cursors. More than `max` documents is
/// an error, never a silent cut: a caller that could meet more pages instead.
pub async fn all<T: DeserializeOwned>(
    kv: &dyn KvStore,
    partition: &str,
    prefix: &str,
    max: usize,
) -> Result<Vec<Doc<T>>, DomainError> {
    let mut out = Vec::new();
    each(kv, Query::new(partition, prefix, LIST_PAGE), |item| collect(&mut out, item, max)).await?;
    Ok(out)
}

/// The items at `keys`, in their order, `None` where there is none: one batch read per
/// [`emmaus_ports::kv::MAX_BATCH_GET`] keys, for lists longer than one batch read takes.
pub async fn get_items(kv: &dyn KvStore, keys: &[Key]) -> Result<Vec<Option<emmaus_ports::Item>>, DomainError> {
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(emmaus_ports::kv::MAX_BATCH_GET) {
        out.extend(kv.get_many(chunk).await.map_err(from_kv)?);
    }
    Ok(out)
}

/// How many items [`all`] asks for per page.
pub const LIST_PAGE: u32 = 200;

/// Decodes a listed item into `out`, [`all`]'s way: an error, logged, when `out` already holds
/// `max`, for callers that page through a list themselves.
pub fn collect<T: DeserializeOwned>(
    out: &mut Vec<Doc<T>>,
    item: emmaus_ports::Item,
    max: usize,
) -> Result<(), DomainError> {
    if out.len() == max {
        let (partition, beyond) = (item.key.partition.as_str(), item.key.sort.as_str());
        tracing::error!(partition, beyond, max, "a list is longer than this version reads at once");
        return Err(DomainError::Unavailable(format!(
            "a list of more than {max} records, longer than this version can show at once"
        )));
    }
    out.push(from_item(item)?);
    Ok(())
}

/// Hands every item `query` lists to `visit`, page by page, following cursors; the first error
/// `visit` returns stops the reading.
pub async fn each(
    kv: &dyn KvStore,
    mut query: Query,
    mut visit: impl FnMut(emmaus_ports::Item) -> Result<(), DomainError>,
) -> Result<(), DomainError> {
    loop {
        let page = kv.query(&query).await.map_err(from_kv)?;
        for item in page.items {
            visit(item)?;
        }
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Note {
        title: String,
        #[serde(default)]
        pinned: bool,
    }

    fn key() -> Key {
        Key::new("notes", "one")
    }

    #[test]
    fn documents_parse_as_text_with_escapes_and_unknown_fields() {
        let stored = br#"{"title":"Caf\u00e9 \"Emmaus\" \u00e0 midi","extra":{"a":[1,"x"]},"pinned":true}"#;
        let note: Note = decode(&key(), stored).unwrap();
        assert_eq!(note, Note { title: "Café \"Emmaus\" à midi".into(), pinned: true });
        let note: Note = decode(&key(), "{\"title\":\"Ça va\"}".as_bytes()).unwrap();
        assert_eq!(note, Note { title: "Ça va".into(), pinned: false });
    }

    /// Lists longer than one batch read come back whole, in the order asked, with `None` where
    /// nothing is stored.
    #[tokio::test]
    async fn items_are_read_in_batches_in_the_order_asked() {
        let kv = emmaus_memory::MemoryKv::new(std::sync::Arc::new(emmaus_memory::ManualClock::default()));
        let keys: Vec<Key> = (0..250).map(|i| Key::new("list", format!("k{i:03}"))).collect();
        for key in keys.iter().step_by(3) {
            kv.put_if_absent(key.clone(), key.sort.clone().into_bytes(), None).await.unwrap();
        }
        let asked: Vec<Key> = keys.iter().rev().cloned().collect();
        let found = get_items(&kv, &asked).await.unwrap();
        assert_eq!(found.len(), asked.len());
        for (key, item) in asked.iter().zip(&found) {
            let stored = keys.iter().position(|k| k == key).unwrap() % 3 == 0;
            match item {
                Some(item) => assert!(stored && item.key == *key && item.value == key.sort.as_bytes(), "{key}"),
                None => assert!(!stored, "{key} is stored but came back as absent"),
            }
        }
        assert!(get_items(&kv, &[]).await.unwrap().is_empty());
    }

    #[test]
    fn bytes_that_are_not_utf8_or_not_the_document_are_refused_with_the_key() {
        for stored in [&b"{\"title\":\"caf\xe9\"}"[..], b"{\"title\":1}", b"{\"title\":\"a\"", b"\xff", b""] {
            let error = decode::<Note>(&key(), stored).unwrap_err();
            let reason = std::error::Error::source(&error).map(ToString::to_string).unwrap_or_default();
            assert!(reason.starts_with("the stored document (notes, one) does not parse"), "{stored:?}: {reason}");
        }
    }
}

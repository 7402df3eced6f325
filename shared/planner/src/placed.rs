//! Records kept under a sort key that moves with them (a task under the instant its last
//! occurrence ends, a meeting under the instant it starts), found by id through a pointer that
//! names where the record is now. Reading one is two gets; a change that moves the key moves the
//! record and its pointer in one batch.

use emmaus_app::Platform;
use emmaus_app::docs::{self, Doc};
use emmaus_domain::DomainError;
use emmaus_ports::{Key, Write};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The record whose pointer is at `pointer_key`, at the key `record_key` makes from the pointer;
/// `missing` when either is gone.
pub(crate) async fn load<T: DeserializeOwned, P: DeserializeOwned>(
    p: &Platform,
    pointer_key: Key,
    record_key: impl FnOnce(&P) -> Key,
    missing: fn() -> DomainError,
) -> Result<(Doc<T>, Doc<P>), DomainError> {
    let pointer: Doc<P> = docs::get(p.kv.as_ref(), pointer_key).await?.ok_or_else(missing)?;
    let record = docs::get(p.kv.as_ref(), record_key(&pointer.value)).await?.ok_or_else(missing)?;
    Ok((record, pointer))
}

/// The writes that replace `old` (with its pointer) by `new` at `new_key`: in place, with the
/// pointer checked, when the key stays; else the old record deleted, the new one created and the
/// pointer moved to `new_pointer`, all at the versions read.
pub(crate) fn replacement<T: Serialize, P: Serialize>(
    old: &Doc<T>,
    pointer: &Doc<P>,
    new_key: Key,
    new: &T,
    new_pointer: &P,
) -> Vec<Write> {
    if new_key == old.key {
        return vec![
            docs::replace_write(&Doc { key: old.key.clone(), value: new, version: old.version }, None),
            Write::Check { key: pointer.key.clone(), expected: pointer.version },
        ];
    }
    vec![
        Write::DeleteIfVersion { key: old.key.clone(), expected: old.version },
        docs::create_write(new_key, new, None),
        docs::replace_write(&Doc { key: pointer.key.clone(), value: new_pointer, version: pointer.version }, None),
    ]
}

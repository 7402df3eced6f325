//! Spin's own interfaces, bound from our copy of their WIT (`wit/`), and `fermyon:spin/variables`.

use wasmtime::component::{HasSelf, Linker};

use crate::state::State;

wasmtime::component::bindgen!({
    path: "wit",
    world: "fermyon:spin/emmaus-host",
    // Trappable so that a host failure (a full resource table) traps instead of being invented
    // as a Spin error the guest would have to handle.
    imports: { default: trappable },
    with: { "fermyon:spin/sqlite.connection": crate::sqlite::Connection },
});

pub(crate) use fermyon::spin::sqlite;
use fermyon::spin::variables;

/// Adds `fermyon:spin/sqlite@2.0.0` and `fermyon:spin/variables@2.0.0`.
pub(crate) fn add_to_linker(linker: &mut Linker<State>) -> wasmtime::Result<()> {
    EmmausHost::add_to_linker::<State, HasSelf<State>>(linker, |state| state)
}

impl variables::Host for State {
    fn get(&mut self, name: String) -> wasmtime::Result<Result<String, variables::Error>> {
        if let Err(reason) = check_name(&name) {
            return Ok(Err(variables::Error::InvalidName(format!("invalid variable name {name:?}: {reason}"))));
        }
        Ok(self
            .options
            .variables
            .get(&name)
            .cloned()
            .ok_or_else(|| variables::Error::Undefined(format!("no variable {name:?}"))))
    }
}

/// Spin's rule for variable names, so a name that works here also works under `spin up`.
fn check_name(name: &str) -> Result<(), &'static str> {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (None, _) | (_, None) => Err("must not be empty"),
        _ if !bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_') => {
            Err("may contain only lower-case letters, numbers, and underscores")
        }
        (Some(first), _) if !first.is_ascii_lowercase() => Err("must start with a lower-case letter"),
        (_, Some(last)) if !last.is_ascii_alphanumeric() => Err("must end with a lower-case letter or digit"),
        _ if name.contains("__") => Err("must not contain consecutive underscores"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn variable_names_follow_spin() {
        for good in ["s3_bucket", "blob_store", "a", "a1"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["", "S3", "1a", "_a", "a_", "a__b", "a-b", "a.b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}

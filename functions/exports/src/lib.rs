//! The `exports` function: a session written out at print quality,
//! `GET /api/exports/{org}/sessions/{session}/{format}` with `pdf` (laid out by typst) or `docx`.
//! It is a function of its own so that the layout engine stays out of the `sessions` component
//! (ADR 0029). The session is read as the caller reads it (`emmaus-sessions`: 404 for one they may
//! not read, hub resources only as the hub shows them to the caller); the fonts come from object
//! storage (`fonts/`) and are kept while the instance lives, read again when the installed set
//! changes.

mod print;

emmaus_http::function_entry_points! {
    [print::export],
}

#[cfg(target_arch = "wasm32")]
emmaus_host_spin::spin_component!(crate::router);

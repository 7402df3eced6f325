//! The Spin host: turns a wasi:http request into an `http::Request`, runs the router, and
//! writes the response back, keeping every header (repeated ones such as `set-cookie` included).
//!
//! The Platform comes from Spin variables (see [`platform`]): key-value on Spin's SQLite, blobs on
//! an S3-compatible store over outbound HTTP (or in memory, which health reports by name), and
//! outbound HTTP over wasi:http, mail held in the dev outbox or sent through Postmark. A component
//! missing a required variable answers every request with a problem+json 500 naming it, rather
//! than trapping. Each request carries the caller's address from `spin-client-addr`.

mod client;
#[cfg(target_arch = "wasm32")]
mod component;
mod mail;
mod platform;

pub use client::{CLIENT_ADDR_HEADER, client_address};
pub use mail::mailer;

#[cfg(target_arch = "wasm32")]
pub use component::serve;
#[cfg(target_arch = "wasm32")]
pub use platform::link_signer;
#[cfg(target_arch = "wasm32")]
pub use platform::platform;
pub use platform::{MAX_BLOB_BYTES, PlatformError, link_signing_key, max_blob_bytes, s3_config};

/// The Spin component of a function: its `http_component` export, forwarding every request to
/// `router` (a path such as `crate::router`). The function crate depends on `spin-sdk` for wasm32.
#[macro_export]
macro_rules! spin_component {
    ($router:path) => {
        #[allow(
            unsafe_code,
            clippy::all,
            clippy::pedantic,
            reason = "Spin's export macro emits the component ABI glue, which our lints would judge"
        )]
        mod spin_component {
            /// The Spin component's entry: every request goes through the same router as elsewhere.
            #[::spin_sdk::http_component]
            async fn handle(request: ::spin_sdk::http::IncomingRequest, out: ::spin_sdk::http::ResponseOutparam) {
                $crate::serve($router, ::emmaus_app::VERSION, ::emmaus_app::BUILD, request, out).await;
            }
        }
    };
}

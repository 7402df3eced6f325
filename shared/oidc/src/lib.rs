//! Sign-in with an OpenID Provider: discovery, the authorization code flow with PKCE, and a strict
//! check of the ID token, as a relying party that runs natively and inside Spin components.
//!
//! Everything outside the process goes through the ports: HTTP through [`HttpClient`], randomness
//! (state, nonce, PKCE verifier) through [`Ids::random_bytes`], and the time an ID token is checked
//! at through [`Clock`]. So the same code runs on every host and its tests are deterministic.
//!
//! [`RelyingParty`] is this crate as the `emmaus_ports::openid` port, which hosts give the Platform.
//!
//! A sign-in is two calls with the caller's storage in between: [`Provider::begin`] gives the URL to
//! send the browser to and the secrets to keep (in a short-lived, server-side record keyed by
//! `state`), and [`Provider::complete`] takes the `code` the provider sent back with that `state`.
//!
//! [`HttpClient`]: emmaus_ports::HttpClient
//! [`Ids::random_bytes`]: emmaus_ports::Ids::random_bytes
//! [`Clock`]: emmaus_ports::Clock

mod error;
mod http;
mod identity;
mod provider;

pub use emmaus_ports::openid::{AuthorizationStart, OpenIdError as OidcError, ProviderSettings, VerifiedIdentity};
pub use provider::{ALLOWED_ALGORITHMS, Provider, RelyingParty};

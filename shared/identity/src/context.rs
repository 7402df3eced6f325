//! Who is asking, and from where: what every use case receives besides its input.

use emmaus_domain::identity::RoleSet;

/// Facts about the request, for the audit log and throttling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    /// The client's address as the host saw it (or as a trusted proxy reported it).
    pub client_address: Option<String>,
}

/// A signed-in person with a live session, before any organisation is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub person_id: String,
    pub session_id: String,
    pub meta: RequestMeta,
}

/// A signed-in person acting in one organisation, with the roles they hold there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub person_id: String,
    pub session_id: String,
    pub org_id: String,
    pub roles: RoleSet,
    pub meta: RequestMeta,
}

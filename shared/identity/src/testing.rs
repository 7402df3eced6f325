//! People for other crates' tests: a member written as the directory writes members, without a
//! password (hashing is slow by design; tests sign in by opening sessions).

use emmaus_app::Platform;
use emmaus_domain::Timestamp;
use emmaus_domain::identity::{Email, Membership, Person, Role, RoleSet};

use crate::{Actor, RequestMeta, directory};

/// Writes the person `id` (`<name>@<org>.test`) as a member of `org` with `roles`, and answers
/// them as an actor of that organisation.
pub async fn member(p: &Platform, org: &str, id: &str, name: &str, roles: &[Role]) -> Actor {
    let person = Person {
        id: id.to_owned(),
        email: Email::parse(&format!("{}@{}.test", name.to_lowercase(), org.to_lowercase())).expect("a test address"),
        display_name: name.to_owned(),
        password_hash: None,
        last_org: None,
        created_at: Timestamp::from_unix_seconds(0),
        email_verified: true,
        locale: None,
        time_zone: None,
    };
    let membership = Membership {
        org_id: org.to_owned(),
        person_id: person.id.clone(),
        roles: RoleSet::new(roles.iter().copied()),
        joined_at: Timestamp::from_unix_seconds(0),
    };
    let mut writes = directory::person_writes(&person);
    writes.extend(directory::membership_writes(&membership));
    p.kv.batch(writes).await.expect("the member is written");
    Actor {
        person_id: person.id,
        session_id: "test".into(),
        org_id: org.to_owned(),
        roles: RoleSet::new(roles.iter().copied()),
        meta: RequestMeta::default(),
    }
}

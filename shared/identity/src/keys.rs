//! Where identity documents live in the key-value store. Tenancy is in every organisation key.
//!
//! | document | partition | sort |
//! |---|---|---|
//! | person | `person#<p>` | `profile` |
//! | email → person | `email#<email>` | `person` |
//! | SSO subject → person | `sso#<provider>#<sub>` | `person` |
//! | my organisations | `person#<p>` | `org#<o>` |
//! | session family | `person#<p>` | `session#<s>` |
//! | second factor / a sign-in waiting for it | `person#<p>` | `second-factor` / `challenge#<c>` |
//! | organisation | `org#<o>` | `org` |
//! | slug → organisation | `slug#<slug>` | `org` |
//! | membership | `org#<o>` | `member#<p>` |
//! | group / mentorship / invitation | `org#<o>` | `group#<g>` / `mentorship#<m>` / `invitation#<i>` |
//! | group member | `org#<o>#group#<g>` | `member#<p>` |
//! | groups a person leads / is in | `org#<o>#leads#<p>` / `org#<o>#in#<p>` | `group#<g>` |
//! | mentorships of a mentor / mentee | `org#<o>#mentor#<p>` / `org#<o>#mentee#<p>` | `mentorship#<m>` |
//! | invitation token → invitation | `invite#<sha256>` | `invitation` |
//! | password-reset token | `reset#<sha256>` | `token` |
//! | SSO sign-in in progress | `sso#flow#<sha256(state)>` | `flow` |
//! | throttling windows | `throttle#account#<sha256>` / `throttle#address#<ip>` | `window` |
//! | audit chain head / entries | `org#<o>#audit` | `head` / `entry#<seq, 12 digits>` |

use emmaus_ports::Key;

pub fn person(person: &str) -> Key {
    Key::new(format!("person#{person}"), "profile")
}
pub fn email(email: &str) -> Key {
    Key::new(format!("email#{email}"), "person")
}
pub fn sso(provider: &str, subject: &str) -> Key {
    Key::new(format!("sso#{provider}#{subject}"), "person")
}
pub fn person_org(person: &str, org: &str) -> Key {
    Key::new(format!("person#{person}"), format!("org#{org}"))
}
pub fn session(person: &str, session: &str) -> Key {
    Key::new(format!("person#{person}"), format!("session#{session}"))
}
pub fn org(org: &str) -> Key {
    Key::new(format!("org#{org}"), "org")
}
pub fn slug(slug: &str) -> Key {
    Key::new(format!("slug#{slug}"), "org")
}
pub fn member(org: &str, person: &str) -> Key {
    Key::new(format!("org#{org}"), format!("member#{person}"))
}
pub fn group(org: &str, group: &str) -> Key {
    Key::new(format!("org#{org}"), format!("group#{group}"))
}
pub fn group_members(org: &str, group: &str) -> String {
    format!("org#{org}#group#{group}")
}
pub fn group_member(org: &str, group: &str, person: &str) -> Key {
    Key::new(group_members(org, group), format!("member#{person}"))
}
pub fn leads(org: &str, person: &str) -> String {
    format!("org#{org}#leads#{person}")
}
pub fn led_group(org: &str, person: &str, group: &str) -> Key {
    Key::new(leads(org, person), format!("group#{group}"))
}
pub fn groups_of(org: &str, person: &str) -> String {
    format!("org#{org}#in#{person}")
}
pub fn person_group(org: &str, person: &str, group: &str) -> Key {
    Key::new(groups_of(org, person), format!("group#{group}"))
}
pub fn mentorship(org: &str, mentorship: &str) -> Key {
    Key::new(format!("org#{org}"), format!("mentorship#{mentorship}"))
}
pub fn mentoring_by(org: &str, mentor: &str) -> String {
    format!("org#{org}#mentor#{mentor}")
}
pub fn mentored_as(org: &str, mentee: &str) -> String {
    format!("org#{org}#mentee#{mentee}")
}
pub fn invitation(org: &str, invitation: &str) -> Key {
    Key::new(format!("org#{org}"), format!("invitation#{invitation}"))
}
pub fn invitation_token(hash: &str) -> Key {
    Key::new(format!("invite#{hash}"), "invitation")
}
pub fn reset_token(hash: &str) -> Key {
    Key::new(format!("reset#{hash}"), "token")
}
pub fn audit(org: &str) -> String {
    format!("org#{org}#audit")
}

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
//!
//! Keys are joined with `concat` rather than `format!`: several are made on every signed-in
//! request, and the formatting machinery costs a few times as much for the same string.

use emmaus_ports::Key;

/// The partition of a person's own documents (profile, organisations, sessions, second factor).
pub fn person_partition(person: &str) -> String {
    ["person#", person].concat()
}
pub fn person(person: &str) -> Key {
    Key::new(person_partition(person), "profile")
}
pub fn email(email: &str) -> Key {
    Key::new(["email#", email].concat(), "person")
}
pub fn sso(provider: &str, subject: &str) -> Key {
    Key::new(["sso#", provider, "#", subject].concat(), "person")
}
pub fn person_org(person: &str, org: &str) -> Key {
    Key::new(person_partition(person), ["org#", org].concat())
}
pub fn session(person: &str, session: &str) -> Key {
    Key::new(person_partition(person), ["session#", session].concat())
}
pub fn org(org: &str) -> Key {
    Key::new(["org#", org].concat(), "org")
}
pub fn slug(slug: &str) -> Key {
    Key::new(["slug#", slug].concat(), "org")
}
pub fn member(org: &str, person: &str) -> Key {
    Key::new(["org#", org].concat(), ["member#", person].concat())
}
pub fn group(org: &str, group: &str) -> Key {
    Key::new(["org#", org].concat(), ["group#", group].concat())
}
pub fn group_members(org: &str, group: &str) -> String {
    ["org#", org, "#group#", group].concat()
}
pub fn group_member(org: &str, group: &str, person: &str) -> Key {
    Key::new(group_members(org, group), ["member#", person].concat())
}
pub fn leads(org: &str, person: &str) -> String {
    ["org#", org, "#leads#", person].concat()
}
pub fn led_group(org: &str, person: &str, group: &str) -> Key {
    Key::new(leads(org, person), ["group#", group].concat())
}
pub fn groups_of(org: &str, person: &str) -> String {
    ["org#", org, "#in#", person].concat()
}
pub fn person_group(org: &str, person: &str, group: &str) -> Key {
    Key::new(groups_of(org, person), ["group#", group].concat())
}
pub fn mentorship(org: &str, mentorship: &str) -> Key {
    Key::new(["org#", org].concat(), ["mentorship#", mentorship].concat())
}
pub fn mentoring_by(org: &str, mentor: &str) -> String {
    ["org#", org, "#mentor#", mentor].concat()
}
pub fn mentored_as(org: &str, mentee: &str) -> String {
    ["org#", org, "#mentee#", mentee].concat()
}
pub fn invitation(org: &str, invitation: &str) -> Key {
    Key::new(["org#", org].concat(), ["invitation#", invitation].concat())
}
pub fn invitation_token(hash: &str) -> Key {
    Key::new(["invite#", hash].concat(), "invitation")
}
pub fn reset_token(hash: &str) -> Key {
    Key::new(["reset#", hash].concat(), "token")
}
pub fn audit(org: &str) -> String {
    ["org#", org, "#audit"].concat()
}

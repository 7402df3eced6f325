//! The four roles a member can hold, and sets of them.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// What a member does in an organisation. A member may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the organisation: people, roles, settings, the audit log.
    Admin,
    /// Oversees groups and the people in them.
    Pastor,
    /// Walks with mentees.
    Mentor,
    /// Is mentored.
    Mentee,
}

impl Role {
    pub const ALL: [Self; 4] = [Self::Admin, Self::Pastor, Self::Mentor, Self::Mentee];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Pastor => "pastor",
            Self::Mentor => "mentor",
            Self::Mentee => "mentee",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("`{s}` is not a role; roles are admin, pastor, mentor and mentee"))
    }
}

/// The roles one member holds, ordered and without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct RoleSet(BTreeSet<Role>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        Self(roles.into_iter().collect())
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn insert(&mut self, role: Role) {
        self.0.insert(role);
    }

    pub fn remove(&mut self, role: Role) {
        self.0.remove(&role);
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        Self::new(iter)
    }
}

impl fmt::Display for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|r| r.as_str()).collect();
        f.write_str(&names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_by_name_only() {
        assert_eq!("Pastor".parse::<Role>(), Ok(Role::Pastor));
        assert!("owner".parse::<Role>().unwrap_err().contains("not a role"));
    }

    #[test]
    fn sets_are_ordered_and_unique() {
        let set = RoleSet::new([Role::Mentee, Role::Admin, Role::Mentee]);
        assert_eq!(set.to_string(), "admin, mentee");
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"["admin","mentee"]"#);
    }
}

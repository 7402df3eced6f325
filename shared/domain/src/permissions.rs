//! The permission matrix: which role, in which relation to a resource, may do which action.
//!
//! It is data, [`MATRIX`], read by [`can`]; every use case asks it and no handler decides alone.
//! `docs/permissions.md` is generated from it by [`markdown`], and a test sweeps every route against
//! it. A resource in another organisation has the relation `OtherOrg` alone, and no role holds any
//! action on it: cross-organisation access is zero, and a unit test keeps it so.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::identity::{Role, RoleSet};

/// How the acting person stands to the resource. Several may hold at once (a mentee who is also
/// in my group); an action is allowed when any of them is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The resource is mine (my profile, a mentorship I am part of).
    Own,
    /// The resource belongs to a person I mentor now.
    MyMentee,
    /// The resource belongs to a group I lead, or to a person in it; a mentoring pairing only when
    /// both of its people are in it.
    MyGroup,
    /// The resource is anywhere in my organisation (every in-organisation resource has this too).
    SameOrg,
    /// The resource is in an organisation I am not acting in.
    OtherOrg,
}

impl Relation {
    pub const ALL: [Self; 5] = [Self::Own, Self::MyMentee, Self::MyGroup, Self::SameOrg, Self::OtherOrg];

    pub const fn label(self) -> &'static str {
        match self {
            Self::Own => "own",
            Self::MyMentee => "my mentee's",
            Self::MyGroup => "my group's",
            Self::SameOrg => "same organisation",
            Self::OtherOrg => "other organisation",
        }
    }
}

macro_rules! actions {
    ($($variant:ident => $name:literal, $about:literal;)+) => {
        /// Everything a person can be allowed to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum Action { $($variant,)+ }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            /// The stable name, e.g. `member.read`, used in docs, logs and problems.
            pub const fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)+ }
            }

            /// What the action is, for the generated documentation.
            pub const fn about(self) -> &'static str {
                match self { $(Action::$variant => $about,)+ }
            }
        }
    };
}

actions! {
    OrgRead => "org.read", "See the organisation's name and settings";
    OrgUpdate => "org.update", "Rename the organisation or change its settings";
    MemberList => "member.list", "List the organisation's members";
    MemberRead => "member.read", "See a member's profile and roles";
    MemberRolesUpdate => "member.roles.update", "Change a member's roles";
    MemberRemove => "member.remove", "Remove a member from the organisation";
    InviteAdmin => "invitation.create.admin", "Invite someone as an admin";
    InvitePastor => "invitation.create.pastor", "Invite someone as a pastor";
    InviteMentor => "invitation.create.mentor", "Invite someone as a mentor";
    InviteMentee => "invitation.create.mentee", "Invite someone as a mentee";
    InvitationList => "invitation.list", "List invitations and their state";
    InvitationRevoke => "invitation.revoke", "Revoke a pending invitation";
    GroupList => "group.list", "List the organisation's groups";
    GroupRead => "group.read", "See a group and its members";
    GroupCreate => "group.create", "Create a group with its leading pastor";
    GroupUpdate => "group.update", "Rename a group or change its leader";
    GroupDelete => "group.delete", "Delete a group";
    GroupMembersAdd => "group.members.add", "Add people to a group";
    GroupMembersRemove => "group.members.remove", "Take people out of a group";
    MentorshipList => "mentorship.list", "List mentoring relationships";
    MentorshipCreate => "mentorship.create", "Pair a mentor with a mentee";
    MentorshipEnd => "mentorship.end", "End a mentoring relationship";
    AuditRead => "audit.read", "Read, filter and verify the audit log";
    AuditExport => "audit.export", "Export the audit log";
    ProfileUpdate => "profile.update", "Change one's own name, password or default organisation";
    HubRead => "hub.read", "Find, read and download the library's resources their visibility admits";
    HubCreate => "hub.create", "Add notes, links and files to the library (own: kept private to oneself)";
    HubChange => "hub.change", "Edit, move, delete and restore a resource, and restore a note's earlier version";
    HubRulesManage => "hub.rules.manage", "Set the organisation's keyword rules that suggest tags";
    HubImport => "hub.import", "Import an Obsidian vault of one's own and keep it in sync (admins: any member's vault)";
    PlannerRead => "planner.read", "See a person's goals, study queue, tasks and calendar";
    PlannerAdd => "planner.add", "Add goals, study and tasks to a person's plan (for someone else: a goal as a proposal they accept or decline)";
    PlannerChange => "planner.change", "Change, reorder, complete and remove what is in a plan, and accept or decline a proposed goal (who assigned a study item may also change or remove it)";
    PlannerMeet => "planner.meet", "Record a meeting with a person one walks with: notes they see, private notes only the recorder ever reads, next steps that become tasks";
    PlannerComment => "planner.comment", "Comment on a person's goals, study items and tasks (one's own comments are changed for a short while and deleted by oneself alone)";
    PlannerTotals => "planner.totals", "See the organisation's planner totals on the dashboard: counts, never what a plan holds";
    SessionTemplateRead => "sessions.templates.read", "Use the organisation's session templates (and one's own personal ones)";
    SessionTemplateManage => "sessions.templates.manage", "Add, change and remove the organisation's session templates (own: one's personal templates)";
    SessionCreate => "sessions.create", "Prepare a session for an audience: open, a person or a group (by how one stands to that person or group), and see the organisation's leaders by name to choose its facilitators";
    SessionRead => "sessions.read", "See a session and export it (own: one facilitates it, or it was shared with one)";
    SessionChange => "sessions.change", "Change a session's details and blocks, share it, restore an earlier outline, make and revoke its private links, present it, remove it";
}

const NONE: &[Relation] = &[];
const ANY: &[Relation] = &[Relation::SameOrg];

/// One row of the matrix: for each role, in order admin, pastor, mentor, mentee, the relations in
/// which it may act.
#[derive(Debug)]
pub struct Rule {
    pub action: Action,
    pub admin: &'static [Relation],
    pub pastor: &'static [Relation],
    pub mentor: &'static [Relation],
    pub mentee: &'static [Relation],
}

const fn rule(
    action: Action,
    admin: &'static [Relation],
    pastor: &'static [Relation],
    mentor: &'static [Relation],
    mentee: &'static [Relation],
) -> Rule {
    Rule { action, admin, pastor, mentor, mentee }
}

/// The matrix itself; each row reads admin, pastor, mentor, mentee. `SameOrg` (`ANY`) means
/// "anything in my organisation".
pub const MATRIX: &[Rule] = {
    use Relation::{MyGroup, MyMentee, Own};
    &[
        rule(Action::OrgRead, ANY, ANY, ANY, ANY),
        rule(Action::OrgUpdate, ANY, NONE, NONE, NONE),
        rule(Action::MemberList, ANY, ANY, NONE, NONE),
        rule(Action::MemberRead, ANY, ANY, &[Own, MyMentee], &[Own]),
        rule(Action::MemberRolesUpdate, ANY, NONE, NONE, NONE),
        rule(Action::MemberRemove, ANY, NONE, NONE, NONE),
        rule(Action::InviteAdmin, ANY, NONE, NONE, NONE),
        rule(Action::InvitePastor, ANY, NONE, NONE, NONE),
        rule(Action::InviteMentor, ANY, &[MyGroup], NONE, NONE),
        rule(Action::InviteMentee, ANY, &[MyGroup], NONE, NONE),
        rule(Action::InvitationList, ANY, &[MyGroup], NONE, NONE),
        rule(Action::InvitationRevoke, ANY, &[MyGroup], NONE, NONE),
        rule(Action::GroupList, ANY, ANY, ANY, ANY),
        rule(Action::GroupRead, ANY, ANY, &[Own, MyMentee], &[Own]),
        rule(Action::GroupCreate, ANY, NONE, NONE, NONE),
        rule(Action::GroupUpdate, ANY, NONE, NONE, NONE),
        rule(Action::GroupDelete, ANY, NONE, NONE, NONE),
        // A pastor's reach never grows by their own action: people join a pastor's group by
        // accepting the pastor's invitation, or an admin adds them.
        rule(Action::GroupMembersAdd, ANY, NONE, NONE, NONE),
        rule(Action::GroupMembersRemove, ANY, &[MyGroup], NONE, NONE),
        rule(Action::MentorshipList, ANY, ANY, &[Own], &[Own]),
        rule(Action::MentorshipCreate, ANY, &[MyGroup], NONE, NONE),
        rule(Action::MentorshipEnd, ANY, &[MyGroup], &[Own], NONE),
        rule(Action::AuditRead, ANY, NONE, NONE, NONE),
        rule(Action::AuditExport, ANY, NONE, NONE, NONE),
        rule(Action::ProfileUpdate, &[Own], &[Own], &[Own], &[Own]),
        // The library: everyone reads what a resource's visibility admits (`hub::audience`; anyone
        // else hears 404, as for a resource that does not exist). Mentees keep private notes; what
        // is shared with a group or the organisation comes from those who lead and teach.
        rule(Action::HubRead, ANY, ANY, ANY, ANY),
        rule(Action::HubCreate, ANY, ANY, ANY, &[Own]),
        rule(Action::HubChange, ANY, &[Own], &[Own], &[Own]),
        rule(Action::HubRulesManage, ANY, NONE, NONE, NONE),
        // A vault is its importer's: its notes are theirs to change (a mentee's stay private).
        rule(Action::HubImport, ANY, &[Own], &[Own], &[Own]),
        // A plan is its person's, seen by those who walk with them: their mentors and the pastor
        // of their group. An admin runs the organisation, not its people's growth, and sees the
        // organisation's totals only.
        rule(Action::PlannerRead, &[Own], &[Own, MyGroup], &[Own, MyMentee], &[Own]),
        rule(Action::PlannerAdd, &[Own], &[Own, MyGroup], &[Own, MyMentee], &[Own]),
        rule(Action::PlannerChange, &[Own], &[Own], &[Own], &[Own]),
        // Meetings are recorded by those who walk with a person; only the recorder changes one,
        // and a meeting's private notes open for the recorder alone, whatever their role.
        rule(Action::PlannerMeet, NONE, &[MyGroup], &[MyMentee], NONE),
        rule(Action::PlannerComment, &[Own], &[Own, MyGroup], &[Own, MyMentee], &[Own]),
        rule(Action::PlannerTotals, ANY, NONE, NONE, NONE),
        // Sessions are prepared by those who lead, for the people they walk with; a session is its
        // facilitators' own, and its audience's once shared with them. A personal template is
        // its owner's alone, whatever anyone's role.
        rule(Action::SessionTemplateRead, ANY, ANY, ANY, NONE),
        rule(Action::SessionTemplateManage, ANY, ANY, &[Own], NONE),
        rule(Action::SessionCreate, ANY, &[Own, MyGroup], &[Own, MyMentee], NONE),
        rule(Action::SessionRead, &[Own], &[Own, MyGroup], &[Own, MyMentee], &[Own]),
        rule(Action::SessionChange, &[Own], &[Own], &[Own], NONE),
    ]
};

impl Rule {
    pub fn allowed(&self, role: Role) -> &'static [Relation] {
        match role {
            Role::Admin => self.admin,
            Role::Pastor => self.pastor,
            Role::Mentor => self.mentor,
            Role::Mentee => self.mentee,
        }
    }
}

/// The matrix row of an action.
pub fn rule_for(action: Action) -> &'static Rule {
    MATRIX.iter().find(|rule| rule.action == action).expect("every action has a rule; a unit test checks")
}

/// Whether someone holding `roles`, standing in `relations` to the resource, may do `action`.
/// `OtherOrg` never grants anything, whatever the table says.
pub fn can(roles: &RoleSet, relations: &BTreeSet<Relation>, action: Action) -> bool {
    if relations.contains(&Relation::OtherOrg) {
        return false;
    }
    let rule = rule_for(action);
    roles.iter().any(|role| rule.allowed(role).iter().any(|allowed| relations.contains(allowed)))
}

/// Which relations let `roles` do `action` at all: empty means never, `SameOrg` means anything in
/// the organisation, otherwise lists filter to the resources in those relations.
pub fn scope(roles: &RoleSet, action: Action) -> BTreeSet<Relation> {
    let rule = rule_for(action);
    roles.iter().flat_map(|role| rule.allowed(role).iter().copied()).collect()
}

/// `docs/permissions.md`, written from the matrix.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Permissions\n\n\
         Generated from `shared/domain/src/permissions.rs` by `emmaus permissions`; do not edit by hand.\n\n\
         Each cell lists the relations to a resource in which a role may do the action. A member may hold\n\
         several roles and gets the union. Relations:\n\n",
    );
    for relation in Relation::ALL {
        let _ = writeln!(out, "- **{}**: {}", relation.label(), relation_meaning(relation));
    }
    out.push_str(
        "\nNo role may do anything to a resource of another organisation; the API answers 404 there.\n\
         Anonymous callers may do none of these actions.\n\n\
         A pastor's reach never grows by their own action: a pastor adds nobody to a group (people join it\n\
         by accepting the pastor's invitation, or an admin adds them), and pairs or parts a mentor and a\n\
         mentee only when both are in a group the pastor leads.\n\n\
         In the library (`hub.*`) a resource is one's own when one wrote it, and creating one is \"own\" when it\n\
         stays private to its author. Before the table is asked, a resource is reached only by those its\n\
         visibility admits: every member for the organisation, a group's members and leader (with the admins\n\
         and its author) for a group, its author alone for private, admins included. Anyone else hears 404.\n\n\
         In sessions (`sessions.*`) a session is one's own when one facilitates it, or when it was shared\n\
         with one (the person it is for, or a member of its group); it is one's mentee's when it is for a\n\
         mentee, and one's group's when it is for a group one leads or someone in it. Making one asks how\n\
         one stands to its audience: an open session is one's own, a group one's group's when one leads it.\n\
         A session one may not read is answered 404. A personal template is its owner's alone: anyone\n\
         else, whatever their role, hears 404. A hub resource inside a session shows only to those the\n\
         hub's rules above admit. A session's private link shows it read-only, with no role at all: with\n\
         sign-in, to members of the organisation, hub resources as the hub shows them to each; without,\n\
         to anyone holding it, hub resources only as far as the whole organisation sees them.\n\n\
         | Action | What | Admin | Pastor | Mentor | Mentee |\n|---|---|---|---|---|---|\n",
    );
    for rule in MATRIX {
        let cells: Vec<String> = Role::ALL.iter().map(|role| cell(rule.allowed(*role))).collect();
        let _ = writeln!(out, "| `{}` | {} | {} |", rule.action.name(), rule.action.about(), cells.join(" | "));
    }
    out
}

fn relation_meaning(relation: Relation) -> &'static str {
    match relation {
        Relation::Own => "the resource is the person's own, or they are part of it",
        Relation::MyMentee => "it belongs to someone the person mentors now",
        Relation::MyGroup => {
            "it belongs to a group the person leads, or to someone in it; a mentoring pairing only when both \
             of its people are in such a group"
        }
        Relation::SameOrg => "anything in the organisation the person is acting in",
        Relation::OtherOrg => "anything in any other organisation",
    }
}

fn cell(relations: &[Relation]) -> String {
    if relations.is_empty() {
        "—".to_owned()
    } else if relations.contains(&Relation::SameOrg) {
        "any".to_owned()
    } else {
        relations.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Relation::{MyGroup, MyMentee, Own, SameOrg};

    fn rel(relations: &[Relation]) -> BTreeSet<Relation> {
        relations.iter().copied().collect()
    }

    #[test]
    fn every_action_has_exactly_one_rule() {
        for action in Action::ALL {
            assert_eq!(MATRIX.iter().filter(|r| r.action == *action).count(), 1, "{}", action.name());
        }
        assert_eq!(MATRIX.len(), Action::ALL.len());
    }

    #[test]
    fn no_rule_names_another_organisation() {
        for rule in MATRIX {
            for role in Role::ALL {
                assert!(!rule.allowed(role).contains(&Relation::OtherOrg), "{} {role}", rule.action.name());
            }
        }
        let everything = rel(&Relation::ALL);
        let all_roles = RoleSet::new(Role::ALL);
        for action in Action::ALL {
            assert!(!can(&all_roles, &everything, *action), "{} crosses organisations", action.name());
        }
    }

    #[test]
    fn roles_add_up_and_relations_narrow() {
        let mentor = RoleSet::new([Role::Mentor]);
        assert!(can(&mentor, &rel(&[MyMentee, SameOrg]), Action::MemberRead));
        assert!(!can(&mentor, &rel(&[SameOrg]), Action::MemberRead));
        assert!(!can(&mentor, &rel(&[SameOrg]), Action::MemberList));
        let both = RoleSet::new([Role::Mentor, Role::Admin]);
        assert!(can(&both, &rel(&[SameOrg]), Action::MemberList));
        assert!(!can(&RoleSet::default(), &rel(&[Own, SameOrg]), Action::ProfileUpdate));
    }

    #[test]
    fn scopes_say_how_lists_filter() {
        assert_eq!(scope(&RoleSet::new([Role::Pastor]), Action::InvitationList), rel(&[MyGroup]));
        assert!(scope(&RoleSet::new([Role::Mentee]), Action::AuditRead).is_empty());
    }

    #[test]
    fn the_document_has_a_row_per_action() {
        let doc = markdown();
        for action in Action::ALL {
            assert!(doc.contains(&format!("| `{}` |", action.name())), "{}", action.name());
        }
        assert!(doc.contains("| `audit.read` | Read, filter and verify the audit log | any | — | — | — |"));
    }
}

// Types and lookups the people page's sections share.
import type { components } from '../api/schema';
import { i18next } from '../i18n';

export type Member = components['schemas']['MemberView'];
export type MemberRole = components['schemas']['MemberRole'];
export type Group = components['schemas']['GroupView'];
export type Invitation = components['schemas']['InvitationView'];
export type Mentorship = components['schemas']['MentorshipView'];

export const MEMBER_ROLES: readonly MemberRole[] = ['admin', 'pastor', 'mentor', 'mentee'];

/** A role's name in the current language. */
export function roleLabel(role: MemberRole): string {
  return i18next.t(`people.roles.${role}`);
}

/** Who a person id is, for tables that only carry ids. */
export function nameOf(members: readonly Member[], personId: string): string {
  const member = members.find((m) => m.person_id === personId);
  return member ? member.display_name : i18next.t('people.formerMember', { id: personId.slice(-6) });
}

/** What the people page lets the current person do; the server decides for real, this only hides what would fail. */
export interface Abilities {
  readonly personId: string;
  readonly admin: boolean;
  readonly pastor: boolean;
}

export function sameRoles(a: readonly MemberRole[], b: readonly MemberRole[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

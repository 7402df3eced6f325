// A session in words: whom it is for ("Open", "For Ada", "For the group Youth") and when. Names come from the lists the
// viewer may read (a leader's people, the organisation's groups); a name the viewer cannot look up is said without it.
import type { TFunction } from 'i18next';
import { preferences } from '../i18n';
import type { Role } from '../nav';
import { formatDate, formatDateTime } from '../time';
import { leads, useAudiencePeople, useGroups, type Audience } from './queries';

export interface Names {
  readonly person: (id: string) => string | undefined;
  readonly group: (id: string) => string | undefined;
}

/** The names the viewer may look up: their people (leaders only) and the organisation's groups. */
export function useNames(orgId: string, roles: readonly Role[]): Names {
  const leader = leads(roles);
  const people = useAudiencePeople(orgId, roles.includes('admin'), leader);
  const groups = useGroups(orgId);
  return {
    person: (id) => people.data?.find((p) => p.person_id === id)?.display_name,
    group: (id) => groups.data?.groups.find((g) => g.id === id)?.name,
  };
}

export function audienceLabel(audience: Audience, names: Names, me: string, t: TFunction): string {
  if (audience.kind === 'person' && audience.person_id) {
    if (audience.person_id === me) return t('sessions.audience.forYou');
    const name = names.person(audience.person_id);
    return name ? t('sessions.audience.forPerson', { name }) : t('sessions.audience.forSomeone');
  }
  if (audience.kind === 'group' && audience.group_id) {
    const name = names.group(audience.group_id);
    return name ? t('sessions.audience.forGroup', { name }) : t('sessions.audience.forAGroup');
  }
  return t('sessions.audience.open');
}

/** When a session is, in the viewer's words: its date, and its time in its own zone (named when not the viewer's). */
export function whenOf(session: { date: string; time?: string | null; zone: string; starts_at: string }): string {
  if (!session.time) return formatDate(Date.parse(`${session.date}T12:00:00Z`), 'UTC');
  const at = formatDateTime(Date.parse(session.starts_at), session.zone);
  return session.zone === preferences().timeZone ? at : `${at} (${session.zone})`;
}

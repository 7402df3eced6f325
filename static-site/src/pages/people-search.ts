// The people page's tab as a typed URL search parameter (`/people?tab=groups`), so a tab can be shared and reloaded.
// An unknown tab in a hand-edited URL is dropped, which shows the members.
export const PEOPLE_TABS = ['members', 'invitations', 'groups', 'mentorships', 'organisation'] as const;

export type PeopleTab = (typeof PEOPLE_TABS)[number];

export interface PeopleSearch {
  readonly tab?: PeopleTab;
}

export function peopleSearch(search: Record<string, unknown>): PeopleSearch {
  const tab = search.tab;
  return typeof tab === 'string' && (PEOPLE_TABS as readonly string[]).includes(tab) ? { tab: tab as PeopleTab } : {};
}

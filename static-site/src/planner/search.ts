// The planner's URL: whose plan is shown (absent: one's own) and which tab (goals, study, calendar or meetings), so a
// view can be shared and reloaded.
export type PlannerTab = 'goals' | 'study' | 'calendar' | 'meetings';

export interface PlannerSearch {
  readonly person?: string | undefined;
  readonly tab?: PlannerTab | undefined;
}

const TABS: readonly PlannerTab[] = ['goals', 'study', 'calendar', 'meetings'];

export function plannerSearch(raw: Record<string, unknown>): PlannerSearch {
  const person = typeof raw.person === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(raw.person) ? raw.person : undefined;
  const tab = TABS.find((t) => t === raw.tab);
  return { person, tab: tab === 'goals' ? undefined : tab };
}

// The audit log's filters as typed URL search parameters, so a filtered view can be shared and reloaded. Anything
// malformed in a hand-edited URL is dropped rather than sent to the API.
export interface AuditFilters {
  readonly action: string;
  readonly actor: string;
  /** `YYYY-MM-DD` from a date input, local time; empty for no bound. */
  readonly from: string;
  readonly to: string;
}

export type AuditSearch = Partial<AuditFilters>;

export const NO_FILTERS: AuditFilters = { action: '', actor: '', from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[0-9A-Za-z]{1,64}$/;
const MAX_ACTION = 100;

export function auditSearch(search: Record<string, unknown>): AuditSearch {
  const out: { -readonly [K in keyof AuditFilters]?: string } = {};
  if (typeof search.action === 'string' && search.action.trim()) out.action = search.action.trim().slice(0, MAX_ACTION);
  if (typeof search.actor === 'string' && ID.test(search.actor)) out.actor = search.actor;
  if (typeof search.from === 'string' && DAY.test(search.from)) out.from = search.from;
  if (typeof search.to === 'string' && DAY.test(search.to)) out.to = search.to;
  return out;
}

export function filtersOf(search: AuditSearch): AuditFilters {
  return { ...NO_FILTERS, ...search };
}

/** The search parameters for filters: empty ones are left out of the URL. */
export function searchOf(filters: AuditFilters): AuditSearch {
  return auditSearch({ ...filters });
}

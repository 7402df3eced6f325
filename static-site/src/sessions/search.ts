// The sessions list's URL: upcoming (absent) or past, and for the past the first day shown, so a view can be shared and
// reloaded. Anything malformed in a hand-edited URL is dropped.
export type SessionsWhen = 'upcoming' | 'past';

export interface SessionsSearch {
  readonly when?: 'past' | undefined;
  /** The first day the past view shows, `YYYY-MM-DD`; three months back when absent. */
  readonly since?: string | undefined;
}

export function sessionsSearch(raw: Record<string, unknown>): SessionsSearch {
  const when = raw.when === 'past' ? 'past' : undefined;
  const since = when && typeof raw.since === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw.since) ? raw.since : undefined;
  return { when, since };
}

// The Session Builder's server state in the query cache: what is cached under which key, and the calls that read and
// write sessions and templates (ADR 0028). A session is one versioned document: every write names the version read
// (`If-Match`), and a stale one (412) writes nothing.
import { useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { data } from '../api/query';
import type { components } from '../api/schema';
import type { Role } from '../nav';

export type Block = components['schemas']['BlockView'];
export type BlockKind = components['schemas']['BlockKindView'];
export type BlockBody = components['schemas']['BlockBody'];
export type Card = components['schemas']['CardView'];
export type Embed = components['schemas']['EmbedView'];
export type Show = components['schemas']['ShowView'];
export type Audience = components['schemas']['AudienceView'];
export type AudienceKind = components['schemas']['AudienceKind'];
export type Status = components['schemas']['StatusView'];
export type Summary = components['schemas']['SessionSummary'];
export type SessionList = components['schemas']['SessionList'];
export type SessionChange = components['schemas']['SessionChangeBody'];
export type NewSession = components['schemas']['NewSessionBody'];
export type Template = components['schemas']['TemplateView'];
export type TemplateList = components['schemas']['TemplateList'];
export type Slot = components['schemas']['SlotView'];
export type NewTemplate = components['schemas']['NewTemplateBody'];
export type TemplateChange = components['schemas']['TemplateChangeBody'];
export type Revision = components['schemas']['RevisionView'];
export type Found = components['schemas']['FoundView'];

export const BLOCK_KINDS: readonly BlockKind[] = ['heading', 'text', 'scripture', 'question', 'activity', 'prayer', 'resource'];
export const STATUSES: readonly Status[] = ['draft', 'ready', 'held'];

/** What the server takes (shared/sessions/src/model.rs), checked before sending so a mistake shows at once. */
export const LIMITS = {
  title: 200,
  description: 4000,
  text: 20_000,
  reference: 200,
  blocks: 200,
  slots: 100,
  blockMinutes: 600,
  plannedMinutes: 1440,
  notes: 20_000,
  facilitators: 10,
} as const;

/**
 * One session as its reader gets it. Written out here rather than taken from the generated schema: the API's component
 * shares its name (`SessionView`) with the sign-in session's, so the generated type of these routes is the other one.
 */
export interface Session {
  readonly id: string;
  readonly title: string;
  /** `YYYY-MM-DD`, in `zone`. */
  readonly date: string;
  /** `HH:MM`, in `zone`. */
  readonly time?: string | null;
  readonly zone: string;
  readonly starts_at: string;
  readonly audience: Audience;
  readonly facilitators: readonly string[];
  readonly status: Status;
  readonly planned_minutes?: number | null;
  readonly total_minutes: number;
  readonly over_plan: boolean;
  readonly blocks: readonly Block[];
  readonly notes: string;
  readonly shared: boolean;
  readonly template_id?: string | null;
  readonly may_change: boolean;
  /** Blocks whose hub resource the audience could not see (for those who may change it). */
  readonly hidden_from_audience: readonly string[];
  readonly created_by: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly updated_by: string;
  readonly version: number;
}

type Raw<T> = Promise<{ readonly data?: T; readonly error?: unknown; readonly response: Response }>;

/** A call answering a session, typed as one (see `Session`). */
const asSession = (request: Promise<unknown>) => request as Raw<Session>;

/**
 * Reads one session (`getPlannedSession`), its answer typed as `Session` describes it; the call goes through the
 * same client.
 */
function getSession(org: string, id: string, signal?: AbortSignal): Raw<Session> {
  const client = api as unknown as {
    GET: (path: string, init: { params: { path: Record<string, string> }; signal?: AbortSignal | undefined }) => Raw<Session>;
  };
  return client.GET('/api/sessions/{org}/sessions/{session}', { params: { path: { org, session: id } }, signal });
}

export const sessionKeys = {
  all: (org: string) => ['sessions', org] as const,
  lists: (org: string) => ['sessions', org, 'list'] as const,
  list: (org: string, window: ListWindow) => ['sessions', org, 'list', window] as const,
  session: (org: string, id: string) => ['sessions', org, 'session', id] as const,
  revisions: (org: string, id: string) => ['sessions', org, 'session', id, 'revisions'] as const,
  templates: (org: string) => ['sessions', org, 'templates'] as const,
  people: (org: string, admin: boolean) => ['sessions', org, 'people', admin] as const,
  groups: (org: string) => ['sessions', org, 'groups'] as const,
};

/** Whether the roles lead (admins, pastors, mentors): they prepare sessions and keep templates. */
export function leads(roles: readonly Role[]): boolean {
  return roles.some((role) => role === 'admin' || role === 'pastor' || role === 'mentor');
}

/** A window of the list: the days it covers (`to` is the day after the last). */
export interface ListWindow {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export const PAGE_SIZE = 20;

/** The sessions the caller may see in a window, earliest first, a page at a time (`next` names the following one). */
export function useSessionList(org: string, window: ListWindow) {
  return useInfiniteQuery({
    queryKey: sessionKeys.list(org, window),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      data<SessionList>(
        api.GET('/api/sessions/{org}/sessions', {
          params: {
            path: { org },
            query: { ...(window.from ? { from: window.from } : {}), ...(window.to ? { to: window.to } : {}), limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next ?? null,
  });
}

/**
 * The sessions the caller may see between two days (the first hundred), for a calendar: those one facilitates, and
 * those shared with one or one's group. Listed under the sessions' lists, so a change to any session reads it again.
 */
export function useSessionsBetween(org: string, range: { from: string; to: string } | null) {
  return useQuery({
    enabled: range !== null,
    queryKey: [...sessionKeys.lists(org), 'between', range] as const,
    queryFn: ({ signal }) =>
      data<SessionList>(api.GET('/api/sessions/{org}/sessions', { params: { path: { org }, query: { from: range!.from, to: range!.to, limit: 100 } }, signal })),
  });
}

export function useSessionDoc(org: string, id: string) {
  return useQuery({
    queryKey: sessionKeys.session(org, id),
    queryFn: ({ signal }) => data<Session>(getSession(org, id, signal)),
  });
}

/** Reads a session afresh, outside the cache (after a stale save, to learn the version that is there now). */
export function readSession(org: string, id: string): Promise<CallResult<Session>> {
  return call(getSession(org, id));
}

export function createSession(org: string, body: NewSession): Promise<CallResult<Session>> {
  return call(asSession(api.POST('/api/sessions/{org}/sessions', { params: { path: { org } }, body })));
}

/** Changes a session read at `version` (412 when it moved on since). */
export function changeSession(org: string, id: string, version: number, body: SessionChange): Promise<CallResult<Session>> {
  return call(
    asSession(
      api.PATCH('/api/sessions/{org}/sessions/{session}', {
        params: { path: { org, session: id }, header: { 'If-Match': `"${version}"` } },
        body,
      }),
    ),
  );
}

export function deleteSession(org: string, id: string, version: number): Promise<CallResult<unknown>> {
  return call(api.DELETE('/api/sessions/{org}/sessions/{session}', { params: { path: { org, session: id }, header: { 'If-Match': `"${version}"` } } }));
}

export function useRevisions(org: string, id: string, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: sessionKeys.revisions(org, id),
    queryFn: ({ signal }) => data(api.GET('/api/sessions/{org}/sessions/{session}/revisions', { params: { path: { org, session: id } }, signal })),
  });
}

/** Puts back an earlier outline; the one there now is kept as a revision in turn. */
export function restoreRevision(org: string, id: string, revision: number, version: number): Promise<CallResult<Session>> {
  return call(
    asSession(
      api.POST('/api/sessions/{org}/sessions/{session}/revisions/{version}/restore', {
        params: { path: { org, session: id, version: revision }, header: { 'If-Match': `"${version}"` } },
      }),
    ),
  );
}

/** Where an export is downloaded: same origin, so the session's cookies go with the plain link. */
export function exportUrl(org: string, id: string, format: 'markdown' | 'html' | 'pdf' | 'docx'): string {
  const [o, s] = [encodeURIComponent(org), encodeURIComponent(id)];
  // Markdown and HTML are written by the sessions function; PDF and DOCX by the exports function (ADR 0029).
  return format === 'pdf' || format === 'docx'
    ? `/api/exports/${o}/sessions/${s}/${format}`
    : `/api/sessions/${o}/sessions/${s}/export?format=${format}`;
}

export function useTemplates(org: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: sessionKeys.templates(org),
    queryFn: ({ signal }) => data<TemplateList>(api.GET('/api/sessions/{org}/templates', { params: { path: { org } }, signal })),
  });
}

/** The `If-Match` of a template as the cache holds it now (read at call time, so an overwrite uses the fresh one). */
export function templateVersion(client: QueryClient, org: string, id: string): string {
  const found = client.getQueryData<TemplateList>(sessionKeys.templates(org))?.templates.find((t) => t.id === id);
  return `"${found?.version ?? 0}"`;
}

/** Someone a session may be for, as the person picker lists them. */
export interface AudiencePerson {
  readonly person_id: string;
  readonly display_name: string;
  readonly email: string;
}

/**
 * The people a leader prepares sessions for: an admin, anyone in the organisation (the members list); a pastor or a
 * mentor, the people they walk with (their mentees and the people of the groups they lead), as the planner lists them.
 */
export function useAudiencePeople(org: string, admin: boolean, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: sessionKeys.people(org, admin),
    queryFn: async ({ signal }): Promise<AudiencePerson[]> => {
      if (admin) {
        const members = await data(api.GET('/api/people/{org}/members', { params: { path: { org } }, signal }));
        return members.members.map((m) => ({ person_id: m.person_id, display_name: m.display_name, email: m.email }));
      }
      const people = await data(api.GET('/api/planner/{org}/people', { params: { path: { org } }, signal }));
      return people.people.filter((p) => p.relation !== 'own').map((p) => ({ person_id: p.person_id, display_name: p.display_name, email: '' }));
    },
  });
}

/** The organisation's groups (everyone may list them). */
export function useGroups(org: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: sessionKeys.groups(org),
    queryFn: ({ signal }) => data(api.GET('/api/people/{org}/groups', { params: { path: { org } }, signal })),
  });
}

/** Hub resources matching words, as the planner's study queue finds them to assign. */
export function useHubSearch(org: string, words: string, enabled: boolean) {
  const q = words.trim();
  return useQuery({
    enabled: enabled && q.length > 0,
    queryKey: ['hub', org, 'search', { q, limit: 8, purpose: 'session' }],
    queryFn: ({ signal }) => data(api.GET('/api/hub/{org}/resources', { params: { path: { org }, query: { q, limit: 8 } }, signal })),
  });
}

/**
 * Markdown as HTML, rendered by the hub's renderer on the server (raw HTML escaped, unsafe links dropped): the same
 * renderer notes and exports use. Kept in the cache by its text, so paging back and forth asks once.
 */
export function useRendered(org: string, markdown: string) {
  return useQuery({
    enabled: markdown.trim().length > 0,
    queryKey: ['hub', org, 'render', markdown],
    queryFn: ({ signal }) => data(api.POST('/api/hub/{org}/render', { params: { path: { org } }, body: { body: markdown }, signal })),
    staleTime: Infinity,
    retry: false,
  });
}

/** After a session changed: the lists that show it read again. */
export async function listsChanged(client: QueryClient, org: string): Promise<void> {
  await client.invalidateQueries({ queryKey: sessionKeys.lists(org) });
}

/** Today's date in a time zone, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** A day `days` from `day` (`YYYY-MM-DD`), by the calendar. */
export function addDays(day: string, days: number): string {
  const at = new Date(`${day}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

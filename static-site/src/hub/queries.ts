// The library's server state in the query cache: what is cached under which key, so a write updates and invalidates
// exactly what it changes. Versioned writes take `If-Match` from the cache at call time (ADR 0016, VersionedMeta).
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { data } from '../api/query';
import type { components } from '../api/schema';
import { apiQuery, type HubSearch } from './search';

export type Detail = components['schemas']['ResourceDetail'];
export type Found = components['schemas']['FoundView'];
export type SearchPage = components['schemas']['SearchPage'];
export type Segment = components['schemas']['SegmentView'];
export type Version = components['schemas']['VersionView'];
export type Visibility = components['schemas']['VisibilityView'];
export type TrashPage = components['schemas']['TrashPage'];

export const hubKeys = {
  all: (org: string) => ['hub', org] as const,
  search: (org: string, view: HubSearch) => ['hub', org, 'search', view] as const,
  resource: (org: string, id: string) => ['hub', org, 'resource', id] as const,
  versions: (org: string, id: string) => ['hub', org, 'resource', id, 'versions'] as const,
  trash: (org: string) => ['hub', org, 'trash'] as const,
};

export function useLibrary(org: string, view: HubSearch, enabled = true) {
  // How results are laid out, and which one the detail pane shows, ask nothing new of the API.
  const { layout: _layout, open: _open, ...searched } = view;
  return useQuery({
    enabled,
    queryKey: hubKeys.search(org, searched),
    queryFn: ({ signal }) => data<SearchPage>(api.GET('/api/hub/{org}/resources', { params: { path: { org }, query: apiQuery(view) }, signal })),
    // While the person types, the last answer stays on screen until the next arrives.
    placeholderData: keepPreviousData,
  });
}

/** Whether a file's text is still being read (or a link's page fetched), so its page looks again in a moment. */
export function readingPending(detail: Detail | undefined): boolean {
  if (detail?.link_preview?.state === 'pending') return true;
  return detail?.file?.state === 'ready' && (detail.file.reading === 'pending' || detail.file.reading === 'reading');
}

export function useDetail(org: string, id: string) {
  return useQuery({
    queryKey: hubKeys.resource(org, id),
    queryFn: ({ signal }) => data<Detail>(api.GET('/api/hub/{org}/resources/{resource}', { params: { path: { org, resource: id } }, signal })),
    refetchInterval: (query) => (readingPending(query.state.data) ? 3000 : false),
  });
}

export function useVersions(org: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: hubKeys.versions(org, id),
    queryFn: ({ signal }) =>
      data(api.GET('/api/hub/{org}/resources/{resource}/versions', { params: { path: { org, resource: id } }, signal })),
    enabled,
  });
}

export function useTrash(org: string) {
  return useQuery({
    queryKey: hubKeys.trash(org),
    queryFn: ({ signal }) => data<TrashPage>(api.GET('/api/hub/{org}/trash', { params: { path: { org }, query: { limit: 100 } }, signal })),
  });
}

/** The `If-Match` of a resource as the cache holds it now (read at call time, so an overwrite uses the fresh one). */
export function ifMatch(client: QueryClient, org: string, id: string): string {
  const cached = client.getQueryData<Detail>(hubKeys.resource(org, id));
  return `"${cached?.version ?? 0}"`;
}

/** After a change: the resource as answered, and every list that may show it read again. */
export async function changed(client: QueryClient, org: string, detail: Detail | null, id: string): Promise<void> {
  if (detail) client.setQueryData(hubKeys.resource(org, id), detail);
  else client.removeQueries({ queryKey: hubKeys.resource(org, id) });
  await client.invalidateQueries({ queryKey: ['hub', org, 'search'] });
  await client.invalidateQueries({ queryKey: hubKeys.trash(org) });
  await client.invalidateQueries({ queryKey: hubKeys.versions(org, id) });
}

/** Plain text of marked segments (for labels). */
export function plain(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}

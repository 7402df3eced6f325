// Loads one API resource for a page through the query cache (TanStack Query, ADR 0016): cached under `key`, retried
// for transient failures only, and shown as the call's result (its data, or the failure with what the server said).
// A reload keeps showing the last answer until the next one arrives.
import { useQuery, type QueryKey } from '@tanstack/react-query';
import type { CallResult } from './api/call';
import { ApiError } from './api/query';

export interface Resource<T> {
  /** Null until the first answer. */
  readonly result: CallResult<T> | null;
  readonly reloading: boolean;
  readonly reload: () => void;
}

/** `key` names what is loaded in the cache (e.g. `['people', orgId, 'groups']`); a new key starts from "loading". */
export function useResource<T>(key: QueryKey, load: () => Promise<CallResult<T>>): Resource<T> {
  const query = useQuery({
    queryKey: key,
    queryFn: async () => {
      const result = await load();
      if (result.ok) return result.data;
      throw new ApiError(result);
    },
  });
  return asResource(query);
}

/** A query's state as a resource: its answer, or its failure with what the server said. */
export function asResource<T>(query: { data: T | undefined; error: unknown; isFetching: boolean; refetch: () => unknown }): Resource<T> {
  let result: CallResult<T> | null = null;
  if (query.data !== undefined) result = { ok: true, data: query.data, status: 200 };
  else if (query.error instanceof ApiError) {
    const { failure, status, fieldErrors, retryAfter } = query.error;
    result = { ok: false, failure, status, fieldErrors, retryAfter };
  }
  return { result, reloading: query.isFetching, reload: () => void query.refetch() };
}

// The server-state layer (TanStack Query over the OpenAPI client, ADR 0016): what is retried, how long answers are
// fresh, and the one place a stale write (412) is caught and handed to the person to decide.
import { MutationCache, QueryClient, type Mutation, type QueryKey } from '@tanstack/react-query';
import { confirm, warn } from '../kit/toasts';
import { call, failureMessage, type CallResult } from './call';
import type { ApiFailure } from './failure';

type Failed = Extract<CallResult<unknown>, { ok: false }>;

/** A failed API call as a thrown error, so queries and mutations see it; the classified result stays on it. */
export class ApiError extends Error {
  readonly failure: ApiFailure;
  readonly status: number | null;
  readonly retryAfter: number | null;
  readonly fieldErrors: Failed['fieldErrors'];

  constructor(result: Failed) {
    super(failureMessage(result.failure));
    this.name = 'ApiError';
    this.failure = result.failure;
    this.status = result.status;
    this.retryAfter = result.retryAfter;
    this.fieldErrors = result.fieldErrors;
  }
}

/** The data of a call, or an `ApiError`: what a query or mutation function returns. */
export async function data<T>(request: Parameters<typeof call<T>>[0]): Promise<T> {
  const result = await call(request);
  if (result.ok) return result.data;
  throw new ApiError(result);
}

/**
 * Whether trying again may succeed by itself: the server was not reached, was overloaded or restarting (429, 502, 503,
 * 504). A 4xx says something about the request, and asking again would only repeat it.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.failure.kind === 'network') return true;
  return error.status === 429 || error.status === 502 || error.status === 503 || error.status === 504;
}

/** Retries a read up to three times, and only for transient failures. */
export function retryTransient(failureCount: number, error: unknown): boolean {
  return failureCount < 3 && isTransient(error);
}

/** Waits what the server asked (`Retry-After`), else 1, 2, 4 s. */
export function retryDelay(attempt: number, error: unknown): number {
  if (error instanceof ApiError && error.retryAfter !== null) return Math.min(error.retryAfter, 60) * 1000;
  return Math.min(1000 * 2 ** attempt, 8000);
}

/** Whether a write was refused because what it edited changed since it was read (`If-Match` no longer matched). */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.status === 412;
}

/**
 * What a versioned write declares in `meta`: the queries holding what it edits. On a 412 they are read again, and to
 * overwrite the write runs once more; its function must therefore take the version for `If-Match` from the freshly
 * read cache at call time, never from its variables.
 */
export interface VersionedMeta extends Record<string, unknown> {
  readonly edits: QueryKey;
}

/** A write refused as stale, waiting for the person to choose; at most one is shown at a time. */
export interface Conflict {
  /** Read what is there now; the person's unsaved input stays where it is. */
  readonly reload: () => Promise<void>;
  /** Read the new version, then write again over it. */
  readonly overwrite: () => Promise<void>;
}

type Listener = () => void;

/** The open conflict, as a tiny store the dialog subscribes to. */
export class Conflicts {
  private current: Conflict | null = null;
  private readonly listeners = new Set<Listener>();

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): Conflict | null => this.current;

  open(conflict: Conflict): void {
    this.current = conflict;
    this.listeners.forEach((listener) => listener());
  }

  close(): void {
    this.current = null;
    this.listeners.forEach((listener) => listener());
  }
}

function editedKey(mutation: Mutation<unknown, unknown, unknown, unknown>): QueryKey | null {
  const meta = mutation.options.meta as Partial<VersionedMeta> | undefined;
  return meta?.edits ?? null;
}

/** The app's query client: reads retried for transient failures only, writes never retried, 412s sent to `conflicts`. */
export function createQueryClient(conflicts: Conflicts = new Conflicts()): { client: QueryClient; conflicts: Conflicts } {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: { retry: retryTransient, retryDelay, staleTime: 30_000 },
      // A write is not repeated behind the person's back: they see the failure and choose.
      mutations: { retry: false },
    },
    mutationCache: new MutationCache({
      onError: (error, variables, _context, mutation) => {
        const edits = editedKey(mutation);
        if (!isStale(error) || edits === null) return;
        const fn = mutation.options.mutationFn;
        conflicts.open({
          reload: async () => {
            conflicts.close();
            await client.invalidateQueries({ queryKey: edits });
          },
          overwrite: async () => {
            conflicts.close();
            try {
              await client.refetchQueries({ queryKey: edits });
              if (fn) await fn(variables, { client, meta: mutation.options.meta });
              confirm({ key: 'conflict.overwritten' });
            } catch (failure) {
              // This write runs outside the mutation cache, so its failure (another 412 included) is told here.
              warn({ key: 'conflict.overwriteFailed' }, { text: failure instanceof Error ? failure.message : String(failure) });
            }
            await client.invalidateQueries({ queryKey: edits });
          },
        });
      },
    }),
  });
  return { client, conflicts };
}

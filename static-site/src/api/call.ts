// Turns any openapi-fetch call into a value a page can render: the data, or a classified failure with field errors.
import { i18next } from '../i18n';
import { isProblemResponse, toProblem, type ApiFailure, type FieldProblem } from './failure';

export type CallResult<T> =
  | { readonly ok: true; readonly data: T; readonly status: number }
  | {
      readonly ok: false;
      readonly failure: ApiFailure;
      /** Null when the server was not reached. */
      readonly status: number | null;
      readonly fieldErrors: readonly FieldProblem[];
      /** Seconds from `Retry-After` on a 429 or 503, when the server said. */
      readonly retryAfter: number | null;
    };

interface RawResult<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** `Retry-After` is either seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export async function call<T>(request: Promise<RawResult<T>>): Promise<CallResult<T>> {
  let result: RawResult<T>;
  try {
    result = await request;
  } catch (error) {
    if (isAbort(error)) throw error;
    // openapi-fetch parses 2xx bodies itself, so a non-JSON success (an HTML fallback page) surfaces as a SyntaxError.
    if (error instanceof SyntaxError) {
      const failure: ApiFailure = { kind: 'invalid', status: 200, message: i18next.t('failure.notJson') };
      return { ok: false, failure, status: 200, fieldErrors: [], retryAfter: null };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, failure: { kind: 'network', message }, status: null, fieldErrors: [], retryAfter: null };
  }

  const { response } = result;
  if (response.ok) return { ok: true, data: result.data as T, status: response.status };

  const headerRequestId = response.headers.get('x-request-id');
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  if (isProblemResponse(response)) {
    const parsed = toProblem(result.error, response.status);
    const problem = { ...parsed, request_id: parsed.request_id ?? headerRequestId };
    return { ok: false, failure: { kind: 'problem', problem }, status: response.status, fieldErrors: problem.errors ?? [], retryAfter };
  }
  return {
    ok: false,
    failure: { kind: 'http', status: response.status, statusText: response.statusText, requestId: headerRequestId },
    status: response.status,
    fieldErrors: [],
    retryAfter,
  };
}

/** The detail a person should read for a failure: the problem's own words when it has them. */
export function failureMessage(failure: ApiFailure): string {
  if (failure.kind === 'problem') return failure.problem.detail ?? failure.problem.title;
  if (failure.kind === 'network') return i18next.t('failure.unreachable');
  if (failure.kind === 'http') return `${i18next.t('failure.httpTitle', { status: failure.status })}.`;
  return failure.message;
}

/** 403 and 404 from an organisation's API both mean "not yours to see" to the person using the page. */
export function isNotAllowed(status: number | null): boolean {
  return status === 403 || status === 404;
}

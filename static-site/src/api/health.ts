// Fetches GET /api/health and turns every possible outcome into a value the status page can render.
import { i18next } from '../i18n';
import { api } from './client';
import { isProblemResponse, toProblem, type ApiFailure } from './failure';
import type { components } from './schema';

export type HealthReport = components['schemas']['Health'];
export type HealthCheck = components['schemas']['HealthCheck'];

export type HealthOutcome =
  | { readonly ok: true; readonly report: HealthReport; readonly httpStatus: number }
  | { readonly ok: false; readonly failure: ApiFailure };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isHealthCheck(value: unknown): value is HealthCheck {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.adapter === 'string' &&
    typeof value.status === 'string' &&
    typeof value.latency_ms === 'number'
  );
}

/** The schema is a compile-time promise only; a stale deploy or a proxy page must not crash the view. */
export function isHealthReport(value: unknown): value is HealthReport {
  return (
    isRecord(value) &&
    typeof value.status === 'string' &&
    typeof value.version === 'string' &&
    typeof value.build === 'string' &&
    typeof value.host === 'string' &&
    Array.isArray(value.checks) &&
    value.checks.every(isHealthCheck)
  );
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export async function fetchHealth(signal?: AbortSignal): Promise<HealthOutcome> {
  let result;
  try {
    result = await api.GET('/api/health', { signal });
  } catch (error) {
    if (isAbort(error)) throw error;
    // openapi-fetch parses 2xx bodies itself, so a non-JSON success (an HTML fallback page) surfaces as a SyntaxError.
    if (error instanceof SyntaxError) {
      return { ok: false, failure: { kind: 'invalid', status: 200, message: i18next.t('failure.notJson') } };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, failure: { kind: 'network', message } };
  }

  const { response } = result;
  const body: unknown = result.data ?? result.error;
  // The server stamps every response with its request id; it is the fallback when the body does not carry one.
  const headerRequestId = response.headers.get('x-request-id');

  if (isProblemResponse(response)) {
    const parsed = toProblem(body, response.status);
    const problem = { ...parsed, request_id: parsed.request_id ?? headerRequestId };
    return { ok: false, failure: { kind: 'problem', problem } };
  }
  // 503 carries a full report whose failing checks explain the outage; it is a result to show, not an error.
  if ((response.ok || response.status === 503) && isHealthReport(body)) {
    return { ok: true, report: body, httpStatus: response.status };
  }
  if (!response.ok) {
    return {
      ok: false,
      failure: { kind: 'http', status: response.status, statusText: response.statusText, requestId: headerRequestId },
    };
  }
  return {
    ok: false,
    failure: { kind: 'invalid', status: response.status, message: i18next.t('status.notReport') },
  };
}

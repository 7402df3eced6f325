// Classifies failed API calls (RFC 9457 problems, unreachable server, unexpected replies) and words them for people.
import { i18next } from '../i18n';
import type { components } from './schema';

export type Problem = components['schemas']['Problem'];
export type FieldProblem = components['schemas']['FieldProblem'];

export type ApiFailure =
  | { readonly kind: 'problem'; readonly problem: Problem }
  | { readonly kind: 'network'; readonly message: string }
  | { readonly kind: 'http'; readonly status: number; readonly statusText: string; readonly requestId: string | null }
  | { readonly kind: 'invalid'; readonly status: number; readonly message: string };

export interface FailureSummary {
  readonly title: string;
  readonly detail: string | null;
  readonly requestId: string | null;
  readonly status: number | null;
}

export function isProblemResponse(response: Response): boolean {
  const contentType = response.headers.get('content-type') ?? '';
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/problem+json';
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function fieldProblems(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { field, message } = item as Record<string, unknown>;
    return typeof field === 'string' && typeof message === 'string' ? [{ field, message }] : [];
  });
}

/**
 * Reads a problem body defensively: the content-type promised a problem, but a proxy or a bug can still send
 * something else, and the page must not crash on it. The HTTP status is the fallback for a missing `status`.
 */
export function toProblem(body: unknown, httpStatus: number): Problem {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const problem: Problem = {
    type: optionalString(record.type) ?? 'about:blank',
    title: optionalString(record.title) ?? i18next.t('failure.requestFailed', { status: httpStatus }),
    status: typeof record.status === 'number' ? record.status : httpStatus,
    detail: optionalString(record.detail),
    instance: optionalString(record.instance),
    request_id: optionalString(record.request_id),
  };
  // Field errors are kept only when there are some, so a problem without them stays the same shape.
  const errors = fieldProblems(record.errors);
  return errors.length > 0 ? { ...problem, errors } : problem;
}

export function describeFailure(failure: ApiFailure): FailureSummary {
  switch (failure.kind) {
    case 'problem':
      return {
        title: failure.problem.title,
        detail: failure.problem.detail ?? null,
        requestId: failure.problem.request_id ?? null,
        status: failure.problem.status,
      };
    case 'network':
      return {
        title: i18next.t('failure.unreachableTitle'),
        detail: i18next.t('failure.unreachableDetail', { reason: failure.message }),
        requestId: null,
        status: null,
      };
    case 'http':
      return {
        title: `${i18next.t('failure.httpTitle', { status: failure.status })}${failure.statusText ? ` ${failure.statusText}` : ''}`,
        detail: i18next.t('failure.httpDetail'),
        requestId: failure.requestId,
        status: failure.status,
      };
    case 'invalid':
      return {
        title: i18next.t('failure.invalidTitle'),
        detail: failure.message,
        requestId: null,
        status: failure.status,
      };
  }
}

// Form plumbing shared by every page: field errors from a problem's `errors[]`, and the state of one submission.
import type { CallResult } from './api/call';
import { failureMessage } from './api/call';
import { i18next } from './i18n';
import { formatWait } from './time';
import type { FieldProblem } from './api/failure';

export interface FieldErrors {
  /** Messages for the fields the form shows, by the form's own field name. */
  readonly byField: Readonly<Record<string, string>>;
  /** Messages for fields the form does not show, already worded with their field name. */
  readonly other: readonly string[];
}

const NO_ERRORS: FieldErrors = { byField: {}, other: [] };

function humanName(field: string): string {
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Sorts field errors onto the form's fields. `aliases` maps the server's field names to the form's where they differ
 * (first-run setup reports `slug` for `org_slug`).
 */
export function splitFieldErrors(
  errors: readonly FieldProblem[],
  fields: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): FieldErrors {
  if (errors.length === 0) return NO_ERRORS;
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const { field, message } of errors) {
    const name = aliases[field] ?? field;
    if (fields.includes(name)) byField[name] = byField[name] ? `${byField[name]}; ${message}` : message;
    else other.push(`${humanName(field)} ${message}`);
  }
  return { byField, other };
}

/** What the form shows after a failed submission. */
export interface SubmitError {
  readonly message: string;
  readonly fields: FieldErrors;
  readonly requestId: string | null;
}

export function submitError(
  result: Extract<CallResult<unknown>, { ok: false }>,
  fields: readonly string[],
  aliases?: Readonly<Record<string, string>>,
): SubmitError {
  const requestId = result.failure.kind === 'problem' ? (result.failure.problem.request_id ?? null) : null;
  const split = splitFieldErrors(result.fieldErrors, fields, aliases);
  const hasFieldErrors = Object.keys(split.byField).length > 0;
  return {
    message: hasFieldErrors && result.status === 422 ? i18next.t('form.correctFields') : failureMessage(result.failure),
    fields: split,
    requestId,
  };
}

/** What was attempted too often, for "Too many …" (keys under `form.attempts`). */
export type Attempts = 'signIn' | 'codes';

/**
 * What the form shows after a 429: the usual error, with how long to wait (from `Retry-After`) in
 * the person's words, e.g. "Too many wrong codes. Please wait 2 minutes before trying again."
 */
export function tooManyAttempts(
  result: Extract<CallResult<unknown>, { ok: false }>,
  fields: readonly string[],
  attempts: Attempts,
): SubmitError {
  const wait = result.retryAfter;
  const what = i18next.t(`form.attempts.${attempts}`);
  const message = wait !== null ? i18next.t('form.tooMany', { what, wait: formatWait(wait) }) : i18next.t('form.tooManyNoWait', { what });
  return { ...submitError(result, fields), message };
}

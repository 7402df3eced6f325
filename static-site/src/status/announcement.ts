// One-sentence status the live region reads out, so screen-reader users hear each change once.
import type { HealthOutcome } from '../api/health';
import { i18next } from '../i18n';

export function announcement(outcome: HealthOutcome | null, pending: boolean): string {
  if (pending) return i18next.t(outcome ? 'status.announce.refreshing' : 'status.announce.checking');
  if (!outcome) return '';
  if (!outcome.ok) return i18next.t('status.announce.failed');
  const { checks, status } = outcome.report;
  const failing = checks.filter((check) => check.status !== 'ok').length;
  if (status === 'ok' && failing === 0) {
    return i18next.t('status.announce.operational', { count: checks.length });
  }
  return i18next.t('status.announce.failing', { status, failing, count: checks.length });
}

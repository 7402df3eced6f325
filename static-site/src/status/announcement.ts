// One-sentence status the live region reads out, so screen-reader users hear each change once.
import type { HealthOutcome } from '../api/health';

export function announcement(outcome: HealthOutcome | null, pending: boolean): string {
  if (pending) return outcome ? 'Refreshing system status…' : 'Checking system status…';
  if (!outcome) return '';
  if (!outcome.ok) return 'System status could not be loaded.';
  const { checks, status } = outcome.report;
  const failing = checks.filter((check) => check.status !== 'ok').length;
  if (status === 'ok' && failing === 0) {
    return checks.length === 1 ? 'All systems operational: 1 check passing.' : `All systems operational: ${checks.length} checks passing.`;
  }
  return `Service ${status}: ${failing} of ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} failing.`;
}

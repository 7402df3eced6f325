// Table of the individual dependency checks in a health report.
import { useTranslation } from 'react-i18next';
import type { HealthCheck } from '../api/health';
import { i18next, preferences } from '../i18n';
import { StatusBadge } from './StatusBadge';

function formatLatency(ms: number): string {
  if (ms < 1000) return i18next.t('status.checks.milliseconds', { value: ms });
  const seconds = new Intl.NumberFormat(preferences().locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
  return i18next.t('status.checks.seconds', { value: seconds.format(ms / 1000) });
}

export function ChecksTable({ checks }: { checks: readonly HealthCheck[] }) {
  const { t } = useTranslation();
  if (checks.length === 0) {
    return (
      <p className="empty" id="checks-empty">
        {t('status.checks.empty')}
      </p>
    );
  }
  return (
    // Focusable so keyboard users can scroll the table sideways on narrow screens.
    <div className="table-scroll" role="region" aria-labelledby="checks-caption" tabIndex={0}>
      <table className="checks">
        <caption id="checks-caption">{t('status.checks.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('status.checks.name')}</th>
            <th scope="col">{t('status.checks.adapter')}</th>
            <th scope="col">{t('status.checks.status')}</th>
            <th scope="col" className="num">
              {t('status.checks.latency')}
            </th>
            <th scope="col">{t('status.checks.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check) => (
            <tr key={check.name} data-check={check.name}>
              <th scope="row">
                <code>{check.name}</code>
              </th>
              <td>{check.adapter}</td>
              <td>
                <StatusBadge status={check.status} />
              </td>
              <td className="num">{formatLatency(check.latency_ms)}</td>
              <td className="detail">{check.detail ?? <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

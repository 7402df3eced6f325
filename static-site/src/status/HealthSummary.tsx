// Overall status and build facts from a health report.
import { useTranslation } from 'react-i18next';
import type { HealthReport } from '../api/health';
import { StatusBadge } from './StatusBadge';

function buildLabel(build: string): string {
  // Full git SHAs are noise on screen; twelve characters are unique in any realistic history.
  return /^[0-9a-f]{13,}$/i.test(build) ? build.slice(0, 12) : build;
}

export function HealthSummary({ report }: { report: HealthReport }) {
  const { t } = useTranslation();
  return (
    <dl className="facts">
      <div>
        <dt>{t('status.summary.status')}</dt>
        <dd data-testid="overall-status">
          <StatusBadge status={report.status} />
        </dd>
      </div>
      <div>
        <dt>{t('status.summary.version')}</dt>
        <dd>{report.version}</dd>
      </div>
      <div>
        <dt>{t('status.summary.build')}</dt>
        <dd>
          <code title={report.build}>{buildLabel(report.build)}</code>
        </dd>
      </div>
      <div>
        <dt>{t('status.summary.host')}</dt>
        <dd>{report.host}</dd>
      </div>
    </dl>
  );
}

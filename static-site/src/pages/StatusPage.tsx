// System status page: live health of the server and the adapters behind it.
import { Trans, useTranslation } from 'react-i18next';
import { FailureNotice } from '../components/FailureNotice';
import { useDocumentTitle } from '../useDocumentTitle';
import { announcement } from '../status/announcement';
import { ChecksTable } from '../status/ChecksTable';
import { HealthSummary } from '../status/HealthSummary';
import { useHealth } from '../status/useHealth';
import { formatTime } from '../time';

export function StatusPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('status.title'));
  const { outcome, checkedAt, pending, refresh } = useHealth();
  const message = announcement(outcome, pending);
  const tone = !outcome || pending ? 'neutral' : outcome.ok && outcome.report.status === 'ok' ? 'good' : 'bad';

  return (
    <article className="page" aria-busy={pending}>
      <h1 tabIndex={-1}>{t('status.title')}</h1>
      <p className="lede">{t('status.lede')}</p>

      <div className="toolbar">
        <button type="button" className="button" onClick={refresh} disabled={pending}>
          {pending ? t('status.refreshing') : t('status.refresh')}
        </button>
        {checkedAt && (
          <p className="muted">
            <Trans
              i18nKey="status.lastChecked"
              values={{ at: formatTime(checkedAt.getTime()) }}
              components={{ time: <time dateTime={checkedAt.toISOString()} /> }}
            />
          </p>
        )}
      </div>

      <p className={`banner banner--${tone}`} role="status" aria-live="polite">
        {message}
      </p>

      {outcome?.ok === true && (
        <>
          <HealthSummary report={outcome.report} />
          <ChecksTable checks={outcome.report.checks} />
        </>
      )}
      {outcome?.ok === false && <FailureNotice heading={t('status.loadFailed')} failure={outcome.failure} />}
    </article>
  );
}

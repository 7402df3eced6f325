// System status page: live health of the server and the adapters behind it.
import { FailureNotice } from '../components/FailureNotice';
import { useDocumentTitle } from '../useDocumentTitle';
import { announcement } from '../status/announcement';
import { ChecksTable } from '../status/ChecksTable';
import { HealthSummary } from '../status/HealthSummary';
import { useHealth } from '../status/useHealth';

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export function StatusPage() {
  useDocumentTitle('System status');
  const { outcome, checkedAt, pending, refresh } = useHealth();
  const message = announcement(outcome, pending);
  const tone = !outcome || pending ? 'neutral' : outcome.ok && outcome.report.status === 'ok' ? 'good' : 'bad';

  return (
    <article className="page" aria-busy={pending}>
      <h1 tabIndex={-1}>System status</h1>
      <p className="lede">Live health of the Emmaus server and each storage adapter it depends on.</p>

      <div className="toolbar">
        <button type="button" className="button" onClick={refresh} disabled={pending}>
          {pending ? 'Refreshing…' : 'Refresh'}
        </button>
        {checkedAt && (
          <p className="muted">
            Last checked <time dateTime={checkedAt.toISOString()}>{timeFormat.format(checkedAt)}</time>
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
      {outcome?.ok === false && <FailureNotice heading="Could not load system status" failure={outcome.failure} />}
    </article>
  );
}

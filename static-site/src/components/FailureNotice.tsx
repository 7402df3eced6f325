// Shows why an API call failed, including the request id support staff need to find it in the logs.
import { useTranslation } from 'react-i18next';
import { describeFailure, type ApiFailure } from '../api/failure';
import { CopyButton } from './CopyButton';

export function FailureNotice({ heading, failure }: { heading: string; failure: ApiFailure }) {
  const { t } = useTranslation();
  const summary = describeFailure(failure);
  return (
    <section className="notice notice--error" aria-labelledby="failure-heading">
      <h2 id="failure-heading">{heading}</h2>
      <p className="notice__title">{summary.title}</p>
      {summary.detail && <p>{summary.detail}</p>}
      {(summary.status !== null || summary.requestId) && (
        <dl className="notice__meta">
          {summary.status !== null && (
            <div>
              <dt>{t('common.httpStatus')}</dt>
              <dd>{summary.status}</dd>
            </div>
          )}
          {summary.requestId && (
            <div>
              <dt>{t('common.requestId')}</dt>
              <dd>
                <code>{summary.requestId}</code> <CopyButton text={summary.requestId} label={t('common.copyRequestId')} />
              </dd>
            </div>
          )}
        </dl>
      )}
      {summary.requestId && <p className="notice__hint">{t('common.quoteRequestId')}</p>}
    </section>
  );
}

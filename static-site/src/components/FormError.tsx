// The message at the top of a form after a failed submission; focusable so it is announced and seen.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubmitError } from '../forms';

export function FormError({ error }: { error: SubmitError | null }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  return (
    <div className="form-error" role="alert" tabIndex={-1} ref={ref}>
      <p>{error.message}</p>
      {error.fields.other.length > 0 && (
        <ul>
          {error.fields.other.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {error.requestId && (
        <p className="form-error__meta">
          {t('common.requestId')}: <code>{error.requestId}</code>
        </p>
      )}
    </div>
  );
}

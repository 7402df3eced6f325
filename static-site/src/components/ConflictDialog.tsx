// The one place a stale write is shown: someone changed the thing since it was read. The person chooses to read their
// version (keeping what they typed on the page) or to write theirs over it; Escape sets the choice aside.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConflict } from '../api/QueryProvider';

export function ConflictDialog() {
  const { t } = useTranslation();
  const { conflict, dismiss } = useConflict();
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (conflict && !element.open) {
      if (typeof element.showModal === 'function') element.showModal();
      else element.setAttribute('open', '');
    } else if (!conflict && element.open) {
      if (typeof element.close === 'function') element.close();
      else element.removeAttribute('open');
    }
  }, [conflict]);

  const choose = (action: () => Promise<void>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="conflict-title"
      aria-describedby="conflict-detail"
      onCancel={(event) => {
        event.preventDefault();
        dismiss();
      }}
    >
      <h2 id="conflict-title">{t('conflict.title')}</h2>
      <p id="conflict-detail">{t('conflict.detail')}</p>
      {conflict && (
        <div className="form__actions">
          <button type="button" className="button button--secondary" disabled={busy} onClick={() => choose(conflict.reload)}>
            {t('conflict.reload')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => choose(conflict.overwrite)}>
            {t('conflict.overwrite')}
          </button>
        </div>
      )}
    </dialog>
  );
}

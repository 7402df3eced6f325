// The "changed elsewhere" dialog on React Aria's modal: focus is held inside while it is open and given back after,
// the page behind is inert, and Escape sets the choice aside.
import { useState } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { Conflict } from '../api/query';

export function ConflictModal({ conflict, dismiss }: { conflict: Conflict; dismiss: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const choose = (action: () => Promise<void>) => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable={false} isKeyboardDismissDisabled={false} onOpenChange={(open) => !open && dismiss()}>
      <Modal className="dialog">
        <Dialog aria-describedby="conflict-detail" className="dialog__body">
          <Heading slot="title">{t('conflict.title')}</Heading>
          <p id="conflict-detail">{t('conflict.detail')}</p>
          <div className="form__actions">
            <Button className="button button--secondary" isDisabled={busy} onPress={() => choose(conflict.reload)}>
              {t('conflict.reload')}
            </Button>
            <Button className="button" isDisabled={busy} onPress={() => choose(conflict.overwrite)} autoFocus>
              {t('conflict.overwrite')}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

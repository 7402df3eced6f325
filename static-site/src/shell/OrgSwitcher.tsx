// Chooses the organisation the person is working in; the server remembers it as the one to open first. Several
// organisations are a select (React Aria's: a button and a listbox, keyboard first), loaded after the page: the
// header shows the current organisation's name until then (see App's Account).
import { useState } from 'react';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { failureMessage } from '../api/call';
import { useSession } from '../session';

export function OrgSelect() {
  const { t } = useTranslation();
  const { state, currentOrg, switchOrg } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (state.status !== 'signed-in') return null;
  const organisations = state.session.organisations;

  const choose = async (orgId: string) => {
    if (orgId === currentOrg?.id) return;
    setBusy(true);
    setError(null);
    const result = await switchOrg(orgId);
    setBusy(false);
    if (!result.ok) setError(t('shell.switchFailed', { reason: failureMessage(result.failure) }));
  };

  return (
    <div className="org-switcher">
      <Select
        className="select"
        selectedKey={currentOrg?.id ?? null}
        onSelectionChange={(key) => key !== null && void choose(String(key))}
        isDisabled={busy}
      >
        <Label className="visually-hidden">{t('shell.organisation')}</Label>
        <Button className="select__button">
          <SelectValue data-testid="current-org" />
          <span aria-hidden="true">▾</span>
        </Button>
        <Popover className="popover" placement="bottom start">
          <ListBox className="listbox">
            {organisations.map((org) => (
              <ListBoxItem key={org.id} id={org.id} className="listbox__item" textValue={org.name}>
                {org.name}
              </ListBoxItem>
            ))}
          </ListBox>
        </Popover>
      </Select>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

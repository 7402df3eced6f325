// Chooses the organisation the person is working in; the server remembers it as the one to open first.
import { useId, useState } from 'react';
import { failureMessage } from '../api/call';
import { useSession } from '../session';

export function OrgSwitcher() {
  const { state, currentOrg, switchOrg } = useSession();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (state.status !== 'signed-in' || state.session.organisations.length === 0) return null;
  const organisations = state.session.organisations;

  if (organisations.length === 1) {
    return (
      <p className="org-switcher" data-testid="current-org">
        {organisations[0]!.name}
      </p>
    );
  }

  const choose = async (orgId: string) => {
    setBusy(true);
    setError(null);
    const result = await switchOrg(orgId);
    setBusy(false);
    if (!result.ok) setError(`Could not switch: ${failureMessage(result.failure)}`);
  };

  return (
    <div className="org-switcher">
      <label htmlFor={id} className="visually-hidden">
        Organisation
      </label>
      <select id={id} value={currentOrg?.id ?? ''} disabled={busy} onChange={(e) => void choose(e.target.value)}>
        {organisations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </select>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

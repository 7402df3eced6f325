// Inviting people (the answer carries the link to share) and the invitations still waiting for an answer.
import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { CopyButton } from '../components/CopyButton';
import { Field } from '../components/Field';
import { SelectField } from '../kit/SelectField';
import { FormError } from '../components/FormError';
import { Empty } from '../components/States';
import { RecordTable } from '../kit/RecordTable';
import { byText } from '../kit/sortedPage';
import { submitError, type SubmitError } from '../forms';
import { formatDate } from '../time';
import { roleLabel, type Abilities, type Group, type Invitation, type MemberRole } from './types';

export function InviteForm({ orgId, groups, can, onInvited }: { orgId: string; groups: readonly Group[]; can: Abilities; onInvited: () => void }) {
  const { t } = useTranslation();
  const roles: readonly MemberRole[] = can.admin ? ['mentee', 'mentor', 'pastor', 'admin'] : ['mentee', 'mentor'];
  // Pastors invite only into groups they lead, so for them a group is required.
  const groupChoices = can.admin ? groups : groups.filter((g) => g.leader_id === can.personId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('mentee');
  const [groupId, setGroupId] = useState(can.admin ? '' : (groupChoices[0]?.id ?? ''));
  const [error, setError] = useState<SubmitError | null>(null);
  const [created, setCreated] = useState<Invitation | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    const result = await call(
      api.POST('/api/people/{org}/invitations', {
        params: { path: { org: orgId } },
        body: { email, role, group_id: groupId === '' ? null : groupId },
      }),
    );
    setBusy(false);
    if (result.ok) {
      setCreated(result.data);
      setEmail('');
      onInvited();
    } else setError(submitError(result, ['email', 'role', 'group_id']));
  };

  if (!can.admin && groupChoices.length === 0) {
    return (
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading">{t('people.invite.heading')}</h2>
        <Empty>{t('people.invite.noGroupToLead')}</Empty>
      </section>
    );
  }

  return (
    <section aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t('people.invite.heading')}</h2>
      <form className="form form--inline" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="invite-heading">
        <FormError error={error} />
        <Field label={t('people.invite.email')} name="email" type="email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.target.value)} error={error?.fields.byField.email} />
        <SelectField
          label={t('people.invite.role')}
          name="role"
          options={roles.map((r) => ({ id: r, label: roleLabel(r) }))}
          value={role}
          onChange={(next) => setRole(next as MemberRole)}
          error={error?.fields.byField.role}
        />
        <SelectField
          label={can.admin ? t('people.invite.groupOptional') : t('people.invite.group')}
          name="group_id"
          options={[...(can.admin ? [{ id: '', label: t('people.invite.noGroup') }] : []), ...groupChoices.map((g) => ({ id: g.id, label: g.name }))]}
          value={groupId}
          onChange={setGroupId}
          error={error?.fields.byField.group_id}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('people.invite.submitting') : t('people.invite.submit')}
          </button>
        </div>
      </form>
      {created?.link && (
        <div className="notice notice--good" data-testid="invitation-created">
          <p>
            <Trans i18nKey="people.invite.created" values={{ email: created.email, role: roleLabel(created.role) }} components={{ strong: <strong /> }} />
          </p>
          <div className="copy-row">
            <label htmlFor="invitation-link" className="visually-hidden">
              {t('people.invite.link')}
            </label>
            <input id="invitation-link" className="copy-row__value" readOnly value={created.link} onFocus={(e) => e.target.select()} />
            <CopyButton text={created.link} label={t('people.invite.copy')} />
          </div>
        </div>
      )}
    </section>
  );
}

function InvitationRow({ orgId, invitation, groups, onChanged }: { orgId: string; invitation: Invitation; groups: readonly Group[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const group = groups.find((g) => g.id === invitation.group_id);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    const result = await call(api.DELETE('/api/people/{org}/invitations/{invitation}', { params: { path: { org: orgId, invitation: invitation.id } } }));
    setBusy(false);
    if (result.ok) onChanged();
    else setError(failureMessage(result.failure));
  };

  return (
    <tr>
      <th scope="row">{invitation.email}</th>
      <td>{roleLabel(invitation.role)}</td>
      <td>{group?.name ?? '—'}</td>
      <td>{formatDate(invitation.expires_at)}</td>
      <td className="actions">
        <button type="button" className="button button--small button--secondary" disabled={busy} onClick={() => void revoke()}>
          {t('people.invitations.revoke')}
        </button>
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}

export function InvitationsSection({ orgId, invitations, groups, onChanged }: { orgId: string; invitations: readonly Invitation[]; groups: readonly Group[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const pending = invitations.filter((i) => i.state === 'pending');
  const past = invitations.filter((i) => i.state !== 'pending');
  return (
    <section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">{t('people.invitations.heading')}</h2>
      <RecordTable
        label={t('people.invitations.heading')}
        labelledBy="invitations-heading"
        columns={[
          { id: 'email', name: t('people.invitations.columns.email'), compare: byText<Invitation>((i) => i.email) },
          { id: 'role', name: t('people.invitations.columns.role'), compare: byText<Invitation>((i) => roleLabel(i.role)) },
          { id: 'group', name: t('people.invitations.columns.group') },
          { id: 'expires', name: t('people.invitations.columns.expires'), compare: (a, b) => a.expires_at - b.expires_at },
          { id: 'actions', name: t('people.invitations.columns.actions') },
        ]}
        rows={pending}
        rowKey={(i) => i.id}
        renderRow={(invitation) => <InvitationRow orgId={orgId} invitation={invitation} groups={groups} onChanged={onChanged} />}
        empty={<Empty>{t('people.invitations.empty')}</Empty>}
      />
      {past.length > 0 && (
        <details className="past">
          <summary>{t('people.invitations.earlier', { total: past.length })}</summary>
          <ul>
            {past.map((i) => (
              <li key={i.id}>
                {t('people.invitations.earlierItem', {
                  email: i.email,
                  role: roleLabel(i.role),
                  // A state this page does not know yet shows as the server named it.
                  state: t(`people.invitations.states.${i.state}`, { defaultValue: i.state }),
                  date: formatDate(i.created_at),
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

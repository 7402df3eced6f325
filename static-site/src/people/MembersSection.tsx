// Members with their roles: admins change roles with checkboxes and remove members.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { ApiError, data } from '../api/query';
import { Empty } from '../components/States';
import { Field } from '../components/Field';
import { RecordTable } from '../kit/RecordTable';
import { byText } from '../kit/sortedPage';
import { formatDate } from '../time';
import { peopleKeys, type MemberList } from './queries';
import { MEMBER_ROLES, roleLabel, sameRoles, type Abilities, type Member, type MemberRole } from './types';

function MemberRow({ orgId, member, can, onChanged }: { orgId: string; member: Member; can: Abilities; onChanged: () => void }) {
  const { t } = useTranslation();
  const [roles, setRoles] = useState<MemberRole[]>([...member.roles]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const changed = !sameRoles(roles, member.roles);
  const self = member.person_id === can.personId;

  const toggle = (role: MemberRole) => {
    setStatus(null);
    setRoles((previous) => (previous.includes(role) ? previous.filter((r) => r !== role) : MEMBER_ROLES.filter((r) => r === role || previous.includes(r))));
  };

  // Optimistic: the member list (and every section reading it, the mentor and mentee pickers among them) shows the new
  // roles at once; a refusal puts the list and the checkboxes back as the server has them, and says why.
  const client = useQueryClient();
  const key = peopleKeys.members(orgId);
  const save = useMutation({
    mutationFn: (next: MemberRole[]) =>
      data(api.PUT('/api/people/{org}/members/{person}/roles', { params: { path: { org: orgId, person: member.person_id } }, body: { roles: next } })),
    onMutate: async (next) => {
      setError(null);
      setStatus(null);
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<MemberList>(key);
      client.setQueryData<MemberList>(key, (list) =>
        list && { ...list, members: list.members.map((m) => (m.person_id === member.person_id ? { ...m, roles: next } : m)) },
      );
      return { before };
    },
    onError: (failure, _next, context) => {
      if (context?.before) client.setQueryData(key, context.before);
      const previous = context?.before?.members.find((m) => m.person_id === member.person_id);
      if (previous) setRoles([...previous.roles]);
      const field = failure instanceof ApiError ? failure.fieldErrors[0] : undefined;
      setError(field ? t('people.members.rolesError', { message: field.message }) : failure.message);
    },
    onSuccess: (saved) => {
      setRoles([...saved.roles]);
      setStatus(t('people.members.rolesSaved'));
    },
    onSettled: () => client.invalidateQueries({ queryKey: key }),
  });
  const saveRoles = () => save.mutate(roles);

  const remove = async () => {
    setBusy(true);
    setError(null);
    const result = await call(api.DELETE('/api/people/{org}/members/{person}', { params: { path: { org: orgId, person: member.person_id } } }));
    setBusy(false);
    setConfirmRemove(false);
    if (result.ok) onChanged();
    else setError(failureMessage(result.failure));
  };

  return (
    <tr>
      <th scope="row">
        {member.display_name}
        {self && <span className="muted"> {t('people.members.you')}</span>}
      </th>
      <td>{member.email}</td>
      <td>
        {can.admin ? (
          <fieldset className="role-boxes">
            <legend className="visually-hidden">{t('people.members.rolesOf', { name: member.display_name })}</legend>
            {MEMBER_ROLES.map((role) => (
              <label key={role}>
                <input type="checkbox" checked={roles.includes(role)} onChange={() => toggle(role)} disabled={busy || save.isPending} /> {roleLabel(role)}
              </label>
            ))}
          </fieldset>
        ) : (
          member.roles.map((role) => roleLabel(role)).join(', ')
        )}
      </td>
      <td>{formatDate(member.joined_at)}</td>
      {can.admin && (
        <td className="actions">
          <button type="button" className="button button--small" disabled={!changed || busy || save.isPending || roles.length === 0} onClick={saveRoles}>
            {t('people.members.saveRoles')}
          </button>
          {confirmRemove ? (
            <>
              <button type="button" className="button button--small button--danger" disabled={busy} onClick={() => void remove()}>
                {t('people.members.confirmRemove')}
              </button>
              <button type="button" className="button button--small button--secondary" onClick={() => setConfirmRemove(false)}>
                {t('people.members.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="button button--small button--secondary" disabled={busy} onClick={() => setConfirmRemove(true)}>
              {t('people.members.remove')}
            </button>
          )}
          {roles.length === 0 && <p className="field__error">{t('people.members.keepOneRole')}</p>}
          {error && (
            <p className="field__error" role="alert">
              {error}
            </p>
          )}
          <span className="saved" role="status">
            {status ?? ''}
          </span>
        </td>
      )}
    </tr>
  );
}

/** Past this many members the list offers a filter by name or email. */
const FILTER_FROM = 10;

export function MembersSection({ orgId, members, can, onChanged }: { orgId: string; members: readonly Member[]; can: Abilities; onChanged: () => void }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const query = filter.trim().toLocaleLowerCase();
  const shown = query === '' ? members : members.filter((m) => m.display_name.toLocaleLowerCase().includes(query) || m.email.toLocaleLowerCase().includes(query));
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">{t('people.members.heading')}</h2>
      {members.length > FILTER_FROM && (
        <div className="table-tools">
          <Field label={t('people.members.filter')} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />
          <p className="muted" role="status">
            {query === '' ? '' : t('people.members.matching', { count: shown.length, total: members.length })}
          </p>
        </div>
      )}
      <RecordTable
        label={t('people.members.heading')}
        labelledBy="members-heading"
        columns={[
          { id: 'name', name: t('people.members.columns.name'), compare: byText<Member>((m) => m.display_name) },
          { id: 'email', name: t('people.members.columns.email'), compare: byText<Member>((m) => m.email) },
          { id: 'roles', name: t('people.members.columns.roles') },
          { id: 'joined', name: t('people.members.columns.joined'), compare: (a, b) => a.joined_at - b.joined_at },
          can.admin && { id: 'actions', name: t('people.members.columns.actions') },
        ]}
        rows={shown}
        rowKey={(m) => m.person_id}
        renderRow={(member) => <MemberRow orgId={orgId} member={member} can={can} onChanged={onChanged} />}
        empty={<Empty>{members.length === 0 ? t('people.members.empty') : t('people.members.noMatch')}</Empty>}
      />
    </section>
  );
}

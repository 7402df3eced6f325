// Groups, each led by a pastor: admins create them; admins and the leading pastor add and remove members.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { Field } from '../components/Field';
import { PersonPicker } from '../kit/PersonPicker';
import { FailureNotice } from '../components/FailureNotice';
import { FormError } from '../components/FormError';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { useResource } from '../useResource';
import { nameOf, type Abilities, type Group, type Member } from './types';

function CreateGroupForm({ orgId, members, onCreated }: { orgId: string; members: readonly Member[]; onCreated: () => void }) {
  const { t } = useTranslation();
  const pastors = members.filter((m) => m.roles.includes('pastor'));
  const [name, setName] = useState('');
  const [leader, setLeader] = useState(pastors[0]?.person_id ?? '');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  if (pastors.length === 0) {
    return <Empty>{t('people.groups.create.needsPastor')}</Empty>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/people/{org}/groups', { params: { path: { org: orgId } }, body: { name, leader_id: leader } }));
    setBusy(false);
    if (result.ok) {
      setName('');
      onCreated();
    } else setError(submitError(result, ['name', 'leader_id']));
  };

  return (
    <form className="form form--inline" onSubmit={(e) => void submit(e)} noValidate aria-label={t('people.groups.create.heading')}>
      <FormError error={error} />
      <Field label={t('people.groups.create.name')} name="name" required value={name} onChange={(e) => setName(e.target.value)} error={error?.fields.byField.name} />
      <PersonPicker
        label={t('people.groups.create.leader')}
        name="leader_id"
        people={pastors}
        value={leader}
        onChange={setLeader}
        placeholder={t('people.groups.create.chooseLeader')}
        error={error?.fields.byField.leader_id}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy || leader === ''}>
          {t('people.groups.create.submit')}
        </button>
      </div>
    </form>
  );
}

function GroupMembers({ orgId, group, members, canManage }: { orgId: string; group: Group; members: readonly Member[]; canManage: boolean }) {
  const { t } = useTranslation();
  const detail = useResource(['people', orgId, 'groups', group.id], () =>
    call(api.GET('/api/people/{org}/groups/{group}', { params: { path: { org: orgId, group: group.id } } })),
  );
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (detail.result === null) return <Loading label={t('people.groups.loadingMembers')} />;
  if (!detail.result.ok) return <FailureNotice heading={t('people.groups.membersFailed')} failure={detail.result.failure} />;
  const inGroup = detail.result.data.members ?? [];
  const candidates = members.filter((m) => !inGroup.includes(m.person_id));

  const change = async (person: string, add: boolean) => {
    setBusy(true);
    setError(null);
    const options = { params: { path: { org: orgId, group: group.id, person } } };
    const result = await call(
      add ? api.PUT('/api/people/{org}/groups/{group}/members/{person}', options) : api.DELETE('/api/people/{org}/groups/{group}/members/{person}', options),
    );
    setBusy(false);
    if (result.ok) {
      if (add) setAdding('');
      detail.reload();
    } else setError(failureMessage(result.failure));
  };

  return (
    <div className="group-members">
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {inGroup.length === 0 ? (
        <Empty>{t('people.groups.noMembers')}</Empty>
      ) : (
        <ul className="plain-list">
          {inGroup.map((person) => (
            <li key={person}>
              {nameOf(members, person)}{' '}
              {canManage && (
                <button
                  type="button"
                  className="button button--small button--secondary"
                  aria-label={t('people.groups.removeFrom', { name: nameOf(members, person), group: group.name })}
                  disabled={busy}
                  onClick={() => void change(person, false)}
                >
                  {t('people.groups.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && candidates.length > 0 && (
        <form
          className="form form--inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) void change(adding, true);
          }}
        >
          <PersonPicker
            label={t('people.groups.addTo', { group: group.name })}
            name="person_id"
            people={candidates}
            value={adding}
            onChange={setAdding}
            placeholder={t('people.groups.chooseMember')}
          />
          <div className="form__actions">
            <button type="submit" className="button button--small" disabled={busy || adding === ''}>
              {t('people.groups.add')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function GroupItem({ orgId, group, members, can }: { orgId: string; group: Group; members: readonly Member[]; can: Abilities }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const canManage = can.admin || group.leader_id === can.personId;
  return (
    <li className="group">
      <div className="group__head">
        <strong>{group.name}</strong> <span className="muted">{t('people.groups.ledBy', { name: nameOf(members, group.leader_id) })}</span>{' '}
        <button type="button" className="button button--small button--secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t('people.groups.hideMembers') : t('people.groups.showMembers')}
        </button>
      </div>
      {open && <GroupMembers orgId={orgId} group={group} members={members} canManage={canManage} />}
    </li>
  );
}

export function GroupsSection({ orgId, groups, members, can, onChanged }: { orgId: string; groups: readonly Group[]; members: readonly Member[]; can: Abilities; onChanged: () => void }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="groups-heading">
      <h2 id="groups-heading">{t('people.groups.heading')}</h2>
      {groups.length === 0 ? (
        <Empty>{t('people.groups.empty')}</Empty>
      ) : (
        <ul className="plain-list">
          {groups.map((group) => (
            <GroupItem key={group.id} orgId={orgId} group={group} members={members} can={can} />
          ))}
        </ul>
      )}
      {can.admin && (
        <>
          <h3>{t('people.groups.create.heading')}</h3>
          <CreateGroupForm orgId={orgId} members={members} onCreated={onChanged} />
        </>
      )}
    </section>
  );
}

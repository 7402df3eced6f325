// Mentoring pairs: pair a mentor with a mentee, end a pairing (it stays in the history).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { FormError } from '../components/FormError';
import { Empty } from '../components/States';
import { RecordTable } from '../kit/RecordTable';
import { byText } from '../kit/sortedPage';
import { submitError, type SubmitError } from '../forms';
import { PersonPicker } from '../kit/PersonPicker';
import { formatDate } from '../time';
import { nameOf, type Abilities, type Member, type Mentorship } from './types';

function PairForm({ orgId, members, onPaired }: { orgId: string; members: readonly Member[]; onPaired: () => void }) {
  const { t } = useTranslation();
  const mentors = members.filter((m) => m.roles.includes('mentor'));
  const mentees = members.filter((m) => m.roles.includes('mentee'));
  const [mentor, setMentor] = useState('');
  const [mentee, setMentee] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  if (mentors.length === 0 || mentees.length === 0) {
    return <Empty>{t('people.mentorships.pair.needsBoth')}</Empty>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/people/{org}/mentorships', { params: { path: { org: orgId } }, body: { mentor_id: mentor, mentee_id: mentee } }));
    setBusy(false);
    if (result.ok) {
      setMentor('');
      setMentee('');
      onPaired();
    } else setError(submitError(result, ['mentor_id', 'mentee_id']));
  };

  return (
    <form className="form form--inline" onSubmit={(e) => void submit(e)} noValidate aria-label={t('people.mentorships.pair.heading')}>
      <FormError error={error} />
      <PersonPicker
        label={t('people.mentorships.pair.mentor')}
        name="mentor_id"
        people={mentors}
        value={mentor}
        onChange={setMentor}
        placeholder={t('people.mentorships.pair.chooseMentor')}
        error={error?.fields.byField.mentor_id}
      />
      <PersonPicker
        label={t('people.mentorships.pair.mentee')}
        name="mentee_id"
        people={mentees}
        value={mentee}
        onChange={setMentee}
        placeholder={t('people.mentorships.pair.chooseMentee')}
        error={error?.fields.byField.mentee_id}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy || mentor === '' || mentee === ''}>
          {t('people.mentorships.pair.submit')}
        </button>
      </div>
    </form>
  );
}

function MentorshipRow({ orgId, mentorship, members, onChanged }: { orgId: string; mentorship: Mentorship; members: readonly Member[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const end = async () => {
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/people/{org}/mentorships/{mentorship}/end', { params: { path: { org: orgId, mentorship: mentorship.id } } }));
    setBusy(false);
    if (result.ok) onChanged();
    else setError(failureMessage(result.failure));
  };

  return (
    <tr>
      <th scope="row">{nameOf(members, mentorship.mentor_id)}</th>
      <td>{nameOf(members, mentorship.mentee_id)}</td>
      <td>{formatDate(mentorship.started_at)}</td>
      <td>{mentorship.active
          ? t('people.mentorships.active')
          : t('people.mentorships.ended', { date: mentorship.ended_at ? formatDate(mentorship.ended_at) : '' })}</td>
      <td className="actions">
        {mentorship.active && (
          <button type="button" className="button button--small button--secondary" disabled={busy} onClick={() => void end()}>
            {t('people.mentorships.end')}
          </button>
        )}
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}

export function MentorshipsSection({ orgId, mentorships, members, can, onChanged }: { orgId: string; mentorships: readonly Mentorship[]; members: readonly Member[]; can: Abilities; onChanged: () => void }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="mentorships-heading">
      <h2 id="mentorships-heading">{t('people.mentorships.heading')}</h2>
      <RecordTable
        label={t('people.mentorships.heading')}
        labelledBy="mentorships-heading"
        columns={[
          { id: 'mentor', name: t('people.mentorships.columns.mentor'), compare: byText<Mentorship>((m) => nameOf(members, m.mentor_id)) },
          { id: 'mentee', name: t('people.mentorships.columns.mentee'), compare: byText<Mentorship>((m) => nameOf(members, m.mentee_id)) },
          { id: 'started', name: t('people.mentorships.columns.started'), compare: (a, b) => a.started_at - b.started_at },
          // Active pairings before ended ones.
          { id: 'status', name: t('people.mentorships.columns.status'), compare: (a, b) => Number(b.active) - Number(a.active) },
          { id: 'actions', name: t('people.mentorships.columns.actions') },
        ]}
        rows={mentorships}
        rowKey={(m) => m.id}
        renderRow={(m) => <MentorshipRow orgId={orgId} mentorship={m} members={members} onChanged={onChanged} />}
        empty={<Empty>{t('people.mentorships.empty')}</Empty>}
      />
      {(can.admin || can.pastor) && (
        <>
          <h3>{t('people.mentorships.pair.heading')}</h3>
          <PairForm orgId={orgId} members={members} onPaired={onChanged} />
        </>
      )}
    </section>
  );
}

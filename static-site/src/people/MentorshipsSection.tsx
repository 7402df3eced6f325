// Mentoring pairs: pair a mentor with a mentee, end a pairing (it stays in the history).
import { useState, type FormEvent } from 'react';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { SelectField } from '../components/Field';
import { FormError } from '../components/FormError';
import { Empty } from '../components/States';
import { DataTable } from '../components/DataTable';
import { submitError, type SubmitError } from '../forms';
import { formatDate } from '../time';
import { nameOf, type Abilities, type Member, type Mentorship } from './types';

function PairForm({ orgId, members, onPaired }: { orgId: string; members: readonly Member[]; onPaired: () => void }) {
  const mentors = members.filter((m) => m.roles.includes('mentor'));
  const mentees = members.filter((m) => m.roles.includes('mentee'));
  const [mentor, setMentor] = useState('');
  const [mentee, setMentee] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  if (mentors.length === 0 || mentees.length === 0) {
    return <Empty>Pairing needs at least one member with the Mentor role and one with the Mentee role.</Empty>;
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
    <form className="form form--inline" onSubmit={(e) => void submit(e)} noValidate aria-label="Pair a mentor with a mentee">
      <FormError error={error} />
      <SelectField label="Mentor" name="mentor_id" required value={mentor} onChange={(e) => setMentor(e.target.value)} error={error?.fields.byField.mentor_id}>
        <option value="">Choose a mentor…</option>
        {mentors.map((m) => (
          <option key={m.person_id} value={m.person_id}>
            {m.display_name}
          </option>
        ))}
      </SelectField>
      <SelectField label="Mentee" name="mentee_id" required value={mentee} onChange={(e) => setMentee(e.target.value)} error={error?.fields.byField.mentee_id}>
        <option value="">Choose a mentee…</option>
        {mentees.map((m) => (
          <option key={m.person_id} value={m.person_id}>
            {m.display_name}
          </option>
        ))}
      </SelectField>
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy || mentor === '' || mentee === ''}>
          Pair
        </button>
      </div>
    </form>
  );
}

function MentorshipRow({ orgId, mentorship, members, onChanged }: { orgId: string; mentorship: Mentorship; members: readonly Member[]; onChanged: () => void }) {
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
      <td>{mentorship.active ? 'Active' : `Ended ${mentorship.ended_at ? formatDate(mentorship.ended_at) : ''}`}</td>
      <td className="actions">
        {mentorship.active && (
          <button type="button" className="button button--small button--secondary" disabled={busy} onClick={() => void end()}>
            End
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
  return (
    <section aria-labelledby="mentorships-heading">
      <h2 id="mentorships-heading">Mentorships</h2>
      {mentorships.length === 0 ? (
        <Empty>No mentorships yet.</Empty>
      ) : (
        <DataTable labelledBy="mentorships-heading" columns={['Mentor', 'Mentee', 'Started', 'Status', 'Actions']}>
          {mentorships.map((m) => (
            <MentorshipRow key={m.id} orgId={orgId} mentorship={m} members={members} onChanged={onChanged} />
          ))}
        </DataTable>
      )}
      {(can.admin || can.pastor) && (
        <>
          <h3>Pair a mentor with a mentee</h3>
          <PairForm orgId={orgId} members={members} onPaired={onChanged} />
        </>
      )}
    </section>
  );
}

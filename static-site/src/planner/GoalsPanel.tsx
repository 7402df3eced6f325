// A person's goals: each with why it matters, its target date, its milestones to tick off and its state. The person
// sets their own and answers proposals; a mentor or their pastor proposes. A change names the version it was read at,
// so one made elsewhere meanwhile is never overwritten: the page says so and shows what is there now.
// Under each goal, its conversation.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { confirm } from '../kit/toasts';
import { formatDate } from '../time';
import { Conversation, threadOf } from './Conversation';
import type { Standing } from './PlannerPage';
import { planChanged, plannerKeys, useGoals, type Goal } from './queries';

const FIELDS = ['title', 'why', 'target_date', 'milestones'] as const;

export function GoalsPanel({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const goals = useGoals(orgId, person.person_id);
  const client = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);

  /**
   * Sends a change of `goal`; a stale one reloads the goals and says why nothing changed. `shown` is how the goal looks
   * once changed, put on screen at once (a ticked milestone stays ticked) until the answer replaces it.
   */
  const change = async (goal: Goal, body: Record<string, unknown>, done?: string, shown?: Partial<Goal>) => {
    setProblem(null);
    if (shown) {
      client.setQueryData<{ goals: Goal[] }>(plannerKeys.goals(orgId, person.person_id), (old) =>
        old ? { goals: old.goals.map((g) => (g.id === goal.id ? { ...g, ...shown } : g)) } : old,
      );
    }
    const result = await call(
      api.PATCH('/api/planner/{org}/people/{person}/goals/{goal}', {
        params: { path: { org: orgId, person: person.person_id, goal: goal.id }, header: { 'If-Match': `"${goal.version}"` } },
        body,
      }),
    );
    await settle(result, done);
  };
  const settle = async (result: CallResult<unknown>, done?: string) => {
    if (result.ok) {
      if (done) confirm({ text: done });
    } else if (result.status === 412) {
      setProblem(t('planner.stale'));
    } else {
      setProblem(submitError(result, []).message);
    }
    await planChanged(client, orgId, person.person_id);
  };
  const answer = async (goal: Goal, accept: boolean) => {
    setProblem(null);
    const path = { org: orgId, person: person.person_id, goal: goal.id };
    const result = accept
      ? await call(api.POST('/api/planner/{org}/people/{person}/goals/{goal}/accept', { params: { path } }))
      : await call(api.POST('/api/planner/{org}/people/{person}/goals/{goal}/decline', { params: { path } }));
    await settle(result, t(accept ? 'planner.goals.accepted' : 'planner.goals.declined', { title: goal.title }));
  };

  return (
    <section className="planner__panel" aria-labelledby="goals-heading">
      <h2 id="goals-heading">{t('planner.goals.title')}</h2>
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {goals.error instanceof ApiError && <p className="field__error">{goals.error.message}</p>}
      {!goals.data && !goals.error && <Loading />}
      {goals.data && goals.data.goals.length === 0 && <Empty>{t(own ? 'planner.goals.emptyOwn' : 'planner.goals.empty')}</Empty>}
      {goals.data && goals.data.goals.length > 0 && (
        <ul className="planner__goals">
          {goals.data.goals.map((goal) => (
            <li key={goal.id} className={`planner__goal planner__goal--${goal.status}`}>
              <div className="planner__goal-head">
                <h3>{goal.title}</h3>
                <span className={`badge planner__status planner__status--${goal.status}`}>{t(`planner.goals.status.${goal.status}`)}</span>
              </div>
              {goal.why && <p>{goal.why}</p>}
              <p className="muted">
                {goal.target_date && t('planner.goals.by', { date: formatDate(Date.parse(`${goal.target_date}T12:00:00Z`)) })}
                {goal.proposed_by && ` ${t('planner.goals.proposed')}`}
              </p>
              {goal.milestones.length > 0 && (
                <ul className="planner__milestones" aria-label={t('planner.goals.milestones', { title: goal.title })}>
                  {goal.milestones.map((milestone) => (
                    <li key={milestone.id}>
                      <label>
                        <input
                          type="checkbox"
                          checked={milestone.done}
                          disabled={!own || goal.status === 'proposed' || goal.status === 'declined'}
                          onChange={(event) => {
                            const milestones = goal.milestones.map((m) => ({
                              ...m,
                              done: m.id === milestone.id ? event.target.checked : m.done,
                            }));
                            void change(goal, { milestones: milestones.map(({ id, title, done }) => ({ id, title, done })) }, undefined, { milestones });
                          }}
                        />{' '}
                        {milestone.title}
                      </label>
                    </li>
                  ))}
                </ul>
              )}
              {own && goal.status === 'proposed' && (
                <div className="button-row">
                  <button type="button" className="button" onClick={() => void answer(goal, true)}>
                    {t('planner.goals.accept')}
                  </button>
                  <button type="button" className="button button--secondary" onClick={() => void answer(goal, false)}>
                    {t('planner.goals.decline')}
                  </button>
                </div>
              )}
              {own && goal.status === 'active' && (
                <div className="button-row">
                  <button type="button" className="button button--secondary" onClick={() => void change(goal, { status: 'achieved' }, t('planner.goals.achievedToast', { title: goal.title }))}>
                    {t('planner.goals.markAchieved')}
                  </button>
                  <button type="button" className="button button--secondary" onClick={() => void change(goal, { status: 'dropped' })}>
                    {t('planner.goals.drop')}
                  </button>
                </div>
              )}
              {own && (goal.status === 'achieved' || goal.status === 'dropped') && (
                <div className="button-row">
                  <button type="button" className="button button--secondary" onClick={() => void change(goal, { status: 'active' })}>
                    {t('planner.goals.reopen')}
                  </button>
                </div>
              )}
              <Conversation orgId={orgId} personId={person.person_id} thread={threadOf('goal', goal.id)} subject={goal.title} />
            </li>
          ))}
        </ul>
      )}
      <NewGoalForm standing={standing} />
    </section>
  );
}

function NewGoalForm({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [why, setWhy] = useState('');
  const [targetDate, setTargetDate] = useState('');
  const [milestones, setMilestones] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(
      api.POST('/api/planner/{org}/people/{person}/goals', {
        params: { path: { org: orgId, person: person.person_id } },
        body: {
          title,
          why,
          target_date: targetDate || null,
          milestones: milestones.split('\n').map((line) => line.trim()).filter(Boolean),
        },
      }),
    );
    setBusy(false);
    if (!result.ok) {
      setError(submitError(result, FIELDS));
      return;
    }
    setTitle('');
    setWhy('');
    setTargetDate('');
    setMilestones('');
    confirm({ text: t(own ? 'planner.goals.added' : 'planner.goals.proposedToast', { title: result.data.title, name: person.display_name }) });
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <form className="form planner__form" onSubmit={(event) => void submit(event)} noValidate>
      <h3>{t(own ? 'planner.goals.new' : 'planner.goals.propose', { name: person.display_name })}</h3>
      {error && error.fields.other.length === 0 && Object.keys(error.fields.byField).length === 0 && (
        <p className="field__error" role="alert">
          {error.message}
        </p>
      )}
      <Field label={t('planner.goals.titleField')} value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} error={error?.fields.byField.title} />
      <div className={`field${error?.fields.byField.why ? ' field--invalid' : ''}`}>
        <label htmlFor="goal-why">{t('planner.goals.why')}</label>
        <textarea id="goal-why" rows={2} value={why} maxLength={4000} onChange={(e) => setWhy(e.target.value)} />
        {error?.fields.byField.why && <span className="field__error">{error.fields.byField.why}</span>}
      </div>
      <Field label={t('planner.goals.targetDate')} type="date" value={targetDate} onChange={(e) => setTargetDate(e.target.value)} error={error?.fields.byField.target_date} />
      <div className="field">
        <label htmlFor="goal-milestones">{t('planner.goals.milestonesField')}</label>
        <span className="field__hint" id="goal-milestones-hint">
          {t('planner.goals.milestonesHint')}
        </span>
        <textarea id="goal-milestones" aria-describedby="goal-milestones-hint" rows={3} value={milestones} onChange={(e) => setMilestones(e.target.value)} />
        {error?.fields.byField.milestones && <span className="field__error">{error.fields.byField.milestones}</span>}
      </div>
      {error && error.fields.other.length > 0 && <p className="field__error">{error.fields.other.join('; ')}</p>}
      <button type="submit" className="button" disabled={busy || !title.trim()}>
        {t(own ? 'planner.goals.add' : 'planner.goals.proposeButton')}
      </button>
    </form>
  );
}

// The meetings recorded with a person, newest first: when, how long, the notes the person reads too, the recorder's
// private notes (the server sends them to the recorder alone) and the next steps agreed, each of which the recorder or
// the person may make a task of their plan. A mentor of the person or their pastor records a meeting; only its recorder
// changes or deletes it, at the version they read, so a change made elsewhere meanwhile is never overwritten.
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResult } from '../api/call';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { preferences } from '../i18n';
import { confirm } from '../kit/toasts';
import { Link } from '../router';
import { formatDateTime } from '../time';
import type { Standing } from './PlannerPage';
import {
  changeMeeting,
  deleteMeeting,
  makeStepTask,
  meetingReplaced,
  planChanged,
  plannerKeys,
  recordMeeting,
  useMeetings,
  type Meeting,
  type MeetingChange,
} from './queries';

/** What the server takes, checked before sending so a mistake is shown at once. */
export const MEETING_LIMITS = { minutes: 720, notes: 20_000, steps: 20, stepTitle: 200 } as const;

const FIELDS = ['start', 'duration_minutes', 'shared_notes', 'private_notes', 'next_steps'] as const;

/** Whether the viewer may record a meeting with the plan's person: they mentor them, or lead their group. */
export function mayRecord(standing: Standing): boolean {
  return !standing.own && (standing.person.relation === 'mentee' || standing.person.relation === 'group');
}

export function MeetingsPanel({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const meetings = useMeetings(orgId, person.person_id);
  const list = meetings.data?.pages.flatMap((page) => page.meetings) ?? [];
  const recorder = mayRecord(standing);

  return (
    <section className="planner__panel" aria-labelledby="meetings-heading">
      <h2 id="meetings-heading">{t('planner.meetings.title')}</h2>
      <p className="muted">{t(own ? 'planner.meetings.summaryOwn' : 'planner.meetings.summary', { name: person.display_name })}</p>
      {meetings.error instanceof ApiError && <p className="field__error">{meetings.error.message}</p>}
      {!meetings.data && !meetings.error && <Loading />}
      {meetings.data && list.length === 0 && (
        <Empty>{t(own ? 'planner.meetings.emptyOwn' : recorder ? 'planner.meetings.emptyRecord' : 'planner.meetings.empty', { name: person.display_name })}</Empty>
      )}
      {list.length > 0 && (
        <ol className="planner__meetings" aria-label={t('planner.meetings.listLabel', { name: person.display_name })}>
          {list.map((meeting) => (
            <li key={meeting.id}>
              <MeetingCard standing={standing} meeting={meeting} />
            </li>
          ))}
        </ol>
      )}
      {meetings.hasNextPage && (
        <p>
          <button type="button" className="button button--secondary" disabled={meetings.isFetchingNextPage} onClick={() => void meetings.fetchNextPage()}>
            {t(meetings.isFetchingNextPage ? 'planner.meetings.loadingMore' : 'planner.meetings.loadMore')}
          </button>
        </p>
      )}
      {recorder && <MeetingForm standing={standing} />}
    </section>
  );
}

function MeetingCard({ standing, meeting }: { standing: Standing; meeting: Meeting }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const headingId = `meeting-${meeting.id}-heading`;
  const when = formatDateTime(Date.parse(meeting.starts_at), meeting.time_zone);
  const hasPrivate = meeting.private_notes !== undefined && meeting.private_notes !== null;

  // An open edit form stays open with what was typed: saved again, it names the version reloaded.
  const reload = async () => {
    setStale(false);
    setProblem(null);
    setDeleting(false);
    await client.invalidateQueries({ queryKey: plannerKeys.meetings(orgId, person.person_id) });
  };

  const remove = async () => {
    setBusy(true);
    setProblem(null);
    const result = await deleteMeeting(orgId, meeting);
    setBusy(false);
    setDeleting(false);
    if (!result.ok) {
      if (result.status === 412) setStale(true);
      else setProblem(submitError(result, []).message);
      return;
    }
    confirm({ text: t('planner.meetings.deleted', { when }) });
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <article className="planner__meeting" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('planner.meetings.heading', { when })}</h3>
      <p className="muted">
        {t('planner.meetings.duration', { count: meeting.duration_minutes })}
        {meeting.time_zone !== preferences().timeZone && ` · ${t('planner.meetings.zone', { zone: meeting.time_zone })}`}
        {meeting.mine && ` · ${t('planner.meetings.recordedByYou')}`}
      </p>
      {stale && <Stale onReload={() => void reload()} />}
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {editing ? (
        <MeetingForm standing={standing} meeting={meeting} onDone={() => setEditing(false)} onStale={() => setStale(true)} />
      ) : (
        <>
          <h4>{t(own ? 'planner.meetings.sharedOwn' : 'planner.meetings.shared', { name: person.display_name })}</h4>
          {meeting.shared_notes_html.trim() ? (
            <div className="prose" dangerouslySetInnerHTML={{ __html: meeting.shared_notes_html }} />
          ) : (
            <p className="muted">{t('planner.meetings.noShared')}</p>
          )}
          {hasPrivate && (
            <section className="planner__private" aria-labelledby={`${headingId}-private`}>
              <h4 id={`${headingId}-private`}>{t('planner.meetings.private')}</h4>
              {meeting.private_notes?.trim() ? (
                <p className="planner__private-text">{meeting.private_notes}</p>
              ) : (
                <p className="muted">{t('planner.meetings.noPrivate')}</p>
              )}
            </section>
          )}
          <h4>{t('planner.meetings.steps')}</h4>
          {meeting.next_steps.length === 0 ? (
            <p className="muted">{t('planner.meetings.noSteps')}</p>
          ) : (
            <ul className="planner__steps">
              {meeting.next_steps.map((step) => (
                <NextStep key={step.id} standing={standing} meeting={meeting} step={step} mayTask={meeting.mine || own} />
              ))}
            </ul>
          )}
          {meeting.mine && !deleting && (
            <div className="button-row">
              <button type="button" className="button button--secondary" aria-describedby={headingId} onClick={() => setEditing(true)}>
                {t('planner.meetings.edit')}
              </button>
              <button type="button" className="button button--secondary" aria-describedby={headingId} onClick={() => setDeleting(true)}>
                {t('planner.meetings.delete')}
              </button>
            </div>
          )}
          {meeting.mine && deleting && (
            <div className="planner__confirm" role="group" aria-labelledby={`${headingId}-confirm`}>
              <p id={`${headingId}-confirm`}>{t('planner.meetings.confirmDelete', { when })}</p>
              <div className="button-row">
                <button type="button" className="button button--danger" disabled={busy} onClick={() => void remove()} autoFocus>
                  {t('planner.meetings.deleteForGood')}
                </button>
                <button type="button" className="button button--secondary" disabled={busy} onClick={() => setDeleting(false)}>
                  {t('planner.meetings.keep')}
                </button>
              </div>
            </div>
          )}
        </>
      )}
    </article>
  );
}

function Stale({ onReload }: { onReload: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="notice" role="alert">
      <p>{t('planner.meetings.stale')}</p>
      <button type="button" className="button button--secondary" onClick={onReload}>
        {t('planner.meetings.reload')}
      </button>
    </div>
  );
}

function NextStep({ standing, meeting, step, mayTask }: { standing: Standing; meeting: Meeting; step: Meeting['next_steps'][number]; mayTask: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const calendar = standing.own ? '/planner?tab=calendar' : `/planner?person=${encodeURIComponent(standing.person.person_id)}&tab=calendar`;
  return (
    <li className="planner__step">
      <span>{step.title}</span>
      {step.task_id ? (
        <>
          {' '}
          <span className="badge badge--good">{t('planner.meetings.isTask')}</span> <Link to={calendar}>{t('planner.meetings.seeCalendar')}</Link>
        </>
      ) : (
        mayTask &&
        !open && (
          <>
            {' '}
            <button type="button" className="button button--small button--secondary" aria-label={t('planner.meetings.makeTaskOf', { title: step.title })} onClick={() => setOpen(true)}>
              {t('planner.meetings.makeTask')}
            </button>
          </>
        )
      )}
      {open && !step.task_id && <StepTaskForm standing={standing} meeting={meeting} step={step} onClose={() => setOpen(false)} />}
    </li>
  );
}

function StepTaskForm({ standing, meeting, step, onClose }: { standing: Standing; meeting: Meeting; step: Meeting['next_steps'][number]; onClose: () => void }) {
  const { t } = useTranslation();
  const { orgId, person } = standing;
  const client = useQueryClient();
  const id = useId();
  const [timed, setTimed] = useState(true);
  const [start, setStart] = useState('');
  const [minutes, setMinutes] = useState('30');
  const [due, setDue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await makeStepTask(orgId, meeting, step.id, timed ? { start, duration_minutes: Number(minutes) || null } : { due });
    setBusy(false);
    if (!result.ok) {
      setError(submitError(result, ['start', 'duration_minutes', 'due']));
      return;
    }
    meetingReplaced(client, orgId, result.data.meeting);
    confirm({ text: t('planner.meetings.taskMade', { title: result.data.task.title }) });
    onClose();
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <form className="form planner__step-task" onSubmit={(event) => void submit(event)} noValidate aria-label={t('planner.meetings.makeTaskOf', { title: step.title })}>
      <fieldset className="field">
        <legend>{t('planner.calendar.when')}</legend>
        <label>
          <input type="radio" name={`${id}-timing`} checked={timed} onChange={() => setTimed(true)} /> {t('planner.calendar.atTime')}
        </label>{' '}
        <label>
          <input type="radio" name={`${id}-timing`} checked={!timed} onChange={() => setTimed(false)} /> {t('planner.calendar.byDate')}
        </label>
      </fieldset>
      {timed ? (
        <>
          <Field
            label={t('planner.calendar.start')}
            hint={t('planner.meetings.inZone', { zone: person.time_zone ?? 'UTC' })}
            type="datetime-local"
            value={start}
            onChange={(e) => setStart(e.target.value)}
            error={error?.fields.byField.start}
          />
          <Field label={t('planner.calendar.minutes')} type="number" min={1} max={1440} value={minutes} onChange={(e) => setMinutes(e.target.value)} error={error?.fields.byField.duration_minutes} />
        </>
      ) : (
        <Field label={t('planner.calendar.due')} type="date" value={due} onChange={(e) => setDue(e.target.value)} error={error?.fields.byField.due} />
      )}
      {error && (Object.keys(error.fields.byField).length === 0 || error.fields.other.length > 0) && (
        <p className="field__error" role="alert">
          {error.fields.other.length > 0 ? error.fields.other.join('; ') : error.message}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button button--small" disabled={busy || (timed ? !start : !due)}>
          {t('planner.meetings.makeTaskButton')}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A row of the next steps being written: an existing step keeps its id (and the task it became). */
interface StepRow {
  readonly key: number;
  readonly id?: string | undefined;
  readonly title: string;
}

type Errors = Record<string, string>;

/** What is wrong with a meeting before it is sent, by field (`next_steps.3` for one step's title). */
export function meetingProblems(
  input: { start: string; minutes: string; shared: string; private: string; steps: readonly { title: string }[] },
  t: TFunction,
): Errors {
  const notes = new Intl.NumberFormat(preferences().locale).format(MEETING_LIMITS.notes);
  const errors: Errors = {};
  if (!input.start) errors.start = t('planner.meetings.errors.start');
  const minutes = Number(input.minutes);
  if (!input.minutes.trim() || !Number.isInteger(minutes) || minutes < 1 || minutes > MEETING_LIMITS.minutes) {
    errors.duration_minutes = t('planner.meetings.errors.minutes', { max: MEETING_LIMITS.minutes });
  }
  if (input.shared.length > MEETING_LIMITS.notes) errors.shared_notes = t('planner.meetings.errors.notes', { max: notes, length: input.shared.length });
  if (input.private.length > MEETING_LIMITS.notes) errors.private_notes = t('planner.meetings.errors.notes', { max: notes, length: input.private.length });
  const steps = input.steps.filter((step) => step.title.trim());
  if (steps.length > MEETING_LIMITS.steps) errors.next_steps = t('planner.meetings.errors.steps', { max: MEETING_LIMITS.steps });
  input.steps.forEach((step, index) => {
    if (step.title.trim().length > MEETING_LIMITS.stepTitle) errors[`next_steps.${index}`] = t('planner.meetings.errors.stepTitle', { max: MEETING_LIMITS.stepTitle });
  });
  return errors;
}

/** The row a server's field error names (`next_steps[2].title`, `next_steps.2.title`, `next_steps/2`), if any. */
function stepIndexOf(field: string): number | null {
  const match = /^next_steps\W*(\d+)/.exec(field);
  return match ? Number(match[1]) : null;
}

let rowKeys = 0;

function MeetingForm({
  standing,
  meeting,
  onDone,
  onStale,
}: {
  standing: Standing;
  /** The meeting changed; none to record a new one. */
  meeting?: Meeting;
  onDone?: () => void;
  onStale?: () => void;
}) {
  const { t } = useTranslation();
  const { orgId, person } = standing;
  const client = useQueryClient();
  const id = useId();
  const initialStart = meeting ? meeting.start.slice(0, 16) : '';
  const [start, setStart] = useState(initialStart);
  const [minutes, setMinutes] = useState(meeting ? String(meeting.duration_minutes) : '60');
  const [shared, setShared] = useState(meeting?.shared_notes ?? '');
  const [privateNotes, setPrivateNotes] = useState(meeting?.private_notes ?? '');
  const [steps, setSteps] = useState<StepRow[]>(() => (meeting?.next_steps ?? []).map((step) => ({ key: ++rowKeys, id: step.id, title: step.title })));
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Errors>({});
  const [error, setError] = useState<SubmitError | null>(null);

  const fieldError = (field: string): string | undefined => problems[field] ?? error?.fields.byField[field];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const found = meetingProblems({ start, minutes, shared, private: privateNotes, steps }, t);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const sent = steps.filter((step) => step.title.trim());
    setBusy(true);
    let result: CallResult<Meeting>;
    if (meeting) {
      const body: MeetingChange = {
        duration_minutes: Number(minutes),
        shared_notes: shared,
        private_notes: privateNotes,
        next_steps: sent.map((step) => (step.id ? { id: step.id, title: step.title.trim() } : { title: step.title.trim() })),
        // The start is sent only when changed: it is read in the person's zone, which may have changed since.
        ...(start !== initialStart ? { start } : {}),
      };
      result = await changeMeeting(orgId, meeting, body);
    } else {
      result = await recordMeeting(orgId, person.person_id, {
        start,
        duration_minutes: Number(minutes),
        shared_notes: shared,
        private_notes: privateNotes,
        next_steps: sent.map((step) => step.title.trim()),
      });
    }
    setBusy(false);
    if (!result.ok) {
      if (result.status === 412 && onStale) {
        onStale();
        return;
      }
      // A step's error goes on its row: the server counts the steps sent, which leave out the empty rows.
      const stepFields = result.fieldErrors.map((problem) => problem.field).filter((field) => stepIndexOf(field) !== null);
      const refused = submitError(result, [...FIELDS, ...stepFields]);
      const byRow: Errors = {};
      for (const field of stepFields) {
        const row = sent[stepIndexOf(field)!];
        const message = refused.fields.byField[field];
        if (row && message) byRow[`next_steps.${steps.indexOf(row)}`] = message;
      }
      setProblems(byRow);
      setError(refused);
      return;
    }
    const when = formatDateTime(Date.parse(result.data.starts_at), result.data.time_zone);
    if (meeting) {
      meetingReplaced(client, orgId, result.data);
      confirm({ text: t('planner.meetings.saved', { when }) });
      onDone?.();
    } else {
      confirm({ text: t('planner.meetings.recorded', { when, name: person.display_name }) });
      setStart('');
      setMinutes('60');
      setShared('');
      setPrivateNotes('');
      setSteps([]);
      setProblems({});
    }
    await planChanged(client, orgId, person.person_id);
  };

  const invalid = Object.keys(problems).length > 0 || (error !== null && Object.keys(error.fields.byField).length > 0);
  const Heading = meeting ? 'h4' : 'h3';
  return (
    <form className="form planner__form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>{t(meeting ? 'planner.meetings.editTitle' : 'planner.meetings.record', { name: person.display_name })}</Heading>
      {invalid && (
        <p className="field__error" role="alert">
          {t('form.correctFields')}
        </p>
      )}
      {error && !invalid && (
        <p className="field__error" role="alert">
          {error.fields.other.length > 0 ? error.fields.other.join('; ') : error.message}
        </p>
      )}
      <Field
        label={t('planner.meetings.start')}
        hint={t('planner.meetings.inZone', { zone: meeting?.time_zone ?? person.time_zone ?? 'UTC' })}
        type="datetime-local"
        value={start}
        required
        onChange={(e) => setStart(e.target.value)}
        error={fieldError('start')}
      />
      <Field
        label={t('planner.meetings.minutes')}
        type="number"
        min={1}
        max={MEETING_LIMITS.minutes}
        step={1}
        value={minutes}
        required
        onChange={(e) => setMinutes(e.target.value)}
        error={fieldError('duration_minutes')}
      />
      <TextArea
        id={`${id}-shared`}
        label={t('planner.meetings.sharedField')}
        hint={t('planner.meetings.sharedHint', { name: person.display_name })}
        value={shared}
        onChange={setShared}
        rows={5}
        error={fieldError('shared_notes')}
      />
      <TextArea
        id={`${id}-private`}
        label={t('planner.meetings.privateField')}
        hint={t('planner.meetings.privateHint')}
        value={privateNotes}
        onChange={setPrivateNotes}
        rows={3}
        error={fieldError('private_notes')}
      />
      <fieldset className="field planner__step-rows">
        <legend>{t('planner.meetings.steps')}</legend>
        {steps.length === 0 && <p className="muted">{t('planner.meetings.noStepsYet')}</p>}
        {steps.map((step, index) => (
          <div key={step.key} className="planner__step-row">
            <Field
              label={t('planner.meetings.stepField', { n: index + 1 })}
              value={step.title}
              maxLength={MEETING_LIMITS.stepTitle + 50}
              onChange={(e) => {
                const title = e.target.value;
                setSteps((rows) => rows.map((row) => (row.key === step.key ? { ...row, title } : row)));
              }}
              error={fieldError(`next_steps.${index}`)}
            />
            <button
              type="button"
              className="button button--small button--secondary"
              aria-label={t('planner.meetings.removeStep', { n: index + 1 })}
              onClick={() => setSteps((rows) => rows.filter((row) => row.key !== step.key))}
            >
              ✕
            </button>
          </div>
        ))}
        {fieldError('next_steps') && <p className="field__error">{fieldError('next_steps')}</p>}
        <p>
          <button
            type="button"
            className="button button--small button--secondary"
            disabled={steps.length >= MEETING_LIMITS.steps}
            onClick={() => setSteps((rows) => [...rows, { key: ++rowKeys, title: '' }])}
          >
            {t('planner.meetings.addStep')}
          </button>
        </p>
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {t(meeting ? 'planner.meetings.save' : 'planner.meetings.recordButton')}
        </button>
        {meeting && (
          <button type="button" className="button button--secondary" onClick={onDone}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** A labelled textarea with its hint and error tied to it for screen readers. */
function TextArea({
  id,
  label,
  hint,
  value,
  onChange,
  rows,
  error,
}: {
  id: string;
  label: ReactNode;
  hint: ReactNode;
  value: string;
  onChange: (value: string) => void;
  rows: number;
  error?: string | undefined;
}) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <span className="field__hint" id={`${id}-hint`}>
        {hint}
      </span>
      <textarea
        id={id}
        rows={rows}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span className="field__error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

// Changing a task from one of its occurrences: its title, notes, time or due date, length, repetition and the goal and
// study item it serves, for every occurrence or (a series, from any occurrence but its first) for this one and those
// that follow. The form is filled from the task as stored and sends only what was changed, at the version read: a
// change made elsewhere meanwhile is never overwritten (the form keeps what was typed and offers to read the task
// again). The goal and study item selects serve the form that schedules a task too.
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useId, useState, type FormEvent } from 'react';
import { FieldError, Label, TextArea, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { CallResult } from '../api/call';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { SelectField } from '../kit/SelectField';
import { confirm } from '../kit/toasts';
import {
  changeTask,
  goalChoices,
  itemTitle,
  occurrenceOf,
  occurrenceStart,
  planChanged,
  plannerKeys,
  repetitionOf,
  ruleFor,
  splitTask,
  useGoals,
  useQueue,
  useTask,
  type CalendarEntry,
  type Split,
  type Task,
  type TaskBody,
} from './queries';

type Repeat = 'none' | 'daily' | 'weekly' | 'monthly' | 'custom';
type Scope = 'all' | 'following';

/** The fields the server may name in a refusal that this form shows; others are said above the button. */
const FIELDS = ['title', 'notes', 'start', 'due', 'duration_minutes', 'rrule', 'goal_id', 'queue_item_id', 'occurrence'];

/** The titles of the goal and the study item a task is linked to, from the plan's goals and queue (when known). */
export function useLinkTitles(orgId: string, personId: string) {
  const { t } = useTranslation();
  const goals = useGoals(orgId, personId);
  const queue = useQueue(orgId, personId);
  return {
    goal: (id: string | null | undefined) => (id ? goals.data?.goals.find((g) => g.id === id)?.title : undefined),
    item: (id: string | null | undefined) => {
      const item = id ? queue.data?.items.find((i) => i.id === id) : undefined;
      return item ? itemTitle(item, t('planner.queue.hidden')) : undefined;
    },
  };
}

/** "For the goal “…” · Studying “…”": what a task is linked to, or nothing. */
export function linkText(t: TFunction, goal?: string, item?: string): string {
  return [goal && t('planner.calendar.linkedGoal', { title: goal }), item && t('planner.calendar.linkedItem', { title: item })].filter(Boolean).join(' · ');
}

/** The goal and study item a task serves: selects of the plan's goals and of its queue's items, each with "none". */
export function LinkFields({
  orgId,
  personId,
  goal,
  item,
  onGoal,
  onItem,
  errors,
}: {
  orgId: string;
  personId: string;
  goal: string;
  item: string;
  onGoal: (goal: string) => void;
  onItem: (item: string) => void;
  errors?: Readonly<Record<string, string>> | undefined;
}) {
  const { t } = useTranslation();
  const goals = useGoals(orgId, personId);
  const queue = useQueue(orgId, personId);
  const goalOptions = goalChoices(goals.data?.goals ?? [], goal).map((g) => ({ id: g.id, label: g.title }));
  const itemOptions = (queue.data?.items ?? [])
    .filter((i) => i.id === item || i.progress !== 'done')
    .map((i) => ({ id: i.id, label: itemTitle(i, t('planner.queue.hidden')) }));
  // A link to something the lists do not hold (not yet read, or not to be seen) still shows as linked.
  const unknown = { label: t('planner.calendar.unknownLink') };
  if (goal && !goalOptions.some((o) => o.id === goal)) goalOptions.push({ id: goal, ...unknown });
  if (item && !itemOptions.some((o) => o.id === item)) itemOptions.push({ id: item, ...unknown });
  return (
    <>
      {goalOptions.length > 0 && (
        <SelectField
          label={t('planner.calendar.linkedGoalField')}
          options={[{ id: '', label: t('planner.calendar.noGoal') }, ...goalOptions]}
          value={goal}
          onChange={onGoal}
          error={errors?.goal_id}
        />
      )}
      {itemOptions.length > 0 && (
        <SelectField
          label={t('planner.calendar.linkedItemField')}
          options={[{ id: '', label: t('planner.calendar.noItem') }, ...itemOptions]}
          value={item}
          onChange={onItem}
          error={errors?.queue_item_id}
        />
      )}
    </>
  );
}

/** The form to change the task `entry` is an occurrence of, once the task is read. */
export function TaskEditForm(props: { orgId: string; personId: string; entry: CalendarEntry; onSaved: () => void; onCancel: () => void }) {
  const { orgId, personId, entry } = props;
  const { t } = useTranslation();
  const task = useTask(orgId, personId, entry.task_id);
  if (task.error) {
    return (
      <p className="field__error" role="alert">
        {task.error instanceof ApiError ? task.error.message : t('planner.calendar.taskUnread')}
      </p>
    );
  }
  if (!task.data) return <Loading label={t('planner.calendar.taskLoading')} lines={2} />;
  return <EditFields {...props} task={task.data} />;
}

interface Values {
  readonly title: string;
  readonly notes: string;
  readonly timed: boolean;
  readonly start: string;
  readonly due: string;
  readonly minutes: string;
  readonly repeat: Repeat;
  readonly count: string;
  readonly goal: string;
  readonly item: string;
}

/** What the form shows for `task` when the change starts at the series' start (all) or at the occurrence chosen. */
function prefill(task: Task, occurrence: string, scope: Scope): Values {
  const from = scope === 'following' ? occurrenceStart(occurrence) : task.start.slice(0, 16);
  const day = from.slice(0, 10);
  const repetition = repetitionOf(task.rrule);
  return {
    title: task.title,
    notes: task.notes,
    timed: !task.all_day,
    start: task.all_day ? `${day}T09:00` : from,
    due: day,
    minutes: task.all_day ? '30' : String(task.duration_minutes),
    repeat: repetition.repeat,
    // From an occurrence on, the series' count is not this part's: left empty, the rest keeps what remains of it.
    count: scope === 'following' ? '' : repetition.count,
    goal: task.goal_id ?? '',
    item: task.queue_item_id ?? '',
  };
}

/** What is shown once the prefill changes from `was` to `now`: what was changed here stays, the rest follows. */
function follow(values: Values, was: Values, now: Values): Values {
  const next: Record<string, unknown> = { ...values };
  for (const key of Object.keys(now) as Array<keyof Values>) if (values[key] === was[key]) next[key] = now[key];
  return next as unknown as Values;
}

/** The changes the form holds against what it was filled with: only these are sent. */
function changesOf(values: Values, base: Values, rrule: string | null | undefined): TaskBody {
  const body: TaskBody = {};
  if (values.title !== base.title) body.title = values.title;
  if (values.notes !== base.notes) body.notes = values.notes;
  if (values.timed) {
    if (!base.timed || values.start !== base.start) body.start = values.start;
    if ((!base.timed || values.minutes !== base.minutes) && values.minutes.trim()) body.duration_minutes = Number(values.minutes);
  } else if (base.timed || values.due !== base.due) {
    body.due = values.due;
  }
  if (values.repeat !== base.repeat || (values.repeat !== 'none' && values.count !== base.count)) {
    body.rrule = values.repeat === 'none' ? '' : values.repeat === 'custom' ? (rrule ?? '') : ruleFor(values.repeat, values.count ? Number(values.count) : null);
  }
  if (values.goal !== base.goal) body.goal_id = values.goal;
  if (values.item !== base.item) body.queue_item_id = values.item;
  return body;
}

function EditFields({
  orgId,
  personId,
  entry,
  task,
  onSaved,
  onCancel,
}: {
  orgId: string;
  personId: string;
  entry: CalendarEntry;
  task: Task;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const recurring = Boolean(task.rrule);
  // "This and following" from the first occurrence would be the whole series: then only "all" is offered.
  const mayFollow = recurring && occurrenceOf(task.start) !== entry.occurrence;
  const [scope, setScope] = useState<Scope>('all');
  const base = prefill(task, entry.occurrence, scope);
  const [values, setValues] = useState<Values>(base);
  // Read again (after a stale save): what was not changed here shows what is there now; what was typed stays.
  const [seen, setSeen] = useState(task);
  if (seen.version !== task.version) {
    setSeen(task);
    setValues(follow(values, prefill(seen, entry.occurrence, scope), base));
  }
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((was) => ({ ...was, [key]: value }));
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);
  const byField = error?.fields.byField ?? {};

  const choose = (next: Scope) => {
    // The start shown is the series' or the occurrence's, unless one was typed.
    setValues(follow(values, base, prefill(task, entry.occurrence, next)));
    setScope(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setStale(false);
    const body = changesOf(values, base, task.rrule);
    const result: CallResult<Task | Split> =
      scope === 'following' && mayFollow ? await splitTask(orgId, task, entry.occurrence, body) : await changeTask(orgId, task, body);
    setBusy(false);
    if (!result.ok) {
      if (result.status === 412) setStale(true);
      else setError(submitError(result, FIELDS));
      return;
    }
    confirm({ text: t('planner.calendar.saved', { title: values.title }) });
    onSaved();
    await planChanged(client, orgId, personId);
  };

  const reload = async () => {
    await client.invalidateQueries({ queryKey: plannerKeys.task(orgId, personId, task.id) });
    setStale(false);
    await planChanged(client, orgId, personId);
  };

  return (
    <form className="form planner__form planner__task-edit" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('planner.calendar.editHeading', { title: task.title })}</h4>
      {stale && (
        <div className="notice" role="alert">
          <p>{t('planner.calendar.stale')}</p>
          <button type="button" className="button button--secondary" onClick={() => void reload()}>
            {t('planner.calendar.reload')}
          </button>
        </div>
      )}
      {recurring && (
        <fieldset className={`field${byField.occurrence ? ' field--invalid' : ''}`} aria-describedby={byField.occurrence ? `${id}-scope-error` : undefined}>
          <legend>{t('planner.calendar.applyTo')}</legend>
          <label>
            <input type="radio" name={`${id}-scope`} checked={scope === 'all'} onChange={() => choose('all')} /> {t('planner.calendar.scopeAll')}
          </label>{' '}
          {mayFollow && (
            <label>
              <input type="radio" name={`${id}-scope`} checked={scope === 'following'} onChange={() => choose('following')} /> {t('planner.calendar.scopeFollowing')}
            </label>
          )}
          {byField.occurrence && (
            <p className="field__error" id={`${id}-scope-error`}>
              {byField.occurrence}
            </p>
          )}
        </fieldset>
      )}
      <Field label={t('planner.calendar.taskName')} value={values.title} onChange={(e) => set('title', e.target.value)} maxLength={200} error={byField.title} />
      <TextField className={`field${byField.notes ? ' field--invalid' : ''}`} value={values.notes} onChange={(notes) => set('notes', notes)} isInvalid={Boolean(byField.notes)} validationBehavior="aria">
        <Label>{t('planner.calendar.taskNotes')}</Label>
        <TextArea rows={3} />
        {byField.notes && <FieldError className="field__error">{byField.notes}</FieldError>}
      </TextField>
      <fieldset className="field">
        <legend>{t('planner.calendar.when')}</legend>
        <label>
          <input type="radio" name={`${id}-timing`} checked={values.timed} onChange={() => set('timed', true)} /> {t('planner.calendar.atTime')}
        </label>{' '}
        <label>
          <input type="radio" name={`${id}-timing`} checked={!values.timed} onChange={() => set('timed', false)} /> {t('planner.calendar.byDate')}
        </label>
      </fieldset>
      {values.timed ? (
        <>
          <Field
            label={t(scope === 'following' ? 'planner.calendar.startFrom' : 'planner.calendar.startAt')}
            hint={t('planner.calendar.inZone', { zone: task.time_zone })}
            type="datetime-local"
            value={values.start}
            onChange={(e) => set('start', e.target.value)}
            error={byField.start}
          />
          <Field
            label={t('planner.calendar.length')}
            type="number"
            min={1}
            max={1440}
            value={values.minutes}
            onChange={(e) => set('minutes', e.target.value)}
            error={byField.duration_minutes}
          />
        </>
      ) : (
        <Field label={t('planner.calendar.dueBy')} type="date" value={values.due} onChange={(e) => set('due', e.target.value)} error={byField.due} />
      )}
      <SelectField
        label={t('planner.calendar.repetition')}
        options={[
          ...(['none', 'daily', 'weekly', 'monthly'] as const).map((key) => ({ id: key, label: t(`planner.calendar.repeats.${key}`) })),
          ...(base.repeat === 'custom' ? [{ id: 'custom', label: t('planner.calendar.repeats.custom') }] : []),
        ]}
        value={values.repeat}
        onChange={(value) => set('repeat', value as Repeat)}
        error={byField.rrule}
      />
      {values.repeat !== 'none' && values.repeat !== 'custom' && (
        <Field
          label={t('planner.calendar.times')}
          hint={t(scope === 'following' ? 'planner.calendar.timesHintFollowing' : 'planner.calendar.countHint')}
          type="number"
          min={1}
          max={1000}
          value={values.count}
          onChange={(e) => set('count', e.target.value)}
        />
      )}
      <LinkFields
        orgId={orgId}
        personId={personId}
        goal={values.goal}
        item={values.item}
        onGoal={(goal) => set('goal', goal)}
        onItem={(item) => set('item', item)}
        errors={byField}
      />
      {error && (
        <p className="field__error" role="alert">
          {Object.keys(byField).length === 0 && error.fields.other.length > 0 ? error.fields.other.join('; ') : [error.message, ...error.fields.other].join(' ')}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button" disabled={busy || !values.title.trim() || (values.timed ? !values.start : !values.due)}>
          {t('planner.calendar.saveTask')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('planner.calendar.cancel')}
        </button>
      </div>
    </form>
  );
}

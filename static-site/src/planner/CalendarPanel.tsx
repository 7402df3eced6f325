// A person's calendar: their study tasks' occurrences in a month, a week or as an agenda (FullCalendar), each with what
// became of it. The person drags an occurrence to another time (that one alone moves; the series keeps its rule),
// or picks one to mark it done or skipped, to change the task (every occurrence, or this one and those that follow)
// and to read its conversation; a new task may repeat daily, weekly or monthly in their time zone. A task may serve one
// of the person's goals and one study item of their queue, which its occurrence and the list below name.
import FullCalendar from '@fullcalendar/react';
import type { DatesSetInfo, EventClickInfo, EventDropInfo, EventInput } from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import listPlugin from '@fullcalendar/react/list';
import classicTheme from '@fullcalendar/react/themes/classic';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import germanLocale from '@fullcalendar/react/locales/de';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import '@fullcalendar/react/themes/classic/palette.css';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { submitError, type SubmitError } from '../forms';
import { languageOf, preferences } from '../i18n';
import { SelectField } from '../kit/SelectField';
import { confirm } from '../kit/toasts';
import { formatDateTime } from '../time';
import { Conversation, threadOf } from './Conversation';
import { FeedBox } from './FeedBox';
import type { Standing } from './PlannerPage';
import { isoDay, localTimeIn, planChanged, ruleFor, useCalendar, useCalendarAcross, type CalendarEntry } from './queries';
import { LinkFields, TaskEditForm, linkText, useLinkTitles } from './TaskEdit';
import { Link, navigate } from '../router';
import { useSessionsBetween, type Summary } from '../sessions/queries';

/** Days the agenda shows, from today. */
const AGENDA_DAYS = 14;

type Status = CalendarEntry['status'];

/** An occurrence as the calendar shows it: of the plan open, or (across plans) of whose plan it is. */
type Shown = CalendarEntry & { readonly person_id?: string; readonly person_name?: string };

export function CalendarPanel({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const client = useQueryClient();
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  // Across plans: one's own with those of everyone one walks with, a month at most.
  const [across, setAcross] = useState(false);
  const showAcross = across && own && Boolean(standing.others);
  const single = useCalendar(orgId, person.person_id, showAcross ? null : range);
  const spread = useCalendarAcross(orgId, range, showAcross);
  const calendar = showAcross ? spread : single;
  const [chosen, setChosen] = useState<Shown | null>(null);
  /** The chosen occurrence's new local start, for moving it without a pointer. */
  const [moveTo, setMoveTo] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  /** The chosen occurrence's task is being changed. */
  const [editing, setEditing] = useState(false);
  const editId = useId();
  const titles = useLinkTitles(orgId, person.person_id);
  /** What an occurrence's task is linked to, for those of the plan open (others' goals and queues are not read). */
  const linksOf = (entry: Shown) =>
    entry.person_id === undefined || entry.person_id === person.person_id ? linkText(t, titles.goal(entry.goal_id), titles.item(entry.queue_item_id)) : '';
  const zone = calendar.data?.time_zone ?? person.time_zone ?? 'UTC';
  const entries: readonly Shown[] = calendar.data?.entries ?? [];
  /** Whether an occurrence is in the viewer's own plan, where they change it. */
  const mine = (entry: Shown) => own && (entry.person_id === undefined || entry.person_id === standing.me);
  const label = (entry: Shown) => (entry.person_name && !mine(entry) ? `${entry.person_name}: ${entry.title}` : entry.title);
  // Sessions on the calendar: on one's own, every session one may see (those one leads, those shared with one or
  // one's group); on someone else's plan, those for that person.
  const sessionList = useSessionsBetween(orgId, range);
  const sessions: readonly Summary[] = useMemo(
    () =>
      (sessionList.data?.sessions ?? []).filter(
        (session) => own || (session.audience.kind === 'person' && session.audience.person_id === person.person_id),
      ),
    [sessionList.data, own, person.person_id],
  );
  const sessionLabel = (session: Summary) => t('planner.calendar.session', { title: session.title });
  const events: EventInput[] = useMemo(
    () => [
      ...sessions.map((session) => ({
        id: `session/${session.id}`,
        title: sessionLabel(session),
        start: session.starts_at,
        allDay: !session.time,
        editable: false,
        extendedProps: { session },
        classNames: ['planner-event--session'],
      })),
      ...entries.map((entry) => ({
        id: `${entry.person_id ?? ''}/${entry.task_id}/${entry.occurrence}`,
        title: label(entry),
        start: entry.start,
        end: entry.all_day ? undefined : entry.end,
        allDay: entry.all_day,
        editable: mine(entry),
        extendedProps: { entry },
        classNames: [`planner-event--${entry.status}`, ...(mine(entry) ? [] : ['planner-event--other'])],
      })),
    ],
    [entries, own, sessions],
  );

  const choose = (entry: Shown) => {
    setChosen(entry);
    setEditing(false);
    setMoveTo(localTimeIn(new Date(entry.start), zone));
  };

  /** Sends what becomes of one occurrence; the calendar is read again either way. */
  const setOccurrence = async (entry: Shown, status: Status, start?: string): Promise<boolean> => {
    setProblem(null);
    const result = await call(
      api.PUT('/api/planner/{org}/people/{person}/tasks/{task}/occurrences/{occurrence}', {
        params: { path: { org: orgId, person: person.person_id, task: entry.task_id, occurrence: entry.occurrence } },
        body: { status, start: start ?? null },
      }),
    );
    if (!result.ok) setProblem(submitError(result, []).message);
    setChosen(null);
    await planChanged(client, orgId, person.person_id);
    return result.ok;
  };

  /** Deletes the task the occurrence belongs to (every occurrence of a series), at its version as read now. */
  const removeTask = async (entry: Shown) => {
    setProblem(null);
    const path = { org: orgId, person: person.person_id, task: entry.task_id };
    const current = await call(api.GET('/api/planner/{org}/people/{person}/tasks/{task}', { params: { path } }));
    const result = current.ok
      ? await call(
          api.DELETE('/api/planner/{org}/people/{person}/tasks/{task}', {
            params: { path, header: { 'If-Match': `"${current.data.version}"` } },
          }),
        )
      : current;
    if (result.ok) confirm({ text: t('planner.calendar.deleted', { title: entry.title }) });
    else setProblem(submitError(result, []).message);
    setChosen(null);
    await planChanged(client, orgId, person.person_id);
  };

  const onDrop = (info: EventDropInfo) => {
    const entry = info.event.extendedProps.entry as Shown;
    const start = info.event.start;
    if (!start) {
      info.revert();
      return;
    }
    void setOccurrence(entry, entry.status, localTimeIn(start, zone)).then((ok) => {
      if (ok) confirm({ text: t('planner.calendar.moved', { title: entry.title, when: formatDateTime(start.getTime()) }) });
      else info.revert();
    });
  };

  return (
    <section className="planner__panel" aria-labelledby="calendar-heading">
      <h2 id="calendar-heading">{t('planner.calendar.title')}</h2>
      <p className="muted">{t('planner.calendar.zone', { zone })}</p>
      {own && <p className="muted">{t('planner.calendar.dragHint')}</p>}
      {own && standing.others && (
        <label className="planner__across">
          <input type="checkbox" checked={across} onChange={(event) => setAcross(event.target.checked)} /> {t('planner.calendar.across')}
        </label>
      )}
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {calendar.error instanceof ApiError && <p className="field__error">{calendar.error.message}</p>}
      {calendar.data?.truncated && <p className="notice">{t('planner.calendar.truncated')}</p>}
      {/* Busy while the shown range is read (after a move between months, or again after a change): the events are
          drawn anew when it arrives, which would drop an event being dragged meanwhile. */}
      <div className="planner__calendar" aria-busy={calendar.isFetching || sessionList.isFetching}>
        <FullCalendar
          plugins={[classicTheme, dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
          initialView="dayGridMonth"
          headerToolbar={{ start: 'prev,next today', center: 'title', end: 'dayGridMonth,timeGridWeek,agenda' }}
          // The agenda is the next two weeks from today, not the calendar week: on a Sunday, tomorrow is on it.
          views={{ agenda: { type: 'list', duration: { days: AGENDA_DAYS } } }}
          // A button is named by what it shows, so speech input and screen readers agree with the eye.
          buttons={{
            today: { text: t('planner.calendar.today'), hint: t('planner.calendar.today') },
            dayGridMonth: { text: t('planner.calendar.month'), hint: t('planner.calendar.month') },
            timeGridWeek: { text: t('planner.calendar.week'), hint: t('planner.calendar.week') },
            agenda: { text: t('planner.calendar.agenda'), hint: t('planner.calendar.agenda') },
          }}
          locale={languageOf(preferences().locale) === 'de' ? germanLocale : 'en'}
          firstDay={1}
          height="auto"
          events={events}
          editable={own}
          eventStartEditable={own}
          eventDurationEditable={false}
          datesSet={(info: DatesSetInfo) => setRange({ from: isoDay(info.start), to: isoDay(info.end) })}
          eventDrop={onDrop}
          eventClick={(info: EventClickInfo) => {
            info.jsEvent.preventDefault();
            const session = info.event.extendedProps.session as Summary | undefined;
            if (session) navigate(`/sessions/${session.id}`);
            else choose(info.event.extendedProps.entry as Shown);
          }}
        />
      </div>
      {chosen && (
        <div className="planner__occurrence" role="group" aria-label={t('planner.calendar.chosen', { title: label(chosen) })}>
          <h3>{label(chosen)}</h3>
          <p>
            {formatDateTime(Date.parse(chosen.start))} · {t(`planner.calendar.status.${chosen.status}`)}
            {chosen.moved && ` · ${t('planner.calendar.wasMoved')}`}
          </p>
          {linksOf(chosen) && <p className="muted">{linksOf(chosen)}</p>}
          {mine(chosen) && (
            <div className="button-row">
              {chosen.status !== 'done' && (
                <button type="button" className="button" onClick={() => void setOccurrence(chosen, 'done')}>
                  {t('planner.calendar.markDone')}
                </button>
              )}
              {chosen.status !== 'skipped' && (
                <button type="button" className="button button--secondary" onClick={() => void setOccurrence(chosen, 'skipped')}>
                  {t('planner.calendar.skip')}
                </button>
              )}
              {(chosen.status !== 'pending' || chosen.moved) && (
                <button type="button" className="button button--secondary" onClick={() => void setOccurrence(chosen, 'pending')}>
                  {t('planner.calendar.reset')}
                </button>
              )}
              <button
                type="button"
                className="button button--secondary"
                aria-expanded={editing}
                aria-controls={editing ? editId : undefined}
                onClick={() => setEditing((was) => !was)}
              >
                {t('planner.calendar.editTask')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => void removeTask(chosen)}>
                {t(chosen.recurring ? 'planner.calendar.deleteSeries' : 'planner.calendar.deleteTask')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => setChosen(null)}>
                {t('planner.calendar.close')}
              </button>
            </div>
          )}
          {mine(chosen) && editing && (
            <div id={editId}>
              <TaskEditForm
                key={`${chosen.task_id}/${chosen.occurrence}`}
                orgId={orgId}
                personId={person.person_id}
                entry={chosen}
                onSaved={() => {
                  setEditing(false);
                  setChosen(null);
                }}
                onCancel={() => setEditing(false)}
              />
            </div>
          )}
          {mine(chosen) && (
            <form
              className="button-row"
              onSubmit={(event) => {
                event.preventDefault();
                void setOccurrence(chosen, chosen.status, moveTo);
              }}
            >
              <Field label={t('planner.calendar.moveTo')} type="datetime-local" value={moveTo} onChange={(e) => setMoveTo(e.target.value)} />
              <button type="submit" className="button button--secondary" disabled={!moveTo}>
                {t('planner.calendar.move')}
              </button>
            </form>
          )}
          <Conversation
            key={`${chosen.person_id ?? person.person_id}/${chosen.task_id}`}
            orgId={orgId}
            personId={chosen.person_id ?? person.person_id}
            thread={threadOf('task', chosen.task_id)}
            subject={chosen.title}
          />
        </div>
      )}
      {/* The same occurrences as a list of buttons: the way to choose one from the keyboard or a screen reader. */}
      <details className="planner__listing">
        <summary>{t('planner.calendar.listSummary', { count: entries.length + sessions.length })}</summary>
        <ul aria-label={t('planner.calendar.listLabel')}>
          {sessions.map((session) => (
            <li key={`session/${session.id}`}>
              <Link className="button button--small button--secondary" to={`/sessions/${session.id}`}>
                {sessionLabel(session)}, {formatDateTime(Date.parse(session.starts_at))}
              </Link>
            </li>
          ))}
          {entries.map((entry) => (
            <li key={`${entry.person_id ?? ''}/${entry.task_id}/${entry.occurrence}`}>
              <button type="button" className="button button--small button--secondary" onClick={() => choose(entry)}>
                {label(entry)}, {formatDateTime(Date.parse(entry.start))}, {t(`planner.calendar.status.${entry.status}`)}
                {linksOf(entry) && `, ${linksOf(entry)}`}
              </button>
            </li>
          ))}
        </ul>
      </details>
      <NewTaskForm standing={standing} />
      {own && <FeedBox orgId={orgId} personId={person.person_id} />}
    </section>
  );
}

type Repeat = 'none' | 'daily' | 'weekly' | 'monthly';

function NewTaskForm({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [timed, setTimed] = useState(true);
  const [start, setStart] = useState('');
  const [due, setDue] = useState('');
  const [minutes, setMinutes] = useState('30');
  const [repeat, setRepeat] = useState<Repeat>('none');
  const [count, setCount] = useState('');
  const [goal, setGoal] = useState('');
  const [item, setItem] = useState('');
  const formId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const rrule = ruleFor(repeat, count ? Number(count) : null);
    const timing = timed ? { start, duration_minutes: Number(minutes) || null } : { due };
    const result = await call(
      api.POST('/api/planner/{org}/people/{person}/tasks', {
        params: { path: { org: orgId, person: person.person_id } },
        body: { title, rrule, ...timing, ...(goal ? { goal_id: goal } : {}), ...(item ? { queue_item_id: item } : {}) },
      }),
    );
    setBusy(false);
    if (!result.ok) {
      setError(submitError(result, ['title', 'start', 'due', 'duration_minutes', 'rrule', 'goal_id', 'queue_item_id']));
      return;
    }
    confirm({ text: t('planner.calendar.scheduled', { title: result.data.title }) });
    setTitle('');
    setStart('');
    setDue('');
    setRepeat('none');
    setCount('');
    setGoal('');
    setItem('');
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <form className="form planner__form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{t(own ? 'planner.calendar.newTask' : 'planner.calendar.newTaskFor', { name: person.display_name })}</h3>
      <Field label={t('planner.calendar.taskTitle')} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} error={error?.fields.byField.title} />
      <fieldset className="field">
        <legend>{t('planner.calendar.when')}</legend>
        <label>
          <input type="radio" name="task-timing" checked={timed} onChange={() => setTimed(true)} /> {t('planner.calendar.atTime')}
        </label>{' '}
        <label>
          <input type="radio" name="task-timing" checked={!timed} onChange={() => setTimed(false)} /> {t('planner.calendar.byDate')}
        </label>
      </fieldset>
      {timed ? (
        <>
          <Field label={t('planner.calendar.start')} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} error={error?.fields.byField.start} />
          <Field label={t('planner.calendar.minutes')} type="number" min={1} max={1440} value={minutes} onChange={(e) => setMinutes(e.target.value)} error={error?.fields.byField.duration_minutes} />
        </>
      ) : (
        <Field label={t('planner.calendar.due')} type="date" value={due} onChange={(e) => setDue(e.target.value)} error={error?.fields.byField.due} />
      )}
      <SelectField
        label={t('planner.calendar.repeat')}
        options={(['none', 'daily', 'weekly', 'monthly'] as const).map((id) => ({ id, label: t(`planner.calendar.repeats.${id}`) }))}
        value={repeat}
        onChange={(value) => setRepeat(value as Repeat)}
        error={error?.fields.byField.rrule}
      />
      {repeat !== 'none' && (
        <Field label={t('planner.calendar.count')} hint={t('planner.calendar.countHint')} type="number" min={1} max={1000} value={count} onChange={(e) => setCount(e.target.value)} />
      )}
      <LinkFields orgId={orgId} personId={person.person_id} goal={goal} item={item} onGoal={setGoal} onItem={setItem} errors={error?.fields.byField} />
      {error && (Object.keys(error.fields.byField).length === 0 || error.fields.other.length > 0) && (
        <p className="field__error" role="alert">
          {error.fields.other.length > 0 ? error.fields.other.join('; ') : error.message}
        </p>
      )}
      <button type="submit" className="button" disabled={busy || !title.trim() || (timed ? !start : !due)}>
        {t('planner.calendar.schedule')}
      </button>
    </form>
  );
}

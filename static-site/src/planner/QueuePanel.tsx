// A person's study queue, in the order they keep it: hub resources (shown only where the reader may see them) and web
// links, each with who assigned it, a note, a due date, progress and the goal it serves. The person reorders by
// dragging, or from the keyboard (a row's drag handle, then the arrow keys; or its move buttons), and marks progress; a
// mentor or their pastor assigns from the hub's search or a link. One move writes one item, so moves made elsewhere at
// the same time are kept too (ADR 0023). A row's Comments button opens the item's conversation below the list, its
// Details button the form that changes its note, due date, progress and goal (at the version read). The queue may show
// one goal's items only; reordering still works there, among that goal's items (the others keep their order).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button, GridList, GridListItem, useDragAndDrop } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { ApiError, data } from '../api/query';
import { Field } from '../components/Field';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { SelectField } from '../kit/SelectField';
import { confirm } from '../kit/toasts';
import { Link } from '../router';
import { formatDate } from '../time';
import { ConversationPanel, ConversationToggle, threadOf } from './Conversation';
import type { Standing } from './PlannerPage';
import {
  beforeFor,
  changeItem,
  goalChoices,
  itemTitle as titleOf,
  plannerKeys,
  planChanged,
  useGoals,
  useQueue,
  type Goal,
  type ItemChange,
  type QueueItem,
  type QueueView,
} from './queries';

type Progress = QueueItem['progress'];

export function QueuePanel({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own, me } = standing;
  // Which goal's items are shown: '' for the whole queue.
  const [goal, setGoal] = useState('');
  const queue = useQueue(orgId, person.person_id, goal || null);
  const goals = useGoals(orgId, person.person_id);
  const goalList = goals.data?.goals ?? [];
  const goalTitle = (id: string | null | undefined) => (id ? goalList.find((g) => g.id === id)?.title : undefined);
  const client = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const items = queue.data?.items ?? [];
  const key = plannerKeys.queueOf(orgId, person.person_id, goal || null);
  // One item's conversation or details at a time, shown below the list: a row holds only its buttons, so the
  // keyboard's way of moving rows (and the drag handle) stays as it is.
  const [discussing, setDiscussing] = useState<string | null>(null);
  const discussed = items.find((item) => item.id === discussing);
  const conversationId = useId();
  const [detailing, setDetailing] = useState<string | null>(null);
  const detailed = items.find((item) => item.id === detailing);
  const detailsId = useId();

  // With one goal's items shown, a move names the neighbour among them: the item keeps its place among that goal's
  // items as shown, and the other goals' items keep their order.
  const move = async (id: string, before: string | null) => {
    setProblem(null);
    // Shown in its new place at once; the answer (the queue as the server keeps it) replaces the guess.
    const order = items.filter((item) => item.id !== id);
    const at = before === null ? order.length : order.findIndex((item) => item.id === before);
    const moving = items.find((item) => item.id === id);
    if (moving) {
      order.splice(at < 0 ? order.length : at, 0, moving);
      client.setQueryData<QueueView>(key, { items: order });
    }
    const result = await call(
      api.POST('/api/planner/{org}/people/{person}/queue/{item}/move', {
        params: { path: { org: orgId, person: person.person_id, item: id } },
        body: { before },
      }),
    );
    if (result.ok) {
      client.setQueryData<QueueView>(plannerKeys.queue(orgId, person.person_id), result.data);
      if (goal) client.setQueryData<QueueView>(key, { items: result.data.items.filter((item) => item.goal_id === goal) });
    } else {
      setProblem(submitError(result, []).message);
      await client.invalidateQueries({ queryKey: key });
    }
  };

  const { dragAndDropHooks } = useDragAndDrop({
    getItems: (keys) => [...keys].map((k) => ({ 'text/plain': titleOf(items.find((i) => i.id === k)!, '') })),
    onReorder: (event) => {
      const moving = String([...event.keys][0]);
      const before = beforeFor(items.map((i) => i.id), moving, String(event.target.key), event.target.dropPosition);
      void move(moving, before);
    },
  });

  const progress = async (item: QueueItem, next: Progress) => {
    setProblem(null);
    const result = await changeItem(orgId, item, { progress: next });
    if (!result.ok) setProblem(result.status === 412 ? t('planner.stale') : submitError(result, []).message);
    await planChanged(client, orgId, person.person_id);
  };

  const remove = async (item: QueueItem) => {
    setProblem(null);
    const result = await call(
      api.DELETE('/api/planner/{org}/people/{person}/queue/{item}', { params: { path: { org: orgId, person: person.person_id, item: item.id } } }),
    );
    if (result.ok) confirm({ text: t('planner.queue.removed', { title: titleOf(item, t('planner.queue.hidden')) }) });
    else setProblem(submitError(result, []).message);
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <section className="planner__panel" aria-labelledby="queue-heading">
      <h2 id="queue-heading">{t('planner.queue.title')}</h2>
      {goalList.length > 0 && (
        <SelectField
          label={t('planner.queue.show')}
          options={[{ id: '', label: t('planner.queue.allGoals') }, ...goalList.map((g) => ({ id: g.id, label: g.title }))]}
          value={goal}
          onChange={(next) => {
            setGoal(next);
            setDiscussing(null);
            setDetailing(null);
          }}
        />
      )}
      {own && items.length > 1 && <p className="muted">{t('planner.queue.reorderHint')}</p>}
      {own && goal && items.length > 1 && <p className="muted">{t('planner.queue.filteredHint')}</p>}
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {queue.error instanceof ApiError && <p className="field__error">{queue.error.message}</p>}
      {!queue.data && !queue.error && <Loading />}
      {queue.data && items.length === 0 && (
        <Empty>{goal ? t('planner.queue.emptyGoal', { title: goalTitle(goal) ?? '' }) : t(own ? 'planner.queue.emptyOwn' : 'planner.queue.empty')}</Empty>
      )}
      {items.length > 0 && (
        <GridList
          className="planner__queue"
          aria-label={goal ? t('planner.queue.listLabelGoal', { name: person.display_name, title: goalTitle(goal) ?? '' }) : t('planner.queue.listLabel', { name: person.display_name })}
          items={items}
          // Rows are kept between renders by item: which one's conversation or details are open changes them too.
          dependencies={[discussing, detailing, goals.data]}
          dragAndDropHooks={own ? dragAndDropHooks : undefined}
        >
          {(item) => {
            const index = items.findIndex((i) => i.id === item.id);
            const title = titleOf(item, t('planner.queue.hidden'));
            const mayChange = own || item.assigned_by === me;
            const forGoal = goalTitle(item.goal_id);
            return (
              <GridListItem id={item.id} textValue={title} className={`planner__item planner__item--${item.progress}`}>
                {own && (
                  <Button slot="drag" className="planner__handle" aria-label={t('planner.queue.drag', { title })}>
                    ⠿
                  </Button>
                )}
                <div className="planner__item-main">
                  {item.resource ? (
                    <Link to={`/hub/${item.resource.id}`}>{title}</Link>
                  ) : item.url ? (
                    <a href={item.url} target="_blank" rel="noopener noreferrer">
                      {title}
                    </a>
                  ) : (
                    <span className="muted">{title}</span>
                  )}
                  {item.note && <p>{item.note}</p>}
                  <p className="muted">
                    {t(`planner.queue.progress.${item.progress}`)}
                    {item.due_date && ` · ${t('planner.queue.due', { date: formatDate(Date.parse(`${item.due_date}T12:00:00Z`)) })}`}
                    {item.assigned_by !== person.person_id && ` · ${t('planner.queue.assigned')}`}
                    {forGoal && !goal && ` · ${t('planner.queue.forGoal', { title: forGoal })}`}
                  </p>
                </div>
                <div className="button-row">
                  {own && index > 0 && (
                    <Button className="button button--small button--secondary" onPress={() => void move(item.id, items[index - 1]!.id)} aria-label={t('planner.queue.moveUp', { title })}>
                      ↑
                    </Button>
                  )}
                  {own && index < items.length - 1 && (
                    <Button
                      className="button button--small button--secondary"
                      onPress={() => void move(item.id, items[index + 2]?.id ?? null)}
                      aria-label={t('planner.queue.moveDown', { title })}
                    >
                      ↓
                    </Button>
                  )}
                  {own && item.progress === 'not_started' && (
                    <Button className="button button--small button--secondary" onPress={() => void progress(item, 'in_progress')}>
                      {t('planner.queue.start')}
                    </Button>
                  )}
                  {own && item.progress !== 'done' && (
                    <Button className="button button--small" onPress={() => void progress(item, 'done')} aria-label={t('planner.queue.markDone', { title })}>
                      {t('planner.queue.done')}
                    </Button>
                  )}
                  {own && item.progress === 'done' && (
                    <Button className="button button--small button--secondary" onPress={() => void progress(item, 'not_started')}>
                      {t('planner.queue.notDone')}
                    </Button>
                  )}
                  {mayChange && (
                    <Button
                      className="button button--small button--secondary"
                      aria-expanded={detailing === item.id}
                      aria-controls={detailing === item.id ? detailsId : undefined}
                      onPress={() => setDetailing((was) => (was === item.id ? null : item.id))}
                    >
                      {/* The visible word first, so what is seen is what is said. */}
                      {t('planner.queue.details')} <span className="visually-hidden">{t('planner.queue.detailsOf', { title })}</span>
                    </Button>
                  )}
                  <ConversationToggle
                    orgId={orgId}
                    personId={person.person_id}
                    thread={threadOf('item', item.id)}
                    subject={title}
                    open={discussing === item.id}
                    controls={conversationId}
                    onToggle={() => setDiscussing((was) => (was === item.id ? null : item.id))}
                  />
                  {mayChange && (
                    <Button className="button button--small button--secondary" onPress={() => void remove(item)} aria-label={t('planner.queue.remove', { title })}>
                      ✕
                    </Button>
                  )}
                </div>
              </GridListItem>
            );
          }}
        </GridList>
      )}
      {detailed && (
        <ItemDetails
          key={detailed.id}
          id={detailsId}
          standing={standing}
          item={detailed}
          goals={goalList}
          onDone={() => setDetailing(null)}
        />
      )}
      {discussed && (
        <ConversationPanel
          key={discussed.id}
          id={conversationId}
          headingLevel={3}
          orgId={orgId}
          personId={person.person_id}
          thread={threadOf('item', discussed.id)}
          subject={titleOf(discussed, t('planner.queue.hidden'))}
        />
      )}
      <AssignForm standing={standing} goals={goalList} shownGoal={goal} />
    </section>
  );
}

/** The goal select of a study item: none, or one of the person's goals. */
function goalOptions(goals: readonly Goal[], current: string, none: string) {
  return [{ id: '', label: none }, ...goalChoices(goals, current).map((g) => ({ id: g.id, label: g.title }))];
}

const valuesOf = (item: QueueItem) => ({ note: item.note, due: item.due_date ?? '', progress: item.progress, goal: item.goal_id ?? '' });

/** Changes a study item's note, due date, progress and goal, at the version read; each field is sent only if changed. */
function ItemDetails({
  id,
  standing,
  item,
  goals,
  onDone,
}: {
  id: string;
  standing: Standing;
  item: QueueItem;
  goals: readonly Goal[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const client = useQueryClient();
  const title = titleOf(item, t('planner.queue.hidden'));
  const initial = valuesOf(item);
  const [note, setNote] = useState(initial.note);
  const [due, setDue] = useState(initial.due);
  const [progress, setProgress] = useState<Progress>(initial.progress);
  const [goal, setGoal] = useState(initial.goal);
  // Read again (after a stale save, say): what was not changed here shows what is there now; what was typed stays.
  const [seen, setSeen] = useState(item);
  if (seen.version !== item.version) {
    const was = valuesOf(seen);
    setSeen(item);
    if (note === was.note) setNote(initial.note);
    if (due === was.due) setDue(initial.due);
    if (progress === was.progress) setProgress(initial.progress);
    if (goal === was.goal) setGoal(initial.goal);
  }
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setStale(false);
    const body: ItemChange = {
      ...(note !== initial.note ? { note } : {}),
      ...(due !== initial.due ? { due_date: due } : {}),
      ...(progress !== initial.progress ? { progress } : {}),
      ...(goal !== initial.goal ? { goal_id: goal } : {}),
    };
    const result = await changeItem(orgId, item, body);
    setBusy(false);
    if (!result.ok) {
      if (result.status === 412) setStale(true);
      else setError(submitError(result, ['note', 'due_date', 'progress', 'goal_id']));
      return;
    }
    confirm({ text: t('planner.queue.saved', { title }) });
    onDone();
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <section id={id} className="planner__details" aria-labelledby={`${id}-heading`}>
      <form className="form planner__form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-heading`}>
        <h3 id={`${id}-heading`}>{t('planner.queue.detailsHeading', { title })}</h3>
        {stale && (
          <div className="notice" role="alert">
            <p>{t('planner.queue.stale')}</p>
            <button type="button" className="button button--secondary" onClick={() => void planChanged(client, orgId, person.person_id).then(() => setStale(false))}>
              {t('planner.queue.reload')}
            </button>
          </div>
        )}
        <Field label={t('planner.queue.itemNote')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} error={error?.fields.byField.note} />
        <Field label={t('planner.queue.itemDue')} type="date" value={due} onChange={(e) => setDue(e.target.value)} error={error?.fields.byField.due_date} />
        {own && (
          <SelectField
            label={t('planner.queue.progressField')}
            options={(['not_started', 'in_progress', 'done'] as const).map((p) => ({ id: p, label: t(`planner.queue.progress.${p}`) }))}
            value={progress}
            onChange={(next) => setProgress(next as Progress)}
            error={error?.fields.byField.progress}
          />
        )}
        <SelectField
          label={t('planner.queue.forGoalField')}
          options={goalOptions(goals, initial.goal, t('planner.queue.noGoal'))}
          value={goal}
          onChange={setGoal}
          error={error?.fields.byField.goal_id}
        />
        {error && (Object.keys(error.fields.byField).length === 0 || error.fields.other.length > 0) && (
          <p className="field__error" role="alert">
            {error.fields.other.length > 0 ? error.fields.other.join('; ') : error.message}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {t('planner.queue.saveDetails')}
          </button>
          <button type="button" className="button button--secondary" onClick={onDone}>
            {t('planner.queue.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

function AssignForm({ standing, goals, shownGoal }: { standing: Standing; goals: readonly Goal[]; shownGoal: string }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const client = useQueryClient();
  const formId = useId();
  const [source, setSource] = useState<'hub' | 'link'>('hub');
  const [words, setWords] = useState('');
  const [chosen, setChosen] = useState<{ id: string; title: string } | null>(null);
  const [url, setUrl] = useState('');
  const [linkTitle, setLinkTitle] = useState('');
  const [note, setNote] = useState('');
  const [due, setDue] = useState('');
  // The goal follows the one the queue shows, until another is chosen here.
  const [goal, setGoal] = useState(shownGoal);
  const [followed, setFollowed] = useState(shownGoal);
  if (followed !== shownGoal) {
    setFollowed(shownGoal);
    if (goal === followed) setGoal(shownGoal);
  }
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);
  const query = words.trim();
  const found = useQuery({
    enabled: source === 'hub' && query.length > 0 && chosen === null,
    queryKey: ['hub', orgId, 'search', { q: query, limit: 8, purpose: 'assign' }],
    queryFn: ({ signal }) => data(api.GET('/api/hub/{org}/resources', { params: { path: { org: orgId }, query: { q: query, limit: 8 } }, signal })),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const target = source === 'hub' ? { resource_id: chosen?.id ?? '' } : { url, title: linkTitle };
    const result = await call(
      api.POST('/api/planner/{org}/people/{person}/queue', {
        params: { path: { org: orgId, person: person.person_id } },
        body: { ...target, note, due_date: due || null, ...(goal ? { goal_id: goal } : {}) },
      }),
    );
    setBusy(false);
    if (!result.ok) {
      setError(submitError(result, ['resource_id', 'url', 'title', 'note', 'due_date', 'goal_id']));
      return;
    }
    confirm({ text: t('planner.queue.assignedToast', { title: titleOf(result.data, ''), name: person.display_name }) });
    setWords('');
    setChosen(null);
    setUrl('');
    setLinkTitle('');
    setNote('');
    setDue('');
    setGoal(shownGoal);
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <form className="form planner__form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{t(own ? 'planner.queue.addOwn' : 'planner.queue.assign', { name: person.display_name })}</h3>
      <fieldset className="field">
        <legend>{t('planner.queue.what')}</legend>
        <label>
          <input type="radio" name="study-source" checked={source === 'hub'} onChange={() => setSource('hub')} /> {t('planner.queue.fromHub')}
        </label>{' '}
        <label>
          <input type="radio" name="study-source" checked={source === 'link'} onChange={() => setSource('link')} /> {t('planner.queue.aLink')}
        </label>
      </fieldset>
      {source === 'hub' && chosen === null && (
        <>
          <Field label={t('planner.queue.search')} type="search" value={words} onChange={(e) => setWords(e.target.value)} error={error?.fields.byField.resource_id} />
          {found.data && found.data.items.length === 0 && <p className="muted">{t('planner.queue.nothingFound')}</p>}
          {found.data && found.data.items.length > 0 && (
            <ul className="planner__found" aria-label={t('planner.queue.results')}>
              {found.data.items.map((hit) => (
                <li key={hit.resource.id}>
                  <button type="button" className="button button--small button--secondary" onClick={() => setChosen({ id: hit.resource.id, title: hit.resource.title })}>
                    {t('planner.queue.choose', { title: hit.resource.title })}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {source === 'hub' && chosen !== null && (
        <p>
          {t('planner.queue.chosen', { title: chosen.title })}{' '}
          <button type="button" className="button button--small button--secondary" onClick={() => setChosen(null)}>
            {t('planner.queue.chooseAnother')}
          </button>
        </p>
      )}
      {source === 'link' && (
        <>
          <Field label={t('planner.queue.url')} type="url" value={url} onChange={(e) => setUrl(e.target.value)} error={error?.fields.byField.url} />
          <Field label={t('planner.queue.linkTitle')} value={linkTitle} onChange={(e) => setLinkTitle(e.target.value)} error={error?.fields.byField.title} />
        </>
      )}
      <Field label={t('planner.queue.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={4000} error={error?.fields.byField.note} />
      <Field label={t('planner.queue.dueDate')} type="date" value={due} onChange={(e) => setDue(e.target.value)} error={error?.fields.byField.due_date} />
      {goals.length > 0 && (
        <SelectField
          label={t('planner.queue.forGoalField')}
          options={goalOptions(goals, goal, t('planner.queue.noGoal'))}
          value={goal}
          onChange={setGoal}
          error={error?.fields.byField.goal_id}
        />
      )}
      {error && (Object.keys(error.fields.byField).length === 0 || error.fields.other.length > 0) && (
        <p className="field__error" role="alert">
          {error.fields.other.length > 0 ? error.fields.other.join('; ') : error.message}
        </p>
      )}
      <button type="submit" className="button" disabled={busy || (source === 'hub' ? chosen === null : !url.trim())}>
        {t(own ? 'planner.queue.addButton' : 'planner.queue.assignButton')}
      </button>
    </form>
  );
}

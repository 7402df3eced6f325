// A person's study queue, in the order they keep it: hub resources (shown only where the reader may see them) and web
// links, each with who assigned it, a note, a due date and progress. The person reorders by dragging, or from the
// keyboard (a row's drag handle, then the arrow keys; or its move buttons), and marks progress; a mentor or their
// pastor assigns from the hub's search or a link. One move writes one item, so moves made elsewhere at the same time
// are kept too (ADR 0023).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, GridList, GridListItem, useDragAndDrop } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { ApiError, data } from '../api/query';
import { Field } from '../components/Field';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { confirm } from '../kit/toasts';
import { Link } from '../router';
import { formatDate } from '../time';
import type { Standing } from './PlannerPage';
import { beforeFor, plannerKeys, planChanged, useQueue, type QueueItem } from './queries';

type Progress = QueueItem['progress'];

function titleOf(item: QueueItem, hidden: string): string {
  return item.resource?.title ?? item.link_title ?? (item.hidden ? hidden : (item.url ?? ''));
}

export function QueuePanel({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own, me } = standing;
  const queue = useQueue(orgId, person.person_id);
  const client = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const items = queue.data?.items ?? [];
  const key = plannerKeys.queue(orgId, person.person_id);

  const move = async (id: string, before: string | null) => {
    setProblem(null);
    // Shown in its new place at once; the answer (the queue as the server keeps it) replaces the guess.
    const order = items.filter((item) => item.id !== id);
    const at = before === null ? order.length : order.findIndex((item) => item.id === before);
    const moving = items.find((item) => item.id === id);
    if (moving) {
      order.splice(at < 0 ? order.length : at, 0, moving);
      client.setQueryData(key, { items: order });
    }
    const result = await call(
      api.POST('/api/planner/{org}/people/{person}/queue/{item}/move', {
        params: { path: { org: orgId, person: person.person_id, item: id } },
        body: { before },
      }),
    );
    if (result.ok) client.setQueryData(key, result.data);
    else {
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
    const result = await call(
      api.PATCH('/api/planner/{org}/people/{person}/queue/{item}', {
        params: { path: { org: orgId, person: person.person_id, item: item.id }, header: { 'If-Match': `"${item.version}"` } },
        body: { progress: next },
      }),
    );
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
      {own && items.length > 1 && <p className="muted">{t('planner.queue.reorderHint')}</p>}
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {queue.error instanceof ApiError && <p className="field__error">{queue.error.message}</p>}
      {!queue.data && !queue.error && <Loading />}
      {queue.data && items.length === 0 && <Empty>{t(own ? 'planner.queue.emptyOwn' : 'planner.queue.empty')}</Empty>}
      {items.length > 0 && (
        <GridList
          className="planner__queue"
          aria-label={t('planner.queue.listLabel', { name: person.display_name })}
          items={items}
          dragAndDropHooks={own ? dragAndDropHooks : undefined}
        >
          {(item) => {
            const index = items.findIndex((i) => i.id === item.id);
            const title = titleOf(item, t('planner.queue.hidden'));
            const mayRemove = own || item.assigned_by === me;
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
                  {mayRemove && (
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
      <AssignForm standing={standing} />
    </section>
  );
}

function AssignForm({ standing }: { standing: Standing }) {
  const { t } = useTranslation();
  const { orgId, person, own } = standing;
  const client = useQueryClient();
  const [source, setSource] = useState<'hub' | 'link'>('hub');
  const [words, setWords] = useState('');
  const [chosen, setChosen] = useState<{ id: string; title: string } | null>(null);
  const [url, setUrl] = useState('');
  const [linkTitle, setLinkTitle] = useState('');
  const [note, setNote] = useState('');
  const [due, setDue] = useState('');
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
        body: { ...target, note, due_date: due || null },
      }),
    );
    setBusy(false);
    if (!result.ok) {
      setError(submitError(result, ['resource_id', 'url', 'title', 'note', 'due_date']));
      return;
    }
    confirm({ text: t('planner.queue.assignedToast', { title: titleOf(result.data, ''), name: person.display_name }) });
    setWords('');
    setChosen(null);
    setUrl('');
    setLinkTitle('');
    setNote('');
    setDue('');
    await planChanged(client, orgId, person.person_id);
  };

  return (
    <form className="form planner__form" onSubmit={(event) => void submit(event)} noValidate>
      <h3>{t(own ? 'planner.queue.addOwn' : 'planner.queue.assign', { name: person.display_name })}</h3>
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

// A session's page: for those who may change it, the composer (its details, status and sharing, its outline edited in
// place and saved as one types, undo and redo, the earlier versions saves kept, exports and present mode); for anyone
// else who may read it (the person or group it was shared with, a leader over its audience), the session to read, with
// its exports. A session the reader may not see is answered 404 by the server and shown as not found here.
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { lazy, Suspense, useId, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { failureMessage } from '../api/call';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { Loading } from '../components/States';
import { DatePickerField } from '../kit/DatePickerField';
import { SelectField } from '../kit/SelectField';
import { TimeField } from '../kit/TimeField';
import { confirm, warn } from '../kit/toasts';
import type { Role } from '../nav';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { formatDateTime } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { BlockContent, useKindLabel } from './BlockContent';
import { audienceLabel, useNames, whenOf, type Names } from './describe';
import { HubPicker, TextAreaField } from './fields';
import { Outline, type OutlineChange } from './OutlineEditor';
import { LinksPanel } from './LinksPanel';
import { SavedBlockPicker } from './SavedBlocks';
import { SessionPeople } from './SessionPeople';
import { appendBlock, emptyBlock, plannedOf, totalMinutes, type DraftBlock } from './outline';
import { deleteSession, exportUrl, listsChanged, LIMITS, STATUSES, useRevisions, useSessionDoc, type BlockKind, type Session, type Status } from './queries';
import { useComposer, type SaveState } from './useComposer';

const ConflictModal = lazy(() => import('../kit/ConflictModal').then((module) => ({ default: module.ConflictModal })));

const route = getRouteApi('/signed-in/sessions/$session');

export function ComposerRoute() {
  const { currentOrg, state, roles } = useSession();
  const { session } = route.useParams();
  if (!currentOrg || state.status !== 'signed-in') return null;
  // Keyed by the session: another session's page starts from its own first answer.
  return <SessionPage key={session} orgId={currentOrg.id} sessionId={session} me={state.session.person.id} roles={roles} />;
}

export function SessionPage({ orgId, sessionId, me, roles }: { orgId: string; sessionId: string; me: string; roles: readonly Role[] }) {
  const { t } = useTranslation();
  const query = useSessionDoc(orgId, sessionId);
  const names = useNames(orgId, roles);
  const [first, setFirst] = useState<Session | null>(null);
  // The composer starts from the first answer and keeps its own document from then on; later reads are offered to it.
  if (query.data && first === null) setFirst(query.data);
  useDocumentTitle(first?.title ?? query.data?.title ?? t('sessions.composer.title'));

  if (query.error instanceof ApiError && !first) {
    const missing = query.error.status === 404 || query.error.status === 403;
    return (
      <article className="page">
        <h1 tabIndex={-1}>{t(missing ? 'sessions.composer.notFound' : 'sessions.composer.failed')}</h1>
        <p className="notice notice--error" role="alert">
          {missing ? t('sessions.composer.notFoundDetail') : query.error.message}
        </p>
        <p className="button-row">
          {!missing && (
            <button type="button" className="button" onClick={() => void query.refetch()}>
              {t('sessions.list.retry')}
            </button>
          )}
          <Link to="/sessions">{t('sessions.composer.back')}</Link>
        </p>
      </article>
    );
  }
  if (!first) {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{t('sessions.composer.title')}</h1>
        <Loading label={t('sessions.composer.loading')} lines={6} />
      </article>
    );
  }
  if (!first.may_change) return <SessionReader orgId={orgId} session={query.data ?? first} names={names} me={me} />;
  return <Composer orgId={orgId} loaded={first} fetched={query.data} names={names} me={me} roles={roles} />;
}

/** Links that download the session written out; unsaved changes are saved first, so the file holds what is shown. */
function Exports({ orgId, session, flush }: { orgId: string; session: Session; flush?: (() => Promise<boolean>) | undefined }) {
  const { t } = useTranslation();
  const download = async (event: MouseEvent<HTMLAnchorElement>) => {
    if (!flush) return;
    event.preventDefault();
    const href = event.currentTarget.href;
    if (!(await flush())) {
      warn({ key: 'sessions.exports.notSaved' });
      return;
    }
    const link = document.createElement('a');
    link.href = href;
    link.download = '';
    document.body.append(link);
    link.click();
    link.remove();
  };
  return (
    <section className="sessions__exports" aria-labelledby="exports-heading">
      <h2 id="exports-heading">{t('sessions.exports.heading')}</h2>
      <p className="button-row">
        <a className="button button--secondary" href={exportUrl(orgId, session.id, 'markdown')} download onClick={(e) => void download(e)}>
          {t('sessions.exports.markdown')}
        </a>
        <a className="button button--secondary" href={exportUrl(orgId, session.id, 'html')} download onClick={(e) => void download(e)}>
          {t('sessions.exports.html')}
        </a>
        <a className="button button--secondary" href={exportUrl(orgId, session.id, 'pdf')} download onClick={(e) => void download(e)}>
          {t('sessions.exports.pdf')}
        </a>
        <a className="button button--secondary" href={exportUrl(orgId, session.id, 'docx')} download onClick={(e) => void download(e)}>
          {t('sessions.exports.docx')}
        </a>
      </p>
    </section>
  );
}

/** A session read by someone who may not change it. */
function SessionReader({ orgId, session, names, me }: { orgId: string; session: Session; names: Names; me: string }) {
  const { t } = useTranslation();
  return (
    <article className="page sessions-reader">
      <p>
        <Link to="/sessions">{t('sessions.composer.back')}</Link>
      </p>
      <h1 tabIndex={-1} dir="auto">
        {session.title}
      </h1>
      <p className="lede">
        {whenOf(session)} · {audienceLabel(session.audience, names, me, t)} · {t(`sessions.status.${session.status}`)}
      </p>
      <p className="muted">
        {session.planned_minutes
          ? t('sessions.minutesOfPlanned', { total: session.total_minutes, planned: session.planned_minutes })
          : t('sessions.minutes', { count: session.total_minutes })}
      </p>
      {session.blocks.length === 0 ? (
        <p className="empty">{t('sessions.outline.emptyRead')}</p>
      ) : (
        <ol className="sessions__read-blocks" aria-label={t('sessions.outline.label')}>
          {session.blocks.map((block) => (
            <li key={block.id} className={`sessions__read-block${block.nested ? ' sessions__read-block--nested' : ''}`}>
              <BlockContent orgId={orgId} block={block} level={block.kind === 'heading' ? 2 : 3} />
            </li>
          ))}
        </ol>
      )}
      {session.status === 'held' && session.notes && (
        <section aria-labelledby="notes-heading">
          <h2 id="notes-heading">{t('sessions.fields.notes')}</h2>
          <p className="sessions__plain" dir="auto">
            {session.notes}
          </p>
        </section>
      )}
      <Exports orgId={orgId} session={session} />
    </article>
  );
}

function SaveStatus({ state, onRetry, onChoose }: { state: SaveState; onRetry: () => void; onChoose: () => void }) {
  const { t } = useTranslation();
  return (
    <div className={`composer__save composer__save--${state.kind}`}>
      <p role="status" className="composer__save-text">
        {state.kind === 'saved' && t('sessions.save.saved')}
        {state.kind === 'saving' && t('sessions.save.saving')}
        {state.kind === 'invalid' && t('sessions.save.invalid')}
        {state.kind === 'failed' && t('sessions.save.failed', { message: state.message })}
        {state.kind === 'conflict' && t('sessions.save.conflict')}
      </p>
      {state.kind === 'failed' && (
        <button type="button" className="button button--small button--secondary" onClick={onRetry}>
          {t('sessions.save.retry')}
        </button>
      )}
      {state.kind === 'conflict' && (
        <button type="button" className="button button--small button--secondary" onClick={onChoose}>
          {t('sessions.save.choose')}
        </button>
      )}
    </div>
  );
}

function Composer({
  orgId,
  loaded,
  fetched,
  names,
  me,
  roles,
}: {
  orgId: string;
  loaded: Session;
  fetched: Session | undefined;
  names: Names;
  me: string;
  roles: readonly Role[];
}) {
  const { t } = useTranslation();
  const id = useId();
  const doc = useComposer(orgId, loaded, fetched);
  const { server, details, blocks, history, problems } = doc;
  const kindLabel = useKindLabel();
  const [message, setMessage] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const announce = (text: string) => setMessage((was) => (was === text ? `${text}\u00a0` : text));
  const change: OutlineChange = (next, typing) => doc.dispatch({ type: 'change', blocks: next, typing });

  const undo = () => {
    if (history.past.length === 0) return;
    doc.dispatch({ type: 'undo' });
    announce(t('sessions.history.undone'));
  };
  const redo = () => {
    if (history.future.length === 0) return;
    doc.dispatch({ type: 'redo' });
    announce(t('sessions.history.redone'));
  };
  // Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (or Ctrl+Y) walk the outline's history, wherever the keys are pressed in the
  // outline; the details' fields keep their own undo. Caught before the list sees them.
  const onKeyDownCapture = (event: KeyboardEvent) => {
    const mod = event.ctrlKey || event.metaKey;
    if (!mod || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    if (event.target instanceof Element && event.target.closest('[data-own-undo]')) return;
    event.preventDefault();
    event.stopPropagation();
    if (key === 'y' || event.shiftKey) redo();
    else undo();
  };

  const add = (kind: BlockKind) => {
    const block = emptyBlock(kind);
    change(appendBlock(blocks, block));
    setAdded(block.id);
    announce(t('sessions.outline.added', { kind: kindLabel(kind) }));
  };

  const total = totalMinutes(blocks);
  const planned = plannedOf(details);
  const over = planned > 0 && total > planned;
  const hiddenCount = server.hidden_from_audience.filter((blockId) => blocks.some((b) => b.id === blockId)).length;

  return (
    <article className="page composer" onKeyDownCapture={onKeyDownCapture}>
      <p>
        <Link to="/sessions">{t('sessions.composer.back')}</Link>
      </p>
      <div className="composer__top">
        <h1 tabIndex={-1} dir="auto">
          {details.title.trim() || t('sessions.composer.untitled')}
        </h1>
        <SaveStatus state={doc.state} onRetry={() => void doc.retry()} onChoose={doc.reopenConflict} />
      </div>
      <p className="lede">
        {whenOf(server)} · {audienceLabel(server.audience, names, me, t)}
      </p>
      <p className="button-row">
        <Link className="button" to={`/sessions/${server.id}/present`}>
          {t('sessions.present.open')}
        </Link>
      </p>
      <div className="visually-hidden" role="status" aria-live="polite">
        {message}
      </div>

      <DetailsSection doc={doc} hiddenCount={hiddenCount} headingId={`${id}-details`} />

      <section className="composer__outline-section" aria-labelledby={`${id}-outline`}>
        <h2 id={`${id}-outline`}>{t('sessions.outline.heading')}</h2>
        <div className="composer__toolbar">
          <Button className="button button--small button--secondary" isDisabled={history.past.length === 0} onPress={undo} aria-keyshortcuts="Control+Z Meta+Z">
            {t('sessions.history.undo')}
          </Button>
          <Button className="button button--small button--secondary" isDisabled={history.future.length === 0} onPress={redo} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y">
            {t('sessions.history.redo')}
          </Button>
          <p className={`composer__total${over ? ' composer__total--over' : ''}`}>
            {planned > 0 ? t('sessions.minutesOfPlanned', { total, planned }) : t('sessions.totalMinutes', { count: total })}
          </p>
        </div>
        {over && (
          <p className="notice composer__over" role="status">
            {t('sessions.outline.overPlan', { count: total - planned, total, planned })}
          </p>
        )}
        {blocks.length > 1 && <p className="muted">{t('sessions.outline.reorderHint')}</p>}
        {doc.refusalMessage && (
          <div className="form-error" role="alert">
            <p>{t('sessions.save.refused', { message: doc.refusalMessage })}</p>
            {doc.otherProblems.length > 0 && (
              <ul>
                {doc.otherProblems.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {problems.blocks && <p className="field__error">{problems.blocks}</p>}
        <Outline
          orgId={orgId}
          blocks={blocks}
          onChange={change}
          problems={problems}
          server={server}
          known={doc.known}
          remember={doc.remember}
          announce={announce}
          focusRequest={added}
        />
        <AddBlock
          orgId={orgId}
          onAdd={add}
          full={blocks.length >= LIMITS.blocks}
          onChoose={(chosen) => {
            doc.remember(chosen.id, chosen.card);
            const block: DraftBlock = { ...emptyBlock('resource'), resourceId: chosen.id };
            change(appendBlock(blocks, block));
            announce(t('sessions.outline.resourceAdded', { title: chosen.card.title }));
          }}
          onInsert={(block, title) => {
            change(appendBlock(blocks, block));
            setAdded(block.id);
            announce(t('sessions.saved.inserted', { title }));
          }}
        />
      </section>

      <SessionPeople orgId={orgId} doc={doc} names={names} me={me} roles={roles} />
      <Revisions orgId={orgId} session={server} names={names} me={me} onRestore={doc.restore} />
      <Exports orgId={orgId} session={server} flush={doc.flush} />
      <LinksPanel orgId={orgId} sessionId={server.id} />
      <DeleteSession orgId={orgId} session={server} />

      {doc.conflict?.open && (
        <Suspense fallback={null}>
          <ConflictModal conflict={{ reload: doc.reloadTheirs, overwrite: doc.keepMine }} dismiss={doc.setConflictAside} />
        </Suspense>
      )}
    </article>
  );
}

type Doc = ReturnType<typeof useComposer>;

/** Title, day and time, planned length, status, sharing, and the notes on how it went once held. */
function DetailsSection({ doc, hiddenCount, headingId }: { doc: Doc; hiddenCount: number; headingId: string }) {
  const { t } = useTranslation();
  const { server, details, problems, actionError } = doc;
  const set = (change: Partial<typeof details>) => doc.setDetails((was) => ({ ...was, ...change }));
  const [acting, setActing] = useState(false);
  const act = async (action: { status?: Status; shared?: boolean }) => {
    setActing(true);
    await doc.act(action);
    setActing(false);
  };
  const open = server.audience.kind === 'open';
  const blocksUnready = actionError?.action === 'status' && Object.keys(actionError.byField).some((field) => field.startsWith('blocks.'));
  const statusError =
    actionError?.action === 'status' ? (actionError.byField.status ?? (blocksUnready ? t('sessions.composer.notReadyShort') : actionError.message)) : problems.status;
  return (
    <section className="composer__details" aria-labelledby={headingId} data-own-undo>
      <h2 id={headingId}>{t('sessions.composer.details')}</h2>
      <div className="composer__details-grid">
        <Field label={t('sessions.fields.title')} value={details.title} onChange={(e) => set({ title: e.target.value })} maxLength={LIMITS.title} required dir="auto" error={problems.title} />
        <DatePickerField label={t('sessions.fields.date')} name="date" value={details.date} onChange={(date) => set({ date })} isRequired error={problems.date} />
        <TimeField label={t('sessions.fields.time')} name="time" value={details.time} onChange={(time) => set({ time })} error={problems.time} />
        <Field
          label={t('sessions.fields.planned')}
          type="number"
          inputMode="numeric"
          min={0}
          max={LIMITS.plannedMinutes}
          step={1}
          value={details.planned}
          onChange={(e) => set({ planned: e.target.value })}
          hint={t('sessions.fields.plannedNone')}
          error={problems.planned_minutes}
        />
      </div>
      <div className="composer__details-grid">
        <SelectField
          label={t('sessions.fields.status')}
          options={STATUSES.map((status) => ({ id: status, label: t(`sessions.status.${status}`) }))}
          value={server.status}
          isDisabled={acting}
          onChange={(status) => void act({ status: status as Status })}
          hint={t('sessions.fields.statusHint')}
          error={statusError}
        />
        <div className="field">
          <label className="composer__check">
            <input type="checkbox" checked={server.shared} disabled={open || acting} onChange={(e) => void act({ shared: e.target.checked })} aria-describedby="shared-hint" />{' '}
            {t('sessions.fields.shared')}
          </label>
          <p className="field__hint" id="shared-hint">
            {open ? t('sessions.fields.sharedOpen') : t('sessions.fields.sharedHint')}
          </p>
          {actionError?.action === 'shared' && <p className="field__error">{actionError.byField.shared ?? actionError.message}</p>}
        </div>
      </div>
      {blocksUnready && (
        <p className="form-error" role="alert">
          {t('sessions.composer.notReady')}
        </p>
      )}
      {hiddenCount > 0 && (
        <p className="notice composer__hidden-note" role="note">
          {t(server.shared ? 'sessions.composer.hiddenShared' : 'sessions.composer.hiddenBeforeSharing', { count: hiddenCount })}
        </p>
      )}
      {server.status === 'held' && (
        <TextAreaField
          label={t('sessions.fields.notes')}
          hint={t('sessions.fields.notesHint')}
          value={details.notes}
          onChange={(notes) => set({ notes })}
          maxLength={LIMITS.notes}
          rows={5}
          error={problems.notes}
        />
      )}
    </section>
  );
}

/** Adds a block of any kind at the end, a hub resource found by searching the hub in place, or a copy of a block saved
 * to the hub. */
function AddBlock({
  orgId,
  onAdd,
  onChoose,
  onInsert,
  full,
}: {
  orgId: string;
  onAdd: (kind: BlockKind) => void;
  onChoose: Parameters<typeof HubPicker>[0]['onChoose'];
  onInsert: Parameters<typeof SavedBlockPicker>[0]['onInsert'];
  full: boolean;
}) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const kinds: BlockKind[] = ['heading', 'text', 'scripture', 'question', 'activity', 'prayer', 'resource'];
  return (
    <div className="composer__add">
      <div role="group" aria-labelledby="add-block-label" className="composer__add-kinds">
        <p id="add-block-label" className="composer__add-label">
          {t('sessions.outline.add')}
        </p>
        <div className="button-row">
          {kinds.map((kind) => (
            <Button key={kind} className="button button--small button--secondary" isDisabled={full} onPress={() => onAdd(kind)} aria-label={t('sessions.outline.addKind', { kind: kindLabel(kind) })}>
              + {kindLabel(kind)}
            </Button>
          ))}
        </div>
      </div>
      {!full && <HubPicker orgId={orgId} label={t('sessions.outline.addResource')} onChoose={onChoose} />}
      {!full && <SavedBlockPicker orgId={orgId} onInsert={onInsert} />}
      {full && <p className="muted">{t('sessions.errors.tooManyBlocks', { max: LIMITS.blocks })}</p>}
    </div>
  );
}

/** The outlines earlier saves replaced (the last 20), each restorable; restoring keeps the current one in turn. */
function Revisions({ orgId, session, names, me, onRestore }: { orgId: string; session: Session; names: Names; me: string; onRestore: (version: number) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);
  const revisions = useRevisions(orgId, session.id, open);
  const list = revisions.data?.revisions ?? [];
  const who = (person: string) => (person === me ? t('sessions.revisions.you') : (names.person(person) ?? t('sessions.revisions.someone')));
  return (
    <section className="composer__revisions" aria-labelledby="revisions-heading">
      <h2 id="revisions-heading">{t('sessions.revisions.heading')}</h2>
      <button type="button" className="button button--secondary" aria-expanded={open} aria-controls="revisions-list" onClick={() => setOpen((was) => !was)}>
        {t(open ? 'sessions.revisions.hide' : 'sessions.revisions.show')}
      </button>
      {open && (
        <div id="revisions-list">
          {revisions.isPending && <Loading label={t('sessions.revisions.loading')} />}
          {revisions.error instanceof ApiError && <p className="field__error">{revisions.error.message}</p>}
          {revisions.data && list.length === 0 && <p className="empty">{t('sessions.revisions.empty')}</p>}
          {list.length > 0 && (
            <ol className="composer__revision-list">
              {list.map((revision) => (
                <li key={revision.version}>
                  <span>
                    {t('sessions.revisions.item', {
                      version: revision.version,
                      when: formatDateTime(Date.parse(revision.saved_at)),
                      who: who(revision.saved_by),
                      blocks: t('sessions.blockCount', { count: revision.blocks }),
                      minutes: t('sessions.minutes', { count: revision.total_minutes }),
                    })}
                  </span>{' '}
                  <span className="muted" dir="auto">
                    “{revision.title}”
                  </span>{' '}
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    disabled={busy !== null}
                    aria-label={t('sessions.revisions.restoreNamed', { version: revision.version })}
                    onClick={() => {
                      setBusy(revision.version);
                      void onRestore(revision.version).finally(() => setBusy(null));
                    }}
                  >
                    {t(busy === revision.version ? 'sessions.revisions.restoring' : 'sessions.revisions.restore')}
                  </button>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}

/** Removes the session and its earlier outlines, after asking. */
function DeleteSession({ orgId, session }: { orgId: string; session: Session }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setProblem(null);
    const result = await deleteSession(orgId, session.id, session.version);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.status === 412 ? t('sessions.composer.deleteStale') : failureMessage(result.failure));
      return;
    }
    confirm({ text: t('sessions.composer.deleted', { title: session.title }) });
    client.removeQueries({ queryKey: ['sessions', orgId, 'session', session.id] });
    await listsChanged(client, orgId);
    navigate('/sessions');
  };
  return (
    <section className="composer__delete" aria-labelledby="delete-heading">
      <h2 id="delete-heading">{t('sessions.composer.deleteHeading')}</h2>
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {asking ? (
        <div className="planner__confirm" role="group" aria-labelledby="delete-confirm">
          <p id="delete-confirm">{t('sessions.composer.confirmDelete', { title: session.title })}</p>
          <div className="button-row">
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void remove()} autoFocus>
              {t('sessions.composer.deleteForGood')}
            </button>
            <button type="button" className="button button--secondary" disabled={busy} onClick={() => setAsking(false)}>
              {t('sessions.composer.keep')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setAsking(true)}>
          {t('sessions.composer.delete')}
        </button>
      )}
    </section>
  );
}

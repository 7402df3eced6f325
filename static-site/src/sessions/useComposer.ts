// The composer's document and its autosave: the session's details and outline as edited here, with the history undo
// and redo walk; every change is sent, 800 ms after the last, as the whole outline under the version last read
// (`If-Match`), one save at a time. A stale save (412) writes nothing and pauses saving until the person chooses to
// reload theirs or to keep theirs and write it over the new version. What the server refuses (422) is shown on its
// field, and that outline is not sent again until it changes. Status and sharing are changed by their own actions,
// sent with the outline so a session is never marked ready on an outline that was not saved.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { failureMessage } from '../api/call';
import { confirm, warn } from '../kit/toasts';
import {
  detailsOf,
  draftOf,
  historyReducer,
  payloadOf,
  problemsOf,
  serverProblems,
  startHistory,
  type Details,
  type DraftBlock,
  type Problems,
} from './outline';
import { changeSession, listsChanged, readSession, restoreRevision, sessionKeys, type Audience, type Card, type Session, type Status } from './queries';

/** How long after the last change a save is sent. */
export const AUTOSAVE_DELAY_MS = 800;

/** What a status or sharing change sends with the outline. */
export interface Action {
  readonly status?: Status;
  readonly shared?: boolean;
  readonly audience?: Audience;
  readonly facilitators?: readonly string[];
}

/** Which of the details an action changes, for where its problem is shown. */
export type ActionName = 'status' | 'shared' | 'audience' | 'facilitators';

function nameOf(action: Action): ActionName {
  if (action.status !== undefined) return 'status';
  if (action.shared !== undefined) return 'shared';
  if (action.audience !== undefined) return 'audience';
  return 'facilitators';
}

export type SaveState =
  | { readonly kind: 'saved' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'conflict' };

/** A refusal of what a save sent: its field problems, kept until what is sent changes. */
interface Refusal {
  readonly json: string;
  readonly byField: Problems;
  readonly other: readonly string[];
  readonly message: string;
}

/** A status or sharing change the server refused (a session not filled enough to be ready, say). */
export interface ActionError {
  readonly action: ActionName;
  readonly message: string;
  readonly byField: Problems;
  readonly other: readonly string[];
}

/** What is known of hub resources by id, to show a block's: from the server's answers and from searches here. */
export type Known = ReadonlyMap<string, Card>;

function jsonOf(details: Details, blocks: readonly DraftBlock[]): string {
  return JSON.stringify(payloadOf(details, blocks));
}

export function useComposer(orgId: string, loaded: Session, fetched: Session | undefined) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = loaded.id;
  const [server, setServer] = useState(loaded);
  const [details, setDetails] = useState(() => detailsOf(loaded));
  const [history, dispatch] = useReducer(historyReducer, loaded.blocks.map(draftOf), startHistory);
  const blocks = history.present;
  const json = useMemo(() => jsonOf(details, blocks), [details, blocks]);
  const [savedJson, setSavedJson] = useState(json);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [failure, setFailure] = useState<{ json: string; message: string } | null>(null);
  const [actionError, setActionError] = useState<ActionError | null>(null);
  // A stale save: the modal is open, or was set aside (saving stays paused until a choice is made).
  const [conflict, setConflict] = useState<{ open: boolean; action?: Action | undefined } | null>(null);
  const local = useMemo(() => problemsOf(details, blocks, t), [details, blocks, t]);

  // What async work reads: the document as last rendered, the version last read, whether saving is paused.
  const latest = useRef({ details, blocks, json });
  latest.current = { details, blocks, json };
  const version = useRef(loaded.version);
  const saved = useRef(json);
  const paused = useRef(false);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const [known, setKnown] = useState<Known>(() => knownFrom(new Map(), loaded));

  const remember = useCallback((resourceId: string, card: Card) => setKnown((was) => new Map(was).set(resourceId, card)), []);

  const markSaved = (session: Session, sentJson: string) => {
    version.current = session.version;
    saved.current = sentJson;
    setSavedJson(sentJson);
    setServer(session);
    setKnown((was) => knownFrom(was, session));
    client.setQueryData(sessionKeys.session(orgId, id), session);
    void client.invalidateQueries({ queryKey: sessionKeys.revisions(orgId, id) });
    void listsChanged(client, orgId);
  };

  /** Takes what the server holds as the document; with `step`, as a step undo can go back from. */
  const adopt = (session: Session, step: boolean) => {
    const nextDetails = detailsOf(session);
    const nextBlocks = session.blocks.map(draftOf);
    setDetails(nextDetails);
    dispatch(step ? { type: 'change', blocks: nextBlocks } : { type: 'reset', blocks: nextBlocks });
    setRefusal(null);
    setFailure(null);
    markSaved(session, jsonOf(nextDetails, nextBlocks));
  };

  /** One save: the document as it is now, under the version last read. True when the server has it. */
  const run = async ({ action, force = false }: { action?: Action | undefined; force?: boolean } = {}): Promise<boolean> => {
    if (paused.current) return false;
    const now = latest.current;
    if (!action && !force && now.json === saved.current) return true;
    if (Object.keys(problemsOf(now.details, now.blocks, t)).length > 0) {
      // Nothing is sent while a field is wrong; a status or sharing change says so where it was asked for.
      if (action) setActionError({ action: nameOf(action), message: t('sessions.save.invalid'), byField: {}, other: [] });
      return false;
    }
    const payload = payloadOf(now.details, now.blocks);
    setSaving(true);
    const result = await changeSession(orgId, id, version.current, { ...payload, ...action, facilitators: action?.facilitators ? [...action.facilitators] : undefined });
    setSaving(false);
    if (result.ok) {
      setRefusal(null);
      setFailure(null);
      if (action) setActionError(null);
      markSaved(result.data, now.json);
      return true;
    }
    if (result.status === 412) {
      paused.current = true;
      setConflict({ open: true, action });
      return false;
    }
    const message = failureMessage(result.failure);
    if (result.status === 422 && result.fieldErrors.length > 0) {
      const split = serverProblems(result.fieldErrors, payload.blocks);
      if (action) setActionError({ action: nameOf(action), message, ...split });
      else setRefusal({ json: now.json, message, ...split });
      return false;
    }
    if (action) setActionError({ action: nameOf(action), message, byField: {}, other: [] });
    else setFailure({ json: now.json, message });
    return false;
  };

  // The save queued runs the newest `run`, with this render's organisation, language and cache.
  const runLatest = useRef(run);
  runLatest.current = run;

  /** Saves after whatever save is under way, so two never cross. */
  const save = useCallback((options?: { action?: Action; force?: boolean }): Promise<boolean> => {
    const next = queue.current.then(() => runLatest.current(options));
    queue.current = next.catch(() => false);
    return next;
  }, []);

  const dirty = json !== savedJson;
  const hasProblems = Object.keys(local).length > 0;
  const mayChange = server.may_change;

  // Autosave: a change is sent once the person pauses; what the server refused or failed to take waits for a change.
  useEffect(() => {
    if (!mayChange || conflict || !dirty || hasProblems || json === refusal?.json || json === failure?.json) return;
    const timer = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [json, dirty, hasProblems, conflict, refusal, failure, mayChange, save]);

  // Read again elsewhere (the window came back into focus, say): a newer version is taken when nothing here waits to
  // be saved; otherwise the next save meets it as a conflict.
  useEffect(() => {
    if (!fetched || fetched.version <= version.current || dirty || saving || conflict) return;
    adopt(fetched, false);
  }, [fetched]);

  // Leaving the composer sends what is not saved yet; closing the tab asks first.
  useEffect(() => {
    if (!dirty && !saving) return;
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [dirty, saving]);
  useEffect(
    () => () => {
      if (latest.current.json !== saved.current) void save();
    },
    [save],
  );

  const reloadTheirs = async () => {
    const fresh = await readSession(orgId, id);
    if (!fresh.ok) {
      warn({ key: 'sessions.composer.reloadFailed' }, { text: failureMessage(fresh.failure) });
      return;
    }
    paused.current = false;
    setConflict(null);
    // A step of its own, so undo brings one's own outline back if it was wanted after all.
    adopt(fresh.data, true);
    confirm({ key: 'sessions.composer.reloaded' });
  };

  const keepMine = async () => {
    const action = conflict?.action;
    const fresh = await readSession(orgId, id);
    if (!fresh.ok) {
      warn({ key: 'sessions.composer.reloadFailed' }, { text: failureMessage(fresh.failure) });
      return;
    }
    version.current = fresh.data.version;
    setServer(fresh.data);
    setKnown((was) => knownFrom(was, fresh.data));
    paused.current = false;
    setConflict(null);
    if (await save({ force: true, ...(action ? { action } : {}) })) confirm({ key: 'conflict.overwritten' });
  };

  const restore = async (revision: number): Promise<boolean> => {
    await save();
    if (paused.current) return false;
    const result = await restoreRevision(orgId, id, revision, version.current);
    if (result.ok) {
      adopt(result.data, true);
      confirm({ key: 'sessions.revisions.restored', values: { version: revision } });
      return true;
    }
    if (result.status === 412) {
      paused.current = true;
      setConflict({ open: true });
    } else {
      warn({ key: 'sessions.revisions.restoreFailed' }, { text: failureMessage(result.failure) });
    }
    return false;
  };

  const state: SaveState = conflict
    ? { kind: 'conflict' }
    : saving
      ? { kind: 'saving' }
      : failure && failure.json === json
        ? { kind: 'failed', message: failure.message }
        : dirty && (hasProblems || refusal?.json === json)
          ? { kind: 'invalid' }
          : dirty
            ? { kind: 'saving' }
            : { kind: 'saved' };

  // Problems on fields: those found here, those the server named for what is shown, and a refused status's (a block
  // said to need filling stops being marked once it is filled).
  const problems: Problems = {
    ...Object.fromEntries(Object.entries(actionError?.byField ?? {}).filter(([field]) => stillUnfilled(field, blocks))),
    ...(refusal?.json === json ? refusal.byField : {}),
    ...local,
  };

  return {
    server,
    details,
    setDetails,
    blocks,
    history,
    dispatch,
    known,
    remember,
    state,
    problems,
    otherProblems: refusal?.json === json ? refusal.other : [],
    refusalMessage: refusal?.json === json ? refusal.message : null,
    actionError,
    dismissActionError: () => setActionError(null),
    dirty,
    save,
    /** Saves now whatever waits (before an export, say); true when the server has everything. */
    flush: () => save(),
    act: (action: Action) => save({ action }),
    retry: () => save({ force: true }),
    conflict,
    reopenConflict: () => setConflict((was) => (was ? { ...was, open: true } : was)),
    setConflictAside: () => setConflict((was) => (was ? { ...was, open: false } : was)),
    reloadTheirs,
    keepMine,
    restore,
  };
}

/** Whether a block a refused status named as needing filling (`blocks.<id>.<field>`) still does. */
function stillUnfilled(field: string, blocks: readonly DraftBlock[]): boolean {
  const named = /^blocks\.([^.]+)\.(\w+)$/.exec(field);
  if (!named) return true;
  const block = blocks.find((b) => b.id === named[1]);
  if (!block) return false;
  if (named[2] === 'body') return !block.body.trim();
  if (named[2] === 'reference') return !block.reference.trim();
  if (named[2] === 'resource_id') return block.resourceId === null;
  return true;
}

/** The cards of the hub resources a session shows, added to what is known. */
function knownFrom(was: Known, session: Session): Known {
  const next = new Map(was);
  for (const block of session.blocks) {
    const embed = block.embed;
    if (!embed?.resource_id || !embed.card) continue;
    // A pinned copy is that block's own; the resource as it is now is what another block choosing it would show.
    if (!embed.pinned || !next.has(embed.resource_id)) next.set(embed.resource_id, embed.card);
  }
  return next;
}

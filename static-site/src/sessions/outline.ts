// The composer's document, as plain data and pure functions: a session's details and its outline of blocks as edited
// here, the rules the server checks (nesting under a heading, what each kind holds, lengths), moves, the history that
// undo and redo walk, and the body an autosave sends. Kept apart from the page so each rule is tested on its own.
import type { Block, BlockBody, BlockKind, Session, Show } from './queries';
import { LIMITS } from './queries';

/** A block as the composer edits it. */
export interface DraftBlock {
  /** Chosen here (ADR 0028), so undo, autosave and pins agree on which block is which. */
  readonly id: string;
  readonly kind: BlockKind;
  readonly title: string;
  readonly body: string;
  readonly reference: string;
  readonly minutes: number;
  readonly nested: boolean;
  /**
   * A resource block's hub resource. Null when none is chosen yet, and for a resource this reader may not see: the
   * server withholds its id, and an outline sent back without one keeps it as it is.
   */
  readonly resourceId: string | null;
  readonly show: Show;
  /** Keep a copy of the resource as it is now. */
  readonly pin: boolean;
}

/** A session's details as the composer edits them (status and sharing are changed by their own actions). */
export interface Details {
  readonly title: string;
  readonly date: string;
  /** `HH:MM`, or empty for none. */
  readonly time: string;
  /** Typed minutes; empty for no limit. */
  readonly planned: string;
  readonly notes: string;
}

export function draftOf(block: Block): DraftBlock {
  return {
    id: block.id,
    kind: block.kind,
    title: block.title,
    body: block.body,
    reference: block.reference ?? '',
    minutes: block.minutes,
    nested: block.nested,
    resourceId: block.embed?.resource_id ?? null,
    show: block.embed?.show ?? 'live',
    pin: block.embed?.pinned ?? false,
  };
}

export function detailsOf(session: Session): Details {
  return {
    title: session.title,
    date: session.date,
    time: session.time ?? '',
    planned: session.planned_minutes ? String(session.planned_minutes) : '',
    notes: session.notes,
  };
}

/** A new block id: `b` and twelve random letters and digits (the API takes 1 to 64 of `[A-Za-z0-9_-]`). */
export function newBlockId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `b${Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('')}`;
}

export function emptyBlock(kind: BlockKind, id = newBlockId()): DraftBlock {
  return { id, kind, title: '', body: '', reference: '', minutes: 0, nested: false, resourceId: null, show: 'live', pin: false };
}

/**
 * A short name for a block, for its row and its buttons: its title, else its passage's reference or the start of its
 * text, else (a resource block) its resource's title, else its kind.
 */
export function blockName(block: DraftBlock, kindLabel: string, resourceTitle?: string | null): string {
  const words = (block.title.trim() || block.reference.trim() || block.body.trim() || resourceTitle?.trim() || '').replace(/\s+/g, ' ');
  if (!words) return kindLabel;
  return words.length > 60 ? `${words.slice(0, 59)}…` : words;
}

/** Whether the block at `index` may be nested: it is no heading, and the block above is a heading or nested under one. */
export function mayNest(blocks: readonly DraftBlock[], index: number): boolean {
  const block = blocks[index];
  const above = blocks[index - 1];
  if (!block || !above || block.kind === 'heading') return false;
  return above.kind === 'heading' || above.nested;
}

/**
 * The outline with every nesting the server would refuse taken away: a heading is never nested, and a block is nested
 * only right after a heading or after a block nested under it (a block that is not nested ends the heading's reach).
 */
export function normalise(blocks: readonly DraftBlock[]): DraftBlock[] {
  let afterHeading = false;
  return blocks.map((block) => {
    const nested = block.nested && block.kind !== 'heading' && afterHeading;
    afterHeading = block.kind === 'heading' || (afterHeading && nested);
    return nested === block.nested ? block : { ...block, nested };
  });
}

/**
 * Moves a block to `to` (its index once moved). A block put between two blocks of a heading's section joins that
 * section, so the blocks after it stay nested; everything is then normalised.
 */
export function moveBlock(blocks: readonly DraftBlock[], id: string, to: number): DraftBlock[] {
  const from = blocks.findIndex((block) => block.id === id);
  if (from < 0) return [...blocks];
  const rest = blocks.filter((block) => block.id !== id);
  const at = Math.max(0, Math.min(to, rest.length));
  let moving = blocks[from]!;
  const above = rest[at - 1];
  const below = rest[at];
  if (moving.kind !== 'heading' && below?.nested && above && (above.kind === 'heading' || above.nested)) moving = { ...moving, nested: true };
  return normalise([...rest.slice(0, at), moving, ...rest.slice(at)]);
}

/** Where a block dropped `position` the block `target` ends up (its index once moved). */
export function dropIndex(blocks: readonly DraftBlock[], id: string, target: string, position: 'before' | 'after' | 'on'): number {
  const rest = blocks.filter((block) => block.id !== id);
  const at = rest.findIndex((block) => block.id === target);
  if (at < 0) return rest.length;
  return position === 'before' ? at : at + 1;
}

/** A block added at the end: under the heading above when the outline ends in a heading's section. */
export function appendBlock(blocks: readonly DraftBlock[], block: DraftBlock): DraftBlock[] {
  const last = blocks[blocks.length - 1];
  const nested = block.kind !== 'heading' && last !== undefined && (last.kind === 'heading' || last.nested);
  return normalise([...blocks, { ...block, nested }]);
}

export function replaceBlock(blocks: readonly DraftBlock[], id: string, change: Partial<Omit<DraftBlock, 'id' | 'kind'>>): DraftBlock[] {
  const next = blocks.map((block) => (block.id === id ? { ...block, ...change } : block));
  return 'nested' in change ? normalise(next) : next;
}

export function removeBlock(blocks: readonly DraftBlock[], id: string): DraftBlock[] {
  return normalise(blocks.filter((block) => block.id !== id));
}

export function totalMinutes(blocks: readonly DraftBlock[]): number {
  return blocks.reduce((sum, block) => sum + block.minutes, 0);
}

/** The block as the API takes it: only what its kind holds. */
export function blockBody(block: DraftBlock): BlockBody {
  const resource = block.kind === 'resource';
  return {
    id: block.id,
    kind: block.kind,
    title: block.title,
    body: block.kind === 'heading' ? '' : block.body,
    reference: block.kind === 'scripture' && block.reference.trim() ? block.reference : null,
    minutes: block.minutes,
    nested: block.nested,
    resource_id: resource ? block.resourceId : null,
    show: resource ? block.show : null,
    pin: resource && block.pin,
  };
}

/** The planned minutes as the API takes them: 0 takes the limit away. */
export function plannedOf(details: Details): number {
  const minutes = Number(details.planned.trim() || '0');
  return Number.isInteger(minutes) ? minutes : 0;
}

/** What an autosave sends: the details and the whole outline. */
export function payloadOf(details: Details, blocks: readonly DraftBlock[]) {
  return {
    title: details.title,
    date: details.date,
    time: details.time,
    planned_minutes: plannedOf(details),
    notes: details.notes,
    blocks: blocks.map(blockBody),
  };
}

/** Problems by field: `title`, `planned_minutes`…, and `blocks.<id>.<field>` for a block (by id, not place). */
export type Problems = Readonly<Record<string, string>>;

/** Words a message: a translation key and its values (i18next's `t`). */
export type Say = (key: string, values: Record<string, string | number>) => string;

/** What the server would refuse, found before sending. */
export function problemsOf(details: Details, blocks: readonly DraftBlock[], say: Say): Problems {
  const out: Record<string, string> = {};
  if (!details.title.trim()) out.title = say('sessions.errors.title', {});
  else if ([...details.title].length > LIMITS.title) out.title = say('sessions.errors.tooLong', { max: LIMITS.title });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(details.date)) out.date = say('sessions.errors.date', {});
  const planned = Number(details.planned.trim() || '0');
  if (!Number.isInteger(planned) || planned < 0 || planned > LIMITS.plannedMinutes) out.planned_minutes = say('sessions.errors.planned', { max: LIMITS.plannedMinutes });
  if ([...details.notes].length > LIMITS.notes) out.notes = say('sessions.errors.tooLong', { max: LIMITS.notes });
  if (blocks.length > LIMITS.blocks) out.blocks = say('sessions.errors.tooManyBlocks', { max: LIMITS.blocks });
  for (const block of blocks) {
    const field = (name: string) => `blocks.${block.id}.${name}`;
    if (block.kind === 'heading' && !block.title.trim()) out[field('title')] = say('sessions.errors.headingTitle', {});
    else if ([...block.title].length > LIMITS.title || /[\r\n]/.test(block.title)) out[field('title')] = say('sessions.errors.tooLong', { max: LIMITS.title });
    if ([...block.body].length > LIMITS.text) out[field('body')] = say('sessions.errors.tooLong', { max: LIMITS.text });
    if ([...block.reference].length > LIMITS.reference) out[field('reference')] = say('sessions.errors.tooLong', { max: LIMITS.reference });
    if (!Number.isInteger(block.minutes) || block.minutes < 0 || block.minutes > LIMITS.blockMinutes) out[field('minutes')] = say('sessions.errors.minutes', { max: LIMITS.blockMinutes });
  }
  return out;
}

/**
 * The server's field problems (`blocks.3.body`, `title`) as the composer's: a block's by its id, from the place it had
 * in the outline that was sent.
 */
export function serverProblems(errors: readonly { field: string; message: string }[], sent: readonly { id: string }[]): { byField: Problems; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const { field, message } of errors) {
    const block = /^blocks\.(\d+)\.(\w+)$/.exec(field);
    const id = block ? sent[Number(block[1])]?.id : undefined;
    const key = block && id ? `blocks.${id}.${block[2]}` : field;
    if (block && !id) other.push(message);
    else byField[key] = byField[key] ? `${byField[key]}; ${message}` : message;
  }
  return { byField, other };
}

/** The outlines undo and redo walk: every change is a step, except typing in one field, which is one step until another field is changed. */
export interface History {
  readonly past: readonly (readonly DraftBlock[])[];
  readonly present: readonly DraftBlock[];
  readonly future: readonly (readonly DraftBlock[])[];
  /** The field the last step typed into (`<id>.<field>`), so typing on in it joins that step. */
  readonly typing: string | null;
}

/** How many steps back undo reaches. */
export const HISTORY_DEPTH = 100;

export type HistoryAction =
  | { readonly type: 'change'; readonly blocks: readonly DraftBlock[]; readonly typing?: string | undefined }
  | { readonly type: 'undo' }
  | { readonly type: 'redo' }
  /** What the server holds now replaces the outline, and the steps before it are forgotten (reloading theirs). */
  | { readonly type: 'reset'; readonly blocks: readonly DraftBlock[] };

export function startHistory(blocks: readonly DraftBlock[]): History {
  return { past: [], present: blocks, future: [], typing: null };
}

export function historyReducer(state: History, action: HistoryAction): History {
  switch (action.type) {
    case 'change': {
      if (action.blocks === state.present) return state;
      const joins = action.typing !== undefined && action.typing === state.typing;
      return {
        past: joins ? state.past : [...state.past, state.present].slice(-HISTORY_DEPTH),
        present: action.blocks,
        future: [],
        typing: action.typing ?? null,
      };
    }
    case 'undo': {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      return { past: state.past.slice(0, -1), present: previous, future: [state.present, ...state.future], typing: null };
    }
    case 'redo': {
      const [next, ...rest] = state.future;
      if (!next) return state;
      return { past: [...state.past, state.present], present: next, future: rest, typing: null };
    }
    case 'reset':
      return startHistory(action.blocks);
  }
}

// Tests for the composer's document model: nesting as the server allows it, moves that keep a heading's section
// together, the body a save sends, problems found before sending and named by block, and the undo history.
import { describe, expect, it } from 'vitest';
import {
  appendBlock,
  blockBody,
  dropIndex,
  emptyBlock,
  historyReducer,
  mayNest,
  moveBlock,
  newBlockId,
  normalise,
  problemsOf,
  serverProblems,
  startHistory,
  type Details,
  type DraftBlock,
} from './outline';

const block = (id: string, kind: DraftBlock['kind'], extra: Partial<DraftBlock> = {}): DraftBlock => ({ ...emptyBlock(kind, id), ...extra });
const ids = (blocks: readonly DraftBlock[]) => blocks.map((b) => `${b.id}${b.nested ? '>' : ''}`);
const say = (key: string, values: Record<string, string | number>) => `${key}${values.max ? `:${values.max}` : ''}`;
const details: Details = { title: 'Grace', date: '2027-03-04', time: '', planned: '', notes: '' };

describe('the outline model', () => {
  it('makes block ids the API takes', () => {
    const id = newBlockId();
    expect(id).toMatch(/^b[a-z0-9]{12}$/);
    expect(newBlockId()).not.toBe(id);
  });

  it('nests only after a heading or a block nested under one, and never a heading', () => {
    const outline = [block('h', 'heading', { title: 'Opening' }), block('a', 'text', { nested: true }), block('b', 'text'), block('c', 'text', { nested: true }), block('h2', 'heading', { nested: true })];
    expect(ids(normalise(outline))).toEqual(['h', 'a>', 'b', 'c', 'h2']);
    expect([0, 1, 2, 3].map((i) => mayNest(normalise(outline), i))).toEqual([false, true, true, false]);
  });

  it('moves a block into a section when it lands between two of its blocks, and out of one at the top', () => {
    const outline = [block('h', 'heading', { title: 'Opening' }), block('a', 'text', { nested: true }), block('b', 'text', { nested: true }), block('p', 'prayer')];
    expect(ids(moveBlock(outline, 'p', 2))).toEqual(['h', 'a>', 'p>', 'b>']);
    expect(ids(moveBlock(outline, 'a', 0))).toEqual(['a', 'h', 'b>', 'p']);
    // Moving the heading away ends its section: what was nested under it is not any more.
    expect(ids(moveBlock(outline, 'h', 3))).toEqual(['a', 'b', 'p', 'h']);
    expect(dropIndex(outline, 'p', 'a', 'before')).toBe(1);
    expect(dropIndex(outline, 'h', 'p', 'after')).toBe(3);
  });

  it('adds a block under the heading the outline ends in', () => {
    const outline = [block('h', 'heading', { title: 'Opening' })];
    expect(ids(appendBlock(outline, block('q', 'question')))).toEqual(['h', 'q>']);
    expect(ids(appendBlock(outline, block('h2', 'heading', { title: 'Next' })))).toEqual(['h', 'h2']);
  });

  it('sends only what a kind holds', () => {
    expect(blockBody(block('h', 'heading', { title: 'Opening', body: 'stray', reference: 'John 1' }))).toEqual({
      id: 'h', kind: 'heading', title: 'Opening', body: '', reference: null, minutes: 0, nested: false, resource_id: null, show: null, pin: false,
    });
    expect(blockBody(block('s', 'scripture', { reference: 'John 3:16', resourceId: 'r-1' }))).toMatchObject({ reference: 'John 3:16', resource_id: null });
    // A resource this reader may not see goes back without an id: the server keeps it.
    expect(blockBody(block('r', 'resource', { resourceId: null, show: 'excerpt', pin: true }))).toMatchObject({ resource_id: null, show: 'excerpt', pin: true });
  });

  it('finds what the server would refuse, by block id', () => {
    const outline = [block('h', 'heading'), block('t', 'text', { minutes: 601, body: 'x'.repeat(20_001) })];
    expect(problemsOf({ ...details, title: ' ', planned: '2000' }, outline, say)).toEqual({
      title: 'sessions.errors.title',
      planned_minutes: 'sessions.errors.planned:1440',
      'blocks.h.title': 'sessions.errors.headingTitle',
      'blocks.t.body': 'sessions.errors.tooLong:20000',
      'blocks.t.minutes': 'sessions.errors.minutes:600',
    });
    expect(problemsOf(details, [block('h', 'heading', { title: 'Opening' })], say)).toEqual({});
  });

  it("names the server's problems by the block they were about", () => {
    const sent = [{ id: 'h' }, { id: 'q' }];
    expect(serverProblems([{ field: 'blocks.1.body', message: 'needs its text' }, { field: 'title', message: 'is required' }, { field: 'blocks.9.kind', message: 'odd' }], sent)).toEqual({
      byField: { 'blocks.q.body': 'needs its text', title: 'is required' },
      other: ['odd'],
    });
  });

  it('undoes and redoes whole steps, and typing in one field is one step', () => {
    const a = [block('a', 'text')];
    const b = [block('a', 'text', { body: 'G' })];
    const c = [block('a', 'text', { body: 'Grace' })];
    const d = [...c, block('p', 'prayer')];
    let history = startHistory(a);
    history = historyReducer(history, { type: 'change', blocks: b, typing: 'a.body' });
    history = historyReducer(history, { type: 'change', blocks: c, typing: 'a.body' });
    history = historyReducer(history, { type: 'change', blocks: d });
    expect(history.past).toEqual([a, c]);
    history = historyReducer(history, { type: 'undo' });
    expect(history.present).toBe(c);
    history = historyReducer(history, { type: 'undo' });
    expect(history.present).toBe(a);
    history = historyReducer(history, { type: 'undo' });
    expect(history.present).toBe(a);
    history = historyReducer(history, { type: 'redo' });
    expect(history.present).toBe(c);
    // A change after undoing drops what could have been redone.
    history = historyReducer(history, { type: 'change', blocks: b });
    expect(history.future).toEqual([]);
    expect(historyReducer(history, { type: 'reset', blocks: a })).toEqual(startHistory(a));
  });
});

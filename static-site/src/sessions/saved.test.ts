// Tests for blocks saved to the hub: a block and the note it is saved as correspond both ways (kind, minutes, a
// passage's reference, a title or none), and a note of no known kind comes back as text.
import { describe, expect, it } from 'vitest';
import { emptyBlock } from './outline';
import { blockOf, kindOf, noteOf } from './saved';

/** A hub resource as the API answers it, holding the note `noteOf` made. */
function detail(note: ReturnType<typeof noteOf>) {
  return {
    id: 'r-1', title: note.title, description: note.description, tags: note.tags, collection: note.collection, kind: 'note',
    note: { body: note.body, html: '', version_number: 1 },
  } as unknown as Parameters<typeof blockOf>[0];
}

describe('Saved blocks', () => {
  it('keep a question’s title, text, kind and minutes both ways', () => {
    const block = { ...emptyBlock('question'), title: 'Talk together', body: 'What is *grace*?', minutes: 15 };
    const note = noteOf(block, 'Discussion question');
    expect(note).toEqual({
      title: 'Talk together', body: 'What is *grace*?', description: '', collection: 'Session blocks',
      tags: ['session-block/question', 'session-block/minutes/15'],
    });
    const back = blockOf(detail(note));
    expect({ ...back, id: 'x' }).toEqual({ ...block, id: 'x' });
    expect(back.id).not.toBe(block.id);
  });

  it('name an untitled passage by its reference, and give the reference back', () => {
    const block = { ...emptyBlock('scripture'), reference: 'John 3:16', body: 'For God so loved the world…' };
    const note = noteOf(block, 'Scripture');
    expect([note.title, note.description, note.tags]).toEqual(['John 3:16', 'John 3:16', ['session-block/scripture']]);
    expect({ ...blockOf(detail(note)), id: 'x' }).toEqual({ ...block, id: 'x' });
  });

  it('name an untitled prayer by its opening words without making them its title', () => {
    const block = { ...emptyBlock('prayer'), body: '**Lord**, teach us to pray as you taught your disciples, day by day and in every season of our lives.' };
    const note = noteOf(block, 'Prayer');
    // Markdown's marks off, cut to 80 characters.
    expect(note.title.startsWith('Lord, teach us to pray')).toBe(true);
    expect([note.title.length, note.title.endsWith('…')]).toEqual([80, true]);
    expect(blockOf(detail(note)).title).toBe('');
  });

  it('read a note of no known kind as text', () => {
    expect(kindOf(['theology/grace', 'session-block/heading'])).toBe('text');
    expect(kindOf(['session-block/activity'])).toBe('activity');
  });
});

// Blocks saved to the hub and reused (issue 16): a block's words become a hub note in the collection "Session blocks",
// tagged with its kind (`session-block/question`) and, when planned, its minutes (`session-block/minutes/15`), so the
// hub's search, tags and visibility serve them as they serve every note. Reusing one copies it into the outline as a
// block of its kind again; the copy is the session's own, and changing the note later does not change it.
import { useQuery } from '@tanstack/react-query';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { data } from '../api/query';
import type { components } from '../api/schema';
import { emptyBlock, type DraftBlock } from './outline';
import type { BlockKind } from './queries';

type Detail = components['schemas']['ResourceDetail'];

/** The tag every saved block carries; its kind and minutes are tags below it. */
export const SAVED_TAG = 'session-block';
/** Where saved blocks are kept in the hub. */
export const SAVED_COLLECTION = 'Session blocks';
/** The kinds a block of words is; headings and hub resources are not saved. */
export const SAVEABLE: readonly BlockKind[] = ['text', 'scripture', 'question', 'activity', 'prayer'];
/** A note's title at most (the hub's limit). */
const MAX_TITLE = 200;

export type Audience = 'me' | 'organisation';

/** The words a block starts with, on one line, for a note's title when the block has none. */
function opening(text: string, max: number): string {
  const words = text.replace(/[#*_>`[\]]/g, '').replace(/\s+/g, ' ').trim();
  return words.length > max ? `${words.slice(0, max - 1)}…` : words;
}

/** The note a block is saved as: its title (else its passage's reference, else its opening words), its text, a
 * passage's reference as the description, and its kind and minutes as tags. */
export function noteOf(block: DraftBlock, kindLabel: string) {
  const title = block.title.trim() || (block.kind === 'scripture' ? block.reference.trim() : '') || opening(block.body, 80) || kindLabel;
  const tags = [`${SAVED_TAG}/${block.kind}`, ...(block.minutes > 0 ? [`${SAVED_TAG}/minutes/${block.minutes}`] : [])];
  return {
    title: title.slice(0, MAX_TITLE),
    body: block.body,
    description: block.kind === 'scripture' ? block.reference.trim() : '',
    tags,
    collection: SAVED_COLLECTION,
  };
}

export function saveBlock(org: string, block: DraftBlock, kindLabel: string, audience: Audience): Promise<CallResult<Detail>> {
  const visibility = audience === 'me' ? ({ scope: 'private' } as const) : ({ scope: 'organisation' } as const);
  return call(api.POST('/api/hub/{org}/notes', { params: { path: { org } }, body: { ...noteOf(block, kindLabel), visibility } }));
}

/** The kind a saved note was, from its tags (text when it names none it knows). */
export function kindOf(tags: readonly string[]): BlockKind {
  for (const tag of tags) {
    const kind = tag.startsWith(`${SAVED_TAG}/`) ? tag.slice(SAVED_TAG.length + 1) : '';
    if ((SAVEABLE as readonly string[]).includes(kind)) return kind as BlockKind;
  }
  return 'text';
}

function minutesOf(tags: readonly string[]): number {
  for (const tag of tags) {
    const match = new RegExp(`^${SAVED_TAG}/minutes/(\\d{1,3})$`).exec(tag);
    if (match) return Math.min(Number(match[1]), 600);
  }
  return 0;
}

/** A saved note as a new block of the outline. A title that is only the text's opening words (what `noteOf` gives an
 * untitled block) is left out, and a passage's reference comes back from the description. */
export function blockOf(detail: Detail): DraftBlock {
  const kind = kindOf(detail.tags);
  const body = detail.note?.body ?? detail.description;
  const scripture = kind === 'scripture';
  const reference = scripture ? detail.description.trim() || detail.title : '';
  const fromWords = opening(body, 80) === detail.title;
  const title = scripture && detail.title === reference ? '' : fromWords ? '' : detail.title;
  return { ...emptyBlock(kind), title, body, reference, minutes: minutesOf(detail.tags) };
}

/** The saved blocks one may see, newest first, narrowed by words. */
export function useSavedBlocks(org: string, words: string, enabled: boolean) {
  const q = words.trim();
  return useQuery({
    enabled,
    queryKey: ['hub', org, 'search', { q, tag: SAVED_TAG, purpose: 'saved-blocks' }],
    queryFn: ({ signal }) =>
      data(
        api.GET('/api/hub/{org}/resources', {
          params: { path: { org }, query: { tag: SAVED_TAG, kind: 'note', limit: 10, facets: false, ...(q ? { q } : { sort: 'updated' }) } },
          signal,
        }),
      ),
  });
}

export function readSaved(org: string, id: string): Promise<CallResult<Detail>> {
  return call(api.GET('/api/hub/{org}/resources/{resource}', { params: { path: { org, resource: id } } }));
}

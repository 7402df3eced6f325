// The library's view as typed URL search parameters (words, filters, order, page), so a filtered view can be shared,
// bookmarked and reloaded. Anything malformed in a hand-edited URL is dropped rather than sent to the API.
export type Kind = 'note' | 'link' | 'file';
export type Sort = 'relevance' | 'updated' | 'created' | 'title';
export type Layout = 'list' | 'grid';

export interface HubSearch {
  readonly q?: string;
  readonly kind?: Kind;
  readonly tag?: string;
  readonly collection?: string;
  readonly sort?: Sort;
  /** 1-based. */
  readonly page?: number;
  /** How results are laid out; a list unless `grid`. */
  readonly layout?: Layout;
  /** The resource shown in the detail pane beside the results. */
  readonly open?: string;
}

const KINDS: readonly Kind[] = ['note', 'link', 'file'];
const SORTS: readonly Sort[] = ['relevance', 'updated', 'created', 'title'];
/** The API's limits: 512 bytes of words, 256 of a path; deeper than 10,000 results is not paged. */
const MAX_Q = 200;
const MAX_PATH = 256;
export const PAGE_SIZE = 20;
const MAX_PAGE = Math.floor(10_000 / PAGE_SIZE);

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;
}

export function hubSearch(search: Record<string, unknown>): HubSearch {
  const out: { -readonly [K in keyof HubSearch]?: HubSearch[K] } = {};
  const q = text(search.q, MAX_Q);
  if (q) out.q = q;
  if (typeof search.kind === 'string' && (KINDS as readonly string[]).includes(search.kind)) out.kind = search.kind as Kind;
  const tag = text(search.tag, MAX_PATH);
  if (tag) out.tag = tag;
  const collection = text(search.collection, MAX_PATH);
  if (collection) out.collection = collection;
  if (typeof search.sort === 'string' && (SORTS as readonly string[]).includes(search.sort) && search.sort !== 'relevance') {
    out.sort = search.sort as Sort;
  }
  const page = typeof search.page === 'number' ? search.page : typeof search.page === 'string' ? Number(search.page) : NaN;
  if (Number.isInteger(page) && page > 1 && page <= MAX_PAGE) out.page = page;
  if (search.layout === 'grid') out.layout = 'grid';
  if (typeof search.open === 'string' && /^[0-9A-Za-z]{1,64}$/.test(search.open)) out.open = search.open;
  return out;
}

/** The API's query for a view: a page after the first leaves the facets out (the first page's serve all of them). */
export function apiQuery(view: HubSearch) {
  return {
    facets: (view.page ?? 1) > 1 ? false : undefined,
    q: view.q,
    kind: view.kind,
    tag: view.tag,
    collection: view.collection,
    sort: view.sort,
    offset: ((view.page ?? 1) - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  };
}

/** A tree of paths (`a`, `a/b`) with their counts, from a facet whose values count under every ancestor. */
export interface PathNode {
  readonly path: string;
  readonly name: string;
  readonly count: number;
  readonly children: PathNode[];
}

export function pathTree(values: readonly { value: string; count: number }[]): PathNode[] {
  const nodes = new Map<string, PathNode>();
  const roots: PathNode[] = [];
  for (const { value, count } of [...values].sort((a, b) => a.value.localeCompare(b.value))) {
    const cut = value.lastIndexOf('/');
    const node: PathNode = { path: value, name: cut < 0 ? value : value.slice(cut + 1), count, children: [] };
    nodes.set(value, node);
    const parent = cut < 0 ? undefined : nodes.get(value.slice(0, cut));
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Tags as typed in one field: separated by commas or spaces, `#` optional (the server reads each). */
export function tagsOf(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

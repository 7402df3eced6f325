// What the kit's tables show: the rows sorted by one column's comparison, and the one page of them in view. Sorting and
// paging are over the rows given (what has been loaded); a page past the end shows the last one.
import { preferences } from '../i18n';

export type SortDirection = 'ascending' | 'descending';

/** Compares rows by a text of theirs as the person's language orders it (German puts `ä` beside `a`). */
export function byText<T>(text: (row: T) => string): (a: T, b: T) => number {
  const collator = new Intl.Collator(preferences().locale);
  return (a, b) => collator.compare(text(a), text(b));
}

export interface SortedPage<T> {
  readonly shown: readonly T[];
  /** How many pages there are, at least one. */
  readonly pages: number;
  /** The page in view, from 0. */
  readonly current: number;
}

export function sortedPage<T>(
  rows: readonly T[],
  compare: ((a: T, b: T) => number) | undefined,
  direction: SortDirection | undefined,
  page: number,
  pageSize: number,
): SortedPage<T> {
  const sign = direction === 'descending' ? -1 : 1;
  const sorted = compare ? [...rows].sort((a, b) => sign * compare(a, b)) : rows;
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(Math.max(page, 0), pages - 1);
  return { shown: sorted.slice(current * pageSize, (current + 1) * pageSize), pages, current };
}

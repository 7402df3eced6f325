// The kit tables' sorting and paging, apart from any table.
import { describe, expect, it } from 'vitest';
import { byText, sortedPage } from './sortedPage';

const numbers = [5, 3, 9, 1, 7];
const byValue = (a: number, b: number) => a - b;

describe('sortedPage', () => {
  it('sorts either way, or keeps the given order without a comparison', () => {
    expect(sortedPage(numbers, byValue, 'ascending', 0, 10).shown).toEqual([1, 3, 5, 7, 9]);
    expect(sortedPage(numbers, byValue, 'descending', 0, 10).shown).toEqual([9, 7, 5, 3, 1]);
    expect(sortedPage(numbers, undefined, 'descending', 0, 10).shown).toEqual(numbers);
    expect(numbers).toEqual([5, 3, 9, 1, 7]);
  });

  it('shows one page, and the last one for a page past the end', () => {
    expect(sortedPage(numbers, byValue, 'ascending', 1, 2)).toEqual({ shown: [5, 7], pages: 3, current: 1 });
    expect(sortedPage(numbers, byValue, 'ascending', 7, 2)).toEqual({ shown: [9], pages: 3, current: 2 });
    expect(sortedPage([], byValue, 'ascending', 3, 2)).toEqual({ shown: [], pages: 1, current: 0 });
  });

  it('orders text as a language does, not by code point', () => {
    const words = ['zeta', 'Äpfel', 'apple'];
    expect(sortedPage(words, byText((w: string) => w), 'ascending', 0, 10).shown).toEqual(['Äpfel', 'apple', 'zeta']);
    expect([...words].sort()).toEqual(['apple', 'zeta', 'Äpfel']);
  });
});

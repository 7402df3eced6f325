import { describe, expect, it } from 'vitest';
import { apiQuery, hubSearch, pathTree } from './search';

describe('the library view in the URL', () => {
  it('keeps what is well formed and drops the rest', () => {
    expect(hubSearch({ q: '  grace ', kind: 'note', tag: 'theology/grace', sort: 'title', page: '3' })).toEqual({
      q: 'grace',
      kind: 'note',
      tag: 'theology/grace',
      sort: 'title',
      page: 3,
    });
    expect(hubSearch({ q: ' ', kind: 'video', sort: 'random', page: '0', collection: 5 })).toEqual({});
    expect(hubSearch({ sort: 'relevance', page: 1 })).toEqual({});
    expect(hubSearch({ page: 501 })).toEqual({});
    expect(hubSearch({ layout: 'grid', open: '01ABC' })).toEqual({ layout: 'grid', open: '01ABC' });
    expect(hubSearch({ layout: 'table', open: '../x' })).toEqual({});
  });

  it('asks the API for the page it shows', () => {
    expect(apiQuery({ q: 'hope', page: 3 })).toMatchObject({ q: 'hope', offset: 40, limit: 20, facets: false });
    expect(apiQuery({})).toMatchObject({ offset: 0, facets: undefined });
    expect(apiQuery({ layout: 'grid', open: 'X1' })).not.toHaveProperty('open');
  });

  it('builds a tree from paths counted under their ancestors', () => {
    const tree = pathTree([
      { value: 'theology/grace', count: 1 },
      { value: 'theology', count: 2 },
      { value: 'practice', count: 1 },
      { value: 'theology/law', count: 1 },
    ]);
    expect(tree.map((n) => [n.name, n.count])).toEqual([
      ['practice', 1],
      ['theology', 2],
    ]);
    expect(tree[1]!.children.map((n) => [n.path, n.name])).toEqual([
      ['theology/grace', 'grace'],
      ['theology/law', 'law'],
    ]);
  });
});

// The people page's tab in the URL: known tabs pass, anything else is dropped (which shows the members).
import { describe, expect, it } from 'vitest';
import { peopleSearch } from './people-search';

describe('peopleSearch', () => {
  it('keeps a known tab and drops anything else', () => {
    expect(peopleSearch({ tab: 'groups' })).toEqual({ tab: 'groups' });
    expect(peopleSearch({ tab: 'organisation', other: 'x' })).toEqual({ tab: 'organisation' });
    expect(peopleSearch({ tab: 'Groups' })).toEqual({});
    expect(peopleSearch({ tab: 'constructor' })).toEqual({});
    expect(peopleSearch({ tab: ['groups'] })).toEqual({});
    expect(peopleSearch({})).toEqual({});
  });
});

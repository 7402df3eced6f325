// Unit tests for role-based navigation filtering.
import { describe, expect, it } from 'vitest';
import { NAV_ITEMS, visibleNav, type NavItem } from './nav';

const items: NavItem[] = [
  { label: 'Home', path: '/', roles: ['admin', 'pastor', 'mentor', 'mentee', 'anonymous'] },
  { label: 'Sign in', path: '/sign-in', roles: ['anonymous'] },
  { label: 'My plan', path: '/plan', roles: ['mentee'] },
  { label: 'Mentees', path: '/mentees', roles: ['mentor', 'pastor'] },
  { label: 'Admin', path: '/admin', roles: ['admin'] },
  { label: 'Unassigned', path: '/draft', roles: [] },
];

const labels = (list: NavItem[]) => list.map((item) => item.label);

describe('visibleNav', () => {
  it('shows anonymous visitors only items open to anonymous', () => {
    expect(labels(visibleNav(items, ['anonymous']))).toEqual(['Home', 'Sign in']);
  });

  it('treats an empty role list as anonymous', () => {
    expect(labels(visibleNav(items, []))).toEqual(['Home', 'Sign in']);
  });

  it('does not show anonymous-only items to a signed-in user', () => {
    expect(labels(visibleNav(items, ['mentee']))).toEqual(['Home', 'My plan']);
  });

  it('unions the items of every role a person holds, keeping declared order once each', () => {
    expect(labels(visibleNav(items, ['admin', 'mentor', 'pastor']))).toEqual(['Home', 'Mentees', 'Admin']);
  });

  it('never shows an item that names no roles', () => {
    const all = visibleNav(items, ['admin', 'pastor', 'mentor', 'mentee', 'anonymous']);
    expect(labels(all)).not.toContain('Unassigned');
  });

  it('does not modify its input', () => {
    const copy = structuredClone(items);
    visibleNav(items, ['admin']);
    expect(items).toEqual(copy);
  });

  it('offers Home and System status to anonymous visitors in the real navigation', () => {
    expect(visibleNav(NAV_ITEMS, ['anonymous']).map((item) => item.path)).toEqual(['/', '/status']);
  });
});

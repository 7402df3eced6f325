// Unit tests for role-based navigation filtering.
import { describe, expect, it } from 'vitest';
import { mayUse, NAV_ITEMS, visibleNav, type NavItem, type Role } from './nav';

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

  it('hides an item whose feature is unavailable, and shows it when available', () => {
    const withFeature: NavItem[] = [...items, { label: 'Outbox', path: '/dev/outbox', roles: ['mentee'], feature: 'outbox' }];
    expect(labels(visibleNav(withFeature, ['mentee']))).toEqual(['Home', 'My plan']);
    expect(labels(visibleNav(withFeature, ['mentee'], new Set(['outbox'])))).toEqual(['Home', 'My plan', 'Outbox']);
  });
});

describe('the real navigation', () => {
  const paths = (roles: Role[], outbox = false) =>
    visibleNav(NAV_ITEMS, roles, new Set(outbox ? (['outbox'] as const) : [])).map((item) => item.path);

  it('offers a signed-out visitor only sign-in, even where the dev outbox exists', () => {
    expect(paths(['anonymous'])).toEqual(['/sign-in']);
    expect(paths([], true)).toEqual(['/sign-in']);
  });

  const MODULES = ['/planner', '/hub', '/sessions'];

  it('gives admins the modules, People and Audit', () => {
    expect(paths(['admin'])).toEqual(['/', ...MODULES, '/people', '/audit', '/status']);
  });

  it('gives pastors the modules and People but not Audit', () => {
    expect(paths(['pastor'])).toEqual(['/', ...MODULES, '/people', '/status']);
  });

  it.each<Role>(['mentor', 'mentee'])('gives a %s the modules but neither People nor Audit', (role) => {
    expect(paths([role])).toEqual(['/', ...MODULES, '/status']);
  });

  it('shows the dev outbox to admins only, and only when it is available', () => {
    expect(paths(['admin'], true)).toEqual(['/', ...MODULES, '/people', '/audit', '/status', '/dev/outbox']);
    expect(paths(['mentee'], true)).toEqual(['/', ...MODULES, '/status']);
  });

  it('never offers sign-in to someone signed in', () => {
    for (const role of ['admin', 'pastor', 'mentor', 'mentee'] as const) expect(paths([role])).not.toContain('/sign-in');
  });
});

describe('mayUse', () => {
  it('allows a page when any of the roles is listed', () => {
    expect(mayUse(['admin', 'pastor'], ['mentor', 'pastor'])).toBe(true);
    expect(mayUse(['admin'], ['pastor', 'mentee'])).toBe(false);
    expect(mayUse(['admin'], [])).toBe(false);
  });
});

// Navigation model: every page the shell can link to, and which roles may see it.

export const ROLES = ['admin', 'pastor', 'mentor', 'mentee', 'anonymous'] as const;
export type Role = (typeof ROLES)[number];

export interface NavItem {
  readonly label: string;
  readonly path: string;
  /** Roles that may see the link. Visibility is opt-in so a new page is hidden until someone decides who it is for. */
  readonly roles: readonly Role[];
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Home', path: '/', roles: ROLES },
  { label: 'System status', path: '/status', roles: ROLES },
];

/**
 * Items the given roles may see, in their declared order.
 * An empty role list means nobody is signed in, which is the anonymous role rather than "no access at all";
 * otherwise anonymous-only items (a future "Sign in") would disappear for exactly the people who need them.
 */
export function visibleNav(items: readonly NavItem[], roles: readonly Role[]): NavItem[] {
  const effective: ReadonlySet<Role> = new Set(roles.length === 0 ? ['anonymous'] : roles);
  return items.filter((item) => item.roles.some((role) => effective.has(role)));
}

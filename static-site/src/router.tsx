// Navigation helpers over TanStack Router (ADR 0016): imperative navigation for code outside components, the URL
// fragment as parameters, and the open-redirect guard for "come back here after signing in".
import { useRouterState, type AnyRouter } from '@tanstack/react-router';
import type { AnchorHTMLAttributes, MouseEvent } from 'react';

let active: AnyRouter | null = null;

/** The app's router, once it exists; navigation before that (or without one, in a unit test) goes to the History API. */
export function setNavigationRouter(router: AnyRouter): void {
  active = router;
}

/** Goes to a path on this site, from anywhere (the API client's session middleware included). */
export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (to === currentLocation() + window.location.hash) return;
  if (active) {
    if (replace) active.history.replace(to);
    else active.history.push(to);
    return;
  }
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
}

/** The fragment without `#`, parsed like a query (`#token=…`): links carry secrets there so servers never log them. */
export function useHashParams(): URLSearchParams {
  const hash = useRouterState({ select: (state) => state.location.hash });
  return new URLSearchParams(hash.replace(/^#/, ''));
}

/** Path and query of the current page, for "come back here after signing in". */
export function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

/**
 * Accepts a place to return to only when it is a path on this site: `//evil.example` and `https://…` would turn the
 * sign-in page into an open redirect.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (value.startsWith('/sign-in')) return '/';
  return value;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/**
 * A link to a path of this app, followed by the router; new-tab, download and modified clicks stay the browser's.
 * Paths are strings because navigation items and return addresses are data.
 */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || event.button !== 0 || modified || rest.target || rest.download !== undefined) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}

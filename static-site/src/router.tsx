// Minimal History-API router: a handful of routes do not justify a routing dependency.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  window.addEventListener('hashchange', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
    window.removeEventListener('hashchange', listener);
  };
}

/** Trailing slashes are dropped so `/status/` and `/status` are the same page. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function here(): string {
  return window.location.pathname + window.location.search + window.location.hash;
}

export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (to === here()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of [...listeners]) listener();
}

export function usePathname(): string {
  const raw = useSyncExternalStore(
    subscribe,
    () => window.location.pathname,
    () => '/',
  );
  return normalizePath(raw);
}

/** The query string, as a fresh URLSearchParams on each render (cheap; the snapshot is the string). */
export function useSearchParams(): URLSearchParams {
  const search = useSyncExternalStore(
    subscribe,
    () => window.location.search,
    () => '',
  );
  return new URLSearchParams(search);
}

/** The fragment without `#`, parsed like a query (`#token=…`): links carry secrets there so servers never log them. */
export function useHashParams(): URLSearchParams {
  const hash = useSyncExternalStore(
    subscribe,
    () => window.location.hash,
    () => '',
  );
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

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Leave new-tab, download and modified clicks to the browser.
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || event.button !== 0 || modified || rest.target || rest.download !== undefined) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}

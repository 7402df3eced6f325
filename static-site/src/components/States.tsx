// The states every page shares: loading, not allowed, nothing to show.
import type { ReactNode } from 'react';
import { Link } from '../router';
import { useDocumentTitle } from '../useDocumentTitle';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A page the person's role may not use, or one the server refused (403) or hid (404). */
export function NotAllowedPage({ page, orgName }: { page: string; orgName?: string | null }) {
  useDocumentTitle('Not allowed');
  return (
    <article className="page">
      <h1 tabIndex={-1}>Not allowed</h1>
      <p className="notice" data-testid="not-allowed">
        Your role{orgName ? ` in ${orgName}` : ''} does not include the {page} page. If you need it, ask an administrator
        of your organisation.
      </p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </article>
  );
}

// The states every page shares: loading (a skeleton), not allowed, nothing to show.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../router';
import { useDocumentTitle } from '../useDocumentTitle';

/**
 * What is loading, in the shape of a few lines of text (a skeleton), so the page does not jump when it arrives; the
 * words are for screen readers, announced once.
 */
export function Loading({ label, lines = 3 }: { label?: string; lines?: number }) {
  const { t } = useTranslation();
  return (
    <div className="skeleton" role="status" aria-busy="true">
      <span className="visually-hidden">{label ?? t('common.loading')}</span>
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton__line" aria-hidden="true" />
      ))}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A page the person's role may not use, or one the server refused (403) or hid (404). */
export function NotAllowedPage({ page, orgName }: { page: string; orgName?: string | null }) {
  const { t } = useTranslation();
  useDocumentTitle(t('notAllowed.title'));
  return (
    <article className="page">
      <h1 tabIndex={-1}>{t('notAllowed.title')}</h1>
      <p className="notice" data-testid="not-allowed">
        {orgName ? t('notAllowed.inOrg', { org: orgName, page }) : t('notAllowed.noOrg', { page })}
      </p>
      <p>
        <Link to="/">{t('common.homeLink')}</Link>
      </p>
    </article>
  );
}

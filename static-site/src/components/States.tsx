// The states every page shares: loading, not allowed, nothing to show.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../router';
import { useDocumentTitle } from '../useDocumentTitle';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {label ?? t('common.loading')}
    </p>
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

// Shown for any client route the app does not know, inside the shell.
import { Trans, useTranslation } from 'react-i18next';
import { Link } from '../router';
import { useDocumentTitle } from '../useDocumentTitle';

export function NotFoundPage({ path }: { path: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('notFound.title'));
  return (
    <article className="page">
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>
        <Trans i18nKey="notFound.detail" values={{ path }} components={{ path: <code className="path" /> }} />
      </p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </article>
  );
}

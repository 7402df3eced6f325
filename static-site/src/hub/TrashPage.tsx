// The trash: resources the person deleted (an admin: every one they can see), restorable until they are purged.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { ApiError } from '../api/query';
import { Empty, Loading } from '../components/States';
import { confirm } from '../kit/toasts';
import { Link } from '../router';
import { useSession } from '../session';
import { formatDate } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { changed, useTrash } from './queries';

export function TrashRoute() {
  const { currentOrg } = useSession();
  if (!currentOrg) return null;
  return <TrashPage orgId={currentOrg.id} />;
}

export function TrashPage({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('hub.trash.title'));
  const client = useQueryClient();
  const trash = useTrash(orgId);
  const [error, setError] = useState<string | null>(null);
  const restore = async (id: string, title: string) => {
    setError(null);
    const result = await call(api.POST('/api/hub/{org}/trash/{resource}/restore', { params: { path: { org: orgId, resource: id } } }));
    if (result.ok) {
      await changed(client, orgId, result.data, id);
      confirm({ key: 'hub.trash.restored', values: { title } });
    } else setError(failureMessage(result.failure));
  };
  return (
    <article className="page">
      <p>
        <Link to="/hub">{t('hub.backToLibrary')}</Link>
      </p>
      <h1 tabIndex={-1}>{t('hub.trash.title')}</h1>
      <p className="lede">{t('hub.trash.summary')}</p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {trash.error instanceof ApiError && <p className="field__error">{trash.error.message}</p>}
      {!trash.data && !trash.error && <Loading />}
      {trash.data && trash.data.items.length === 0 && <Empty>{t('hub.trash.empty')}</Empty>}
      {trash.data && trash.data.items.length > 0 && (
        <ul className="hub__list">
          {trash.data.items.map((item) => (
            <li key={item.resource.id} className="hub__item">
              <span className={`badge hub__kind hub__kind--${item.resource.kind}`}>{t(`hub.kind.${item.resource.kind}`)}</span>
              <div className="hub__item-main">
                <span className="hub__title">{item.resource.title}</span>
                <p className="hub__meta muted">
                  {t('hub.trash.when', { deleted: formatDate(item.deleted_at), purged: formatDate(item.purge_at) })}
                </p>
              </div>
              <button type="button" className="button button--secondary" onClick={() => void restore(item.resource.id, item.resource.title)}>
                {t('hub.trash.restore')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

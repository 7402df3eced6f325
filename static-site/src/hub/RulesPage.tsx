// The organisation's keyword rules (admins): where a keyword appears in a resource, its author is offered a tag. The
// rules are one record, saved under the version read, so two admins editing at once lose nothing.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { ApiError, data, type VersionedMeta } from '../api/query';
import type { components } from '../api/schema';
import { Field } from '../components/Field';
import { Loading, NotAllowedPage } from '../components/States';
import { confirm } from '../kit/toasts';
import { Link } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';
import { hubKeys } from './queries';

type TagRules = components['schemas']['TagRules'];
type Row = { keyword: string; tag: string };

const rulesKey = (org: string) => [...hubKeys.all(org), 'rules'] as const;

export function RulesRoute() {
  const { currentOrg, roles } = useSession();
  const { t } = useTranslation();
  if (!currentOrg) return null;
  if (!roles.includes('admin')) return <NotAllowedPage page={t('hub.rules.title')} orgName={currentOrg.name} />;
  return <RulesPage orgId={currentOrg.id} />;
}

export function RulesPage({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('hub.rules.title'));
  const client = useQueryClient();
  const rules = useQuery({
    queryKey: rulesKey(orgId),
    queryFn: ({ signal }) => data<TagRules>(api.GET('/api/hub/{org}/tag-rules', { params: { path: { org: orgId } }, signal })),
  });
  const [rows, setRows] = useState<Row[] | null>(null);
  useEffect(() => {
    if (rules.data) setRows(rules.data.rules.map((r) => ({ ...r })));
  }, [rules.data]);
  const save = useMutation({
    mutationFn: () =>
      data<TagRules>(
        api.PUT('/api/hub/{org}/tag-rules', {
          params: {
            path: { org: orgId },
            header: { 'If-Match': `"${client.getQueryData<TagRules>(rulesKey(orgId))?.version ?? 0}"` },
          },
          body: { rules: (rows ?? []).filter((r) => r.keyword.trim() || r.tag.trim()) },
        }),
      ),
    meta: { edits: rulesKey(orgId) } satisfies VersionedMeta,
    onSuccess: (saved) => {
      client.setQueryData(rulesKey(orgId), saved);
      confirm({ key: 'hub.rules.saved' });
    },
  });
  const failure = save.error instanceof ApiError && save.error.status !== 412 ? save.error : null;
  const errorOf = (index: number, field: 'keyword' | 'tag') =>
    failure?.fieldErrors.find((e) => e.field === `rules.${index}.${field}`)?.message;
  const set = (index: number, change: Partial<Row>) => setRows((now) => (now ?? []).map((row, i) => (i === index ? { ...row, ...change } : row)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <article className="page">
      <p>
        <Link to="/hub">{t('hub.backToLibrary')}</Link>
      </p>
      <h1 tabIndex={-1}>{t('hub.rules.title')}</h1>
      <p className="lede">{t('hub.rules.summary')}</p>
      {rules.error instanceof Error && <p className="field__error">{rules.error.message}</p>}
      {!rows && !rules.error && <Loading />}
      {rows && (
        <form className="form" onSubmit={submit} noValidate aria-label={t('hub.rules.title')}>
          {failure && (
            <p className="field__error" role="alert">
              {failure.message}
            </p>
          )}
          {rows.length === 0 && <p className="muted">{t('hub.rules.none')}</p>}
          <ol className="hub-rules">
            {rows.map((row, index) => (
              <li key={index} className="hub__bulk-row">
                <Field label={t('hub.rules.keyword')} value={row.keyword} onChange={(e) => set(index, { keyword: e.target.value })} error={errorOf(index, 'keyword')} />
                <Field label={t('hub.rules.tag')} value={row.tag} onChange={(e) => set(index, { tag: e.target.value })} error={errorOf(index, 'tag')} />
                <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, i) => i !== index))} aria-label={t('hub.rules.removeLabel', { number: index + 1 })}>
                  {t('hub.rules.remove')}
                </button>
              </li>
            ))}
          </ol>
          <div className="form__actions">
            <button type="button" className="button button--secondary" onClick={() => setRows([...rows, { keyword: '', tag: '' }])}>
              {t('hub.rules.add')}
            </button>
            <button type="submit" className="button" disabled={save.isPending}>
              {t('hub.rules.save')}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}

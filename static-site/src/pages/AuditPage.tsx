// The audit log (admins): filter, page through, export, and check that the hash chain is unbroken.
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage, type CallResult } from '../api/call';
import { api } from '../api/client';
import type { components, paths } from '../api/schema';
import { FailureNotice } from '../components/FailureNotice';
import { Field } from '../components/Field';
import { PersonPicker } from '../kit/PersonPicker';
import { Empty, Loading, NotAllowedPage } from '../components/States';
import { DatePickerField } from '../kit/DatePickerField';
import { SortableTable, type TableColumn } from '../kit/SortableTable';
import { byText } from '../kit/sortedPage';
import { preferences } from '../i18n';
import { formatDateTime } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { useResource } from '../useResource';
import { useSession } from '../session';
import { filtersOf, NO_FILTERS, searchOf, type AuditFilters } from './audit-search';

type Entry = components['schemas']['AuditEntryView'];
type AuditPage = components['schemas']['AuditPage'];
type ChainCheck = components['schemas']['ChainCheck'];
type Member = components['schemas']['MemberView'];

/** The most entries an export holds (the server's cap). */
const EXPORT_LIMIT = 10_000;

export type { AuditFilters } from './audit-search';

function localDayStart(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
}

/** The API's query for these filters: `until` is exclusive, so "to 3 May" means before the start of 4 May. */
export function auditQuery(filters: AuditFilters): Record<string, string> {
  const query: Record<string, string> = {};
  if (filters.action.trim()) query.action = filters.action.trim();
  if (filters.actor) query.actor = filters.actor;
  const since = localDayStart(filters.from);
  if (since !== null) query.since = String(since);
  const toStart = localDayStart(filters.to);
  if (toStart !== null) {
    const next = new Date(toStart);
    next.setDate(next.getDate() + 1);
    query.until = String(next.getTime());
  }
  return query;
}

export function exportUrl(orgId: string, filters: AuditFilters, format: 'jsonl' | 'csv'): string {
  const query = new URLSearchParams({ ...auditQuery(filters), format });
  return `/api/people/${encodeURIComponent(orgId)}/audit/export?${query.toString()}`;
}

/** The actions the API's `action` filter names (its schema lists them). */
type ActionName = NonNullable<NonNullable<paths['/api/people/{org}/audit']['get']['parameters']['query']>['action']>;

function numberQuery(query: Record<string, string>) {
  return {
    // Typed free text: the server answers a name it does not know with a readable 422.
    action: query.action as ActionName | undefined,
    actor: query.actor,
    since: query.since === undefined ? undefined : Number(query.since),
    until: query.until === undefined ? undefined : Number(query.until),
  };
}

/** The server checks the chain in steps of up to 2000 entries; this walks them, showing progress. */
function ChainVerifier({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<CallResult<ChainCheck> | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState(0);
  const verify = async () => {
    setBusy(true);
    setResult(null);
    setProgress(0);
    let after: number | undefined;
    for (;;) {
      const query = after === undefined ? {} : { after };
      const step = await call(api.GET('/api/people/{org}/audit/verify', { params: { path: { org: orgId }, query } }));
      if (!step.ok || !step.data.intact || step.data.next === null || step.data.next === undefined) {
        setResult(step);
        break;
      }
      after = step.data.next;
      setProgress(step.data.through);
    }
    setBusy(false);
  };
  return (
    <div className="verify">
      <button type="button" className="button button--secondary" onClick={() => void verify()} disabled={busy}>
        {busy ? (progress > 0 ? t('audit.verify.progress', { progress }) : t('audit.verify.verifying')) : t('audit.verify.button')}
      </button>
      <div role="status" data-testid="chain-status">
        {result?.ok === true &&
          (result.data.intact ? (
            <>
              <p className="badge badge--good">{t('audit.verify.intact', { through: result.data.through })}</p>
              {result.data.lost > 0 && <p className="badge badge--bad">{t('audit.verify.lost', { count: result.data.lost })}</p>}
            </>
          ) : (
            <p className="badge badge--bad">
              {result.data.reason
                ? t('audit.verify.brokenBecause', { entry: result.data.broken_at ?? '?', reason: result.data.reason })
                : t('audit.verify.broken', { entry: result.data.broken_at ?? '?' })}
            </p>
          ))}
        {result?.ok === false && <p className="field__error">{t('audit.verify.failed', { reason: failureMessage(result.failure) })}</p>}
      </div>
    </div>
  );
}

function EntriesTable({ entries, members }: { entries: readonly Entry[]; members: readonly Member[] }) {
  const { t } = useTranslation();
  const who = (id: string | null | undefined) =>
    id ? (members.find((m) => m.person_id === id)?.display_name ?? id) : t('audit.entries.system');
  const columns: TableColumn<Entry>[] = [
    { id: 'seq', name: t('audit.entries.seq'), compare: (a, b) => a.seq - b.seq, render: (e) => e.seq, className: 'num' },
    {
      id: 'when',
      name: t('audit.entries.when'),
      compare: (a, b) => a.at - b.at,
      render: (e) => <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at)}</time>,
    },
    { id: 'who', name: t('audit.entries.who'), compare: byText<Entry>((e) => who(e.actor)), render: (e) => who(e.actor) },
    {
      id: 'action',
      name: t('audit.entries.action'),
      isRowHeader: true,
      compare: byText<Entry>((e) => e.action),
      render: (e) => <code>{e.action}</code>,
    },
    { id: 'target', name: t('audit.entries.target'), render: (e) => e.target ?? '' },
    { id: 'detail', name: t('audit.entries.detail'), render: (e) => e.detail ?? '' },
  ];
  return (
    <SortableTable
      label={t('audit.entries.label')}
      columns={columns}
      rows={entries}
      rowKey={(e) => String(e.seq)}
      initialSort={{ column: 'seq', direction: 'descending' }}
      empty={t('audit.empty')}
    />
  );
}

const route = getRouteApi('/signed-in/audit');

/** The audit route: the current organisation's log, filtered by the URL's search parameters. */
export function AuditRoute() {
  const { currentOrg } = useSession();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  if (!currentOrg) return null;
  return (
    <AuditLogPage
      orgId={currentOrg.id}
      orgName={currentOrg.name}
      filters={filtersOf(search)}
      onFilters={(filters) => void navigate({ search: searchOf(filters) })}
    />
  );
}

export function AuditLogPage({
  orgId,
  orgName,
  filters: applied,
  onFilters: setApplied,
}: {
  orgId: string;
  orgName: string;
  /** The filters in force (the URL's). */
  filters: AuditFilters;
  onFilters: (filters: AuditFilters) => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('audit.title'));
  const [draft, setDraft] = useState<AuditFilters>(applied);
  const appliedKey = JSON.stringify(applied);
  const [extra, setExtra] = useState<{ entries: Entry[]; next: string | null | undefined }>({ entries: [], next: undefined });
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // New filters (applied here, or by back and forward) start the list over; the form follows them.
  useEffect(() => {
    setDraft(JSON.parse(appliedKey) as AuditFilters);
    setExtra({ entries: [], next: undefined });
    setMoreError(null);
  }, [appliedKey]);
  const first = useResource<AuditPage>(['audit', orgId, appliedKey], () =>
    call(api.GET('/api/people/{org}/audit', { params: { path: { org: orgId }, query: numberQuery(auditQuery(applied)) } })),
  );
  const members = useResource(['people', orgId, 'members'], () => call(api.GET('/api/people/{org}/members', { params: { path: { org: orgId } } })));
  const memberList = members.result?.ok ? members.result.data.members : [];

  if (first.result && !first.result.ok && (first.result.status === 403 || first.result.status === 404)) {
    return <NotAllowedPage page={t('audit.title')} orgName={orgName} />;
  }

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setExtra({ entries: [], next: undefined });
    setMoreError(null);
    setApplied(draft);
  };

  const entries = first.result?.ok ? [...first.result.data.entries, ...extra.entries] : [];
  const next = extra.next === undefined ? (first.result?.ok ? first.result.data.next : null) : extra.next;

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    setMoreError(null);
    const result = await call(
      api.GET('/api/people/{org}/audit', { params: { path: { org: orgId }, query: { ...numberQuery(auditQuery(applied)), cursor: next } } }),
    );
    setLoadingMore(false);
    if (result.ok) setExtra((previous) => ({ entries: [...previous.entries, ...result.data.entries], next: result.data.next ?? null }));
    else setMoreError(failureMessage(result.failure));
  };

  const set = (field: keyof AuditFilters) => (event: { target: { value: string } }) => setDraft({ ...draft, [field]: event.target.value });

  return (
    <article className="page page--wide">
      <h1 tabIndex={-1}>{t('audit.title')}</h1>
      <p className="lede">{t('audit.lede', { org: orgName })}</p>

      <form className="form form--inline" onSubmit={apply} aria-label={t('audit.filters.label')}>
        <Field
          label={t('audit.filters.action')}
          name="action"
          placeholder={t('audit.filters.actionPlaceholder')}
          value={draft.action}
          onChange={set('action')}
        />
        <PersonPicker
          label={t('audit.filters.who')}
          name="actor"
          people={memberList}
          value={draft.actor}
          onChange={(actor) => setDraft({ ...draft, actor })}
          placeholder={t('audit.filters.anyone')}
        />
        <DatePickerField label={t('audit.filters.from')} name="from" value={draft.from} onChange={(from) => setDraft({ ...draft, from })} />
        <DatePickerField label={t('audit.filters.to')} name="to" value={draft.to} onChange={(to) => setDraft({ ...draft, to })} />
        <div className="form__actions">
          <button type="submit" className="button">
            {t('audit.filters.apply')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setDraft(NO_FILTERS);
              setExtra({ entries: [], next: undefined });
              setApplied(NO_FILTERS);
            }}
          >
            {t('audit.filters.clear')}
          </button>
        </div>
      </form>

      <div className="toolbar">
        <a className="button button--secondary" href={exportUrl(orgId, applied, 'jsonl')} download>
          {t('audit.export.jsonl')}
        </a>
        <a className="button button--secondary" href={exportUrl(orgId, applied, 'csv')} download>
          {t('audit.export.csv')}
        </a>
        <ChainVerifier orgId={orgId} />
      </div>
      <p className="field__hint">{t('audit.export.hint', { limit: new Intl.NumberFormat(preferences().locale).format(EXPORT_LIMIT) })}</p>

      {first.result === null ? (
        <Loading label={t('audit.loading')} />
      ) : !first.result.ok ? (
        <FailureNotice heading={t('audit.loadFailed')} failure={first.result.failure} />
      ) : entries.length === 0 ? (
        <Empty>{t('audit.empty')}</Empty>
      ) : (
        <>
          <EntriesTable entries={entries} members={memberList} />
          {moreError && (
            <p className="field__error" role="alert">
              {moreError}
            </p>
          )}
          {next && (
            <button type="button" className="button button--secondary" onClick={() => void loadMore()} disabled={loadingMore}>
              {loadingMore ? t('audit.loadingMore') : t('audit.loadMore')}
            </button>
          )}
        </>
      )}
    </article>
  );
}

// Importing an Obsidian vault from a .zip: announce it (the server checks its size and answers where its bytes go), send
// the archive with progress, start the import, and follow it until the job reports what it did: notes and attachments,
// links resolved and not, what changed since the last import, and what went wrong with single files. Below, the
// person's recent imports.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { ApiError, data } from '../api/query';
import type { components } from '../api/schema';
import { Field } from '../components/Field';
import { splitFieldErrors } from '../forms';
import { Empty, Loading } from '../components/States';
import { Link } from '../router';
import { useSession } from '../session';
import { formatDateTime } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { hubKeys } from './queries';
import { formatBytes, send, UploadError } from './upload';

type ImportView = components['schemas']['ImportView'];
type Summary = components['schemas']['SummaryView'];

// Not under the library's keys: an import done invalidates the library, which must not refetch the import itself.
const importKeys = {
  list: (org: string) => ['vault-imports', org] as const,
  one: (org: string, id: string) => ['vault-imports', org, id] as const,
};

/** How many unresolved links, warnings and removed paths are listed before "and n more". */
const LISTED = 50;

export function ImportRoute() {
  const { currentOrg } = useSession();
  if (!currentOrg) return null;
  return <ImportPage orgId={currentOrg.id} />;
}

/** The vault's name a file suggests: its name without `.zip`. */
export function vaultName(fileName: string): string {
  return fileName.replace(/\.zip$/i, '').trim();
}

export function ImportPage({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('hub.import.title'));
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [vault, setVault] = useState('');
  const [collection, setCollection] = useState('');
  const [trashRemoved, setTrashRemoved] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState<string | null>(null);
  const busy = sent !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setFieldErrors({});
    if (!file) {
      setFieldErrors({ file: t('hub.import.chooseFile') });
      return;
    }
    setSent(0);
    const announced = await call(
      api.POST('/api/hub/{org}/imports', {
        params: { path: { org: orgId } },
        body: { vault: vault.trim() || vaultName(file.name), collection: collection.trim() || null, trash_removed: trashRemoved, size: file.size },
      }),
    );
    if (!announced.ok) {
      setSent(null);
      const split = splitFieldErrors(announced.fieldErrors, ['vault', 'collection', 'file'], { size: 'file' });
      setFieldErrors(split.byField);
      if (Object.keys(split.byField).length === 0) setError(failureMessage(announced.failure));
      else if (split.other.length > 0) setError(split.other.join('; '));
      return;
    }
    const { import: job, upload } = announced.data;
    try {
      await send(upload, file, (done) => setSent(done));
      if (upload.method === 'POST') {
        const started = await call(api.POST('/api/hub/{org}/imports/{import}/start', { params: { path: { org: orgId, import: job.id } } }));
        if (!started.ok) throw new Error(failureMessage(started.failure));
      }
      setCurrent(job.id);
      setFile(null);
      await client.invalidateQueries({ queryKey: importKeys.list(orgId) });
    } catch (failure) {
      setError(failure instanceof UploadError ? failure.message || t('hub.import.sendFailed') : String((failure as Error).message));
    } finally {
      setSent(null);
    }
  };

  return (
    <article className="page hub-import">
      <p>
        <Link to="/hub">{t('hub.backToLibrary')}</Link>
      </p>
      <h1 tabIndex={-1}>{t('hub.import.title')}</h1>
      <p className="lede">{t('hub.import.summary')}</p>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <div className={`field${fieldErrors.file ? ' field--invalid' : ''}`}>
          <label htmlFor="import-file">{t('hub.import.file')}</label>
          <span className="field__hint" id="import-file-hint">
            {t('hub.import.fileHint')}
          </span>
          <input
            id="import-file"
            type="file"
            accept=".zip,application/zip"
            aria-describedby="import-file-hint"
            aria-invalid={Boolean(fieldErrors.file)}
            disabled={busy}
            onChange={(event) => {
              const chosen = event.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen && !vault.trim()) setVault(vaultName(chosen.name));
            }}
          />
          {fieldErrors.file && <span className="field__error">{fieldErrors.file}</span>}
        </div>
        <Field
          id="import-vault"
          label={t('hub.import.vault')}
          hint={t('hub.import.vaultHint')}
          value={vault}
          maxLength={100}
          disabled={busy}
          error={fieldErrors.vault}
          onChange={(event) => setVault(event.target.value)}
        />
        <Field
          id="import-collection"
          label={t('hub.import.collection')}
          hint={t('hub.import.collectionHint')}
          value={collection}
          disabled={busy}
          error={fieldErrors.collection}
          onChange={(event) => setCollection(event.target.value)}
        />
        <label className="checkbox">
          <input type="checkbox" checked={trashRemoved} disabled={busy} onChange={() => setTrashRemoved(!trashRemoved)} />{' '}
          {t('hub.import.trashRemoved')}
        </label>
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy && file
            ? t('hub.import.sending', { sent: formatBytes(sent ?? 0), total: formatBytes(file.size) })
            : t('hub.import.start')}
        </button>
      </form>
      {current && <CurrentImport orgId={orgId} id={current} />}
      <RecentImports orgId={orgId} />
    </article>
  );
}

function useImport(orgId: string, id: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: importKeys.one(orgId, id),
    queryFn: async ({ signal }) => {
      const job = await data<ImportView>(api.GET('/api/hub/{org}/imports/{import}', { params: { path: { org: orgId, import: id } }, signal }));
      if (job.state === 'done' || job.state === 'failed') {
        // What the import brought is in the library now, and the list of imports says how it went.
        void client.invalidateQueries({ queryKey: hubKeys.all(orgId) });
        void client.invalidateQueries({ queryKey: importKeys.list(orgId), exact: true });
      }
      return job;
    },
    refetchInterval: (query) => (query.state.data && ['done', 'failed'].includes(query.state.data.state) ? false : 1500),
  });
}

/** The import just started, followed until the job is done with it. */
function CurrentImport({ orgId, id }: { orgId: string; id: string }) {
  const { t } = useTranslation();
  const job = useImport(orgId, id);
  return (
    <section className="hub-import__current" aria-live="polite" aria-labelledby="import-current-heading">
      <h2 id="import-current-heading">{t('hub.import.currentHeading')}</h2>
      {job.error instanceof ApiError && <p className="field__error">{job.error.message}</p>}
      {!job.data && !job.error && <Loading lines={2} />}
      {job.data && <ImportOutcome job={job.data} />}
    </section>
  );
}

function ImportOutcome({ job }: { job: ImportView }) {
  const { t } = useTranslation();
  if (job.state === 'uploading' || job.state === 'queued') {
    return (
      <p className="muted" data-testid="import-state">
        {t('hub.import.working', { vault: job.vault })}
      </p>
    );
  }
  if (job.state === 'failed') {
    return (
      <p className="field__error" data-testid="import-state">
        {t('hub.import.failed', { vault: job.vault, reason: job.reason ?? '' })}
      </p>
    );
  }
  return job.summary ? <SummaryView vault={job.vault} summary={job.summary} /> : null;
}

function Listed({ items, render, heading }: { items: string[]; render?: (item: string) => string; heading: string }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <details>
      <summary>{heading}</summary>
      <ul>
        {items.slice(0, LISTED).map((item, index) => (
          <li key={`${index}-${item}`}>{render ? render(item) : item}</li>
        ))}
      </ul>
      {items.length > LISTED && <p className="muted">{t('hub.import.more', { count: items.length - LISTED })}</p>}
    </details>
  );
}

function SummaryView({ vault, summary }: { vault: string; summary: Summary }) {
  const { t } = useTranslation();
  const c = summary.changes;
  return (
    <div className="hub-import__summary" data-testid="import-summary">
      <p>
        <strong>{t('hub.import.done', { vault })}</strong>
      </p>
      <ul className="hub-import__counts">
        <li>{t('hub.import.counts.files', { notes: summary.notes, attachments: summary.attachments, skipped: summary.skipped })}</li>
        <li>
          {t('hub.import.counts.changes', {
            created: c.created,
            updated: c.updated,
            unchanged: c.unchanged,
            moved: c.moved,
          })}
        </li>
        <li>
          {t('hub.import.counts.links', {
            resolved: summary.links.resolved,
            unresolved: summary.links.unresolved,
            ambiguous: summary.links.ambiguous,
          })}
        </li>
        <li>{t('hub.import.counts.tags', { tags: summary.tags, collections: summary.collections })}</li>
        {c.removed > 0 && <li>{t('hub.import.counts.removed', { removed: c.removed, trashed: c.trashed })}</li>}
        {c.failed > 0 && <li className="field__error">{t('hub.import.counts.failed', { count: c.failed })}</li>}
      </ul>
      <Listed
        heading={t('hub.import.unresolvedHeading', { count: summary.unresolved.length })}
        items={summary.unresolved.map((u) => t('hub.import.unresolvedItem', { target: u.target, source: u.source }))}
      />
      <Listed
        heading={t('hub.import.warningsHeading', { count: summary.warnings.length })}
        items={summary.warnings.map((w) => `${w.path}: ${w.message}`)}
      />
      <Listed heading={t('hub.import.removedHeading', { count: summary.removed.length })} items={summary.removed} />
      <p>
        <Link to="/hub">{t('hub.import.openLibrary')}</Link>
      </p>
    </div>
  );
}

/** The person's latest imports (an admin's: everyone's). */
function RecentImports({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const recent = useQuery({
    queryKey: importKeys.list(orgId),
    queryFn: ({ signal }) => data(api.GET('/api/hub/{org}/imports', { params: { path: { org: orgId } }, signal })),
  });
  return (
    <section aria-labelledby="import-recent-heading">
      <h2 id="import-recent-heading">{t('hub.import.recentHeading')}</h2>
      {recent.error instanceof ApiError && <p className="field__error">{recent.error.message}</p>}
      {!recent.data && !recent.error && <Loading lines={2} />}
      {recent.data && recent.data.items.length === 0 && <Empty>{t('hub.import.none')}</Empty>}
      {recent.data && recent.data.items.length > 0 && (
        <ul className="hub__list">
          {recent.data.items.map((job) => (
            <li key={job.id} className="hub__item">
              <div className="hub__item-main">
                <span className="hub__title">{job.vault}</span>
                <p className="hub__meta muted">
                  {t(`hub.import.state.${job.state}`)} · {formatDateTime(job.created_at)} · {formatBytes(job.size)}
                  {job.summary &&
                    ` · ${t('hub.import.counts.changes', {
                      created: job.summary.changes.created,
                      updated: job.summary.changes.updated,
                      unchanged: job.summary.changes.unchanged,
                      moved: job.summary.changes.moved,
                    })}`}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

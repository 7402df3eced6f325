// Adding files to the library: drop them (anywhere on the library) or choose them; each gets a row with a progress bar,
// what the server made of it (listed, held back, refused) and, when sending failed, a retry. The organisation's storage
// is shown next to its allowance.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { ApiError, data } from '../api/query';
import { Link } from '../router';
import { changed, hubKeys, type Detail, type Visibility } from './queries';
import { announce, finish, formatBytes, outcome, send, stillOpen, UploadError, type Announced, type Phase, type Storage } from './upload';
import { VisibilityField, visibilityOf } from './VisibilityField';

/** Files sent at once; the rest wait their turn. */
const AT_ONCE = 3;

interface Row {
  readonly key: string;
  readonly file: File;
  /** Who may see it, as chosen when it was added. */
  readonly visibility: Visibility;
  readonly phase: Phase;
  readonly sent: number;
  readonly message?: string;
  readonly retryable?: boolean;
  readonly announced?: Announced;
  readonly resource?: Detail;
}

export function useStorage(org: string) {
  return useQuery({
    queryKey: [...hubKeys.all(org), 'storage'],
    queryFn: ({ signal }) => data<Storage>(api.GET('/api/hub/{org}/storage', { params: { path: { org } }, signal })),
  });
}

export function StorageMeter({ org }: { org: string }) {
  const { t, i18n } = useTranslation();
  const storage = useStorage(org);
  if (!storage.data) return null;
  const { bytes, max_bytes: maxBytes, files, max_files: maxFiles } = storage.data;
  const lang = i18n.language;
  return (
    <p className="hub__storage muted" data-testid="hub-storage">
      <meter min={0} max={maxBytes} value={bytes} aria-label={t('hub.upload.storageLabel')} />{' '}
      {t('hub.upload.storage', {
        used: formatBytes(bytes, lang),
        limit: formatBytes(maxBytes, lang),
        files: files.toLocaleString(lang),
        maxFiles: maxFiles.toLocaleString(lang),
      })}
    </p>
  );
}

/** Whether a drag carries files (and not text or a link being dragged within the page). */
function carriesFiles(event: DragEvent): boolean {
  return [...event.dataTransfer.types].includes('Files');
}

export function Uploads({ org, privateOnly, children }: { org: string; privateOnly: boolean; children: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const storage = useStorage(org);
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [over, setOver] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const counter = useRef(0);
  const running = useRef(new Set<string>());
  const [shared, setShared] = useState(privateOnly ? 'private' : 'organisation');

  const update = useCallback((key: string, change: Partial<Row>) => {
    setRows((now) => now.map((row) => (row.key === key ? { ...row, ...change } : row)));
  }, []);

  const run = useCallback(
    async (row: Row) => {
      running.current.add(row.key);
      try {
        // A target that has expired (or none yet) means announcing again; the server removes what was never sent.
        let announced = row.announced && stillOpen(row.announced.upload, Date.now()) ? row.announced : undefined;
        if (!announced) {
          announced = await announce(org, row.file, row.visibility);
          update(row.key, { announced });
          void client.invalidateQueries({ queryKey: [...hubKeys.all(org), 'storage'] });
        }
        update(row.key, { phase: 'sending', sent: 0, message: undefined });
        const judged = await send(announced.upload, row.file, (sent) => update(row.key, { sent }));
        update(row.key, { phase: 'checking' });
        const resource = judged ?? (await finish(org, announced.resource.id));
        update(row.key, { phase: outcome(resource), resource });
        await changed(client, org, resource, resource.id);
      } catch (error) {
        const retryable = error instanceof UploadError ? error.retryable : error instanceof ApiError && (error.status === null || error.status >= 500);
        const message = error instanceof Error && error.message ? error.message : t('hub.upload.lost');
        update(row.key, { phase: 'failed', message, retryable });
      } finally {
        running.current.delete(row.key);
        void client.invalidateQueries({ queryKey: [...hubKeys.all(org), 'storage'] });
      }
    },
    [client, org, t, update],
  );

  // Starts waiting rows while fewer than AT_ONCE are being sent.
  useEffect(() => {
    const waiting = rows.filter((row) => row.phase === 'waiting' && !running.current.has(row.key));
    const room = AT_ONCE - running.current.size;
    for (const row of waiting.slice(0, Math.max(0, room))) {
      update(row.key, { phase: 'sending' });
      void run(row);
    }
  }, [rows, run, update]);

  const add = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const limit = storage.data?.max_file_bytes;
    const visibility = visibilityOf(shared);
    const added: Row[] = [...files].map((file) => {
      counter.current += 1;
      const key = `${counter.current}`;
      if (file.size === 0) return { key, file, visibility, phase: 'failed', sent: 0, message: t('hub.upload.empty'), retryable: false };
      if (limit !== undefined && file.size > limit) {
        const message = t('hub.upload.tooLarge', { limit: formatBytes(limit, i18n.language) });
        return { key, file, visibility, phase: 'failed', sent: 0, message, retryable: false };
      }
      return { key, file, visibility, phase: 'waiting', sent: 0 };
    });
    setRows((now) => [...added, ...now]);
  };

  const onDrop = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    setOver(false);
    add(event.dataTransfer.files);
  };

  return (
    <div
      className={`hub__drop${over ? ' hub__drop--over' : ''}`}
      data-testid="hub-drop"
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (event.currentTarget === event.target) setOver(false);
      }}
      onDrop={onDrop}
    >
      <section className="hub__uploads" aria-labelledby="hub-uploads-heading">
        <h2 id="hub-uploads-heading" className="visually-hidden">
          {t('hub.upload.heading')}
        </h2>
        <div className="hub__upload-bar">
          <button type="button" className="button" onClick={() => picker.current?.click()}>
            {t('hub.upload.choose')}
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            data-testid="hub-file-input"
            onChange={(event) => {
              add(event.target.files);
              event.target.value = '';
            }}
          />
          <span className="muted">{t('hub.upload.dropHint')}</span>
          <VisibilityField orgId={org} value={shared} onChange={setShared} privateOnly={privateOnly} />
          <StorageMeter org={org} />
        </div>
        {rows.length > 0 && (
          <ul className="hub__upload-list" aria-live="polite">
            {rows.map((row) => (
              <UploadRow key={row.key} row={row} onRetry={() => update(row.key, { phase: 'waiting', sent: 0 })} />
            ))}
          </ul>
        )}
      </section>
      {children}
      {over && (
        <div className="hub__drop-overlay" aria-hidden="true">
          {t('hub.upload.dropHere')}
        </div>
      )}
    </div>
  );
}

function UploadRow({ row, onRetry }: { row: Row; onRetry: () => void }) {
  const { t, i18n } = useTranslation();
  const size = formatBytes(row.file.size, i18n.language);
  const percent = row.file.size > 0 ? Math.round((row.sent / row.file.size) * 100) : 0;
  const status: Record<Phase, string> = {
    waiting: t('hub.upload.waiting'),
    sending: t('hub.upload.sending', { percent }),
    checking: t('hub.upload.checking'),
    done: t('hub.upload.done'),
    held: t('hub.upload.held'),
    failed: row.message ?? t('hub.upload.lost'),
  };
  return (
    <li className={`hub__upload hub__upload--${row.phase}`} data-testid="hub-upload">
      <span className="hub__upload-name">
        {row.resource ? <Link to={`/hub/${encodeURIComponent(row.resource.id)}`}>{row.file.name}</Link> : row.file.name}{' '}
        <span className="muted">{size}</span>
      </span>
      <progress
        max={100}
        value={row.phase === 'sending' ? percent : row.phase === 'waiting' ? 0 : 100}
        aria-label={t('hub.upload.progress', { name: row.file.name })}
      />
      <span className={row.phase === 'failed' || row.phase === 'held' ? 'field__error' : 'muted'} role={row.phase === 'failed' ? 'alert' : undefined}>
        {status[row.phase]}
      </span>
      {row.phase === 'failed' && row.retryable !== false && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {t('hub.upload.retry')}
        </button>
      )}
    </li>
  );
}

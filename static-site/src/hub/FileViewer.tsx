// A file in the library, shown as its bytes allow: a PDF page by page (pdf.js), an image, a recording to play and seek,
// plain text; anything else (office documents, HTML, SVG) is offered for download only. The bytes come through a
// short-lived signed link the server makes after checking who asks; a player whose link ran out asks for a new one.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { data } from '../api/query';
import { Loading } from '../components/States';
import { warn } from '../kit/toasts';
import { hubKeys, type Detail } from './queries';
import { formatBytes } from './upload';

const PdfViewer = lazy(() => import('./PdfViewer'));

type FileLink = { url: string; expires_at: number };

/** How long a link is used before a new one is asked for: the server's last five minutes, less a margin. */
const LINK_FRESH_MS = 4 * 60_000;

/** A short-lived link to a file's bytes, or to a resource's thumbnail, kept while it is fresh. */
function useLink(org: string, id: string, enabled: boolean, thumbnail: boolean) {
  return useQuery({
    queryKey: [...hubKeys.resource(org, id), thumbnail ? 'thumbnail' : 'link'],
    queryFn: ({ signal }) =>
      data<FileLink>(
        api.GET('/api/hub/{org}/resources/{resource}/file', {
          params: { path: { org, resource: id }, query: thumbnail ? { thumbnail: true } : {} },
          signal,
        }),
      ),
    enabled,
    staleTime: LINK_FRESH_MS,
    gcTime: LINK_FRESH_MS,
  });
}

/** A link to a resource's thumbnail (a picture's, or a link's preview image), where there is one. */
export function useThumbnail(org: string, id: string, enabled: boolean) {
  return useLink(org, id, enabled, true);
}

export function FileViewer({ orgId, resource }: { orgId: string; resource: Detail }) {
  const { t, i18n } = useTranslation();
  const file = resource.file;
  const ready = file?.state === 'ready';
  const link = useLink(orgId, resource.id, Boolean(ready && file?.viewable), false);
  if (!file) return null;
  if (file.state === 'uploading') return <p className="notice">{t('hub.file.uploading')}</p>;
  if (file.state === 'quarantined') {
    return (
      <div className="notice notice--error" role="alert">
        <p className="notice__title">{t('hub.file.heldTitle')}</p>
        <p>{t('hub.file.held', { declared: file.declared_type, found: file.content_type ?? '' })}</p>
      </div>
    );
  }
  const type = file.content_type ?? '';
  return (
    <section className="hub__file" aria-label={t('hub.file.label')}>
      <p className="hub__meta muted">
        <span>{file.name}</span>
        <span>{formatBytes(file.size, i18n.language)}</span>
        <DownloadButton orgId={orgId} id={resource.id} />
      </p>
      <ReadingNote file={file} />
      {file.viewable &&
        (link.data ? (
          <Shown type={type} url={link.data.url} title={resource.title} onExpired={() => void link.refetch()} />
        ) : link.error ? (
          <p className="field__error">{link.error instanceof Error ? link.error.message : String(link.error)}</p>
        ) : (
          <Loading lines={6} />
        ))}
      {!file.viewable && <p className="muted">{t('hub.file.downloadOnly')}</p>}
    </section>
  );
}

/** How far reading the file's text for search has come: waiting, read, nothing to read, or why it failed. */
function ReadingNote({ file }: { file: NonNullable<Detail['file']> }) {
  const { t } = useTranslation();
  switch (file.reading) {
    case 'pending':
    case 'reading':
      return (
        <p className="muted" data-testid="file-reading">
          {t('hub.file.readingPending')}
        </p>
      );
    case 'done':
      return (
        <p className="muted" data-testid="file-reading">
          {t('hub.file.readingDone', { count: file.parts ?? 1 })}
        </p>
      );
    case 'failed':
      return (
        <p className="notice notice--error" data-testid="file-reading">
          {t('hub.file.readingFailed', { reason: file.reading_error ?? '' })}
        </p>
      );
    default:
      return null;
  }
}

function Shown({ type, url, title, onExpired }: { type: string; url: string; title: string; onExpired: () => void }) {
  const { t } = useTranslation();
  if (type === 'application/pdf') {
    return (
      <Suspense fallback={<Loading lines={8} />}>
        <PdfViewer url={url} title={title} />
      </Suspense>
    );
  }
  if (type.startsWith('image/')) return <img className="hub__image" src={url} alt={title} onError={onExpired} />;
  // A player seeks with ranges on the same link; once it has expired the player fails, and a new link is fetched.
  if (type.startsWith('audio/')) return <audio className="hub__media" controls preload="metadata" src={url} onError={onExpired} aria-label={title} />;
  if (type.startsWith('video/')) return <video className="hub__media" controls preload="metadata" src={url} onError={onExpired} aria-label={title} />;
  if (type.startsWith('text/')) return <TextFile url={url} />;
  return <p className="muted">{t('hub.file.downloadOnly')}</p>;
}

/** Plain text, as text: never interpreted as markup. */
function TextFile({ url }: { url: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    fetch(url, { signal: controller.signal })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
      .then(setText)
      .catch((error: unknown) => {
        if (!(error instanceof DOMException && error.name === 'AbortError')) setFailed(true);
      });
    return () => controller.abort();
  }, [url]);
  if (failed) return <p className="field__error">{t('hub.file.unreadable')}</p>;
  if (text === null) return <Loading lines={6} />;
  return (
    <pre className="hub__text" tabIndex={0}>
      {text}
    </pre>
  );
}

function DownloadButton({ orgId, id }: { orgId: string; id: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const link = await data<FileLink>(
        api.GET('/api/hub/{org}/resources/{resource}/file', { params: { path: { org: orgId, resource: id }, query: { download: true } } }),
      );
      // The link names the file in its Content-Disposition: the browser downloads it and stays on this page.
      window.location.assign(link.url);
    } catch (error) {
      warn({ key: 'hub.file.downloadFailed' }, { text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="button button--secondary" disabled={busy} onClick={() => void download()}>
      {t('hub.file.download')}
    </button>
  );
}

// A PDF shown page by page with pdf.js, loaded only when a PDF is opened (its code and worker are large). The worker is
// a file of this site, so the site's policy (scripts from its own origin only) holds.
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

export default function PdfViewer({ url, title }: { url: string; title: string }) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<pdfjs.PDFDocumentProxy | null>(null);
  const [page, setPage] = useState(1);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const task = pdfjs.getDocument({ url });
    let live = true;
    task.promise.then(
      (loaded) => {
        if (live) setDoc(loaded);
      },
      () => {
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
      void task.destroy();
    };
  }, [url]);

  useEffect(() => {
    if (!doc || !canvas.current) return;
    const target = canvas.current;
    let render: pdfjs.RenderTask | null = null;
    let live = true;
    void doc.getPage(page).then((shown) => {
      if (!live) return;
      const width = target.parentElement?.clientWidth ?? 800;
      const base = shown.getViewport({ scale: 1 });
      const ratio = globalThis.devicePixelRatio || 1;
      const viewport = shown.getViewport({ scale: (Math.min(width, 1000) / base.width) * ratio });
      target.width = viewport.width;
      target.height = viewport.height;
      target.style.width = `${viewport.width / ratio}px`;
      render = shown.render({ canvas: target, viewport });
      render.promise.catch(() => undefined);
    });
    return () => {
      live = false;
      render?.cancel();
    };
  }, [doc, page]);

  if (failed) return <p className="field__error">{t('hub.file.unreadable')}</p>;
  const pages = doc?.numPages ?? 0;
  return (
    <div className="hub__pdf" data-testid="pdf-viewer">
      <nav className="pager" aria-label={t('hub.file.pages')}>
        <button type="button" className="button button--secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t('hub.file.previousPage')}
        </button>
        <span role="status">{pages > 0 ? t('hub.file.pageOf', { page, pages }) : t('hub.file.opening')}</span>
        <button type="button" className="button button--secondary" disabled={pages === 0 || page >= pages} onClick={() => setPage(page + 1)}>
          {t('hub.file.nextPage')}
        </button>
      </nav>
      <canvas ref={canvas} role="img" aria-label={t('hub.file.pageImage', { title, page })} data-page={pages > 0 ? page : undefined} />
    </div>
  );
}

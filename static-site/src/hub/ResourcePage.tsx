// One resource: a note rendered (the server's HTML, where raw HTML is escaped and unsafe links dropped), a file in its
// viewer, a link as a card, what describes it, and for those who may change it: edit, delete to the trash, and a note's versions.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { ApiError, data } from '../api/query';
import { Loading, NotAllowedPage } from '../components/States';
import { confirm, warn } from '../kit/toasts';
import { Link } from '../router';
import { useSession } from '../session';
import { formatDate, formatDateTime } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { DetailsForm } from './DetailsForm';
import { FileViewer, useThumbnail } from './FileViewer';
import { changed, hubKeys, ifMatch, useDetail, useVersions, type Detail, type Version } from './queries';

const route = getRouteApi('/signed-in/hub/$resource');

export function ResourceRoute() {
  const { currentOrg } = useSession();
  const { resource } = route.useParams();
  if (!currentOrg) return null;
  return <ResourcePage orgId={currentOrg.id} id={resource} />;
}

export function ResourcePage({ orgId, id }: { orgId: string; id: string }) {
  const { t } = useTranslation();
  const detail = useDetail(orgId, id);
  useDocumentTitle(detail.data?.title ?? t('module.hub.name'));
  if (detail.error instanceof ApiError && detail.error.status === 404) {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{t('hub.gone.title')}</h1>
        <p className="notice">{t('hub.gone.detail')}</p>
        <p>
          <Link to="/hub">{t('hub.backToLibrary')}</Link>
        </p>
      </article>
    );
  }
  if (detail.error instanceof ApiError && detail.error.status === 403) return <NotAllowedPage page={t('module.hub.name')} />;
  if (detail.error) return <p className="field__error">{String(detail.error instanceof Error ? detail.error.message : detail.error)}</p>;
  if (!detail.data) return <Loading lines={8} />;
  return <Viewer orgId={orgId} resource={detail.data} />;
}

function Viewer({ orgId, resource }: { orgId: string; resource: Detail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const { roles } = useSession();
  const privateOnly = roles.length > 0 && roles.every((role) => role === 'mentee');
  const remove = async () => {
    setBusy(true);
    const result = await call(
      api.DELETE('/api/hub/{org}/resources/{resource}', {
        params: { path: { org: orgId, resource: resource.id }, header: { 'If-Match': ifMatch(client, orgId, resource.id) } },
      }),
    );
    setBusy(false);
    if (result.ok) {
      await changed(client, orgId, null, resource.id);
      confirm({ key: 'hub.deleted', values: { title: resource.title } });
      void navigate({ to: '/hub' });
    } else {
      setConfirming(false);
      warn({ key: 'hub.deleteFailed' }, { text: failureMessage(result.failure) });
      if (result.status === 412) void client.invalidateQueries({ queryKey: hubKeys.resource(orgId, resource.id) });
    }
  };
  const visibility =
    resource.visibility.scope === 'group' ? t('hub.visibility.groupShort') : t(`hub.visibility.${resource.visibility.scope}`);
  return (
    <article className="page hub-resource">
      <p>
        <Link to="/hub">{t('hub.backToLibrary')}</Link>
      </p>
      <header>
        <span className={`badge hub__kind hub__kind--${resource.kind}`}>{t(`hub.kind.${resource.kind}`)}</span>
        <h1 tabIndex={-1}>{resource.title}</h1>
        {resource.description && <p className="lede">{resource.description}</p>}
        <p className="hub__meta muted">
          <span>{visibility}</span>
          {resource.collection && <span>{resource.collection}</span>}
          {resource.tags.map((tag) => (
            <Link key={tag} to={`/hub?tag=${encodeURIComponent(tag)}`} className="chip">
              #{tag}
            </Link>
          ))}
          <span>{t('hub.updated', { date: formatDate(resource.updated_at) })}</span>
        </p>
      </header>
      {resource.may_change && (
        <div className="hub__actions">
          {resource.kind === 'note' ? (
            <Link to={`/hub/${encodeURIComponent(resource.id)}/edit`} className="button">
              {t('hub.edit')}
            </Link>
          ) : (
            <button type="button" className="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
              {t('hub.details.edit')}
            </button>
          )}
          {confirming ? (
            <>
              <button type="button" className="button button--danger" disabled={busy} onClick={() => void remove()}>
                {t('hub.confirmDelete')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>
              {t('hub.delete')}
            </button>
          )}
        </div>
      )}
      {editing && <DetailsForm orgId={orgId} resource={resource} privateOnly={privateOnly} onDone={() => setEditing(false)} />}
      {resource.suggested_tags.length > 0 && <Suggestions orgId={orgId} resource={resource} />}
      {resource.obsidian && <VaultSource source={resource.obsidian} />}
      {resource.note && (
        // The server renders and escapes the note (comrak without raw HTML); the page's CSP allows no inline script.
        // Links within the library (a vault note's wikilinks and embeds) open in the app without reloading it.
        <div
          className="prose"
          data-testid="note-body"
          onClick={(event) => followInApp(event, (to) => void navigate({ to }))}
          dangerouslySetInnerHTML={{ __html: resource.note.html }}
        />
      )}
      {resource.kind === 'note' && resource.note && resource.note.body.trim() === '' && <p className="muted">{t('hub.emptyNote')}</p>}
      {resource.kind === 'file' && <FileViewer orgId={orgId} resource={resource} />}
      {resource.url && <LinkCard orgId={orgId} resource={resource} url={resource.url} />}
      <Backlinks orgId={orgId} id={resource.id} />
      {resource.kind === 'note' && <Versions orgId={orgId} resource={resource} />}
    </article>
  );
}

/** Follows a click on a link to a page of the library inside the app; other links and modified clicks go their way. */
function followInApp(event: MouseEvent<HTMLElement>, go: (to: string) => void) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element).closest('a');
  const href = anchor?.getAttribute('href');
  if (!href || !href.startsWith('/hub')) return;
  event.preventDefault();
  const [path = '', hash] = href.split('#');
  go(path);
  if (hash) window.setTimeout(() => document.getElementById(decodeURIComponent(hash))?.scrollIntoView(), 300);
}

/** Where an imported resource lives in its vault, and a note's frontmatter properties. */
function VaultSource({ source }: { source: NonNullable<Detail['obsidian']> }) {
  const { t } = useTranslation();
  const properties = Object.entries(source.properties ?? {});
  return (
    <details className="hub-vault">
      <summary>{t('hub.vaultSource.summary', { path: source.path })}</summary>
      {source.aliases.length > 0 && <p>{t('hub.vaultSource.aliases', { aliases: source.aliases.join(', ') })}</p>}
      {properties.length > 0 && (
        <dl className="hub-vault__properties">
          {properties.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </details>
  );
}

/** The notes that link here (by the resource's address, `/hub/<id>`), those the reader may see; nothing when none do. */
function Backlinks({ orgId, id }: { orgId: string; id: string }) {
  const { t } = useTranslation();
  const backlinks = useQuery({
    queryKey: [...hubKeys.resource(orgId, id), 'backlinks'],
    queryFn: ({ signal }) =>
      data(api.GET('/api/hub/{org}/resources/{resource}/backlinks', { params: { path: { org: orgId, resource: id } }, signal })),
  });
  const items = backlinks.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="hub-backlinks" aria-labelledby="hub-backlinks-heading">
      <h2 id="hub-backlinks-heading">{t('hub.backlinks.heading')}</h2>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            <Link to={`/hub/${encodeURIComponent(item.id)}`}>{item.title}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A link as a card: its address, its page's preview image when one was fetched, and how fetching went. */
function LinkCard({ orgId, resource, url }: { orgId: string; resource: Detail; url: string }) {
  const { t } = useTranslation();
  const preview = resource.link_preview;
  const image = useThumbnail(orgId, resource.id, Boolean(preview?.image));
  return (
    <div className="link-card" data-testid="link-card">
      {image.data && <img className="link-card__image" src={image.data.url} alt="" />}
      <p>
        <a href={url} target="_blank" rel="noopener noreferrer nofollow">
          {url}
        </a>
      </p>
      {preview?.state === 'pending' && <p className="muted">{t('hub.link.previewPending')}</p>}
      {preview?.state === 'failed' && <p className="muted">{t('hub.link.previewFailed', { reason: preview.error ?? '' })}</p>}
    </div>
  );
}

/** Tags the organisation's keyword rules suggest; adding one saves the resource under its version. */
function Suggestions({ orgId, resource }: { orgId: string; resource: Detail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const add = async (tag: string) => {
    setBusy(true);
    const result = await call(
      api.PATCH('/api/hub/{org}/resources/{resource}', {
        params: { path: { org: orgId, resource: resource.id }, header: { 'If-Match': ifMatch(client, orgId, resource.id) } },
        body: { tags: [...resource.tags, tag] },
      }),
    );
    setBusy(false);
    if (result.ok) {
      await changed(client, orgId, result.data, resource.id);
      confirm({ key: 'hub.suggestions.added', values: { tag } });
    } else {
      warn({ key: 'hub.suggestions.failed' }, { text: failureMessage(result.failure) });
      if (result.status === 412) void client.invalidateQueries({ queryKey: hubKeys.resource(orgId, resource.id) });
    }
  };
  return (
    <section className="hub-suggestions" aria-labelledby="suggestions-heading">
      <h2 id="suggestions-heading">{t('hub.suggestions.heading')}</h2>
      <ul className="hub-suggestions__list">
        {resource.suggested_tags.map((s) => (
          <li key={s.tag}>
            <span className="chip">#{s.tag}</span>{' '}
            <span className="muted">{t('hub.suggestions.because', { keyword: s.keyword, count: s.count })}</span>{' '}
            <button type="button" className="button button--secondary" disabled={busy} onClick={() => void add(s.tag)} aria-label={t('hub.suggestions.addLabel', { tag: s.tag })}>
              {t('hub.suggestions.add')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Versions({ orgId, resource }: { orgId: string; resource: Detail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<{ number: number; html: string } | null>(null);
  const versions = useVersions(orgId, resource.id, open);
  const show = async (version: Version) => {
    const result = await call(
      api.GET('/api/hub/{org}/resources/{resource}/versions/{version}', {
        params: { path: { org: orgId, resource: resource.id, version: String(version.number) } },
      }),
    );
    if (result.ok) setShown({ number: version.number, html: result.data.html });
    else warn({ text: failureMessage(result.failure) });
  };
  const restore = async (version: Version) => {
    const result = await call(
      api.POST('/api/hub/{org}/resources/{resource}/versions/{version}/restore', {
        params: {
          path: { org: orgId, resource: resource.id, version: String(version.number) },
          header: { 'If-Match': ifMatch(client, orgId, resource.id) },
        },
      }),
    );
    if (result.ok) {
      await changed(client, orgId, result.data, resource.id);
      setShown(null);
      confirm({ key: 'hub.versions.restored', values: { number: version.number } });
    } else warn({ key: 'hub.versions.restoreFailed' }, { text: failureMessage(result.failure) });
  };
  const current = resource.note?.version_number ?? 0;
  return (
    <section className="hub-versions" aria-labelledby="versions-heading">
      <h2 id="versions-heading">
        <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {t('hub.versions.heading')}
        </button>
      </h2>
      {open && !versions.data && <Loading lines={2} />}
      {open && versions.data && (
        <ol className="hub-versions__list">
          {versions.data.versions.map((version) => (
            <li key={version.number}>
              <span>
                {t('hub.versions.item', { number: version.number, date: formatDateTime(version.saved_at) })}
                {version.number === current && ` · ${t('hub.versions.current')}`}
              </span>
              <button type="button" className="link-button" onClick={() => void show(version)}>
                {t('hub.versions.view')}
              </button>
              {resource.may_change && version.number !== current && (
                <button type="button" className="link-button" onClick={() => void restore(version)}>
                  {t('hub.versions.restore')}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {shown && (
        <div className="hub-versions__shown">
          <h3>{t('hub.versions.showing', { number: shown.number })}</h3>
          <div className="prose" dangerouslySetInnerHTML={{ __html: shown.html }} />
        </div>
      )}
    </section>
  );
}

// The Knowledge Hub's library: search as you type, narrow by kind, tag and collection (trees with counts), order, page
// through, and add a note, a link or files (dropped anywhere on the page). The view lives in the URL, so it can be shared and reloaded; `/` focuses search.
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { SelectField } from '../kit/SelectField';
import { confirm } from '../kit/toasts';
import { Link } from '../router';
import { useSession } from '../session';
import { formatDate } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { Marked } from './Marked';
import { changed, hubKeys, useLibrary, type Found, type SearchPage } from './queries';
import { PAGE_SIZE, pathTree, tagsOf, type HubSearch, type Kind, type PathNode, type Sort } from './search';
import { useThumbnail } from './FileViewer';
import { formatBytes } from './upload';
import { Uploads } from './Uploads';
import { VisibilityField, visibilityOf } from './VisibilityField';

const route = getRouteApi('/signed-in/hub/');

export function LibraryRoute() {
  const { state, currentOrg, roles } = useSession();
  const view = route.useSearch();
  const navigate = route.useNavigate();
  const router = useRouter();
  if (state.status !== 'signed-in' || !currentOrg) return null;
  // A search that waited for a pause in typing is dropped once the person has gone elsewhere (a
  // result clicked while the next page loads): it would bring them back to the library.
  const onView = (next: HubSearch, replace: boolean) => {
    if (router.state.location.pathname !== '/hub') return;
    void navigate({ search: next, replace });
  };
  const privateOnly = roles.length > 0 && roles.every((role) => role === 'mentee');
  return (
    <LibraryPage
      orgId={currentOrg.id}
      view={view}
      privateOnly={privateOnly}
      isAdmin={roles.includes('admin')}
      onView={onView}
    />
  );
}

/** Whether focus is somewhere a person types, where `/` is a character and not a shortcut. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function LibraryPage({
  orgId,
  view,
  privateOnly,
  isAdmin = false,
  onView,
}: {
  orgId: string;
  view: HubSearch;
  privateOnly: boolean;
  isAdmin?: boolean;
  onView: (view: HubSearch, replace: boolean) => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('module.hub.name'));
  const library = useLibrary(orgId, view);
  // A later page comes without facets; the first page of the same search has them (usually cached already).
  const firstPage = useLibrary(orgId, { ...view, page: undefined }, (view.page ?? 1) > 1);
  const [text, setText] = useState(view.q ?? '');
  const searchBox = useRef<HTMLInputElement>(null);
  const [adding, setAdding] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((now) => {
      const next = new Set(now);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // The words follow the address (back and forward, the top bar's search), and the address follows the words after a
  // pause in typing, replacing the entry so history holds searches rather than keystrokes.
  // The words this box last put in the address: when the address comes back with them, what was typed since stays.
  const pushed = useRef(view.q ?? '');
  useEffect(() => {
    if ((view.q ?? '') !== pushed.current) {
      pushed.current = view.q ?? '';
      setText(view.q ?? '');
    }
  }, [view.q]);
  useEffect(() => {
    const words = text.trim();
    if (words === (view.q ?? '')) return;
    const timer = window.setTimeout(() => {
      pushed.current = words;
      onView({ ...view, q: words || undefined, page: undefined }, true);
    }, 250);
    return () => window.clearTimeout(timer);
  }, [text, view, onView]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
        event.preventDefault();
        searchBox.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const filtered = Boolean(view.kind || view.tag || view.collection);
  const set = (change: Partial<HubSearch>) => onView({ ...view, ...change, page: undefined }, false);
  const page = library.data;

  return (
    <article className="page hub">
      <Uploads org={orgId} privateOnly={privateOnly}>
      <header className="hub__header">
        <h1 tabIndex={-1}>{t('module.hub.name')}</h1>
        <div className="hub__actions">
          <Link to="/hub/new" className="button">
            {t('hub.newNote')}
          </Link>
          <button type="button" className="button button--secondary" aria-expanded={adding} onClick={() => setAdding(!adding)}>
            {t('hub.addLink')}
          </button>
          <Link to="/hub/import" className="button button--secondary">
            {t('hub.import.link')}
          </Link>
          <Link to="/hub/trash" className="button button--secondary">
            {t('hub.trash.link')}
          </Link>
          {isAdmin && (
            <Link to="/hub/rules" className="button button--secondary">
              {t('hub.rules.link')}
            </Link>
          )}
        </div>
      </header>
      {adding && <AddLinkForm orgId={orgId} privateOnly={privateOnly} onDone={() => setAdding(false)} />}
      <form className="hub__search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="hub-search" className="visually-hidden">
          {t('hub.search.label')}
        </label>
        <input
          id="hub-search"
          ref={searchBox}
          type="search"
          value={text}
          maxLength={200}
          placeholder={t('hub.search.placeholder')}
          aria-keyshortcuts="/"
          onChange={(e) => setText(e.target.value)}
        />
        <SelectField
          label={t('hub.sort.label')}
          options={[
            { id: 'relevance', label: t('hub.sort.relevance') },
            { id: 'updated', label: t('hub.sort.updated') },
            { id: 'created', label: t('hub.sort.created') },
            { id: 'title', label: t('hub.sort.title') },
          ]}
          value={view.sort ?? 'relevance'}
          onChange={(sort) => set({ sort: sort === 'relevance' ? undefined : (sort as Sort) })}
        />
        <div className="hub__layout" role="group" aria-label={t('hub.layout.label')}>
          {(['list', 'grid'] as const).map((layout) => (
            <button
              key={layout}
              type="button"
              className="button button--secondary"
              aria-pressed={(view.layout ?? 'list') === layout}
              onClick={() => onView({ ...view, layout: layout === 'grid' ? 'grid' : undefined }, true)}
            >
              {t(`hub.layout.${layout}`)}
            </button>
          ))}
        </div>
      </form>
      <div className={`hub__body${view.open ? ' hub__body--open' : ''}`}>
        <Facets facets={(view.page ?? 1) > 1 ? firstPage.data?.facets : page?.facets} view={view} filtered={filtered} set={set} />
        <section className="hub__results" aria-labelledby="hub-results-heading" aria-busy={library.isFetching}>
          <h2 id="hub-results-heading" className="visually-hidden">
            {t('hub.results.heading')}
          </h2>
          {library.error instanceof ApiError && <p className="field__error">{library.error.message}</p>}
          {!page && !library.error && <Loading lines={6} />}
          {selected.size > 0 && <BulkBar orgId={orgId} ids={[...selected]} onDone={() => setSelected(new Set())} />}
          {page && (
            <Results page={page} view={view} filtered={filtered} onView={onView} onAdd={() => setAdding(true)} selected={selected} onToggle={toggle} />
          )}
        </section>
        {view.open && page && (
          <DetailPane
            orgId={orgId}
            found={page.items.find((item) => item.resource.id === view.open)}
            onClose={() => onView({ ...view, open: undefined }, true)}
          />
        )}
      </div>
      </Uploads>
    </article>
  );
}

function Results({
  page,
  view,
  filtered,
  onView,
  onAdd,
  selected,
  onToggle,
}: {
  page: SearchPage;
  view: HubSearch;
  filtered: boolean;
  onView: (view: HubSearch, replace: boolean) => void;
  onAdd: () => void;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
}) {
  const { t } = useTranslation();
  const current = view.page ?? 1;
  const pages = Math.max(1, Math.ceil(Math.min(page.total, 10_000) / PAGE_SIZE));
  if (page.total === 0) {
    if (!view.q && !filtered) {
      return (
        <div className="empty hub__empty" data-testid="hub-empty">
          <p>{t('hub.empty.library')}</p>
          <p>
            <Link to="/hub/new">{t('hub.empty.writeNote')}</Link>
            {' · '}
            <button type="button" className="link-button" onClick={onAdd}>
              {t('hub.empty.addLink')}
            </button>
          </p>
        </div>
      );
    }
    return <Empty>{view.q ? t('hub.empty.noMatch', { q: view.q }) : t('hub.empty.noFilterMatch')}</Empty>;
  }
  return (
    <>
      <p role="status" className="muted">
        {t('hub.results.count', { count: page.total })}
      </p>
      {view.layout === 'grid' ? (
        <ul className="hub__grid">
          {page.items.map((found) => (
            <GridCard key={found.resource.id} found={found} opened={view.open === found.resource.id} onOpen={() => onView({ ...view, open: found.resource.id }, true)} />
          ))}
        </ul>
      ) : (
        <ol className="hub__list">
          {page.items.map((found) => (
            <ResultItem
              key={found.resource.id}
              found={found}
              selected={selected.has(found.resource.id)}
              onToggle={() => onToggle(found.resource.id)}
              opened={view.open === found.resource.id}
              onOpen={() => onView({ ...view, open: found.resource.id }, true)}
            />
          ))}
        </ol>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label={t('hub.results.pages')}>
          <button type="button" className="button button--secondary" disabled={current <= 1} onClick={() => onView({ ...view, page: current - 1 }, false)}>
            {t('hub.results.previous')}
          </button>
          <span>{t('hub.results.pageOf', { page: current, pages })}</span>
          <button type="button" className="button button--secondary" disabled={current >= pages} onClick={() => onView({ ...view, page: current + 1 }, false)}>
            {t('hub.results.next')}
          </button>
        </nav>
      )}
    </>
  );
}

function ResultItem({
  found,
  selected,
  onToggle,
  opened,
  onOpen,
}: {
  found: Found;
  selected: boolean;
  onToggle: () => void;
  opened: boolean;
  onOpen: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { resource } = found;
  return (
    <li className={`hub__item${opened ? ' hub__item--open' : ''}`}>
      <input type="checkbox" className="hub__select" checked={selected} onChange={onToggle} aria-label={t('hub.bulk.select', { title: resource.title })} />
      <span className={`badge hub__kind hub__kind--${resource.kind}`}>{t(`hub.kind.${resource.kind}`)}</span>
      <div className="hub__item-main">
        <Link to={`/hub/${encodeURIComponent(resource.id)}`} className="hub__title">
          <Marked segments={found.title} />
        </Link>
        {found.snippet.length > 0 ? (
          <p className="hub__snippet">
            <Marked segments={found.snippet} />
          </p>
        ) : (
          resource.description && <p className="hub__snippet">{resource.description}</p>
        )}
        <p className="hub__meta muted">
          {resource.file && (
            <span>
              {resource.file.name} · {formatBytes(resource.file.size, i18n.language)}
            </span>
          )}
          {resource.collection && <span>{resource.collection}</span>}
          {resource.tags.map((tag) => (
            <span key={tag} className="chip">
              #{tag}
            </span>
          ))}
          <span>{t('hub.updated', { date: formatDate(resource.updated_at) })}</span>
        </p>
      </div>
      <button type="button" className="link-button hub__details" aria-expanded={opened} onClick={onOpen}>
        {t('hub.detail.show', { title: resource.title })}
      </button>
    </li>
  );
}

/** A result as a card in the grid: its thumbnail (a picture's, a link's page image) or its kind, title and date. */
function GridCard({ found, opened, onOpen }: { found: Found; opened: boolean; onOpen: () => void }) {
  const { t } = useTranslation();
  const { currentOrg } = useSession();
  const { resource } = found;
  const hasImage = Boolean(resource.file?.thumbnail || resource.link_preview?.image);
  const image = useThumbnail(currentOrg?.id ?? '', resource.id, hasImage && Boolean(currentOrg));
  return (
    <li className={`hub__card${opened ? ' hub__card--open' : ''}`}>
      <div className="hub__card-image" aria-hidden="true">
        {image.data ? <img src={image.data.url} alt="" /> : <span className={`badge hub__kind hub__kind--${resource.kind}`}>{t(`hub.kind.${resource.kind}`)}</span>}
      </div>
      <Link to={`/hub/${encodeURIComponent(resource.id)}`} className="hub__title">
        <Marked segments={found.title} />
      </Link>
      <p className="hub__meta muted">
        <span>{t(`hub.kind.${resource.kind}`)}</span>
        <span>{t('hub.updated', { date: formatDate(resource.updated_at) })}</span>
      </p>
      <button type="button" className="link-button hub__details" aria-expanded={opened} onClick={onOpen}>
        {t('hub.detail.show', { title: resource.title })}
      </button>
    </li>
  );
}

/** The detail pane beside the results: what describes the resource, without leaving the library; Escape closes it. */
function DetailPane({ orgId, found, onClose }: { orgId: string; found: Found | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = found?.resource;
  const hasImage = Boolean(shown?.file?.thumbnail || shown?.link_preview?.image);
  const image = useThumbnail(orgId, shown?.id ?? '', hasImage).data?.url;
  useEffect(() => {
    heading.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [found?.resource.id, onClose]);
  if (!found) {
    return (
      <aside className="hub__pane" aria-label={t('hub.detail.label')}>
        <p className="muted">{t('hub.detail.notOnPage')}</p>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('hub.detail.close')}
        </button>
      </aside>
    );
  }
  const { resource } = found;
  return (
    <aside className="hub__pane" aria-labelledby="hub-pane-heading" data-testid="hub-pane">
      <h2 id="hub-pane-heading" ref={heading} tabIndex={-1}>
        {resource.title}
      </h2>
      {image && <img className="hub__pane-image" src={image} alt="" />}
      <p className="hub__meta muted">
        <span className={`badge hub__kind hub__kind--${resource.kind}`}>{t(`hub.kind.${resource.kind}`)}</span>
        <span>{t('hub.updated', { date: formatDate(resource.updated_at) })}</span>
      </p>
      {resource.description && <p>{resource.description}</p>}
      {resource.file && (
        <p className="muted">
          {resource.file.name} · {formatBytes(resource.file.size, i18n.language)}
        </p>
      )}
      {resource.url && <p className="hub__pane-url">{resource.url}</p>}
      {resource.collection && <p className="muted">{resource.collection}</p>}
      {resource.tags.length > 0 && (
        <p className="hub__meta">
          {resource.tags.map((tag) => (
            <span key={tag} className="chip">
              #{tag}
            </span>
          ))}
        </p>
      )}
      <p className="hub__actions">
        <Link to={`/hub/${encodeURIComponent(resource.id)}`} className="button">
          {t('hub.detail.open')}
        </Link>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('hub.detail.close')}
        </button>
      </p>
    </aside>
  );
}


function Facets({
  facets = {},
  view,
  filtered,
  set,
}: {
  facets: SearchPage['facets'] | undefined;
  view: HubSearch;
  filtered: boolean;
  set: (change: Partial<HubSearch>) => void;
}) {
  const { t } = useTranslation();
  const kinds = facets.kind ?? [];
  return (
    <aside className="hub__facets" aria-label={t('hub.facets.label')}>
      {filtered && (
        <button type="button" className="link-button" onClick={() => set({ kind: undefined, tag: undefined, collection: undefined })}>
          {t('hub.facets.clear')}
        </button>
      )}
      <h2>{t('hub.facets.kind')}</h2>
      <ul className="facet">
        {(['note', 'link', 'file'] as const).map((kind) => {
          const count = kinds.find((k) => k.value === kind)?.count ?? 0;
          const on = view.kind === kind;
          return (
            <li key={kind}>
              <button type="button" className="facet__button" aria-pressed={on} disabled={!on && count === 0} onClick={() => set({ kind: on ? undefined : (kind as Kind) })}>
                {t(`hub.kind.${kind}`)} <span className="facet__count">{count}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <PathFacet heading={t('hub.facets.tags')} nodes={pathTree(facets.tags ?? [])} selected={view.tag} prefix="#" onPick={(tag) => set({ tag })} />
      <PathFacet heading={t('hub.facets.collections')} nodes={pathTree(facets.collection ?? [])} selected={view.collection} onPick={(collection) => set({ collection })} />
    </aside>
  );
}

function PathFacet({
  heading,
  nodes,
  selected,
  prefix = '',
  onPick,
}: {
  heading: string;
  nodes: readonly PathNode[];
  selected: string | undefined;
  prefix?: string;
  onPick: (path: string | undefined) => void;
}) {
  if (nodes.length === 0 && !selected) return null;
  const render = (list: readonly PathNode[]) => (
    <ul className="facet facet--tree">
      {list.map((node) => {
        const on = selected === node.path;
        return (
          <li key={node.path}>
            <button type="button" className="facet__button" aria-pressed={on} onClick={() => onPick(on ? undefined : node.path)}>
              {prefix}
              {node.name} <span className="facet__count">{node.count}</span>
            </button>
            {node.children.length > 0 && render(node.children)}
          </li>
        );
      })}
    </ul>
  );
  return (
    <>
      <h2>{heading}</h2>
      {render(nodes)}
    </>
  );
}

type BulkName = 'add_tags' | 'remove_tags' | 'move' | 'delete';

/** Changes the selected resources at once; what became of each is counted in one message. */
function BulkBar({ orgId, ids, onDone }: { orgId: string; ids: readonly string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [tags, setTags] = useState('');
  const [collection, setCollection] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const run = async (action: BulkName) => {
    setBusy(true);
    setError(null);
    const result = await call(
      api.POST('/api/hub/{org}/bulk', {
        params: { path: { org: orgId } },
        body: { ids: [...ids], action, tags: tagsOf(tags), collection: collection.trim() || null },
      }),
    );
    setBusy(false);
    setConfirming(false);
    if (!result.ok) {
      setError(result.fieldErrors[0]?.message ?? failureMessage(result.failure));
      return;
    }
    const count = (outcome: string) => result.data.outcomes.filter((o) => o === outcome).length;
    const done = count('done') + count('unchanged');
    const refused = result.data.outcomes.length - done;
    await client.invalidateQueries({ queryKey: hubKeys.all(orgId) });
    confirm(
      { key: 'hub.bulk.done', values: { count: done } },
      refused > 0 ? { key: 'hub.bulk.refused', values: { count: refused } } : undefined,
    );
    setTags('');
    setCollection('');
    onDone();
  };
  return (
    <section className="hub__bulk" aria-label={t('hub.bulk.label')}>
      <p role="status">{t('hub.bulk.selected', { count: ids.length })}</p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="hub__bulk-row">
        <Field label={t('hub.tags.label')} name="bulk-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
        <button type="button" className="button button--secondary" disabled={busy || !tags.trim()} onClick={() => void run('add_tags')}>
          {t('hub.bulk.addTags')}
        </button>
        <button type="button" className="button button--secondary" disabled={busy || !tags.trim()} onClick={() => void run('remove_tags')}>
          {t('hub.bulk.removeTags')}
        </button>
      </div>
      <div className="hub__bulk-row">
        <Field label={t('hub.editor.collection')} name="bulk-collection" hint={t('hub.bulk.moveHint')} value={collection} onChange={(e) => setCollection(e.target.value)} />
        <button type="button" className="button button--secondary" disabled={busy} onClick={() => void run('move')}>
          {t('hub.bulk.move')}
        </button>
      </div>
      <div className="hub__bulk-row">
        {confirming ? (
          <>
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void run('delete')}>
              {t('hub.bulk.confirmDelete', { count: ids.length })}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </>
        ) : (
          <button type="button" className="button button--secondary" disabled={busy} onClick={() => setConfirming(true)}>
            {t('hub.bulk.delete')}
          </button>
        )}
        <button type="button" className="link-button" onClick={onDone}>
          {t('hub.bulk.clear')}
        </button>
      </div>
    </section>
  );
}

function AddLinkForm({ orgId, privateOnly, onDone }: { orgId: string; privateOnly: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const [tags, setTags] = useState('');
  const [visibility, setVisibility] = useState(privateOnly ? 'private' : 'organisation');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(
      api.POST('/api/hub/{org}/links', {
        params: { path: { org: orgId } },
        body: { url, title, tags: tagsOf(tags), visibility: visibilityOf(visibility) },
      }),
    );
    setBusy(false);
    if (result.ok) {
      await changed(client, orgId, result.data, result.data.id);
      confirm({ key: 'hub.link.added' });
      onDone();
    } else setError(submitError(result, ['url', 'title', 'tags', 'visibility']));
  };
  return (
    <form className="form hub__add" onSubmit={(e) => void submit(e)} noValidate aria-label={t('hub.link.heading')}>
      <FormError error={error} />
      <Field label={t('hub.link.url')} name="url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} error={error?.fields.byField.url} />
      <Field label={t('hub.link.title')} name="title" value={title} hint={t('hub.link.titleHint')} onChange={(e) => setTitle(e.target.value)} error={error?.fields.byField.title} />
      <Field label={t('hub.tags.label')} name="tags" value={tags} hint={t('hub.tags.hint')} onChange={(e) => setTags(e.target.value)} error={error?.fields.byField.tags} />
      <VisibilityField orgId={orgId} value={visibility} onChange={setVisibility} privateOnly={privateOnly} error={error?.fields.byField.visibility} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          {t('hub.link.submit')}
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

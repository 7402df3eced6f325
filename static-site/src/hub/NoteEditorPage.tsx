// Writing a note: title, description, tags, collection and visibility, the markdown in an editor with a preview the
// server renders (the same rendering the viewer shows). A new note is created; an existing one is saved under the
// version read (If-Match), and a change made elsewhere meanwhile opens the "changed elsewhere" dialog without losing
// what was typed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { ApiError, data, type VersionedMeta } from '../api/query';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { Loading } from '../components/States';
import { splitFieldErrors } from '../forms';
import { confirm } from '../kit/toasts';
import { PageTabs } from '../kit/Tabs';
import { Link } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';
import { MarkdownEditor } from './MarkdownEditor';
import { tagsOf } from './search';
import { changed, hubKeys, ifMatch, useDetail, type Detail } from './queries';
import { VisibilityField, visibilityKey, visibilityOf } from './VisibilityField';

const editRoute = getRouteApi('/signed-in/hub/$resource/edit');

export function NewNoteRoute() {
  const { currentOrg, roles } = useSession();
  if (!currentOrg) return null;
  return <NoteEditor orgId={currentOrg.id} privateOnly={roles.length > 0 && roles.every((r) => r === 'mentee')} note={null} />;
}

export function EditNoteRoute() {
  const { currentOrg, roles } = useSession();
  const { resource } = editRoute.useParams();
  if (!currentOrg) return null;
  return <LoadedEditor orgId={currentOrg.id} id={resource} privateOnly={roles.length > 0 && roles.every((r) => r === 'mentee')} />;
}

function LoadedEditor({ orgId, id, privateOnly }: { orgId: string; id: string; privateOnly: boolean }) {
  const detail = useDetail(orgId, id);
  if (detail.error instanceof Error) return <p className="field__error">{detail.error.message}</p>;
  if (!detail.data) return <Loading lines={8} />;
  return <NoteEditor orgId={orgId} privateOnly={privateOnly} note={detail.data} />;
}

interface Draft {
  title: string;
  description: string;
  tags: string;
  collection: string;
  visibility: string;
  body: string;
}

function draftOf(note: Detail | null, privateOnly: boolean): Draft {
  return {
    title: note?.title ?? '',
    description: note?.description ?? '',
    tags: note?.tags.join(', ') ?? '',
    collection: note?.collection ?? '',
    visibility: note ? visibilityKey(note.visibility) : privateOnly ? 'private' : 'organisation',
    body: note?.note?.body ?? '',
  };
}

const FIELDS = ['title', 'description', 'tags', 'collection', 'visibility', 'body'];

export function NoteEditor({ orgId, note, privateOnly }: { orgId: string; note: Detail | null; privateOnly: boolean }) {
  const { t } = useTranslation();
  useDocumentTitle(note ? t('hub.editor.editTitle', { title: note.title }) : t('hub.editor.newTitle'));
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => draftOf(note, privateOnly));
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [preview, setPreview] = useState<string | null>(null);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  useEffect(() => {
    if (tab !== 'preview') return;
    setPreview(null);
    const controller = new AbortController();
    void call(api.POST('/api/hub/{org}/render', { params: { path: { org: orgId } }, body: { body: draft.body }, signal: controller.signal })).then(
      (result) => result.ok && setPreview(result.data.html),
    );
    return () => controller.abort();
  }, [tab, draft.body, orgId]);

  const body = () => ({
    title: draft.title,
    description: draft.description,
    tags: tagsOf(draft.tags),
    collection: draft.collection,
    visibility: visibilityOf(draft.visibility),
    body: draft.body,
  });
  const save = useMutation({
    mutationFn: async (): Promise<Detail> => {
      if (!note) return data<Detail>(api.POST('/api/hub/{org}/notes', { params: { path: { org: orgId } }, body: body() }));
      return data<Detail>(
        api.PATCH('/api/hub/{org}/resources/{resource}', {
          params: { path: { org: orgId, resource: note.id }, header: { 'If-Match': ifMatch(client, orgId, note.id) } },
          body: body(),
        }),
      );
    },
    meta: note ? ({ edits: hubKeys.resource(orgId, note.id) } satisfies VersionedMeta) : undefined,
    onSuccess: async (saved) => {
      await changed(client, orgId, saved, saved.id);
      confirm({ key: note ? 'hub.editor.saved' : 'hub.editor.created' });
      void navigate({ to: '/hub/$resource', params: { resource: saved.id } });
    },
  });
  const failure = save.error instanceof ApiError && save.error.status !== 412 ? save.error : null;
  const errors = failure ? splitFieldErrors(failure.fieldErrors, FIELDS) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <article className="page hub-editor">
      <p>{note ? <Link to={`/hub/${encodeURIComponent(note.id)}`}>{t('hub.editor.back')}</Link> : <Link to="/hub">{t('hub.backToLibrary')}</Link>}</p>
      <h1 tabIndex={-1}>{note ? t('hub.editor.editHeading') : t('hub.editor.newHeading')}</h1>
      <form className="form" onSubmit={submit} noValidate aria-label={note ? t('hub.editor.editHeading') : t('hub.editor.newHeading')}>
        {failure && <FormError error={{ message: failure.message, fields: errors ?? { byField: {}, other: [] }, requestId: null }} />}
        <Field label={t('hub.editor.title')} name="title" required maxLength={200} value={draft.title} onChange={(e) => set({ title: e.target.value })} error={errors?.byField.title} />
        <Field label={t('hub.editor.description')} name="description" value={draft.description} onChange={(e) => set({ description: e.target.value })} error={errors?.byField.description} />
        <Field label={t('hub.tags.label')} name="tags" hint={t('hub.tags.hint')} value={draft.tags} onChange={(e) => set({ tags: e.target.value })} error={errors?.byField.tags} />
        <Field label={t('hub.editor.collection')} name="collection" hint={t('hub.editor.collectionHint')} value={draft.collection} onChange={(e) => set({ collection: e.target.value })} error={errors?.byField.collection} />
        <VisibilityField orgId={orgId} value={draft.visibility} onChange={(visibility) => set({ visibility })} privateOnly={privateOnly} error={errors?.byField.visibility} />
        <div className="field">
          <span id="note-body-label" className="field__label">
            {t('hub.editor.body')}
          </span>
          <PageTabs
            label={t('hub.editor.body')}
            selected={tab}
            onSelect={setTab}
            tabs={[
              { id: 'write', label: t('hub.editor.write'), content: () => <MarkdownEditor value={draft.body} onChange={(body) => set({ body })} labelledBy="note-body-label" /> },
              {
                id: 'preview',
                label: t('hub.editor.preview'),
                content: () =>
                  preview === null ? <Loading lines={3} /> : preview.trim() ? <div className="prose" dangerouslySetInnerHTML={{ __html: preview }} /> : <p className="muted">{t('hub.emptyNote')}</p>,
              },
            ]}
          />
          {errors?.byField.body && <p className="field__error">{errors.byField.body}</p>}
        </div>
        <div className="form__actions">
          <button type="submit" className="button" disabled={save.isPending}>
            {note ? t('hub.editor.save') : t('hub.editor.create')}
          </button>
        </div>
      </form>
    </article>
  );
}

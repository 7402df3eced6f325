// Changing what describes a file or a link in place: title, description, tags, collection, who may see it, and a
// link's address. The change names the version the page shows (`If-Match`); if someone changed it meanwhile, nothing
// is written and the person is told to look at the newer version first.
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { submitError, type SubmitError } from '../forms';
import { confirm } from '../kit/toasts';
import { changed, hubKeys, ifMatch, type Detail } from './queries';
import { tagsOf } from './search';
import { VisibilityField, visibilityKey, visibilityOf } from './VisibilityField';

export function DetailsForm({
  orgId,
  resource,
  privateOnly,
  onDone,
}: {
  orgId: string;
  resource: Detail;
  privateOnly: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [title, setTitle] = useState(resource.title);
  const [description, setDescription] = useState(resource.description);
  const [tags, setTags] = useState(resource.tags.join(', '));
  const [collection, setCollection] = useState(resource.collection ?? '');
  const [visibility, setVisibility] = useState(visibilityKey(resource.visibility));
  const [url, setUrl] = useState(resource.url ?? '');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(
      api.PATCH('/api/hub/{org}/resources/{resource}', {
        params: { path: { org: orgId, resource: resource.id }, header: { 'If-Match': ifMatch(client, orgId, resource.id) } },
        body: {
          title,
          description,
          tags: tagsOf(tags),
          collection,
          visibility: visibilityOf(visibility),
          ...(resource.kind === 'link' ? { url } : {}),
        },
      }),
    );
    setBusy(false);
    if (result.ok) {
      await changed(client, orgId, result.data, resource.id);
      confirm({ key: 'hub.details.saved' });
      onDone();
    } else {
      setError(submitError(result, ['title', 'description', 'tags', 'collection', 'visibility', 'url']));
      // Someone changed it meanwhile: the page shows the newer version, and the form keeps what was typed.
      if (result.status === 412) void client.invalidateQueries({ queryKey: hubKeys.resource(orgId, resource.id) });
    }
  };
  return (
    <form className="form hub__add" onSubmit={(e) => void submit(e)} noValidate aria-label={t('hub.details.heading')}>
      <FormError error={error} />
      <Field label={t('hub.editor.title')} name="title" required value={title} onChange={(e) => setTitle(e.target.value)} error={error?.fields.byField.title} />
      {resource.kind === 'link' && (
        <Field label={t('hub.link.url')} name="url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} error={error?.fields.byField.url} />
      )}
      <Field
        label={t('hub.editor.description')}
        name="description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={error?.fields.byField.description}
      />
      <Field label={t('hub.tags.label')} name="tags" value={tags} hint={t('hub.tags.hint')} onChange={(e) => setTags(e.target.value)} error={error?.fields.byField.tags} />
      <Field
        label={t('hub.editor.collection')}
        name="collection"
        value={collection}
        hint={t('hub.editor.collectionHint')}
        onChange={(e) => setCollection(e.target.value)}
        error={error?.fields.byField.collection}
      />
      <VisibilityField orgId={orgId} value={visibility} onChange={setVisibility} privateOnly={privateOnly} error={error?.fields.byField.visibility} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          {t('hub.details.save')}
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

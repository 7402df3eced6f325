// Session templates: the organisation's (kept by admins and pastors) and one's own, each an ordered list of slots (a
// kind of block, a title, planned minutes) that a new session's blocks start from. A template is added, changed
// (slots reordered with their buttons) and removed here; a change or removal names the version read (`If-Match`), and
// a stale one opens the app's conflict dialog (reload theirs, or write mine over it).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { ApiError, data, type VersionedMeta } from '../api/query';
import { Field } from '../components/Field';
import { Empty, Loading } from '../components/States';
import { splitFieldErrors } from '../forms';
import { i18next } from '../i18n';
import { SelectField } from '../kit/SelectField';
import { confirm } from '../kit/toasts';
import type { Role } from '../nav';
import { Link } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';
import { useKindLabel } from './BlockContent';
import { TextAreaField } from './fields';
import { BLOCK_KINDS, LIMITS, sessionKeys, templateVersion, useTemplates, type BlockKind, type Slot, type Template, type TemplateList } from './queries';

export function TemplatesRoute() {
  const { currentOrg, roles } = useSession();
  if (!currentOrg) return null;
  return <TemplatesPage orgId={currentOrg.id} roles={roles} />;
}

export function TemplatesPage({ orgId, roles }: { orgId: string; roles: readonly Role[] }) {
  const { t } = useTranslation();
  useDocumentTitle(t('sessions.templates.title'));
  const templates = useTemplates(orgId);
  const manageOrg = roles.includes('admin') || roles.includes('pastor');
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  // A form replaces the button that opened it; closed, that button comes back with focus ('new' for New template).
  const [back, setBack] = useState<string | null>(null);
  const list = templates.data?.templates ?? [];
  const org = list.filter((tpl) => !tpl.personal);
  const own = list.filter((tpl) => tpl.personal);

  const section = (heading: string, items: Template[], empty: string, mayChange: boolean, key: string) => (
    <section aria-labelledby={`${key}-heading`} className="templates__section">
      <h2 id={`${key}-heading`}>{heading}</h2>
      {templates.data && items.length === 0 && <Empty>{empty}</Empty>}
      {items.length > 0 && (
        <ul className="templates__list">
          {items.map((template) => (
            <li key={template.id}>
              {editing === template.id ? (
                <TemplateForm
                  orgId={orgId}
                  template={template}
                  manageOrg={manageOrg}
                  onDone={() => {
                    setEditing(null);
                    setBack(template.id);
                  }}
                />
              ) : (
                <TemplateCard orgId={orgId} template={template} mayChange={mayChange} focusEdit={back === template.id} onEdit={() => setEditing(template.id)} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <article className="page templates">
      <p>
        <Link to="/sessions">{t('sessions.composer.back')}</Link>
      </p>
      <h1 tabIndex={-1}>{t('sessions.templates.title')}</h1>
      <p className="lede">{t(manageOrg ? 'sessions.templates.lede' : 'sessions.templates.ledeMentor')}</p>
      {templates.error instanceof ApiError && (
        <div className="notice notice--error" role="alert">
          <p className="notice__title">{t('sessions.templates.failed')}</p>
          <p>{templates.error.message}</p>
          <button type="button" className="button button--secondary" onClick={() => void templates.refetch()}>
            {t('sessions.list.retry')}
          </button>
        </div>
      )}
      {templates.isPending && <Loading label={t('sessions.templates.loading')} />}
      {adding ? (
        <TemplateForm
          orgId={orgId}
          manageOrg={manageOrg}
          onDone={() => {
            setAdding(false);
            setBack('new');
          }}
        />
      ) : (
        <p>
          <button type="button" className="button" autoFocus={back === 'new'} onClick={() => setAdding(true)}>
            {t('sessions.templates.new')}
          </button>
        </p>
      )}
      {section(t('sessions.templates.orgHeading'), org, t(manageOrg ? 'sessions.templates.orgEmpty' : 'sessions.templates.orgEmptyMentor'), manageOrg, 'org-templates')}
      {section(t('sessions.templates.ownHeading'), own, t('sessions.templates.ownEmpty'), true, 'own-templates')}
    </article>
  );
}

function TemplateCard({ orgId, template, mayChange, focusEdit, onEdit }: { orgId: string; template: Template; mayChange: boolean; focusEdit: boolean; onEdit: () => void }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const headingId = `template-${template.id}`;
  const remove = useMutation({
    mutationFn: () =>
      data(api.DELETE('/api/sessions/{org}/templates/{template}', { params: { path: { org: orgId, template: template.id }, header: { 'If-Match': templateVersion(client, orgId, template.id) } } })),
    meta: { edits: sessionKeys.templates(orgId) } satisfies VersionedMeta,
    onSuccess: async () => {
      confirm({ text: t('sessions.templates.deleted', { name: template.name }) });
      await client.invalidateQueries({ queryKey: sessionKeys.templates(orgId) });
    },
  });
  const failure = remove.error instanceof ApiError && remove.error.status !== 412 ? remove.error : null;
  return (
    <article className="templates__card" aria-labelledby={headingId}>
      <h3 id={headingId} dir="auto">
        {template.name}
      </h3>
      {template.description && (
        <p className="sessions__plain" dir="auto">
          {template.description}
        </p>
      )}
      <p className="muted">
        {t('sessions.templates.summary', { slots: t('sessions.templates.slotCount', { count: template.slots.length }), minutes: t('sessions.minutes', { count: template.total_minutes }) })}
      </p>
      {template.slots.length > 0 && (
        <ol className="templates__slots" aria-label={t('sessions.templates.slotsOf', { name: template.name })}>
          {template.slots.map((slot, i) => (
            <li key={i}>
              <span className="badge">{kindLabel(slot.kind)}</span> {slot.title && <span dir="auto">{slot.title}</span>}
              {(slot.minutes ?? 0) > 0 && <span className="muted"> · {t('sessions.minutes', { count: slot.minutes ?? 0 })}</span>}
            </li>
          ))}
        </ol>
      )}
      {failure && (
        <p className="field__error" role="alert">
          {failure.message}
        </p>
      )}
      {mayChange && !asking && (
        <div className="button-row">
          <button type="button" className="button button--small button--secondary" aria-describedby={headingId} autoFocus={focusEdit} onClick={onEdit}>
            {t('sessions.templates.edit')}
          </button>
          <button type="button" className="button button--small button--secondary" aria-describedby={headingId} onClick={() => setAsking(true)}>
            {t('sessions.templates.delete')}
          </button>
        </div>
      )}
      {mayChange && asking && (
        <div className="planner__confirm" role="group" aria-labelledby={`${headingId}-confirm`}>
          <p id={`${headingId}-confirm`}>{t('sessions.templates.confirmDelete', { name: template.name })}</p>
          <div className="button-row">
            <button type="button" className="button button--danger" disabled={remove.isPending} onClick={() => remove.mutate()} autoFocus>
              {t('sessions.templates.deleteForGood')}
            </button>
            <button type="button" className="button button--secondary" disabled={remove.isPending} onClick={() => setAsking(false)}>
              {t('sessions.templates.keep')}
            </button>
          </div>
        </div>
      )}
    </article>
  );
}

/** A slot as the form edits it: its minutes as typed, and a key of its own so rows keep their state when moved. */
interface SlotRow {
  readonly key: number;
  readonly kind: BlockKind;
  readonly title: string;
  readonly minutes: string;
}

let nextKey = 1;
const rowOf = (slot: Slot): SlotRow => ({ key: nextKey++, kind: slot.kind, title: slot.title ?? '', minutes: String(slot.minutes ?? 0) });

type Errors = Record<string, string>;

/** What the server would refuse, found before sending: by field, a slot's as `slots.<key>.<field>`. */
function problemsOf(name: string, description: string, slots: readonly SlotRow[]): Errors {
  const t = i18next.t.bind(i18next);
  const out: Errors = {};
  if (!name.trim()) out.name = t('sessions.errors.templateName');
  else if ([...name].length > LIMITS.title) out.name = t('sessions.errors.tooLong', { max: LIMITS.title });
  if ([...description].length > LIMITS.description) out.description = t('sessions.errors.tooLong', { max: LIMITS.description });
  if (slots.length > LIMITS.slots) out.slots = t('sessions.errors.tooManySlots', { max: LIMITS.slots });
  for (const slot of slots) {
    if (slot.kind === 'heading' && !slot.title.trim()) out[`slots.${slot.key}.title`] = t('sessions.errors.headingTitle');
    else if ([...slot.title].length > LIMITS.title) out[`slots.${slot.key}.title`] = t('sessions.errors.tooLong', { max: LIMITS.title });
    const minutes = slot.minutes.trim();
    if (minutes && (!/^\d+$/.test(minutes) || Number(minutes) > LIMITS.blockMinutes)) out[`slots.${slot.key}.minutes`] = t('sessions.errors.minutes', { max: LIMITS.blockMinutes });
  }
  return out;
}

/** Adds a template, or changes one at the version read. */
function TemplateForm({ orgId, template, manageOrg, onDone }: { orgId: string; template?: Template; manageOrg: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const client = useQueryClient();
  const id = useId();
  const [name, setName] = useState(template?.name ?? '');
  const [description, setDescription] = useState(template?.description ?? '');
  const [slots, setSlots] = useState<SlotRow[]>(() => (template?.slots ?? []).map(rowOf));
  // A leader who may not keep the organisation's templates keeps their own.
  const [personal, setPersonal] = useState(template?.personal ?? !manageOrg);
  const [local, setLocal] = useState<Errors>({});
  const [sent, setSent] = useState<readonly SlotRow[]>([]);

  const body = () => ({
    name,
    description,
    slots: slots.map((slot) => ({ kind: slot.kind, title: slot.title, minutes: Number(slot.minutes.trim() || '0') })),
  });
  const save = useMutation({
    mutationFn: (variables: ReturnType<typeof body>) =>
      template
        ? data(
            api.PATCH('/api/sessions/{org}/templates/{template}', {
              params: { path: { org: orgId, template: template.id }, header: { 'If-Match': templateVersion(client, orgId, template.id) } },
              body: variables,
            }),
          )
        : data(api.POST('/api/sessions/{org}/templates', { params: { path: { org: orgId } }, body: { ...variables, personal } })),
    meta: { edits: sessionKeys.templates(orgId) } satisfies VersionedMeta,
    onSuccess: async (saved) => {
      client.setQueryData<TemplateList>(sessionKeys.templates(orgId), (was) =>
        was ? { templates: template ? was.templates.map((tpl) => (tpl.id === saved.id ? saved : tpl)) : [...was.templates, saved] } : was,
      );
      confirm({ text: t(template ? 'sessions.templates.saved' : 'sessions.templates.added', { name: saved.name }) });
      onDone();
      await client.invalidateQueries({ queryKey: sessionKeys.templates(orgId) });
    },
  });

  // The server's problems: a slot's by the place it had in what was sent.
  const failure = save.error instanceof ApiError && save.error.status !== 412 ? save.error : null;
  const server: Errors = {};
  const other: string[] = [];
  if (failure) {
    const fields = ['name', 'description', 'slots', 'personal'];
    for (const { field, message } of failure.fieldErrors) {
      const slot = /^slots\.(\d+)\.(\w+)$/.exec(field);
      const row = slot ? sent[Number(slot[1])] : undefined;
      if (slot && row) server[`slots.${row.key}.${slot[2]}`] = message;
      else if (fields.includes(field)) server[field] = message;
    }
    other.push(...splitFieldErrors(failure.fieldErrors.filter((e) => !/^slots\.\d+\./.test(e.field)), fields).other);
  }
  const errors: Errors = { ...server, ...local };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems = problemsOf(name, description, slots);
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    setSent(slots);
    save.mutate(body());
  };

  const setSlot = (key: number, change: Partial<SlotRow>) => setSlots((was) => was.map((slot) => (slot.key === key ? { ...slot, ...change } : slot)));
  // A moved row keeps the keyboard: the button pressed gets focus again in the row's new place (the other one at an end).
  const [refocus, setRefocus] = useState<{ key: number; control: 'up' | 'down' } | null>(null);
  useEffect(() => {
    if (!refocus) return;
    const row = document.querySelector(`[data-slot="${refocus.key}"]`);
    const wanted = row?.querySelector<HTMLButtonElement>(`[data-control="${refocus.control}"]`);
    (wanted && !wanted.disabled ? wanted : row?.querySelector<HTMLButtonElement>(`[data-control="${refocus.control === 'up' ? 'down' : 'up'}"]`))?.focus();
    setRefocus(null);
  }, [refocus, slots]);
  const moveSlot = (index: number, by: number) => {
    const moving = slots[index];
    if (!moving) return;
    const next = slots.filter((slot) => slot.key !== moving.key);
    next.splice(index + by, 0, moving);
    setSlots(next);
    setRefocus({ key: moving.key, control: by < 0 ? 'up' : 'down' });
  };
  const heading = template ? t('sessions.templates.editHeading', { name: template.name }) : t('sessions.templates.newHeading');
  // Opened, the form takes focus at its heading, where the button that opened it was.
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <form className="form templates__form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} tabIndex={-1} ref={headingRef}>
        {heading}
      </h3>
      {failure && (
        <div className="form-error" role="alert">
          <p>{failure.status === 422 && failure.fieldErrors.length > 0 ? t('form.correctFields') : failure.message}</p>
          {other.length > 0 && (
            <ul>
              {other.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <Field label={t('sessions.templates.name')} value={name} onChange={(e) => setName(e.target.value)} maxLength={LIMITS.title} required dir="auto" error={errors.name} />
      <TextAreaField label={t('sessions.templates.description')} value={description} onChange={setDescription} maxLength={LIMITS.description} error={errors.description} />
      {!template && manageOrg && (
        <label className="composer__check">
          <input type="checkbox" checked={personal} onChange={(e) => setPersonal(e.target.checked)} /> {t('sessions.templates.personal')}
        </label>
      )}
      <fieldset className="templates__slot-editor">
        <legend>{t('sessions.templates.slots')}</legend>
        {slots.length === 0 && <p className="muted">{t('sessions.templates.noSlots')}</p>}
        {errors.slots && <p className="field__error">{errors.slots}</p>}
        <ol className="templates__slot-rows">
          {slots.map((slot, index) => {
            const label = t('sessions.templates.slotLabel', { position: index + 1, kind: kindLabel(slot.kind) });
            return (
              <li key={slot.key} className="templates__slot-row" aria-label={label} data-slot={slot.key}>
                <SelectField
                  label={t('sessions.templates.kind')}
                  options={BLOCK_KINDS.map((kind) => ({ id: kind, label: kindLabel(kind) }))}
                  value={slot.kind}
                  onChange={(kind) => setSlot(slot.key, { kind: kind as BlockKind })}
                />
                <Field
                  label={t(slot.kind === 'heading' ? 'sessions.templates.slotHeading' : 'sessions.templates.slotTitle')}
                  value={slot.title}
                  onChange={(e) => setSlot(slot.key, { title: e.target.value })}
                  maxLength={LIMITS.title}
                  dir="auto"
                  error={errors[`slots.${slot.key}.title`]}
                />
                <Field
                  label={t('sessions.outline.minutes')}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={LIMITS.blockMinutes}
                  step={1}
                  value={slot.minutes}
                  onChange={(e) => setSlot(slot.key, { minutes: e.target.value })}
                  error={errors[`slots.${slot.key}.minutes`]}
                />
                <div className="button-row">
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    data-control="up"
                    disabled={index === 0}
                    onClick={() => moveSlot(index, -1)}
                    aria-label={t('sessions.templates.moveUp', { slot: label })}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    data-control="down"
                    disabled={index === slots.length - 1}
                    onClick={() => moveSlot(index, 1)}
                    aria-label={t('sessions.templates.moveDown', { slot: label })}
                  >
                    ↓
                  </button>
                  <button type="button" className="button button--small button--secondary" onClick={() => setSlots((was) => was.filter((s) => s.key !== slot.key))} aria-label={t('sessions.templates.removeSlot', { slot: label })}>
                    {t('sessions.outline.remove')}
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
        <p>
          <button
            type="button"
            className="button button--small button--secondary"
            disabled={slots.length >= LIMITS.slots}
            onClick={() => setSlots((was) => [...was, { key: nextKey++, kind: 'text', title: '', minutes: '5' }])}
          >
            {t('sessions.templates.addSlot')}
          </button>
        </p>
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="button" disabled={save.isPending}>
          {t(template ? 'sessions.templates.save' : 'sessions.templates.create')}
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

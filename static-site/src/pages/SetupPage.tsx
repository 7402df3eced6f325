// First run: creates the first organisation and its admin with the one-time code from the server log.
import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { useSetupStatus } from '../auth/useSetupStatus';
import { Field } from '../components/Field';
import { FailureNotice } from '../components/FailureNotice';
import { FormError } from '../components/FormError';
import { Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';

const FIELDS = ['code', 'org_name', 'org_slug', 'display_name', 'email', 'password'];
// The server names some fields after its own model.
const ALIASES = { slug: 'org_slug', admin_name: 'display_name', admin_password: 'password', admin_email: 'email' };

/** "Grace Church, Lyon" → "grace-church-lyon": a starting point the person can edit. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
}

interface SetupForm {
  code: string;
  org_name: string;
  org_slug: string;
  display_name: string;
  email: string;
  password: string;
}

export function SetupPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('setup.title'));
  const status = useSetupStatus();
  const { signedIn } = useSession();
  const [form, setForm] = useState<SetupForm>({ code: '', org_name: '', org_slug: '', display_name: '', email: '', password: '' });
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: keyof SetupForm) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setForm((previous) => {
      const next = { ...previous, [field]: value };
      if (field === 'org_name' && !slugEdited) next.org_slug = slugify(value);
      return next;
    });
    if (field === 'org_slug') setSlugEdited(true);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/auth/setup', { body: { ...form, code: form.code.trim() } }));
    setBusy(false);
    if (result.ok) {
      signedIn(result.data);
      navigate('/people', { replace: true });
      return;
    }
    setError(submitError(result, FIELDS, ALIASES));
  };

  if (status === null) {
    return (
      <article className="page page--narrow">
        <h1 tabIndex={-1}>{t('setup.title')}</h1>
        <Loading label={t('setup.checking')} />
      </article>
    );
  }
  if (!status.ok) {
    return (
      <article className="page page--narrow">
        <h1 tabIndex={-1}>{t('setup.title')}</h1>
        <FailureNotice heading={t('setup.checkFailed')} failure={status.failure} />
      </article>
    );
  }
  if (!status.data.needed) {
    return (
      <article className="page page--narrow">
        <h1 tabIndex={-1}>{t('setup.title')}</h1>
        <p className="notice" data-testid="setup-done">
          <Trans i18nKey="setup.done" components={{ linked: <Link to="/sign-in" /> }} />
        </p>
      </article>
    );
  }

  const errors = error?.fields.byField ?? {};
  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>{t('setup.title')}</h1>
      <p className="lede">
        <Trans i18nKey="setup.lede" components={{ code: <code /> }} />
      </p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError error={error} />
        <Field label={t('setup.code')} name="code" autoComplete="off" spellCheck={false} required value={form.code} onChange={set('code')} error={errors.code} hint={t('setup.codeHint')} />
        <fieldset>
          <legend>{t('setup.organisation')}</legend>
          <Field label={t('setup.orgName')} name="org_name" required value={form.org_name} onChange={set('org_name')} error={errors.org_name} />
          <Field label={t('setup.orgSlug')} name="org_slug" required value={form.org_slug} onChange={set('org_slug')} error={errors.org_slug} hint={t('setup.orgSlugHint')} />
        </fieldset>
        <fieldset>
          <legend>{t('setup.administrator')}</legend>
          <Field label={t('setup.displayName')} name="display_name" autoComplete="name" required value={form.display_name} onChange={set('display_name')} error={errors.display_name} />
          <Field label={t('setup.email')} name="email" type="email" autoComplete="username" required value={form.email} onChange={set('email')} error={errors.email} />
          <Field label={t('setup.password')} name="password" type="password" autoComplete="new-password" required value={form.password} onChange={set('password')} error={errors.password} hint={t('setup.passwordHint')} />
        </fieldset>
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('setup.submitting') : t('setup.submit')}
          </button>
        </div>
      </form>
    </article>
  );
}

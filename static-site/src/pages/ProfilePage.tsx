// The signed-in person's own settings: name, password, second factor, default organisation, sign-in providers, and
// ending every session.
import { useEffect, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { fetchProviders, startLink, type SsoProvider } from '../auth/providers';
import { PreferencesForm } from '../auth/PreferencesForm';
import { SecondFactorSection } from '../auth/SecondFactorSection';
import { Field } from '../components/Field';
import { SelectField } from '../kit/SelectField';
import { FormError } from '../components/FormError';
import { submitError, type SubmitError } from '../forms';
import { navigate } from '../router';
import { useSession, type SessionView } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';

function Saved({ text }: { text: string | null }) {
  return (
    <p className="saved" role="status">
      {text ?? ''}
    </p>
  );
}

function NameForm({ session }: { session: SessionView }) {
  const { t } = useTranslation();
  const { update } = useSession();
  const [name, setName] = useState(session.person.display_name);
  const [error, setError] = useState<SubmitError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    const result = await call(api.PATCH('/api/auth/profile', { body: { display_name: name } }));
    setBusy(false);
    if (result.ok) {
      update(result.data);
      setSaved(t('profile.name.saved'));
    } else setError(submitError(result, ['display_name']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="name-heading">
      <h2 id="name-heading">{t('profile.name.heading')}</h2>
      <FormError error={error} />
      <Field label={t('profile.name.label')} name="display_name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={error?.fields.byField.display_name} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          {t('profile.name.save')}
        </button>
        <Saved text={saved} />
      </div>
    </form>
  );
}

function DefaultOrgForm({ session }: { session: SessionView }) {
  const { t } = useTranslation();
  const { update } = useSession();
  const [orgId, setOrgId] = useState(session.current_org ?? session.organisations[0]?.id ?? '');
  const [error, setError] = useState<SubmitError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (session.organisations.length === 0) {
    return (
      <section aria-labelledby="org-heading">
        <h2 id="org-heading">{t('profile.organisation.heading')}</h2>
        <p className="empty">{t('profile.organisation.none')}</p>
      </section>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    const result = await call(api.PATCH('/api/auth/profile', { body: { last_org: orgId } }));
    setBusy(false);
    if (result.ok) {
      update(result.data);
      setSaved(t('profile.organisation.saved'));
    } else setError(submitError(result, ['last_org']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="org-heading">
      <h2 id="org-heading">{t('profile.organisation.heading')}</h2>
      <FormError error={error} />
      <SelectField
        label={t('profile.organisation.label')}
        name="last_org"
        options={session.organisations.map((org) => ({ id: org.id, label: org.name }))}
        value={orgId}
        onChange={setOrgId}
        error={error?.fields.byField.last_org}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          {t('profile.organisation.save')}
        </button>
        <Saved text={saved} />
      </div>
    </form>
  );
}

function PasswordForm({ session }: { session: SessionView }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!session.person.has_password) {
    return (
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">{t('profile.password.heading')}</h2>
        <p>{t('profile.password.ssoOnly')}</p>
      </section>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    if (next !== confirm) {
      setError({ message: t('form.correctFields'), fields: { byField: { confirm: t('profile.password.mismatch') }, other: [] }, requestId: null });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/auth/password', { body: { current_password: current, new_password: next } }));
    setBusy(false);
    if (result.ok) {
      setCurrent('');
      setNext('');
      setConfirm('');
      setSaved(t('profile.password.saved'));
    } else setError(submitError(result, ['current_password', 'new_password', 'confirm']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">{t('profile.password.changeHeading')}</h2>
      <FormError error={error} />
      <Field label={t('profile.password.current')} name="current_password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={error?.fields.byField.current_password} />
      <Field label={t('profile.password.new')} name="new_password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={error?.fields.byField.new_password} hint={t('profile.password.newHint')} />
      <Field label={t('profile.password.repeat')} name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={error?.fields.byField.confirm} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          {t('profile.password.submit')}
        </button>
        <Saved text={saved} />
      </div>
    </form>
  );
}

/** Linking a provider lets it sign this account in; the server allows it within ten minutes of signing in. */
function Providers() {
  const { t } = useTranslation();
  const [providers, setProviders] = useState<SsoProvider[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchProviders(controller.signal).then(setProviders, () => {});
    return () => controller.abort();
  }, []);
  if (providers.length === 0) return null;

  const link = async (id: string) => {
    setBusy(id);
    setError(null);
    const started = await startLink(id);
    if ('url' in started) {
      window.location.assign(started.url);
      return;
    }
    setBusy(null);
    setError(started.error);
  };

  return (
    <section aria-labelledby="providers-heading">
      <h2 id="providers-heading">{t('profile.providers.heading')}</h2>
      <p>{t('profile.providers.intro')}</p>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        {providers.map((provider) => (
          <button key={provider.id} type="button" className="button button--secondary" onClick={() => void link(provider.id)} disabled={busy !== null}>
            {busy === provider.id ? t('profile.providers.opening') : t('profile.providers.link', { name: provider.name })}
          </button>
        ))}
      </div>
    </section>
  );
}

function Everywhere() {
  const { t } = useTranslation();
  const { signedOut } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/auth/sign-out-everywhere'));
    setBusy(false);
    if (result.ok) {
      signedOut();
      navigate('/sign-in', { replace: true });
    } else setError(submitError(result, []));
  };

  return (
    <section aria-labelledby="everywhere-heading">
      <h2 id="everywhere-heading">{t('profile.sessions.heading')}</h2>
      <p>{t('profile.sessions.intro')}</p>
      <FormError error={error} />
      {confirming ? (
        <div className="form__actions">
          <button type="button" className="button button--danger" onClick={() => void run()} disabled={busy}>
            {t('profile.sessions.confirm')}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
            {t('profile.cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>
          {t('profile.sessions.signOutEverywhere')}
        </button>
      )}
    </section>
  );
}

export function ProfilePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('profile.title'));
  const { state } = useSession();
  if (state.status !== 'signed-in') return null;
  const { session } = state;
  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>{t('profile.title')}</h1>
      <p className="lede">
        <Trans i18nKey="profile.signedInAs" values={{ email: session.person.email }} components={{ strong: <strong /> }} />
      </p>
      <NameForm session={session} />
      <PasswordForm session={session} />
      <SecondFactorSection session={session} />
      <DefaultOrgForm session={session} />
      <PreferencesForm session={session} />
      <Providers />
      <Everywhere />
    </article>
  );
}

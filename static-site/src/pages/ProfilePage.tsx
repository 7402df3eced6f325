// The signed-in person's own settings: name, password, second factor, default organisation, sign-in providers, and
// ending every session.
import { useEffect, useState, type FormEvent } from 'react';
import { call } from '../api/call';
import { api } from '../api/client';
import { fetchProviders, startLink, type SsoProvider } from '../auth/providers';
import { PreferencesForm } from '../auth/PreferencesForm';
import { SecondFactorSection } from '../auth/SecondFactorSection';
import { Field, SelectField } from '../components/Field';
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
      setSaved('Your name is saved.');
    } else setError(submitError(result, ['display_name']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="name-heading">
      <h2 id="name-heading">Your name</h2>
      <FormError error={error} />
      <Field label="Name" name="display_name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={error?.fields.byField.display_name} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          Save name
        </button>
        <Saved text={saved} />
      </div>
    </form>
  );
}

function DefaultOrgForm({ session }: { session: SessionView }) {
  const { update } = useSession();
  const [orgId, setOrgId] = useState(session.current_org ?? session.organisations[0]?.id ?? '');
  const [error, setError] = useState<SubmitError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (session.organisations.length === 0) {
    return (
      <section aria-labelledby="org-heading">
        <h2 id="org-heading">Default organisation</h2>
        <p className="empty">You are not a member of any organisation.</p>
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
      setSaved('Saved: this organisation opens first after you sign in.');
    } else setError(submitError(result, ['last_org']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="org-heading">
      <h2 id="org-heading">Default organisation</h2>
      <FormError error={error} />
      <SelectField label="Open first after sign-in" name="last_org" value={orgId} onChange={(e) => setOrgId(e.target.value)} error={error?.fields.byField.last_org}>
        {session.organisations.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
      </SelectField>
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          Save default
        </button>
        <Saved text={saved} />
      </div>
    </form>
  );
}

function PasswordForm({ session }: { session: SessionView }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!session.person.has_password) {
    return (
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Password</h2>
        <p>You sign in with single sign-on, so your account has no Emmaus password.</p>
      </section>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    if (next !== confirm) {
      setError({ message: 'Please correct the fields marked below.', fields: { byField: { confirm: 'does not match the new password' }, other: [] }, requestId: null });
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
      setSaved('Your password is changed.');
    } else setError(submitError(result, ['current_password', 'new_password', 'confirm']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <FormError error={error} />
      <Field label="Current password" name="current_password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={error?.fields.byField.current_password} />
      <Field label="New password" name="new_password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} error={error?.fields.byField.new_password} hint="At least 12 characters and hard to guess; a few unrelated words make a good one." />
      <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={error?.fields.byField.confirm} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy}>
          Change password
        </button>
        <Saved text={saved} />
      </div>
    </form>
  );
}

/** Linking a provider lets it sign this account in; the server allows it within ten minutes of signing in. */
function Providers() {
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
      <h2 id="providers-heading">Sign-in providers</h2>
      <p>Link a provider to sign in with it from now on. We email you whenever a way into your account is added.</p>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        {providers.map((provider) => (
          <button key={provider.id} type="button" className="button button--secondary" onClick={() => void link(provider.id)} disabled={busy !== null}>
            {busy === provider.id ? 'Opening…' : `Link ${provider.name}`}
          </button>
        ))}
      </div>
    </section>
  );
}

function Everywhere() {
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
      <h2 id="everywhere-heading">Sessions</h2>
      <p>Signed in on a device you no longer use, or lost one? End every session of your account, this one included.</p>
      <FormError error={error} />
      {confirming ? (
        <div className="form__actions">
          <button type="button" className="button button--danger" onClick={() => void run()} disabled={busy}>
            Yes, sign out everywhere
          </button>
          <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>
          Sign out everywhere
        </button>
      )}
    </section>
  );
}

export function ProfilePage() {
  useDocumentTitle('Profile');
  const { state } = useSession();
  if (state.status !== 'signed-in') return null;
  const { session } = state;
  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>Profile</h1>
      <p className="lede">
        Signed in as <strong>{session.person.email}</strong>.
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

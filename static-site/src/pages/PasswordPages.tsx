// Forgotten password: ask for a link by email, then set a new password with the token from the link's fragment.
import { useState, type FormEvent } from 'react';
import { call } from '../api/call';
import { api } from '../api/client';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { submitError, type SubmitError } from '../forms';
import { Link, useHashParams } from '../router';
import { useDocumentTitle } from '../useDocumentTitle';
import { useOutboxAvailable } from '../useOutbox';

/** The forgotten-password route: points to the dev outbox where mail is held instead of sent. */
export function ForgotPasswordRoute() {
  return <ForgotPasswordPage outbox={useOutboxAvailable()} />;
}

export function ForgotPasswordPage({ outbox = false }: { outbox?: boolean }) {
  useDocumentTitle('Forgot password');
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/auth/password/forgot', { body: { email } }));
    setBusy(false);
    if (result.ok) setSentTo(email);
    else setError(submitError(result, ['email']));
  };

  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>Forgot password</h1>
      {sentTo ? (
        <div className="notice notice--good" role="status">
          <p>
            If there is an account for <strong>{sentTo}</strong>, a link to choose a new password is on its way; it should
            arrive within a few minutes and works for an hour. Check your spam folder if it does not.
          </p>
          {outbox && (
            <p>
              This server keeps email in the <Link to="/dev/outbox">dev outbox</Link> instead of sending it.
            </p>
          )}
          <p>
            <Link to="/sign-in">Back to sign in</Link>
          </p>
        </div>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <p>Enter the email you sign in with and we will send you a link to choose a new password.</p>
          <FormError error={error} />
          <Field label="Email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={error?.fields.byField.email} />
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Sending…' : 'Send the link'}
            </button>
            <Link to="/sign-in">Back to sign in</Link>
          </div>
        </form>
      )}
    </article>
  );
}

export function ResetPasswordPage() {
  useDocumentTitle('Choose a new password');
  const token = useHashParams().get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const [deadLink, setDeadLink] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setError({ message: 'Please correct the fields marked below.', fields: { byField: { confirm: 'does not match the password' }, other: [] }, requestId: null });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/auth/password/reset', { body: { token, password } }));
    setBusy(false);
    if (result.ok) setDone(true);
    else if (result.status === 401) setDeadLink(true);
    else setError(submitError(result, ['password', 'confirm']));
  };

  let content;
  if (!token || deadLink) {
    content = (
      <div className="notice" data-testid="reset-link-dead">
        <p>This link is not valid any more: reset links work once, for an hour.</p>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </div>
    );
  } else if (done) {
    content = (
      <div className="notice notice--good" role="status">
        <p>Your new password is set, and every session of your account has ended.</p>
        <p>
          <Link to="/sign-in">Sign in with it</Link>
        </p>
      </div>
    );
  } else {
    content = (
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError error={error} />
        <Field label="New password" name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={error?.fields.byField.password} hint="At least 12 characters and hard to guess; a few unrelated words make a good one." />
        <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={error?.fields.byField.confirm} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Saving…' : 'Set the new password'}
          </button>
        </div>
      </form>
    );
  }

  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>Choose a new password</h1>
      {content}
    </article>
  );
}

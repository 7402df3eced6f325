// Forgotten password: ask for a link by email, then set a new password with the token from the link's fragment.
import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
  useDocumentTitle(t('password.forgot.title'));
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
      <h1 tabIndex={-1}>{t('password.forgot.title')}</h1>
      {sentTo ? (
        <div className="notice notice--good" role="status">
          <p>
            <Trans i18nKey="password.forgot.sent" values={{ email: sentTo }} components={{ strong: <strong /> }} />
          </p>
          {outbox && (
            <p>
              <Trans i18nKey="password.forgot.outbox" components={{ linked: <Link to="/dev/outbox" /> }} />
            </p>
          )}
          <p>
            <Link to="/sign-in">{t('password.forgot.backToSignIn')}</Link>
          </p>
        </div>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <p>{t('password.forgot.intro')}</p>
          <FormError error={error} />
          <Field label={t('password.forgot.email')} name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={error?.fields.byField.email} />
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('password.forgot.submitting') : t('password.forgot.submit')}
            </button>
            <Link to="/sign-in">{t('password.forgot.backToSignIn')}</Link>
          </div>
        </form>
      )}
    </article>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('password.reset.title'));
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
      setError({ message: t('form.correctFields'), fields: { byField: { confirm: t('password.reset.mismatch') }, other: [] }, requestId: null });
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
        <p>{t('password.reset.deadLink')}</p>
        <p>
          <Link to="/forgot-password">{t('password.reset.askAgain')}</Link>
        </p>
      </div>
    );
  } else if (done) {
    content = (
      <div className="notice notice--good" role="status">
        <p>{t('password.reset.done')}</p>
        <p>
          <Link to="/sign-in">{t('password.reset.signIn')}</Link>
        </p>
      </div>
    );
  } else {
    content = (
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError error={error} />
        <Field label={t('password.reset.password')} name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={error?.fields.byField.password} hint={t('password.reset.passwordHint')} />
        <Field label={t('password.reset.confirm')} name="confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={error?.fields.byField.confirm} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('password.reset.submitting') : t('password.reset.submit')}
          </button>
        </div>
      </form>
    );
  }

  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>{t('password.reset.title')}</h1>
      {content}
    </article>
  );
}

// Sign-in: email and password, SSO buttons, the second step for an account with a second factor, and the way to
// setup or a forgotten password.
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { fetchProviders, ssoErrorMessage, ssoStartUrl, type SsoProvider } from '../auth/providers';
import { SecondStepForm } from '../auth/SecondStepForm';
import { useSetupStatus } from '../auth/useSetupStatus';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { submitError, tooManyAttempts, type SubmitError } from '../forms';
import { Link, navigate, safeReturnTo } from '../router';
import { useSession, type SessionView } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';

const FIELDS = ['email', 'password'];

const route = getRouteApi('/sign-in');

export function SignInPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('signIn.title'));
  const search = route.useSearch();
  const returnTo = safeReturnTo(search.return_to);
  const ssoError = ssoErrorMessage(search.error ?? null);
  const { state, signedIn } = useSession();
  const setup = useSetupStatus();
  const [providers, setProviders] = useState<SsoProvider[]>([]);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);
  // A provider's sign-in that needs a code comes back here with `step=second-factor`, its challenge in a cookie.
  const [secondStep, setSecondStep] = useState<{ challenge: string | undefined } | null>(
    search.step === 'second-factor' ? { challenge: undefined } : null,
  );
  const [restartNotice, setRestartNotice] = useState('');

  const finish = (session: SessionView) => {
    signedIn(session);
    navigate(returnTo, { replace: true });
  };

  const restart = (message: string) => {
    setSecondStep(null);
    setRestartNotice(message);
    if (search.step !== undefined) {
      navigate(returnTo === '/' ? '/sign-in' : `/sign-in?return_to=${encodeURIComponent(returnTo)}`, { replace: true });
    }
  };

  useEffect(() => {
    const controller = new AbortController();
    fetchProviders(controller.signal).then(setProviders, () => {});
    return () => controller.abort();
  }, []);

  // After a 429 the button stays disabled for as long as the server asked.
  useEffect(() => {
    if (blockedUntil === null) return;
    const timer = setTimeout(() => setBlockedUntil(null), Math.max(0, blockedUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [blockedUntil]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setRestartNotice('');
    const result = await call(api.POST('/api/auth/sign-in', { body: { email, password } }));
    setBusy(false);
    if (result.ok) {
      const answer = result.data;
      if ('challenge' in answer) {
        setPassword('');
        setSecondStep({ challenge: answer.challenge });
      } else finish(answer);
      return;
    }
    if (result.status === 429) {
      const wait = result.retryAfter;
      if (wait !== null) setBlockedUntil(Date.now() + wait * 1000);
      setError(tooManyAttempts(result, FIELDS, 'signIn'));
      return;
    }
    setError(submitError(result, FIELDS));
  };

  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      {setup?.ok && setup.data.needed && (
        <p className="notice" data-testid="setup-needed">
          <Trans i18nKey="signIn.setupNeeded" components={{ linked: <Link to="/setup" /> }} />
        </p>
      )}
      {state.status === 'signed-in' && (
        <p className="notice">
          <Trans
            i18nKey="signIn.alreadySignedIn"
            values={{ name: state.session.person.display_name }}
            components={{ linked: <Link to="/" /> }}
          />
        </p>
      )}
      {restartNotice !== '' && (
        <p className="notice" role="status">
          {restartNotice}
        </p>
      )}
      {ssoError && (
        <p className="form-error" role="alert">
          {ssoError}
        </p>
      )}

      {secondStep !== null ? (
        <SecondStepForm challenge={secondStep.challenge} onSignedIn={finish} onRestart={restart} />
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <FormError error={error} />
          <Field
            label={t('signIn.email')}
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={error?.fields.byField.email}
          />
          <Field
            label={t('signIn.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={error?.fields.byField.password}
          />
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy || blockedUntil !== null}>
              {busy ? t('signIn.submitting') : t('signIn.submit')}
            </button>
            <Link to="/forgot-password">{t('signIn.forgot')}</Link>
          </div>
        </form>
      )}

      {secondStep === null && providers.length > 0 && (
        <section aria-labelledby="sso-heading" className="sso">
          <h2 id="sso-heading">{t('signIn.orWith')}</h2>
          <ul className="sso__list">
            {providers.map((provider) => (
              <li key={provider.id}>
                <a className="button button--secondary" href={ssoStartUrl(provider.id, returnTo)}>
                  {provider.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

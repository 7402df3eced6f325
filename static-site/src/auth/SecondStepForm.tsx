// The second step of a sign-in: a code from the authenticator app, or one of the recovery codes.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api/call';
import { api } from '../api/client';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { submitError, tooManyAttempts, type SubmitError } from '../forms';
import type { SessionView } from '../session';

export interface SecondStepProps {
  /** The challenge a password sign-in answered; absent after a provider's sign-in, which keeps it in a cookie. */
  readonly challenge: string | undefined;
  readonly onSignedIn: (session: SessionView) => void;
  /** The sign-in expired or was used up: start again from the first step, with this message. */
  readonly onRestart: (message: string) => void;
}

export function SecondStepForm({ challenge, onSignedIn, onRestart }: SecondStepProps) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);

  useEffect(() => {
    if (blockedUntil === null) return;
    const timer = setTimeout(() => setBlockedUntil(null), Math.max(0, blockedUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [blockedUntil]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '') {
      setError({ message: t('form.correctFields'), fields: { byField: { code: t('signIn.secondStep.required') }, other: [] }, requestId: null });
      return;
    }
    setBusy(true);
    setError(null);
    const body = challenge === undefined ? { code: code.trim() } : { challenge, code: code.trim() };
    const result = await call(api.POST('/api/auth/sign-in/second-factor', { body }));
    setBusy(false);
    if (result.ok) {
      onSignedIn(result.data);
      return;
    }
    if (result.status === 401) {
      onRestart(t('signIn.secondStep.expired'));
      return;
    }
    if (result.status === 429) {
      const wait = result.retryAfter;
      if (wait !== null) setBlockedUntil(Date.now() + wait * 1000);
      setError(tooManyAttempts(result, ['code'], 'codes'));
      return;
    }
    setCode('');
    setError(submitError(result, ['code']));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="second-step-heading">
      <h2 id="second-step-heading">{t('signIn.secondStep.heading')}</h2>
      <p>{t('signIn.secondStep.intro')}</p>
      <FormError error={error} />
      <Field
        label={t('signIn.secondStep.code')}
        name="code"
        autoComplete="one-time-code"
        autoFocus
        spellCheck={false}
        maxLength={64}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={error?.fields.byField.code}
        hint={t('signIn.secondStep.codeHint')}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy || blockedUntil !== null}>
          {busy ? t('signIn.secondStep.submitting') : t('signIn.secondStep.submit')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => onRestart('')}>
          {t('signIn.secondStep.restart')}
        </button>
      </div>
    </form>
  );
}

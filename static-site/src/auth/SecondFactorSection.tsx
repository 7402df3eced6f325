// The profile's second factor: setting up an authenticator app (QR code, then a code to prove it), the recovery codes
// shown once, renewing them, and turning the second factor off.
import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { submitError, tooManyAttempts, type SubmitError } from '../forms';
import { navigate } from '../router';
import { useSession, type SessionView } from '../session';
import { QrCode } from './QrCode';

type Failed = Extract<CallResult<unknown>, { ok: false }>;

/** A 429 reads as how long to wait; anything else as the form's usual error. */
function codeError(result: Failed): SubmitError {
  return result.status === 429 ? tooManyAttempts(result, ['code'], 'codes') : submitError(result, ['code']);
}

/** The secret in groups of four, as people copy it into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function RecoveryCodes({ codes, onDone }: { codes: readonly string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<string | null>(null);
  const text = `${t('profile.secondFactor.codes.fileTitle')}\n\n${codes.join('\n')}\n`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(t('profile.secondFactor.codes.copied'));
    } catch {
      setCopied(t('profile.secondFactor.codes.noClipboard'));
    }
  };
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <div className="notice notice--good" data-testid="recovery-codes">
      <h3>{t('profile.secondFactor.codes.heading')}</h3>
      <p>
        <Trans i18nKey="profile.secondFactor.codes.keep" components={{ strong: <strong /> }} />
      </p>
      <ul className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="form__actions">
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          {t('profile.secondFactor.codes.copy')}
        </button>
        <a className="button button--secondary" href={download} download={t('profile.secondFactor.codes.fileName')}>
          {t('profile.secondFactor.codes.download')}
        </a>
        <button type="button" className="button" onClick={onDone}>
          {t('profile.secondFactor.codes.done')}
        </button>
      </div>
      <p className="saved" role="status">
        {copied ?? ''}
      </p>
    </div>
  );
}

/** Setting up: the QR code and the secret, then the app's current code. */
function Enrol({ setup, onConfirmed, onCancel }: { setup: { secret: string; otpauth_uri: string }; onConfirmed: (codes: string[]) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await call(api.POST('/api/auth/second-factor/setup/confirm', { body: { code: code.trim() } }));
    setBusy(false);
    if (result.ok) onConfirmed(result.data.recovery_codes);
    else setError(codeError(result));
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={t('profile.secondFactor.enrol.label')}>
      <ol className="steps">
        <li>{t('profile.secondFactor.enrol.openApp')}</li>
        <li>
          {t('profile.secondFactor.enrol.scan')}
          <QrCode text={setup.otpauth_uri} label={t('profile.secondFactor.enrol.qrCode')} />
          {t('profile.secondFactor.enrol.typeKey')} <code data-testid="second-factor-secret">{groupSecret(setup.secret)}</code>
        </li>
        <li>{t('profile.secondFactor.enrol.enterCode')}</li>
      </ol>
      <FormError error={error} />
      <Field label={t('profile.secondFactor.enrol.code')} name="code" autoComplete="one-time-code" inputMode="numeric" spellCheck={false} maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} error={error?.fields.byField.code} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy || code.trim() === ''}>
          {busy ? t('profile.secondFactor.enrol.checking') : t('profile.secondFactor.enrol.submit')}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          {t('profile.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A form that takes a current code (or an unused recovery code) to do one thing. */
function WithCode({ label, action, danger, onSubmit }: { label: string; action: string; danger?: boolean; onSubmit: (code: string) => Promise<Failed | null> }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const failed = await onSubmit(code.trim());
    setBusy(false);
    if (failed) setError(codeError(failed));
    else setCode('');
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={action}>
      <FormError error={error} />
      <Field label={label} name="code" autoComplete="one-time-code" spellCheck={false} maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} error={error?.fields.byField.code} hint={t('profile.secondFactor.codeHint')} />
      <div className="form__actions">
        <button type="submit" className={danger ? 'button button--danger' : 'button'} disabled={busy || code.trim() === ''}>
          {action}
        </button>
      </div>
    </form>
  );
}

type Mode = { kind: 'idle' } | { kind: 'enrolling'; setup: { secret: string; otpauth_uri: string } } | { kind: 'codes'; codes: string[] };

export function SecondFactorSection({ session }: { session: SessionView }) {
  const { t } = useTranslation();
  const { reload, signOut } = useSession();
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [error, setError] = useState<SubmitError | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const status = session.second_factor;

  const begin = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    const result = await call(api.POST('/api/auth/second-factor/setup'));
    setBusy(false);
    if (result.ok) setMode({ kind: 'enrolling', setup: result.data });
    else {
      // 401 here means the sign-in is older than ten minutes: setting up needs a fresh one.
      setStale(result.status === 401);
      setError(submitError(result, []));
    }
  };

  const signInAgain = async () => {
    await signOut();
    navigate('/sign-in?return_to=%2Fprofile', { replace: true });
  };

  const renew = async (code: string) => {
    const result = await call(api.POST('/api/auth/second-factor/recovery-codes', { body: { code } }));
    if (!result.ok) return result;
    setMode({ kind: 'codes', codes: result.data.recovery_codes });
    return null;
  };

  const disable = async (code: string) => {
    const result = await call(api.POST('/api/auth/second-factor/disable', { body: { code } }));
    if (!result.ok) return result;
    setSaved(t('profile.secondFactor.turnedOff'));
    reload();
    return null;
  };

  const required = status.required_by.length > 0;
  return (
    <section aria-labelledby="second-factor-heading">
      <h2 id="second-factor-heading">{t('profile.secondFactor.heading')}</h2>
      {mode.kind === 'codes' ? (
        <RecoveryCodes
          codes={mode.codes}
          onDone={() => {
            setMode({ kind: 'idle' });
            reload();
          }}
        />
      ) : status.enabled ? (
        <>
          <p data-testid="second-factor-status">
            <Trans i18nKey="profile.secondFactor.status" count={status.recovery_codes_left} components={{ badge: <span className="badge badge--good" /> }} />
          </p>
          {status.recovery_codes_left <= 3 && <p className="notice">{t('profile.secondFactor.runningOut')}</p>}
          <h3>{t('profile.secondFactor.renewHeading')}</h3>
          <p>{t('profile.secondFactor.renewIntro')}</p>
          <WithCode label={t('profile.secondFactor.code')} action={t('profile.secondFactor.renew')} onSubmit={renew} />
          <h3>{t('profile.secondFactor.offHeading')}</h3>
          {required ? (
            <p>{t('profile.secondFactor.staysOn', { orgs: status.required_by.join(', ') })}</p>
          ) : (
            <WithCode label={t('profile.secondFactor.code')} action={t('profile.secondFactor.turnOff')} danger onSubmit={disable} />
          )}
        </>
      ) : mode.kind === 'enrolling' ? (
        <Enrol
          setup={mode.setup}
          onConfirmed={(codes) => setMode({ kind: 'codes', codes })}
          onCancel={() => setMode({ kind: 'idle' })}
        />
      ) : (
        <>
          {required && (
            <p className="notice" data-testid="second-factor-required">
              {t('profile.secondFactor.required', { orgs: status.required_by.join(', ') })}
            </p>
          )}
          <p>{t('profile.secondFactor.intro')}</p>
          <FormError error={error} />
          <div className="form__actions">
            {stale ? (
              <button type="button" className="button" onClick={() => void signInAgain()}>
                {t('profile.secondFactor.signInAgain')}
              </button>
            ) : (
              <button type="button" className="button" onClick={() => void begin()} disabled={busy}>
                {busy ? t('profile.secondFactor.starting') : t('profile.secondFactor.setUp')}
              </button>
            )}
          </div>
        </>
      )}
      <p className="saved" role="status">
        {saved ?? ''}
      </p>
    </section>
  );
}

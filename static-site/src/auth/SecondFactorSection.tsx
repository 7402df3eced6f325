// The profile's second factor: setting up an authenticator app (QR code, then a code to prove it), the recovery codes
// shown once, renewing them, and turning the second factor off.
import { useState, type FormEvent } from 'react';
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
  const [copied, setCopied] = useState<string | null>(null);
  const text = `Emmaus recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The clipboard is not available here: select the codes and copy them by hand.');
    }
  };
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <div className="notice notice--good" data-testid="recovery-codes">
      <h3>Your recovery codes</h3>
      <p>
        Keep these somewhere safe, apart from your phone. Each one signs you in once in place of a code from the app. <strong>They are shown only now.</strong>
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
          Copy codes
        </button>
        <a className="button button--secondary" href={download} download="emmaus-recovery-codes.txt">
          Download as text
        </a>
        <button type="button" className="button" onClick={onDone}>
          I have saved them
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
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Set up an authenticator app">
      <ol className="steps">
        <li>Open an authenticator app on your phone (for example Aegis, Google Authenticator, Microsoft Authenticator or 1Password) and add an account.</li>
        <li>
          Scan this code:
          <QrCode text={setup.otpauth_uri} label="QR code to scan with your authenticator app" />
          Or type this key: <code data-testid="second-factor-secret">{groupSecret(setup.secret)}</code>
        </li>
        <li>Enter the six-digit code the app now shows.</li>
      </ol>
      <FormError error={error} />
      <Field label="Code from the app" name="code" autoComplete="one-time-code" inputMode="numeric" spellCheck={false} maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} error={error?.fields.byField.code} />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy || code.trim() === ''}>
          {busy ? 'Checking…' : 'Turn on'}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A form that takes a current code (or an unused recovery code) to do one thing. */
function WithCode({ label, action, danger, onSubmit }: { label: string; action: string; danger?: boolean; onSubmit: (code: string) => Promise<Failed | null> }) {
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
      <Field label={label} name="code" autoComplete="one-time-code" spellCheck={false} maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} error={error?.fields.byField.code} hint="A code from your app, or an unused recovery code." />
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
    setSaved('The second factor is off: signing in asks for your password only.');
    reload();
    return null;
  };

  const required = status.required_by.length > 0;
  return (
    <section aria-labelledby="second-factor-heading">
      <h2 id="second-factor-heading">Second factor</h2>
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
            <span className="badge badge--good">On</span> Signing in asks for a code from your authenticator app. You have{' '}
            {status.recovery_codes_left} unused recovery code{status.recovery_codes_left === 1 ? '' : 's'}.
          </p>
          {status.recovery_codes_left <= 3 && <p className="notice">You are running out of recovery codes: make new ones below.</p>}
          <h3>New recovery codes</h3>
          <p>Replaces every recovery code; the old ones stop working.</p>
          <WithCode label="Code" action="Make new recovery codes" onSubmit={renew} />
          <h3>Turn off</h3>
          {required ? (
            <p>{status.required_by.join(', ')} requires its admins to use a second factor, so it stays on while you are an admin there.</p>
          ) : (
            <WithCode label="Code" action="Turn off the second factor" danger onSubmit={disable} />
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
              {status.required_by.join(', ')} requires its admins to sign in with a second factor. Until you set one up, you cannot act as an admin there.
            </p>
          )}
          <p>Add a second step to signing in: a six-digit code from an app on your phone, so a stolen password alone cannot open your account. Setting it up signs you out everywhere else.</p>
          <FormError error={error} />
          <div className="form__actions">
            {stale ? (
              <button type="button" className="button" onClick={() => void signInAgain()}>
                Sign in again
              </button>
            ) : (
              <button type="button" className="button" onClick={() => void begin()} disabled={busy}>
                {busy ? 'Starting…' : 'Set up an authenticator app'}
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

// Accepting an invitation: the token comes in the link's fragment (#token=…), never in a URL the server logs.
import { useEffect, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call, failureMessage, type CallResult } from '../api/call';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { Field } from '../components/Field';
import { FailureNotice } from '../components/FailureNotice';
import { FormError } from '../components/FormError';
import { Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { Link, navigate, useHashParams } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';

type Preview = components['schemas']['InvitationPreview'];

const FIELDS = ['display_name', 'password', 'confirm'];

/** How an invitation can have ended, each explained under `invitation.ended.<state>`. */
const ENDED = ['accepted', 'revoked', 'expired'] as const;
type Ended = (typeof ENDED)[number] | 'unknown';

function isEnded(state: string): state is (typeof ENDED)[number] {
  return (ENDED as readonly string[]).includes(state);
}

function EndedInvitation({ state }: { state: Ended }) {
  const { t } = useTranslation();
  return (
    <section className="notice" data-testid="invitation-ended" aria-labelledby="ended-heading">
      <h2 id="ended-heading">{t(`invitation.ended.${state}.title`)}</h2>
      <p>{t(`invitation.ended.${state}.text`)}</p>
      <p>
        <Link to="/sign-in">{t('invitation.toSignIn')}</Link>
      </p>
    </section>
  );
}

export function InvitationPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('invitation.title'));
  const token = useHashParams().get('token') ?? '';
  const { state, signedIn } = useSession();
  const [preview, setPreview] = useState<CallResult<Preview> | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const [usedUp, setUsedUp] = useState(false);

  useEffect(() => {
    if (!token) return;
    let live = true;
    setPreview(null);
    void call(api.POST('/api/auth/invitations/preview', { body: { token } })).then((result) => {
      if (live) setPreview(result);
    });
    return () => {
      live = false;
    };
  }, [token]);

  const content = () => {
    if (!token) return <EndedInvitation state="unknown" />;
    if (preview === null) return <Loading label={t('invitation.opening')} />;
    if (!preview.ok) {
      if (preview.status === 401 || preview.status === 404) return <EndedInvitation state="unknown" />;
      return <FailureNotice heading={t('invitation.openFailed')} failure={preview.failure} />;
    }
    const invitation = preview.data;
    if (usedUp) return <EndedInvitation state="accepted" />;
    if (isEnded(invitation.state)) return <EndedInvitation state={invitation.state} />;

    const session = state.status === 'signed-in' ? state.session : null;
    // Signed in as the invited address: joining needs no password, the session is the proof.
    const asInvited = session !== null && session.person.email === invitation.email;
    const submit = async (event: FormEvent) => {
      event.preventDefault();
      if (!asInvited && password !== confirm) {
        setError({ message: t('form.correctFields'), fields: { byField: { confirm: t('invitation.mismatch') }, other: [] }, requestId: null });
        return;
      }
      setBusy(true);
      setError(null);
      const body = asInvited ? { token } : { token, password, display_name: name };
      const result = await call(api.POST('/api/auth/invitations/accept', { body }));
      setBusy(false);
      if (result.ok) {
        // Open the organisation just joined, not the last one this account used.
        const joined = result.data.organisations.find((org) => org.name === invitation.organisation);
        signedIn(result.data, joined?.id);
        navigate('/', { replace: true });
        return;
      }
      if (result.status === 409) {
        setUsedUp(true);
        return;
      }
      const problem = submitError(result, FIELDS);
      // A 401 here is an address that has an account (sign in as it first), or a link that died since the preview.
      setError(result.status === 401 ? { ...problem, message: failureMessage(result.failure) } : problem);
    };
    const back = `/invitation#token=${encodeURIComponent(token)}`;

    return (
      <>
        <dl className="facts" data-testid="invitation-preview">
          <div>
            <dt>{t('invitation.organisation')}</dt>
            <dd>{invitation.organisation}</dd>
          </div>
          <div>
            <dt>{t('invitation.role')}</dt>
            <dd>{t(`invitation.roles.${invitation.role}`, { defaultValue: invitation.role })}</dd>
          </div>
          <div>
            <dt>{t('invitation.email')}</dt>
            <dd>{invitation.email}</dd>
          </div>
          <div>
            <dt>{t('invitation.state')}</dt>
            <dd>{t(`invitation.states.${invitation.state}`, { defaultValue: invitation.state })}</dd>
          </div>
        </dl>
        {session !== null && !asInvited && (
          <p className="notice">
            {t('invitation.otherAccount', { current: session.person.email, invited: invitation.email })}
          </p>
        )}
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <FormError error={error} />
          {asInvited ? (
            <p>{t('invitation.asInvited', { email: invitation.email, organisation: invitation.organisation })}</p>
          ) : (
            <>
              <p data-testid="invitation-existing">
                <Trans
                  i18nKey="invitation.existing"
                  values={{ email: invitation.email }}
                  components={{ linked: <Link to={`/sign-in?return_to=${encodeURIComponent(back)}`} /> }}
                />
              </p>
              <Field label={t('invitation.displayName')} name="display_name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} error={error?.fields.byField.display_name} />
              <Field label={t('invitation.password')} name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={error?.fields.byField.password} hint={t('invitation.passwordHint')} />
              <Field label={t('invitation.confirm')} name="confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={error?.fields.byField.confirm} />
            </>
          )}
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('invitation.submitting') : t('invitation.submit', { organisation: invitation.organisation })}
            </button>
          </div>
        </form>
      </>
    );
  };

  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>{t('invitation.heading')}</h1>
      {content()}
    </article>
  );
}

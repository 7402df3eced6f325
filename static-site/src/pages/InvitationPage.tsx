// Accepting an invitation: the token comes in the link's fragment (#token=…), never in a URL the server logs.
import { useEffect, useState, type FormEvent } from 'react';
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

const ENDED: Readonly<Record<string, { title: string; text: string }>> = {
  accepted: {
    title: 'This invitation has been used',
    text: 'The invitation was already accepted. If that was you, sign in with your email and password.',
  },
  revoked: {
    title: 'This invitation was withdrawn',
    text: 'The person who invited you withdrew this invitation. Ask them for a new one if you still need to join.',
  },
  expired: {
    title: 'This invitation has expired',
    text: 'Invitation links work for seven days. Ask the person who invited you to send a new one.',
  },
};

function EndedInvitation({ state }: { state: { title: string; text: string } }) {
  return (
    <section className="notice" data-testid="invitation-ended" aria-labelledby="ended-heading">
      <h2 id="ended-heading">{state.title}</h2>
      <p>{state.text}</p>
      <p>
        <Link to="/sign-in">Go to sign in</Link>
      </p>
    </section>
  );
}

const UNKNOWN = {
  title: 'This invitation link is not valid',
  text: 'The link may be incomplete (check that you copied all of it) or no longer exist. Ask the person who invited you to send it again.',
};

export function InvitationPage() {
  useDocumentTitle('Invitation');
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
    if (!token) return <EndedInvitation state={UNKNOWN} />;
    if (preview === null) return <Loading label="Opening your invitation…" />;
    if (!preview.ok) {
      if (preview.status === 401 || preview.status === 404) return <EndedInvitation state={UNKNOWN} />;
      return <FailureNotice heading="Could not open the invitation" failure={preview.failure} />;
    }
    const invitation = preview.data;
    if (usedUp) return <EndedInvitation state={ENDED.accepted!} />;
    const ended = ENDED[invitation.state];
    if (ended) return <EndedInvitation state={ended} />;

    const session = state.status === 'signed-in' ? state.session : null;
    // Signed in as the invited address: joining needs no password, the session is the proof.
    const asInvited = session !== null && session.person.email === invitation.email;
    const submit = async (event: FormEvent) => {
      event.preventDefault();
      if (!asInvited && password !== confirm) {
        setError({ message: 'Please correct the fields marked below.', fields: { byField: { confirm: 'does not match the password' }, other: [] }, requestId: null });
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
            <dt>Organisation</dt>
            <dd>{invitation.organisation}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{invitation.role}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{invitation.email}</dd>
          </div>
          <div>
            <dt>State</dt>
            <dd>{invitation.state}</dd>
          </div>
        </dl>
        {session !== null && !asInvited && (
          <p className="notice">
            You are signed in as {session.person.email}. This invitation is for {invitation.email}: creating that account
            below signs you in as it instead.
          </p>
        )}
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <FormError error={error} />
          {asInvited ? (
            <p>You are signed in as {invitation.email}. Join {invitation.organisation} with this account.</p>
          ) : (
            <>
              <p data-testid="invitation-existing">
                Already have an Emmaus account as {invitation.email}?{' '}
                <Link to={`/sign-in?return_to=${encodeURIComponent(back)}`}>Sign in first</Link>, then join with it here.
                Otherwise create your account:
              </p>
              <Field label="Your name" name="display_name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} error={error?.fields.byField.display_name} />
              <Field label="Choose a password" name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={error?.fields.byField.password} hint="At least 12 characters and hard to guess; a few unrelated words make a good one." />
              <Field label="Repeat the password" name="confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={error?.fields.byField.confirm} />
            </>
          )}
          <div className="form__actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Joining…' : `Join ${invitation.organisation}`}
            </button>
          </div>
        </form>
      </>
    );
  };

  return (
    <article className="page page--narrow">
      <h1 tabIndex={-1}>Your invitation</h1>
      {content()}
    </article>
  );
}

// A session's private links, in the composer: each one an address that shows the session read-only to people who are
// not its audience (a visiting speaker, a group without accounts), made for 1 to 90 days, for members only or for
// anyone holding it, shown once when made (only its digest is kept) and revocable at once. Blocks whose hub resource
// those following without sign-in cannot see are counted when the link is made.
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { failureMessage } from '../api/call';
import { ApiError } from '../api/query';
import { CopyButton } from '../components/CopyButton';
import { Field } from '../components/Field';
import { Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { confirm } from '../kit/toasts';
import { formatDateTime } from '../time';
import { LINK_DAYS, LINK_LIMITS, createLink, linkKeys, revokeLink, useSessionLinks, type MadeLink } from './links';

export function LinksPanel({ orgId, sessionId }: { orgId: string; sessionId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const links = useSessionLinks(orgId, sessionId);
  const [label, setLabel] = useState('');
  const [days, setDays] = useState(14);
  const [anyone, setAnyone] = useState(false);
  const [made, setMade] = useState<MadeLink | null>(null);
  const [error, setError] = useState<SubmitError | null>(null);
  const [busy, setBusy] = useState(false);
  const [revokeProblem, setRevokeProblem] = useState<string | null>(null);
  const full = (links.data?.links.length ?? 0) >= LINK_LIMITS.links;

  const make = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await createLink(orgId, sessionId, { label: label.trim(), days, sign_in: !anyone });
    setBusy(false);
    if (!result.ok) {
      setError(submitError(result, ['label', 'days', 'sign_in']));
      return;
    }
    setMade(result.data);
    setLabel('');
    await client.invalidateQueries({ queryKey: linkKeys.list(orgId, sessionId) });
  };

  const revoke = async (linkId: string, name: string) => {
    setRevokeProblem(null);
    const result = await revokeLink(orgId, sessionId, linkId);
    if (!result.ok && result.status !== 404) {
      setRevokeProblem(failureMessage(result.failure));
      return;
    }
    if (made?.link.id === linkId) setMade(null);
    confirm({ key: 'sessions.links.revoked', values: { name } });
    await client.invalidateQueries({ queryKey: linkKeys.list(orgId, sessionId) });
  };

  return (
    <section className="composer__links" aria-labelledby={`${id}-links`}>
      <h2 id={`${id}-links`}>{t('sessions.links.heading')}</h2>
      <p className="muted">{t('sessions.links.lede')}</p>
      {made && (
        <div className="field notice" role="status">
          <label htmlFor={`${id}-address`}>{t('sessions.links.address')}</label>
          <span className="field__hint" id={`${id}-address-hint`}>
            {t('sessions.links.once')}
          </span>
          <input id={`${id}-address`} readOnly value={made.url} aria-describedby={`${id}-address-hint`} onFocus={(e) => e.target.select()} />
          <p className="button-row">
            <CopyButton text={made.url} label={t('sessions.links.copy')} />
          </p>
          {made.hidden_from_readers.length > 0 && <p className="notice notice--warning">{t('sessions.links.hidden', { count: made.hidden_from_readers.length })}</p>}
        </div>
      )}
      <form className="composer__link-form" onSubmit={(e) => void make(e)} noValidate>
        {error && (
          <p className="field__error" role="alert">
            {error.message}
          </p>
        )}
        <Field label={t('sessions.links.label')} hint={t('sessions.links.labelHint')} value={label} maxLength={LINK_LIMITS.label} onChange={(e) => setLabel(e.target.value)} error={error?.fields.byField.label} />
        <div className="field">
          <label htmlFor={`${id}-days`}>{t('sessions.links.days')}</label>
          <select id={`${id}-days`} value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {LINK_DAYS.map((n) => (
              <option key={n} value={n}>
                {t('sessions.links.daysOption', { count: n })}
              </option>
            ))}
          </select>
          {error?.fields.byField.days && <p className="field__error">{error.fields.byField.days}</p>}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={anyone} onChange={(e) => setAnyone(e.target.checked)} aria-describedby={`${id}-anyone-hint`} /> {t('sessions.links.anyone')}
        </label>
        <p className="field__hint" id={`${id}-anyone-hint`}>
          {t(anyone ? 'sessions.links.anyoneHint' : 'sessions.links.membersHint')}
        </p>
        <p className="button-row">
          <button type="submit" className="button button--secondary" disabled={busy || full}>
            {t('sessions.links.make')}
          </button>
          {full && <span className="muted">{t('sessions.links.full', { max: LINK_LIMITS.links })}</span>}
        </p>
      </form>
      {revokeProblem && (
        <p className="field__error" role="alert">
          {revokeProblem}
        </p>
      )}
      {links.error instanceof ApiError ? (
        <p className="field__error">{links.error.message}</p>
      ) : !links.data ? (
        <Loading label={t('sessions.links.loading')} lines={2} />
      ) : links.data.links.length === 0 ? (
        <p className="empty">{t('sessions.links.empty')}</p>
      ) : (
        <ul className="composer__link-list" aria-label={t('sessions.links.listLabel')}>
          {links.data.links.map((link) => {
            const name = link.label || t('sessions.links.unnamed');
            return (
              <li key={link.id}>
                <span dir="auto">{name}</span>
                <span className="muted">
                  {' '}
                  · {t(link.sign_in ? 'sessions.links.membersOnly' : 'sessions.links.anyoneShort')} ·{' '}
                  {t('sessions.links.until', { when: formatDateTime(Date.parse(link.expires_at)) })}
                </span>{' '}
                <button type="button" className="button button--small button--secondary" onClick={() => void revoke(link.id, name)} aria-label={t('sessions.links.revokeNamed', { name })}>
                  {t('sessions.links.revoke')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

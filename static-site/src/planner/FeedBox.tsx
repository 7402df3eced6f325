// One's private calendar feed: an address Google, Outlook or Apple calendars subscribe to, made here and shown once
// (only its digest is kept), renewed when it may have leaked (the old one stops working) or revoked.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import { data } from '../api/query';
import { CopyButton } from '../components/CopyButton';
import { formatDateTime } from '../time';

export function FeedBox({ orgId, personId }: { orgId: string; personId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const key = ['planner', orgId, 'feed', personId] as const;
  const status = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => data(api.GET('/api/planner/{org}/people/{person}/feed', { params: { path: { org: orgId, person: personId } }, signal })),
  });
  const [address, setAddress] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const path = { org: orgId, person: personId };

  const renew = async () => {
    setProblem(null);
    const result = await call(api.POST('/api/planner/{org}/people/{person}/feed', { params: { path } }));
    if (result.ok) setAddress(result.data.url);
    else setProblem(failureMessage(result.failure));
    await client.invalidateQueries({ queryKey: key });
  };
  const revoke = async () => {
    setProblem(null);
    const result = await call(api.DELETE('/api/planner/{org}/people/{person}/feed', { params: { path } }));
    if (result.ok) setAddress(null);
    else setProblem(failureMessage(result.failure));
    await client.invalidateQueries({ queryKey: key });
  };

  const active = status.data?.active ?? false;
  return (
    <section className="planner__feed" aria-labelledby="feed-heading">
      <h3 id="feed-heading">{t('planner.feed.title')}</h3>
      <p className="muted">{t('planner.feed.summary')}</p>
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {address && (
        <div className="field">
          <label htmlFor="feed-address">{t('planner.feed.address')}</label>
          <span className="field__hint" id="feed-address-hint">
            {t('planner.feed.once')}
          </span>
          <input id="feed-address" readOnly value={address} aria-describedby="feed-address-hint" onFocus={(e) => e.target.select()} />
          <p className="button-row">
            <CopyButton text={address} label={t('planner.feed.copy')} />
            <a href={address.replace(/^https?:/, 'webcal:')}>{t('planner.feed.subscribe')}</a>
          </p>
        </div>
      )}
      {!address && active && status.data?.created_at && (
        <p>{t('planner.feed.activeSince', { when: formatDateTime(Date.parse(status.data.created_at)) })}</p>
      )}
      {status.data && (
        <div className="button-row">
          <button type="button" className="button button--secondary" onClick={() => void renew()}>
            {t(active ? 'planner.feed.renew' : 'planner.feed.make')}
          </button>
          {active && (
            <button type="button" className="button button--secondary" onClick={() => void revoke()}>
              {t('planner.feed.revoke')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

// Whom a session is for and who leads it, changed from the composer: its audience (nobody in particular, a person, a
// group) and its facilitators (the organisation's admins, pastors and mentors; at least one). Each is changed by its
// own action under the session's version, as status and sharing are, and a refusal is shown where it was asked for.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { ApiError, data } from '../api/query';
import type { Role } from '../nav';
import { AudienceFields, audienceOf, audienceProblems, choiceOf, type AudienceChoice } from './AudienceFields';
import { audienceLabel, type Names } from './describe';
import { LIMITS, sessionKeys, type Session } from './queries';
import type { useComposer } from './useComposer';

type Doc = ReturnType<typeof useComposer>;

/** The organisation's leaders, who may facilitate a session. */
export function useLeaders(org: string, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: [...sessionKeys.all(org), 'leaders'] as const,
    queryFn: ({ signal }) => data(api.GET('/api/sessions/{org}/leaders', { params: { path: { org } }, signal })),
  });
}

export function SessionPeople({ orgId, doc, names, me, roles }: { orgId: string; doc: Doc; names: Names; me: string; roles: readonly Role[] }) {
  const { t } = useTranslation();
  const id = useId();
  const server: Session = doc.server;
  const [editing, setEditing] = useState<'audience' | 'facilitators' | null>(null);
  const [choice, setChoice] = useState<AudienceChoice>(() => choiceOf(server.audience));
  const [chosen, setChosen] = useState<readonly string[]>(server.facilitators);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [acting, setActing] = useState(false);
  const leaders = useLeaders(orgId, editing === 'facilitators');
  const error = doc.actionError;
  // What the server holds is what the forms start from each time they open.
  useEffect(() => {
    if (editing === null) {
      setChoice(choiceOf(server.audience));
      setChosen(server.facilitators);
      setLocal({});
    }
  }, [editing, server.audience, server.facilitators]);

  const nameOf = (person: string) =>
    person === me ? t('sessions.people.you') : (leaders.data?.leaders.find((l) => l.person_id === person)?.display_name ?? names.person(person) ?? t('sessions.people.someone'));

  const run = async (action: Parameters<Doc['act']>[0]) => {
    setActing(true);
    const ok = await doc.act(action);
    setActing(false);
    if (ok) setEditing(null);
  };
  const saveAudience = () => {
    const problems = audienceProblems(choice, t);
    setLocal(problems);
    if (Object.keys(problems).length === 0) void run({ audience: audienceOf(choice) });
  };
  const saveFacilitators = () => {
    if (chosen.length === 0) {
      setLocal({ facilitators: t('sessions.people.needOne') });
      return;
    }
    setLocal({});
    void run({ facilitators: chosen });
  };
  const serverError = (name: 'audience' | 'facilitators', ...fields: string[]) =>
    error?.action === name ? (fields.map((field) => error.byField[field]).find(Boolean) ?? (Object.keys(error.byField).length === 0 ? error.message : undefined)) : undefined;

  return (
    <section className="composer__people" aria-labelledby={`${id}-people`} data-own-undo>
      <h2 id={`${id}-people`}>{t('sessions.people.heading')}</h2>
      <div className="composer__details-grid">
        <div>
          <h3>{t('sessions.fields.audience')}</h3>
          {editing === 'audience' ? (
            <div className="form">
              <AudienceFields
                orgId={orgId}
                me={me}
                roles={roles}
                value={choice}
                onChange={setChoice}
                errors={{
                  audience: serverError('audience', 'audience'),
                  'audience.person_id': local['audience.person_id'] ?? serverError('audience', 'audience.person_id'),
                  'audience.group_id': local['audience.group_id'] ?? serverError('audience', 'audience.group_id'),
                }}
              />
              <p className="field__hint">{t('sessions.people.audienceHint')}</p>
              <p className="button-row">
                <button type="button" className="button" disabled={acting} onClick={saveAudience}>
                  {t('sessions.people.saveAudience')}
                </button>
                <button type="button" className="button button--secondary" onClick={() => setEditing(null)}>
                  {t('sessions.people.cancel')}
                </button>
              </p>
            </div>
          ) : (
            <p>
              {audienceLabel(server.audience, names, me, t)}{' '}
              <button type="button" className="button button--small button--secondary" onClick={() => setEditing('audience')}>
                {t('sessions.people.changeAudience')}
              </button>
            </p>
          )}
        </div>
        <div>
          <h3>{t('sessions.people.facilitators')}</h3>
          {editing === 'facilitators' ? (
            <fieldset className={`field${local.facilitators || serverError('facilitators') ? ' field--invalid' : ''}`}>
              <legend className="visually-hidden">{t('sessions.people.facilitators')}</legend>
              {leaders.error instanceof ApiError && <p className="field__error">{leaders.error.message}</p>}
              {!leaders.data && !leaders.error && <p className="muted">{t('sessions.people.loading')}</p>}
              {leaders.data?.leaders.map((leader) => {
                const on = chosen.includes(leader.person_id);
                return (
                  <label key={leader.person_id} className="composer__check">
                    <input
                      type="checkbox"
                      checked={on}
                      disabled={!on && chosen.length >= LIMITS.facilitators}
                      onChange={() => setChosen(on ? chosen.filter((p) => p !== leader.person_id) : [...chosen, leader.person_id])}
                    />{' '}
                    {leader.person_id === me ? t('sessions.people.youNamed', { name: leader.display_name }) : leader.display_name}
                  </label>
                );
              })}
              {(local.facilitators ?? serverError('facilitators', 'facilitators')) && <p className="field__error">{local.facilitators ?? serverError('facilitators', 'facilitators')}</p>}
              <p className="button-row">
                <button type="button" className="button" disabled={acting || !leaders.data} onClick={saveFacilitators}>
                  {t('sessions.people.saveFacilitators')}
                </button>
                <button type="button" className="button button--secondary" onClick={() => setEditing(null)}>
                  {t('sessions.people.cancel')}
                </button>
              </p>
            </fieldset>
          ) : (
            <>
              <ul className="composer__facilitators" aria-label={t('sessions.people.facilitators')}>
                {server.facilitators.map((person) => (
                  <li key={person}>{nameOf(person)}</li>
                ))}
              </ul>
              <p>
                <button type="button" className="button button--small button--secondary" onClick={() => setEditing('facilitators')}>
                  {t('sessions.people.changeFacilitators')}
                </button>
              </p>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

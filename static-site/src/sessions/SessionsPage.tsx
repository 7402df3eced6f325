// The Session Builder's front page: the sessions the viewer may see, upcoming (from today) or past (from a chosen day),
// earliest first, a page at a time; and for leaders (admins, pastors, mentors) a form that prepares a new one, blank or
// from a template, for nobody in particular, a person or a group. Mentees see the sessions shared with them, read only.
// Who may prepare a session for whom is the server's to decide; the form offers the people and groups the viewer leads.
import { getRouteApi } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { preferences } from '../i18n';
import { DatePickerField } from '../kit/DatePickerField';
import { SelectField } from '../kit/SelectField';
import { TimeField } from '../kit/TimeField';
import { PageTabs } from '../kit/Tabs';
import { confirm } from '../kit/toasts';
import type { Role } from '../nav';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';
import { AudienceFields, OPEN, audienceOf, audienceProblems, type AudienceChoice } from './AudienceFields';
import { audienceLabel, useNames, whenOf, type Names } from './describe';
import {
  addDays,
  createSession,
  leads,
  listsChanged,
  sessionKeys,
  todayIn,
  useSessionList,
  useTemplates,
  type ListWindow,
  type NewSession,
  type Summary,
} from './queries';
import type { SessionsSearch, SessionsWhen } from './search';

const route = getRouteApi('/signed-in/sessions/');

export function SessionsRoute() {
  const { currentOrg, state, roles } = useSession();
  const search = route.useSearch();
  const go = route.useNavigate();
  if (!currentOrg || state.status !== 'signed-in') return null;
  return (
    <SessionsPage orgId={currentOrg.id} me={state.session.person.id} roles={roles} search={search} onSearch={(next) => void go({ search: next })} />
  );
}

export function SessionsPage({
  orgId,
  me,
  roles,
  search,
  onSearch,
}: {
  orgId: string;
  me: string;
  roles: readonly Role[];
  search: SessionsSearch;
  onSearch: (next: SessionsSearch) => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('module.sessions.name'));
  const leader = leads(roles);
  const names = useNames(orgId, roles);
  const today = todayIn(preferences().timeZone);
  const when: SessionsWhen = search.when ?? 'upcoming';

  return (
    <article className="page sessions">
      <h1 tabIndex={-1}>{t('module.sessions.name')}</h1>
      <p className="lede">{t(leader ? 'sessions.lede' : 'sessions.ledeMentee')}</p>
      {leader && (
        <p className="button-row">
          <button
            type="button"
            className="button"
            onClick={() => {
              const heading = document.getElementById('new-session-heading');
              heading?.scrollIntoView({ block: 'start' });
              heading?.focus();
            }}
          >
            {t('sessions.new.jump')}
          </button>
          <Link className="button button--secondary" to="/sessions/templates">
            {t('sessions.templatesLink')}
          </Link>
        </p>
      )}
      <PageTabs<SessionsWhen>
        label={t('sessions.list.which')}
        selected={when}
        onSelect={(next) => onSearch(next === 'past' ? { when: 'past' } : {})}
        tabs={[
          { id: 'upcoming', label: t('sessions.list.upcoming'), content: () => <SessionList orgId={orgId} me={me} names={names} window={{ from: today }} empty={t(leader ? 'sessions.list.emptyUpcoming' : 'sessions.list.emptyUpcomingMentee')} label={t('sessions.list.upcoming')} /> },
          {
            id: 'past',
            label: t('sessions.list.past'),
            content: () => <PastSessions orgId={orgId} me={me} names={names} today={today} since={search.since} onSince={(since) => onSearch({ when: 'past', since })} />,
          },
        ]}
      />
      {leader && <NewSessionForm orgId={orgId} me={me} roles={roles} />}
    </article>
  );
}

function PastSessions({ orgId, me, names, today, since, onSince }: { orgId: string; me: string; names: Names; today: string; since: string | undefined; onSince: (since: string) => void }) {
  const { t } = useTranslation();
  const from = since ?? addDays(today, -90);
  return (
    <>
      <div className="sessions__since">
        <DatePickerField label={t('sessions.list.since')} name="since" value={from} onChange={(day) => day && onSince(day)} />
      </div>
      <SessionList orgId={orgId} me={me} names={names} window={{ from, to: today }} empty={t('sessions.list.emptyPast')} label={t('sessions.list.past')} />
    </>
  );
}

function SessionList({ orgId, me, names, window, empty, label }: { orgId: string; me: string; names: Names; window: ListWindow; empty: string; label: string }) {
  const { t } = useTranslation();
  const list = useSessionList(orgId, window);
  const sessions = list.data?.pages.flatMap((page) => page.sessions) ?? [];
  return (
    <div className="sessions__panel">
      {list.error instanceof ApiError && (
        <div className="notice notice--error" role="alert">
          <p className="notice__title">{t('sessions.list.failed')}</p>
          <p>{list.error.message}</p>
          <button type="button" className="button button--secondary" onClick={() => void list.refetch()}>
            {t('sessions.list.retry')}
          </button>
        </div>
      )}
      {list.isPending && <Loading label={t('sessions.list.loading')} />}
      {list.data && sessions.length === 0 && <Empty>{empty}</Empty>}
      {sessions.length > 0 && (
        <ol className="sessions__list" aria-label={label}>
          {sessions.map((session) => (
            <SessionItem key={session.id} session={session} names={names} me={me} />
          ))}
        </ol>
      )}
      {list.hasNextPage && (
        <p>
          <button type="button" className="button button--secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t(list.isFetchingNextPage ? 'sessions.list.loadingMore' : 'sessions.list.loadMore')}
          </button>
        </p>
      )}
    </div>
  );
}

function SessionItem({ session, names, me }: { session: Summary; names: Names; me: string }) {
  const { t } = useTranslation();
  const minutes = session.planned_minutes
    ? t('sessions.minutesOfPlanned', { total: session.total_minutes, planned: session.planned_minutes })
    : t('sessions.minutes', { count: session.total_minutes });
  return (
    <li className="sessions__item">
      <div className="sessions__item-main">
        <h2 className="sessions__item-title">
          <Link to={`/sessions/${session.id}`}>{session.title}</Link>
        </h2>
        <p className="muted">
          {whenOf(session)} · {audienceLabel(session.audience, names, me, t)} · {t('sessions.blockCount', { count: session.blocks })} · {minutes}
        </p>
      </div>
      <p className="sessions__badges">
        <span className={`badge sessions__status sessions__status--${session.status}`}>{t(`sessions.status.${session.status}`)}</span>
        {session.shared && <span className="badge badge--good">{t('sessions.sharedBadge')}</span>}
      </p>
    </li>
  );
}

const FIELDS = ['title', 'date', 'time', 'audience', 'audience.person_id', 'audience.group_id', 'template_id', 'planned_minutes', 'facilitators'] as const;

/** Prepares a session: a title and a day (a time if known), whom it is for, and the template its blocks start from. */
export function NewSessionForm({ orgId, me, roles }: { orgId: string; me: string; roles: readonly Role[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const templates = useTemplates(orgId);
  const [title, setTitle] = useState('');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [audience, setAudience] = useState<AudienceChoice>(OPEN);
  const [template, setTemplate] = useState('');
  const [planned, setPlanned] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SubmitError | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const chosenTemplate = templates.data?.templates.find((tpl) => tpl.id === template);

  const check = (): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!title.trim()) out.title = t('sessions.errors.title');
    if (!date) out.date = t('sessions.errors.date');
    Object.assign(out, audienceProblems(audience, t));
    const minutes = Number(planned || '0');
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) out.planned_minutes = t('sessions.errors.planned', { max: 1440 });
    return out;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const problems = check();
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    const body: NewSession = {
      title,
      date,
      ...(time ? { time } : {}),
      audience: audienceOf(audience),
      ...(template ? { template_id: template } : {}),
      ...(planned && Number(planned) > 0 ? { planned_minutes: Number(planned) } : {}),
    };
    const result = await createSession(orgId, body);
    setBusy(false);
    if (!result.ok) {
      setError(submitError(result, [...FIELDS]));
      return;
    }
    confirm({ text: t('sessions.new.created', { title: result.data.title }) });
    client.setQueryData(sessionKeys.session(orgId, result.data.id), result.data);
    await listsChanged(client, orgId);
    navigate(`/sessions/${result.data.id}`);
  };

  const fieldError = (field: (typeof FIELDS)[number]) => local[field] ?? error?.fields.byField[field];

  return (
    <section className="sessions__new" aria-labelledby="new-session-heading">
      <h2 id="new-session-heading" tabIndex={-1}>
        {t('sessions.new.heading')}
      </h2>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-session-heading">
        <FormError error={error} />
        <Field label={t('sessions.fields.title')} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required error={fieldError('title')} />
        <div className="sessions__row">
          <DatePickerField label={t('sessions.fields.date')} name="date" value={date} onChange={setDate} isRequired error={fieldError('date')} />
          <TimeField label={t('sessions.fields.time')} name="time" value={time} onChange={setTime} hint={t('sessions.fields.timeHint')} error={fieldError('time')} />
        </div>
        <AudienceFields
          orgId={orgId}
          me={me}
          roles={roles}
          value={audience}
          onChange={setAudience}
          errors={{ audience: fieldError('audience'), 'audience.person_id': fieldError('audience.person_id'), 'audience.group_id': fieldError('audience.group_id') }}
        />
        <SelectField
          label={t('sessions.fields.template')}
          name="template"
          options={[
            { id: '', label: t('sessions.fields.blank') },
            ...(templates.data?.templates ?? []).map((tpl) => ({
              id: tpl.id,
              label: t(tpl.personal ? 'sessions.fields.templatePersonal' : 'sessions.fields.templateOrg', { name: tpl.name, count: tpl.slots.length, minutes: tpl.total_minutes }),
            })),
          ]}
          value={template}
          onChange={setTemplate}
          hint={templates.error instanceof ApiError ? t('sessions.fields.templatesFailed') : undefined}
          error={fieldError('template_id')}
        />
        <Field
          label={t('sessions.fields.planned')}
          type="number"
          inputMode="numeric"
          min={0}
          max={1440}
          step={1}
          value={planned}
          onChange={(e) => setPlanned(e.target.value)}
          hint={chosenTemplate && chosenTemplate.total_minutes > 0 ? t('sessions.fields.plannedFromTemplate', { minutes: chosenTemplate.total_minutes }) : t('sessions.fields.plannedHint')}
          error={fieldError('planned_minutes')}
        />
        {error?.fields.byField.facilitators && <p className="field__error">{error.fields.byField.facilitators}</p>}
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            {t(busy ? 'sessions.new.creating' : 'sessions.new.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

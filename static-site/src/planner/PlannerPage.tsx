// The Learning Planner: one person's plan at a time (one's own, or that of someone one mentors or whose group one
// leads), in four tabs kept in the URL: goals, the study queue, the calendar and the meetings recorded with them. Who
// may change what is the server's to decide; the page offers what the person's standing to the plan allows (ADR 0023).
import { getRouteApi } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/query';
import { Loading } from '../components/States';
import { PageTabs } from '../kit/Tabs';
import { SelectField } from '../kit/SelectField';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';
import { GoalsPanel } from './GoalsPanel';
import { MeetingsPanel } from './MeetingsPanel';
import { QueuePanel } from './QueuePanel';
import { usePlanPeople, type PlanPerson } from './queries';
import type { PlannerSearch, PlannerTab } from './search';

const route = getRouteApi('/signed-in/planner');

// The calendar component is most of the page's weight: it loads when its tab is first opened.
const CalendarPanel = lazy(() => import('./CalendarPanel').then((module) => ({ default: module.CalendarPanel })));

export function PlannerRoute() {
  const { currentOrg, state } = useSession();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  if (!currentOrg || state.status !== 'signed-in') return null;
  return (
    <PlannerPage
      orgId={currentOrg.id}
      me={state.session.person.id}
      search={search}
      onSearch={(next) => void navigate({ search: { ...search, ...next } })}
    />
  );
}

/** What the viewer may do in the plan shown, from how they stand to its person. */
export interface Standing {
  readonly orgId: string;
  readonly person: PlanPerson;
  /** The plan is the viewer's own: they change, reorder and complete. */
  readonly own: boolean;
  readonly me: string;
  /** The viewer walks with others too, whose plans a calendar across plans shows beside their own. */
  readonly others?: boolean;
}

export function PlannerPage({
  orgId,
  me,
  search,
  onSearch: go,
}: {
  orgId: string;
  me: string;
  search: PlannerSearch;
  onSearch: (next: PlannerSearch) => void;
}) {
  const { t } = useTranslation();
  useDocumentTitle(t('planner.title'));
  const people = usePlanPeople(orgId);
  const list = people.data?.people ?? [];
  const person = list.find((p) => p.person_id === (search.person ?? me)) ?? list[0];
  const tab: PlannerTab = search.tab ?? 'goals';

  return (
    <article className="page planner">
      <h1 tabIndex={-1}>{t('planner.title')}</h1>
      {people.error instanceof ApiError && (
        <p className="field__error" role="alert">
          {people.error.message}
        </p>
      )}
      {!people.data && !people.error && <Loading />}
      {person && (
        <>
          {list.length > 1 ? (
            <SelectField
              label={t('planner.whosePlan')}
              options={list.map((p) => ({ id: p.person_id, label: p.person_id === me ? t('planner.mine') : `${p.display_name} · ${t(`planner.relation.${p.relation}`)}` }))}
              value={person.person_id}
              onChange={(id) => go({ person: id === me ? undefined : id })}
            />
          ) : (
            <p className="lede">{t('planner.summary')}</p>
          )}
          <PageTabs
            label={t('planner.sections', { name: person.person_id === me ? t('planner.mine') : person.display_name })}
            selected={tab}
            onSelect={(next) => go({ tab: next === 'goals' ? undefined : next })}
            tabs={[
              { id: 'goals', label: t('planner.goals.title'), content: () => <GoalsPanel standing={{ orgId, person, own: person.person_id === me, me }} /> },
              { id: 'study', label: t('planner.queue.title'), content: () => <QueuePanel standing={{ orgId, person, own: person.person_id === me, me }} /> },
              { id: 'calendar', label: t('planner.calendar.title'), content: () => (
                  <Suspense fallback={<Loading />}>
                    <CalendarPanel standing={{ orgId, person, own: person.person_id === me, me, others: list.length > 1 }} />
                  </Suspense>
                ),
              },
              { id: 'meetings', label: t('planner.meetings.title'), content: () => <MeetingsPanel standing={{ orgId, person, own: person.person_id === me, me }} /> },
            ]}
          />
        </>
      )}
    </article>
  );
}

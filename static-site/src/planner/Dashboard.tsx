// The planner on the home page: one's own day and week (what is planned, what is overdue, what to study next, how one's
// goals stand, what is new in the conversations on one's plan), a row for each person one mentors, each group one leads
// with its people, and for an administrator the organisation's totals. All of it comes in one request (the server sums
// it up), never one per person.
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/query';
import { Empty, Loading } from '../components/States';
import { Link } from '../router';
import { useSession } from '../session';
import { formatClock, formatDate, formatDateTime, formatWeekday } from '../time';
import {
  useDashboard,
  type CalendarEntry,
  type Dashboard as DashboardData,
  type GoalProgress,
  type GroupRow,
  type OrgTotals,
  type PersonRow,
  type QueueCounts,
  type QueueItem,
  type RecentChange,
  type Totals,
  type Week,
} from './queries';

/** The home page's section: the dashboard of the organisation the person works in now. */
export function DashboardSection() {
  const { currentOrg } = useSession();
  if (!currentOrg) return null;
  return <Dashboard orgId={currentOrg.id} />;
}

export function Dashboard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const dashboard = useDashboard(orgId);
  return (
    <section className="dashboard" aria-labelledby="dashboard-heading" aria-busy={!dashboard.data && !dashboard.error}>
      <h2 id="dashboard-heading">{t('dashboard.title')}</h2>
      {dashboard.error instanceof ApiError && (
        <p className="field__error" role="alert">
          {t('dashboard.failed', { reason: dashboard.error.message })}
        </p>
      )}
      {!dashboard.data && !dashboard.error && <Loading label={t('dashboard.loading')} lines={5} />}
      {dashboard.data && <DashboardBody data={dashboard.data} />}
    </section>
  );
}

function DashboardBody({ data }: { data: DashboardData }) {
  const { t } = useTranslation();
  const { me } = data;
  return (
    <>
      <p className="muted">{t('dashboard.todayIs', { date: formatDate(Date.parse(`${me.today}T12:00:00Z`), 'UTC'), zone: me.time_zone })}</p>
      {me.unread_comments > 0 && (
        <p className="dashboard__unread">
          <Link to="/planner">{t('dashboard.unreadComments', { count: me.unread_comments })}</Link>
        </p>
      )}
      <div className="dashboard__grid">
        <div className="dashboard__card">
          <h3 id="dashboard-today">{t('dashboard.today')}</h3>
          {me.today_entries.length === 0 ? (
            <Empty>{t('dashboard.nothingToday')}</Empty>
          ) : (
            <Entries entries={me.today_entries} zone={me.time_zone} labelledBy="dashboard-today" />
          )}
          <p>
            <Link to="/planner?tab=calendar">{t('dashboard.openCalendar')}</Link>
          </p>
        </div>
        <div className="dashboard__card">
          <h3 id="dashboard-week">{t('dashboard.week')}</h3>
          {me.week_entries.length === 0 ? (
            <Empty>{t('dashboard.nothingWeek')}</Empty>
          ) : (
            <Entries entries={me.week_entries} zone={me.time_zone} labelledBy="dashboard-week" withDay />
          )}
          <p>
            <Link to="/planner?tab=calendar">{t('dashboard.openCalendar')}</Link>
          </p>
        </div>
        <div className="dashboard__card">
          <h3 id="dashboard-overdue">{t('dashboard.overdue')}</h3>
          {me.overdue_count === 0 ? (
            <Empty>{t('dashboard.nothingOverdue')}</Empty>
          ) : (
            <>
              <p>
                <strong>{t('dashboard.overdueCount', { count: me.overdue_count })}</strong>
              </p>
              <Entries entries={me.overdue} zone={me.time_zone} labelledBy="dashboard-overdue" withDate />
              {me.overdue_count > me.overdue.length && <p className="muted">{t('dashboard.andMore', { count: me.overdue_count - me.overdue.length })}</p>}
            </>
          )}
          <p>
            <Link to="/planner?tab=calendar">{t('dashboard.openCalendar')}</Link>
          </p>
        </div>
        <div className="dashboard__card">
          <h3 id="dashboard-study">{t('dashboard.study')}</h3>
          {me.queue_head.length === 0 ? (
            <Empty>{t('dashboard.nothingToStudy')}</Empty>
          ) : (
            <ul className="dashboard__list" aria-labelledby="dashboard-study">
              {me.queue_head.map((item) => (
                <StudyItem key={item.id} item={item} />
              ))}
            </ul>
          )}
          {queueTotal(me.queue) > 0 && <p className="muted">{queueSummary(me.queue, t)}</p>}
          <p>
            <Link to="/planner?tab=study">{t('dashboard.openStudy')}</Link>
          </p>
        </div>
        <div className="dashboard__card">
          <h3 id="dashboard-goals">{t('dashboard.goals')}</h3>
          {me.goals.length === 0 ? (
            <Empty>{t('dashboard.noGoals')}</Empty>
          ) : (
            <ul className="dashboard__list" aria-labelledby="dashboard-goals">
              {me.goals.map((goal) => (
                <li key={goal.id}>
                  <span className="dashboard__goal-title">{goal.title}</span>{' '}
                  <span className={`badge planner__status planner__status--${goal.status}`}>{t(`planner.goals.status.${goal.status}`)}</span>
                  {goal.target_date && (
                    <span className="muted"> {t('planner.goals.by', { date: formatDate(Date.parse(`${goal.target_date}T12:00:00Z`), 'UTC') })}</span>
                  )}
                  <GoalMilestones goal={goal} />
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to="/planner">{t('dashboard.openGoals')}</Link>
          </p>
        </div>
      </div>
      {data.mentees.length > 0 && (
        <section className="dashboard__people" aria-labelledby="dashboard-mentees">
          <h3 id="dashboard-mentees">{t('dashboard.mentees')}</h3>
          <PeopleTable rows={data.mentees} caption={t('dashboard.menteesCaption')} />
        </section>
      )}
      {data.groups.map((group) => (
        <GroupSection key={group.group_id} group={group} />
      ))}
      {data.organisation && <Organisation totals={data.organisation} />}
    </>
  );
}

/** Occurrences of one's plan: when (the time, or "all day"; the day too across a week), what, and what became of it. */
function Entries({
  entries,
  zone,
  labelledBy,
  withDay = false,
  withDate = false,
}: {
  entries: readonly CalendarEntry[];
  zone: string;
  labelledBy: string;
  withDay?: boolean;
  withDate?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <ul className="dashboard__list" aria-labelledby={labelledBy}>
      {entries.map((entry) => {
        const at = Date.parse(entry.start);
        const time = entry.all_day ? t('dashboard.allDay') : formatClock(at, zone);
        const when = withDate
          ? entry.all_day
            ? formatDate(at, zone)
            : formatDateTime(at, zone)
          : withDay
            ? `${formatWeekday(at, zone)}, ${time}`
            : time;
        return (
          <li key={`${entry.task_id}/${entry.occurrence}`} className={`dashboard__entry dashboard__entry--${entry.status}`}>
            <span className="dashboard__when">{when}</span> <span className="dashboard__what">{entry.title}</span>{' '}
            <span className="badge">{t(`planner.calendar.status.${entry.status}`)}</span>
            {entry.moved && <span className="muted"> · {t('planner.calendar.wasMoved')}</span>}
          </li>
        );
      })}
    </ul>
  );
}

function StudyItem({ item }: { item: QueueItem }) {
  const { t } = useTranslation();
  const title = item.resource?.title ?? item.link_title ?? (item.hidden ? t('dashboard.hidden') : (item.url ?? ''));
  return (
    <li>
      {item.resource ? (
        <Link to={`/hub/${item.resource.id}`}>{title}</Link>
      ) : item.url ? (
        <a href={item.url} target="_blank" rel="noopener noreferrer">
          {title}
        </a>
      ) : (
        <span className="muted">{title}</span>
      )}
      <span className="muted">
        {' '}
        · {t(`planner.queue.progress.${item.progress}`)}
        {item.due_date && ` · ${t('planner.queue.due', { date: formatDate(Date.parse(`${item.due_date}T12:00:00Z`), 'UTC') })}`}
      </span>
    </li>
  );
}

/** A goal's milestones ticked off, as a bar with its numbers (none when it has no milestones). */
function GoalMilestones({ goal }: { goal: GoalProgress }) {
  const { t } = useTranslation();
  if (goal.milestones_total === 0) return null;
  const label = t('dashboard.milestones', { done: goal.milestones_done, total: goal.milestones_total });
  return (
    <span className="dashboard__progress">
      {' '}
      <progress max={goal.milestones_total} value={goal.milestones_done} aria-label={t('dashboard.milestonesOf', { title: goal.title })} />{' '}
      <span className="muted">{label}</span>
    </span>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

function queueTotal(queue: QueueCounts): number {
  return queue.not_started + queue.in_progress + queue.done;
}

/** "3/5 done · 1 overdue". */
function queueSummary(queue: QueueCounts, t: T): string {
  const total = queueTotal(queue);
  if (total === 0) return t('dashboard.queueEmpty');
  const done = t('dashboard.queueDone', { done: queue.done, total });
  return queue.overdue > 0 ? `${done} · ${t('dashboard.queueOverdue', { count: queue.overdue })}` : done;
}

/** "1 done · 1 moved · 2 to do". */
function weekSummary(week: Week, t: T): string {
  const parts = [
    week.done > 0 && t('dashboard.weekDone', { count: week.done }),
    week.skipped > 0 && t('dashboard.weekSkipped', { count: week.skipped }),
    week.moved > 0 && t('dashboard.weekMoved', { count: week.moved }),
    week.pending > 0 && t('dashboard.weekPending', { count: week.pending }),
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : t('dashboard.weekNothing');
}

/** "Done: Weekly reading (Sun 6 Dec)", "Moved: Weekly reading to Tue 15 Dec": one occurrence changed lately. */
function recentChange(change: RecentChange, zone: string | null | undefined, t: T): string {
  const when = formatWeekday(Date.parse(change.start), zone);
  if (change.status === 'done') return t('dashboard.recentDone', { title: change.title, when });
  if (change.status === 'skipped') return t('dashboard.recentSkipped', { title: change.title, when });
  return t('dashboard.recentMoved', { title: change.title, when });
}

/** A row per person: how their goals, week and study stand, what they did lately, and when they were last met. */
function PeopleTable({ rows, caption }: { rows: readonly PersonRow[]; caption: string }) {
  const { t } = useTranslation();
  return (
    <div className="table-scroll">
      <table className="data-table dashboard__table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.columns.name')}</th>
            <th scope="col">{t('dashboard.columns.goals')}</th>
            <th scope="col">{t('dashboard.columns.overdue')}</th>
            <th scope="col">{t('dashboard.columns.week')}</th>
            <th scope="col">{t('dashboard.columns.recent')}</th>
            <th scope="col">{t('dashboard.columns.queue')}</th>
            <th scope="col">{t('dashboard.columns.lastMeeting')}</th>
            <th scope="col">{t('dashboard.columns.proposed')}</th>
            <th scope="col">{t('dashboard.columns.unread')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const plan = `/planner?person=${encodeURIComponent(row.person.person_id)}`;
            return (
              <tr key={row.person.person_id}>
                <th scope="row">
                  <Link to={plan}>{row.person.display_name}</Link>
                </th>
                <td>
                  {row.goals.length === 0 ? (
                    <span className="muted">{t('dashboard.noActiveGoals')}</span>
                  ) : (
                    <ul className="dashboard__cell-list">
                      {row.goals.map((goal) => (
                        <li key={goal.id}>
                          {goal.title}
                          <GoalMilestones goal={goal} />
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="num">{row.overdue}</td>
                <td>{weekSummary(row.week, t)}</td>
                <td>
                  {row.recent.length === 0 ? (
                    <span className="muted">{t('dashboard.recentNothing')}</span>
                  ) : (
                    <ul className="dashboard__cell-list">
                      {row.recent.map((change) => (
                        <li key={`${change.task_id}/${change.occurrence}`}>{recentChange(change, row.person.time_zone, t)}</li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{queueSummary(row.queue, t)}</td>
                <td>
                  {row.last_meeting ? (
                    <Link to={`${plan}&tab=meetings`}>{formatDate(Date.parse(row.last_meeting.starts_at), row.last_meeting.time_zone)}</Link>
                  ) : (
                    <span className="muted">{t('dashboard.noMeeting')}</span>
                  )}
                </td>
                <td className="num">{row.proposed_goals}</td>
                <td className="num">{row.unread_comments}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * "4 people · 6 active goals · 1 proposed · 2 achieved · 3 overdue · study 5/9 done · 2 met in the last 30 days · 1 unread
 * comment" (the last only when there are any).
 */
function totalsLine(totals: Totals, t: T): string {
  return [
    t('dashboard.totals.people', { count: totals.people }),
    t('dashboard.totals.active', { count: totals.active_goals }),
    t('dashboard.totals.proposed', { count: totals.proposed_goals }),
    t('dashboard.totals.achieved', { count: totals.achieved_goals }),
    t('dashboard.totals.overdue', { count: totals.overdue }),
    t('dashboard.totals.study', { done: totals.queue.done, total: queueTotal(totals.queue) }),
    t('dashboard.totals.met', { count: totals.met_recently }),
    totals.unread_comments > 0 && t('dashboard.totals.unread', { count: totals.unread_comments }),
  ]
    .filter(Boolean)
    .join(' · ');
}

function GroupSection({ group }: { group: GroupRow }) {
  const { t } = useTranslation();
  const id = `dashboard-group-${group.group_id}`;
  return (
    <section className="dashboard__people" aria-labelledby={id}>
      <h3 id={id}>{t('dashboard.group', { name: group.name })}</h3>
      <p className="muted">{totalsLine(group.totals, t)}</p>
      {group.people.length === 0 ? (
        <Empty>{t('dashboard.groupEmpty')}</Empty>
      ) : (
        <PeopleTable rows={group.people} caption={t('dashboard.groupCaption', { name: group.name })} />
      )}
    </section>
  );
}

function Organisation({ totals }: { totals: OrgTotals }) {
  const { t } = useTranslation();
  const { plans } = totals;
  const facts: Array<[string, string | number]> = [
    [t('dashboard.org.members'), totals.members],
    [t('dashboard.org.admins'), totals.admins],
    [t('dashboard.org.pastors'), totals.pastors],
    [t('dashboard.org.mentors'), totals.mentors],
    [t('dashboard.org.mentees'), totals.mentees],
    [t('dashboard.org.groups'), totals.groups],
    [t('dashboard.org.mentorships'), totals.active_mentorships],
    [t('dashboard.org.activeGoals'), plans.active_goals],
    [t('dashboard.org.achievedGoals'), plans.achieved_goals],
    [t('dashboard.org.proposedGoals'), plans.proposed_goals],
    [t('dashboard.org.overdue'), plans.overdue],
    [t('dashboard.org.study'), t('dashboard.org.studyValue', { done: plans.queue.done, total: queueTotal(plans.queue) })],
    [t('dashboard.org.met'), plans.met_recently],
  ];
  return (
    <section className="dashboard__org" aria-labelledby="dashboard-org">
      <h3 id="dashboard-org">{t('dashboard.org.title')}</h3>
      <dl className="facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {totals.partial && <p className="notice">{t('dashboard.org.partial')}</p>}
    </section>
  );
}

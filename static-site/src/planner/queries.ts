// The planner's server state in the query cache: whose plans the person may open, and one plan's goals, study queue,
// calendar ranges and meetings, each under a key a write invalidates exactly; and the dashboard, read in one request.
import { keepPreviousData, useInfiniteQuery, useQuery, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { call, type CallResult } from '../api/call';
import { api } from '../api/client';
import { data } from '../api/query';
import type { components } from '../api/schema';

export type Goal = components['schemas']['GoalView'];
export type QueueItem = components['schemas']['QueueItemView'];
export type QueueView = components['schemas']['QueueView'];
export type CalendarEntry = components['schemas']['CalendarEntry'];
export type Calendar = components['schemas']['CalendarView'];
export type PlanPerson = components['schemas']['PlanPersonView'];
export type AcrossEntry = components['schemas']['AcrossEntry'];
export type Across = components['schemas']['AcrossView'];
export type Dashboard = components['schemas']['DashboardView'];
export type PersonRow = components['schemas']['PersonRowView'];
export type RecentChange = components['schemas']['RecentChangeView'];
export type GroupRow = components['schemas']['GroupRowView'];
export type Totals = components['schemas']['TotalsView'];
export type OrgTotals = components['schemas']['OrgTotalsView'];
export type GoalProgress = components['schemas']['GoalProgressView'];
export type QueueCounts = components['schemas']['QueueCountsView'];
export type Week = components['schemas']['WeekView'];
export type Meeting = components['schemas']['MeetingView'];
export type MeetingPage = components['schemas']['MeetingPage'];
export type NewMeeting = components['schemas']['NewMeetingBody'];
export type MeetingChange = components['schemas']['MeetingChangeBody'];
export type TaskBody = components['schemas']['TaskBody'];
export type Task = components['schemas']['TaskView'];
export type Split = components['schemas']['SplitView'];
export type ItemChange = components['schemas']['ItemChangeBody'];
export type StepTask = components['schemas']['StepTaskView'];
export type ThreadSummary = components['schemas']['ThreadSummaryView'];
export type Comment = components['schemas']['CommentView'];
export type CommentList = components['schemas']['CommentList'];

export const plannerKeys = {
  people: (org: string) => ['planner', org, 'people'] as const,
  plan: (org: string, person: string) => ['planner', org, 'plan', person] as const,
  goals: (org: string, person: string) => ['planner', org, 'plan', person, 'goals'] as const,
  queue: (org: string, person: string) => ['planner', org, 'plan', person, 'queue'] as const,
  /** The queue, or only one goal's items of it (under the queue's key, so a write that invalidates it reaches both). */
  queueOf: (org: string, person: string, goal: string | null) =>
    goal ? (['planner', org, 'plan', person, 'queue', { goal }] as const) : plannerKeys.queue(org, person),
  task: (org: string, person: string, task: string) => ['planner', org, 'plan', person, 'task', task] as const,
  calendars: (org: string, person: string) => ['planner', org, 'plan', person, 'calendar'] as const,
  calendar: (org: string, person: string, from: string, to: string) => ['planner', org, 'plan', person, 'calendar', from, to] as const,
  across: (org: string, from: string, to: string) => ['planner', org, 'across', from, to] as const,
  meetings: (org: string, person: string) => ['planner', org, 'plan', person, 'meetings'] as const,
  dashboard: (org: string) => ['planner', org, 'dashboard'] as const,
  /** The plan's threads with comments: the counts every conversation's toggle shows, read once per plan. */
  threads: (org: string, person: string) => ['planner', org, 'plan', person, 'threads'] as const,
  comments: (org: string, person: string, thread: string) => ['planner', org, 'plan', person, 'comments', thread] as const,
};

export function usePlanPeople(org: string) {
  return useQuery({
    queryKey: plannerKeys.people(org),
    queryFn: ({ signal }) => data(api.GET('/api/planner/{org}/people', { params: { path: { org } }, signal })),
  });
}

export function useGoals(org: string, person: string) {
  return useQuery({
    queryKey: plannerKeys.goals(org, person),
    queryFn: ({ signal }) =>
      data(api.GET('/api/planner/{org}/people/{person}/goals', { params: { path: { org, person } }, signal })),
  });
}

/** The study queue in its order; with `goal`, only that goal's items (the server filters). */
export function useQueue(org: string, person: string, goal: string | null = null) {
  return useQuery({
    queryKey: plannerKeys.queueOf(org, person, goal),
    queryFn: ({ signal }) =>
      data(api.GET('/api/planner/{org}/people/{person}/queue', { params: { path: { org, person }, query: goal ? { goal } : {} }, signal })),
  });
}

/** A study item's title: its hub resource's, its link's, or (a resource the reader may not see) `hidden`. */
export function itemTitle(item: QueueItem, hidden: string): string {
  return item.resource?.title ?? item.link_title ?? (item.hidden ? hidden : (item.url ?? ''));
}

/** Changes a study item at the version read (412 when it moved on since). */
export function changeItem(org: string, item: QueueItem, body: ItemChange): Promise<CallResult<QueueItem>> {
  return call(
    api.PATCH('/api/planner/{org}/people/{person}/queue/{item}', {
      params: { path: { org, person: item.person_id, item: item.id }, header: { 'If-Match': `"${item.version}"` } },
      body,
    }),
  );
}

/** The goals a task or a study item may be linked to: all but those dropped or declined (unless linked already). */
export function goalChoices(goals: readonly Goal[], current = ''): Goal[] {
  return goals.filter((goal) => goal.id === current || (goal.status !== 'dropped' && goal.status !== 'declined'));
}

/** One task as stored (its whole series), read while it is being edited. */
export function useTask(org: string, person: string, task: string) {
  return useQuery({
    queryKey: plannerKeys.task(org, person, task),
    queryFn: ({ signal }) =>
      data<Task>(api.GET('/api/planner/{org}/people/{person}/tasks/{task}', { params: { path: { org, person, task } }, signal })),
  });
}

/** Changes a whole task (every occurrence of a series) at the version read. */
export function changeTask(org: string, task: Task, body: TaskBody): Promise<CallResult<Task>> {
  return call(
    api.PATCH('/api/planner/{org}/people/{person}/tasks/{task}', {
      params: { path: { org, person: task.person_id, task: task.id }, header: { 'If-Match': `"${task.version}"` } },
      body,
    }),
  );
}

/** "This and following": the series ends before `occurrence` and a new task carries the rest, with `body`'s changes. */
export function splitTask(org: string, task: Task, occurrence: string, body: TaskBody): Promise<CallResult<Split>> {
  return call(
    api.POST('/api/planner/{org}/people/{person}/tasks/{task}/split', {
      params: { path: { org, person: task.person_id, task: task.id }, header: { 'If-Match': `"${task.version}"` } },
      body: { ...body, occurrence },
    }),
  );
}

export function useCalendar(org: string, person: string, range: { from: string; to: string } | null) {
  return useQuery({
    enabled: range !== null,
    queryKey: plannerKeys.calendar(org, person, range?.from ?? '', range?.to ?? ''),
    queryFn: ({ signal }) =>
      data<Calendar>(
        api.GET('/api/planner/{org}/people/{person}/calendar', {
          params: { path: { org, person }, query: { from: range!.from, to: range!.to } },
          signal,
        }),
      ),
    // Moving between months keeps the last month on screen until the next arrives.
    placeholderData: keepPreviousData,
  });
}

/** The calendar across every plan the person may read, for a range of at most 62 days. */
export function useCalendarAcross(org: string, range: { from: string; to: string } | null, enabled: boolean) {
  return useQuery({
    enabled: enabled && range !== null,
    queryKey: plannerKeys.across(org, range?.from ?? '', range?.to ?? ''),
    queryFn: ({ signal }) =>
      data<Across>(api.GET('/api/planner/{org}/calendar', { params: { path: { org }, query: { from: range!.from, to: range!.to } }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** The caller's dashboard: their day, the people they walk with and their groups, in one request. */
export function useDashboard(org: string) {
  return useQuery({
    queryKey: plannerKeys.dashboard(org),
    queryFn: ({ signal }) => data(api.GET('/api/planner/{org}/dashboard', { params: { path: { org } }, signal })),
  });
}

/** The meetings recorded with a person, newest first, a page at a time (`next` names the following page). */
export function useMeetings(org: string, person: string, limit = 20) {
  return useInfiniteQuery({
    queryKey: plannerKeys.meetings(org, person),
    initialPageParam: null as string | null,
    queryFn: ({ signal, pageParam }) =>
      data<MeetingPage>(
        api.GET('/api/planner/{org}/people/{person}/meetings', {
          params: { path: { org, person }, query: pageParam ? { limit, cursor: pageParam } : { limit } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next ?? null,
  });
}

/** Puts a meeting as the server now has it in place of the one read, on whichever page it is. */
export function meetingReplaced(client: QueryClient, org: string, meeting: Meeting): void {
  client.setQueryData<InfiniteData<MeetingPage, string | null>>(plannerKeys.meetings(org, meeting.person_id), (old) =>
    old
      ? { ...old, pages: old.pages.map((page) => ({ ...page, meetings: page.meetings.map((m) => (m.id === meeting.id ? meeting : m)) })) }
      : old,
  );
}

/** Records a meeting with `person`. */
export function recordMeeting(org: string, person: string, body: NewMeeting): Promise<CallResult<Meeting>> {
  return call(api.POST('/api/planner/{org}/people/{person}/meetings', { params: { path: { org, person } }, body }));
}

/** Changes a meeting one recorded, at the version it was read (412 when it moved on since). */
export function changeMeeting(org: string, meeting: Meeting, body: MeetingChange): Promise<CallResult<Meeting>> {
  return call(
    api.PATCH('/api/planner/{org}/people/{person}/meetings/{meeting}', {
      params: { path: { org, person: meeting.person_id, meeting: meeting.id }, header: { 'If-Match': `"${meeting.version}"` } },
      body,
    }),
  );
}

/** Deletes a meeting one recorded, at the version it was read; the tasks its next steps became stay. */
export function deleteMeeting(org: string, meeting: Meeting): Promise<CallResult<unknown>> {
  return call(
    api.DELETE('/api/planner/{org}/people/{person}/meetings/{meeting}', {
      params: { path: { org, person: meeting.person_id, meeting: meeting.id }, header: { 'If-Match': `"${meeting.version}"` } },
    }),
  );
}

/** Makes a meeting's next step a task of the person's plan (its title is the step's). */
export function makeStepTask(org: string, meeting: Meeting, step: string, body: TaskBody): Promise<CallResult<StepTask>> {
  return call(
    api.POST('/api/planner/{org}/people/{person}/meetings/{meeting}/steps/{step}/task', {
      params: { path: { org, person: meeting.person_id, meeting: meeting.id, step } },
      body,
    }),
  );
}

/** The threads of a plan that have comments, with how many each has and how many the caller has not read. */
export function useThreads(org: string, person: string) {
  return useQuery({
    queryKey: plannerKeys.threads(org, person),
    queryFn: ({ signal }) => data(api.GET('/api/planner/{org}/people/{person}/threads', { params: { path: { org, person } }, signal })),
  });
}

/** One thread's comments, oldest first, read while its conversation is open. */
export function useComments(org: string, person: string, thread: string, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: plannerKeys.comments(org, person, thread),
    queryFn: ({ signal }) =>
      data<CommentList>(api.GET('/api/planner/{org}/people/{person}/threads/{thread}/comments', { params: { path: { org, person, thread } }, signal })),
  });
}

/** Adds a comment (Markdown, 1 to 4,000 characters) to a thread of `person`'s plan. */
export function addComment(org: string, person: string, thread: string, body: string): Promise<CallResult<Comment>> {
  return call(api.POST('/api/planner/{org}/people/{person}/threads/{thread}/comments', { params: { path: { org, person, thread } }, body: { body } }));
}

/** Changes one's own comment at the version read (412 when it moved on; 409 once its time to change it is over). */
export function editComment(org: string, person: string, comment: Comment, body: string): Promise<CallResult<Comment>> {
  return call(
    api.PATCH('/api/planner/{org}/people/{person}/threads/{thread}/comments/{comment}', {
      params: { path: { org, person, thread: comment.thread, comment: comment.id }, header: { 'If-Match': `"${comment.version}"` } },
      body: { body },
    }),
  );
}

/** Deletes one's own comment. */
export function deleteComment(org: string, person: string, comment: Comment): Promise<CallResult<unknown>> {
  return call(
    api.DELETE('/api/planner/{org}/people/{person}/threads/{thread}/comments/{comment}', {
      params: { path: { org, person, thread: comment.thread, comment: comment.id } },
    }),
  );
}

/** Marks a thread read by the caller up to its newest comment. */
export function markThreadRead(org: string, person: string, thread: string): Promise<CallResult<unknown>> {
  return call(api.POST('/api/planner/{org}/people/{person}/threads/{thread}/read', { params: { path: { org, person, thread } } }));
}

/** After a comment was added, changed or deleted: the thread and the counts read again. */
export async function threadChanged(client: QueryClient, org: string, person: string, thread: string): Promise<void> {
  await client.invalidateQueries({ queryKey: plannerKeys.comments(org, person, thread) });
  await client.invalidateQueries({ queryKey: plannerKeys.threads(org, person) });
}

/** After a thread was read: the unread counts (each toggle's and the dashboard's) read again. */
export async function threadRead(client: QueryClient, org: string, person: string): Promise<void> {
  await client.invalidateQueries({ queryKey: plannerKeys.threads(org, person) });
  await client.invalidateQueries({ queryKey: plannerKeys.dashboard(org) });
}

/**
 * After a write to a plan: everything of it read again (goals, queue, calendar and meetings refer to one another), with
 * the calendar across plans and the dashboard that sum it up.
 */
export async function planChanged(client: QueryClient, org: string, person: string): Promise<void> {
  await client.invalidateQueries({ queryKey: plannerKeys.plan(org, person) });
  await client.invalidateQueries({ queryKey: ['planner', org, 'across'] });
  await client.invalidateQueries({ queryKey: plannerKeys.dashboard(org) });
}

/** A date as the API takes it, `YYYY-MM-DD`, from a date's local calendar day. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The wall-clock time of `instant` in `timeZone`, `YYYY-MM-DDTHH:MM`: what the API takes as a task's local start. */
export function localTimeIn(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** The RFC 5545 rule a person's choice of repetition makes (the start gives the weekday or the day of the month). */
export function ruleFor(repeat: 'none' | 'daily' | 'weekly' | 'monthly', count: number | null): string | null {
  if (repeat === 'none') return null;
  const frequency = { daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY' }[repeat];
  return count && count > 0 ? `FREQ=${frequency};COUNT=${count}` : `FREQ=${frequency}`;
}

/** An occurrence's name (`YYYYMMDDTHHMMSS`) as a local start the API and a datetime field take, `YYYY-MM-DDTHH:MM`. */
export function occurrenceStart(occurrence: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})/.exec(occurrence);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}` : '';
}

/** The name of the occurrence at a task's local start (`YYYY-MM-DDTHH:MM:SS`): its first, for a series. */
export function occurrenceOf(start: string): string {
  const [day = '', time = ''] = start.split('T');
  return `${day.replace(/-/g, '')}T${time.replace(/:/g, '').padEnd(6, '0')}`;
}

/**
 * A rule as the repetition choices show it: how often and how many times; `custom` for a rule they cannot show (an
 * interval, an end date, several weekdays…), which is then kept unless another choice is made.
 */
export function repetitionOf(rrule: string | null | undefined): { repeat: 'none' | 'daily' | 'weekly' | 'monthly' | 'custom'; count: string } {
  if (!rrule?.trim()) return { repeat: 'none', count: '' };
  const parts = new Map(
    rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .filter(Boolean)
      .map((part) => {
        const [key = '', value = ''] = part.split('=');
        return [key.toUpperCase(), value.toUpperCase()] as const;
      }),
  );
  const repeat = ({ DAILY: 'daily', WEEKLY: 'weekly', MONTHLY: 'monthly' } as const)[parts.get('FREQ') ?? ''];
  const single = (key: string) => !parts.has(key) || !parts.get(key)!.includes(',');
  const known = [...parts.keys()].every((key) => ['FREQ', 'COUNT', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'WKST'].includes(key));
  const plain =
    repeat !== undefined &&
    known &&
    (parts.get('INTERVAL') ?? '1') === '1' &&
    single('BYDAY') &&
    single('BYMONTHDAY') &&
    !(repeat === 'daily' && (parts.has('BYDAY') || parts.has('BYMONTHDAY'))) &&
    !(repeat === 'weekly' && parts.has('BYMONTHDAY')) &&
    !(repeat === 'monthly' && parts.has('BYDAY'));
  if (!plain) return { repeat: 'custom', count: '' };
  return { repeat, count: parts.get('COUNT') ?? '' };
}

/** Where an item dropped `position` the item `target` goes: just before which item (null: the end of the queue). */
export function beforeFor(order: readonly string[], moving: string, target: string, position: 'before' | 'after' | 'on'): string | null {
  const rest = order.filter((id) => id !== moving);
  const at = rest.indexOf(target);
  if (at < 0) return null;
  if (position === 'before') return target;
  return rest[at + 1] ?? null;
}

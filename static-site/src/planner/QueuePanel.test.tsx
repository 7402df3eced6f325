// Tests for the study queue by goal: shown for one goal, the server is asked for that goal's items only and a move names
// a neighbour among them; an item is assigned to a goal; an item's details change its goal at the version read.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

type User = ReturnType<typeof userEvent.setup>;

const base = '/api/planner/org-1/people/p-1';
const path = (request: Request) => new URL(request.url).pathname;

const goal = (id: string, title: string) => ({
  id, person_id: 'p-1', title, why: '', target_date: null, status: 'active', milestones: [], proposed_by: null,
  created_by: 'p-1', created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', version: 1,
});

const item = (id: string, title: string, goalId: string | null, version = 1) => ({
  id, person_id: 'p-1', goal_id: goalId, resource: null, hidden: false, url: `https://example.org/${id}`, link_title: title, note: '',
  due_date: null, progress: 'not_started', done_on: null, assigned_by: 'p-1', assigned_at: '2027-01-01T00:00:00Z', version,
});

const queue = [item('a', 'Luke 1', 'g-2'), item('b', 'Psalm 23 audio', 'g-1'), item('c', 'Luke 2', 'g-2'), item('d', 'Prayer guide', null), item('e', 'Luke 3', 'g-2')];

/** Ada's plan: two goals and a queue that answers `?goal=` with that goal's items only. */
const plan = (items = queue) => ({
  'GET /api/planner/org-1/people': () => jsonResponse({ people: [{ person_id: 'p-1', display_name: 'Ada', relation: 'own', time_zone: 'Europe/Berlin' }] }),
  [`GET ${base}/goals`]: () => jsonResponse({ goals: [goal('g-1', 'Memorise Psalm 23'), goal('g-2', 'Read Luke')] }),
  [`GET ${base}/queue`]: (request: Request) => {
    const only = new URL(request.url).searchParams.get('goal');
    return jsonResponse({ items: only ? items.filter((i) => i.goal_id === only) : items });
  },
  [`GET ${base}/threads`]: () => jsonResponse({ threads: [] }),
});

async function openQueue() {
  window.history.replaceState(null, '', '/planner?tab=study');
  await renderApp(signedInState(sessionView(['mentee'])));
  return { user: userEvent.setup(), grid: await screen.findByRole('grid', { name: 'Study queue of Ada' }) };
}

async function choose(user: User, scope: HTMLElement, label: string, option: string) {
  await user.click(await within(scope).findByRole('button', { name: new RegExp(` ${label}$`) }));
  await user.click(await screen.findByRole('option', { name: option }));
}

function sent(requests: Request[], method: string, pathname: string) {
  return waitFor(() => {
    const found = requests.find((r) => r.method === method && path(r) === pathname);
    expect(found).toBeDefined();
    return found!;
  });
}

describe('The study queue by goal', { timeout: 20_000 }, () => {
  it("shows one goal's items from the server, names their goal, and moves among them", async () => {
    const { requests } = routeFetch({
      ...plan(),
      [`POST ${base}/queue/a/move`]: () => jsonResponse({ items: [queue[1], queue[2], queue[3], queue[0], queue[4]] }),
    });
    const { user, grid } = await openQueue();
    expect(within(grid).getAllByRole('row')).toHaveLength(5);
    expect(within(grid).getAllByRole('row')[0]).toHaveTextContent('for “Read Luke”');

    await choose(user, screen.getByRole('tabpanel'), 'Show', 'Read Luke');
    const filtered = await screen.findByRole('grid', { name: 'Study queue of Ada for “Read Luke”' });
    await waitFor(() => expect(within(filtered).getAllByRole('row')).toHaveLength(3));
    expect(within(filtered).getAllByRole('row').map((row) => row.textContent)).toEqual([
      expect.stringContaining('Luke 1'),
      expect.stringContaining('Luke 2'),
      expect.stringContaining('Luke 3'),
    ]);
    const asked = requests.filter((r) => r.method === 'GET' && path(r) === `${base}/queue`).map((r) => new URL(r.url).searchParams.get('goal'));
    expect(asked).toContain('g-2');
    expect(screen.getByText(/Only this goal's items are shown/)).toBeInTheDocument();

    // Down past "Luke 2": it goes before "Luke 3", the next of this goal's items.
    await user.click(within(filtered).getByRole('button', { name: 'Move “Luke 1” down' }));
    const move = await sent(requests, 'POST', `${base}/queue/a/move`);
    expect(await move.clone().json()).toEqual({ before: 'e' });
    await waitFor(() => expect(within(filtered).getAllByRole('row')[0]).toHaveTextContent('Luke 2'));
    expect(within(filtered).getAllByRole('row')[1]).toHaveTextContent('Luke 1');
  });

  it('assigns an item to a goal', async () => {
    const { requests } = routeFetch({
      ...plan(),
      [`POST ${base}/queue`]: () => jsonResponse(item('f', 'Luke 4', 'g-2'), 201),
    });
    const { user } = await openQueue();
    const form = screen.getByRole('form', { name: 'Add to your queue' });
    await user.click(within(form).getByRole('radio', { name: 'A web page' }));
    await user.type(within(form).getByLabelText('Address'), 'https://example.org/f');
    await choose(user, form, 'For goal', 'Read Luke');
    await user.click(within(form).getByRole('button', { name: 'Add' }));
    const post = await sent(requests, 'POST', `${base}/queue`);
    expect(await post.clone().json()).toEqual({ url: 'https://example.org/f', title: '', note: '', due_date: null, goal_id: 'g-2' });
  });

  it("changes an item's goal from its details, at the version read", async () => {
    const { requests } = routeFetch({
      ...plan([item('d', 'Prayer guide', null, 7)]),
      [`PATCH ${base}/queue/d`]: () => jsonResponse(item('d', 'Prayer guide', 'g-1', 8)),
    });
    const { user, grid } = await openQueue();
    const toggle = within(grid).getByRole('button', { name: 'Details of “Prayer guide”' });
    await user.click(toggle);
    const form = await screen.findByRole('form', { name: 'Details of “Prayer guide”' });
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(grid).not.toContainElement(form);
    await choose(user, form, 'For goal', 'Memorise Psalm 23');
    await user.click(within(form).getByRole('button', { name: 'Save details' }));
    const patch = await sent(requests, 'PATCH', `${base}/queue/d`);
    expect(patch.headers.get('If-Match')).toBe('"7"');
    expect(await patch.clone().json()).toEqual({ goal_id: 'g-1' });
  });
});

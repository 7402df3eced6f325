// Tests for the composer: a block reordered from the keyboard is autosaved as the whole outline under the version read;
// a stale save opens the conflict dialog and "keep mine" saves over the new version; undo and redo walk the outline;
// the running total warns when it passes the plan; resources the audience cannot see, and those the reader cannot see,
// are flagged; a session the reader may not change is shown to read.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

const base = '/api/sessions/org-1/sessions/s-1';
const path = (request: Request) => new URL(request.url).pathname;

type BlockFixture = Record<string, unknown> & { id: string };

const block = (id: string, kind: string, extra: Record<string, unknown> = {}): BlockFixture => ({
  id, kind, title: '', body: '', reference: null, minutes: 5, nested: false, embed: null, ...extra,
});

const outline = () => [
  block('h1', 'heading', { title: 'Opening', minutes: 0 }),
  block('q1', 'question', { body: 'What is grace?', nested: true, minutes: 10 }),
  block('p1', 'prayer', { title: 'Closing prayer', minutes: 5 }),
];

const session = (extra: Record<string, unknown> = {}) => ({
  id: 's-1', title: 'Grace in Luke', date: '2027-03-04', time: '19:00', zone: 'UTC', starts_at: '2027-03-04T19:00:00Z',
  audience: { kind: 'group', person_id: null, group_id: 'g-1' }, facilitators: ['p-1'], status: 'draft',
  planned_minutes: 30, total_minutes: 15, over_plan: false, blocks: outline(), notes: '', shared: false, template_id: null,
  may_change: true, hidden_from_audience: [], created_by: 'p-1', created_at: '2027-02-01T10:00:00Z',
  updated_at: '2027-02-01T10:00:00Z', updated_by: 'p-1', version: 3, ...extra,
});

/** The calls the page makes besides the session itself: names for its audience, and its earlier versions. */
const around = {
  'GET /api/planner/org-1/people': () => jsonResponse({ people: [{ person_id: 'p-1', display_name: 'Ada', relation: 'own', time_zone: null }] }),
  'GET /api/people/org-1/groups': () => jsonResponse({ groups: [{ id: 'g-1', name: 'Youth', leader_id: 'p-1', created_at: 0 }] }),
};

/** The PATCH answer: the session as sent, at the next version. */
async function echo(request: Request, version: number) {
  const body = await request.clone().json();
  const blocks = body.blocks.map((b: Record<string, unknown>) => ({
    id: b.id, kind: b.kind, title: b.title, body: b.body, reference: b.reference, minutes: b.minutes, nested: b.nested, embed: null,
  }));
  return jsonResponse(session({ title: body.title, blocks, version }));
}

async function openComposer(roles: Array<'pastor' | 'mentee'> = ['pastor']) {
  window.history.replaceState(null, '', '/sessions/s-1');
  await renderApp(signedInState(sessionView(roles)));
  return userEvent.setup();
}

const rows = (grid: HTMLElement) => within(grid).getAllByRole('row');
const patches = (requests: Request[]) => requests.filter((r) => r.method === 'PATCH' && path(r) === base);

describe('The session composer', { timeout: 30_000 }, () => {
  it('reorders a block from the keyboard and autosaves the new order under the version read', async () => {
    const { requests } = routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(session()),
      [`PATCH ${base}`]: (request) => echo(request, 4),
    });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    expect(rows(grid).map((row) => row.getAttribute('aria-label'))).toEqual(['1. Heading: Opening', '2. Discussion question: What is grace?', '3. Prayer or reflection: Closing prayer']);

    // From the keyboard alone: Tab into the list lands on a row, the arrows go down to the prayer, Tab goes through its
    // fields to its Move up button, and Enter presses it; focus stays on it, so it can be pressed on. (The drag
    // handle's keyboard drag needs a real browser's layout: the browser test moves a block with it.)
    // (Undo and Redo are disabled with nothing to undo: the sharing box is the last stop before the outline.)
    screen.getByLabelText('Shared with its audience').focus();
    await user.tab();
    expect(document.activeElement).toBe(rows(grid)[0]);
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement).toBe(rows(grid)[2]);
    for (let i = 0; i < 10 && document.activeElement?.getAttribute('aria-label') !== 'Move “Closing prayer” up'; i += 1) await user.tab();
    expect(document.activeElement).toHaveAccessibleName('Move “Closing prayer” up');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rows(grid)[1]).toHaveAttribute('aria-label', '2. Prayer or reflection: Closing prayer'));
    expect(screen.getByText('“Closing prayer” is now 2 of 3.')).toBeInTheDocument();
    await waitFor(() => expect(document.activeElement).toHaveAccessibleName('Move “Closing prayer” up'));
    expect(screen.getByText('Saving…')).toBeInTheDocument();

    await waitFor(() => expect(patches(requests)).toHaveLength(1), { timeout: 3000 });
    const sent = patches(requests)[0]!;
    expect(sent.headers.get('If-Match')).toBe('"3"');
    const body = await sent.json();
    // The whole outline, in its new order: the prayer lands inside the heading's section, so it is nested with it.
    expect(body.blocks.map((b: { id: string; nested: boolean }) => [b.id, b.nested])).toEqual([
      ['h1', false],
      ['p1', true],
      ['q1', true],
    ]);
    expect(body).toMatchObject({ title: 'Grace in Luke', date: '2027-03-04', time: '19:00', planned_minutes: 30 });
    expect(await screen.findByText('All changes saved')).toBeInTheDocument();

    // The next save names the version the last one made, and the Move down button sends a move too; the button keeps
    // focus as its row moves on.
    await user.tab();
    expect(document.activeElement).toHaveAccessibleName('Move “Closing prayer” down');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rows(grid)[2]).toHaveAttribute('aria-label', '3. Prayer or reflection: Closing prayer'));
    await waitFor(() => expect(document.activeElement).toHaveAccessibleName('Move “Closing prayer” up'));
    await waitFor(() => expect(patches(requests)).toHaveLength(2), { timeout: 3000 });
    expect(patches(requests)[1]!.headers.get('If-Match')).toBe('"4"');
    expect((await patches(requests)[1]!.json()).blocks.map((b: { id: string }) => b.id)).toEqual(['h1', 'q1', 'p1']);
  });

  it('opens the conflict dialog on a stale save, and keeping mine saves over the version there now', async () => {
    let reads = 0;
    let stale = true;
    const { requests } = routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(session({ version: reads++ === 0 ? 3 : 7, title: reads > 1 ? 'Changed elsewhere' : 'Grace in Luke' })),
      [`PATCH ${base}`]: (request) => {
        if (stale) {
          stale = false;
          return problemResponse(412, { title: 'Precondition failed', detail: 'the session was changed since you read it' });
        }
        return echo(request, 8);
      },
    });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    const prayer = rows(grid)[2]!;
    await user.type(within(prayer).getByLabelText('Title (optional)'), ' together');

    const dialog = await screen.findByRole('dialog', {}, { timeout: 3000 });
    expect(within(dialog).getByRole('heading')).toHaveTextContent('Changed elsewhere');
    expect(screen.getByText('Not saved: the session was changed elsewhere')).toBeInTheDocument();
    expect(patches(requests)[0]!.headers.get('If-Match')).toBe('"3"');

    await user.click(within(dialog).getByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(patches(requests)).toHaveLength(2));
    const second = patches(requests)[1]!;
    expect(second.headers.get('If-Match')).toBe('"7"');
    const body = await second.json();
    expect(body.blocks[2]).toMatchObject({ id: 'p1', title: 'Closing prayer together' });
    expect(body.title).toBe('Grace in Luke');
    expect(await screen.findByText('All changes saved')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('reloads their version from the conflict dialog, and undo brings mine back', async () => {
    let reads = 0;
    routeFetch({
      ...around,
      [`GET ${base}`]: () => (reads++ === 0 ? jsonResponse(session()) : jsonResponse(session({ version: 9, blocks: outline().slice(0, 2) }))),
      [`PATCH ${base}`]: () => problemResponse(412, { title: 'Precondition failed' }),
    });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    await user.type(within(rows(grid)[2]!).getByLabelText('Title (optional)'), '!');
    const dialog = await screen.findByRole('dialog', {}, { timeout: 3000 });
    await user.click(within(dialog).getByRole('button', { name: 'Reload their version' }));
    await waitFor(() => expect(rows(grid)).toHaveLength(2));
    expect(screen.getByText('All changes saved')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(rows(grid)).toHaveLength(3));
    expect(within(rows(grid)[2]!).getByLabelText('Title (optional)')).toHaveValue('Closing prayer!');
  });

  it('undoes and redoes changes to the outline with the keyboard and the buttons', async () => {
    routeFetch({ ...around, [`GET ${base}`]: () => jsonResponse(session()), [`PATCH ${base}`]: (request) => echo(request, 4) });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    expect(screen.getByRole('button', { name: 'Undo' })).toBeDisabled();

    await user.click(within(grid).getByRole('button', { name: 'Remove “What is grace?”' }));
    expect(rows(grid)).toHaveLength(2);
    expect(screen.getByText('“What is grace?” was removed. Undo brings it back.')).toBeInTheDocument();

    // Ctrl+Z in the outline puts it back where it was; Shift+Ctrl+Z takes it out again.
    within(rows(grid)[0]!).getByLabelText('Heading').focus();
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(rows(grid)).toHaveLength(3));
    expect(rows(grid)[1]).toHaveAttribute('aria-label', '2. Discussion question: What is grace?');
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await waitFor(() => expect(rows(grid)).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(rows(grid)).toHaveLength(3));

    // Typing in one field is one step: undo takes all of it away.
    const heading = within(rows(grid)[0]!).getByLabelText('Heading');
    await user.type(heading, ' and welcome');
    expect(heading).toHaveValue('Opening and welcome');
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(within(rows(grid)[0]!).getByLabelText('Heading')).toHaveValue('Opening'));
    expect(screen.getByRole('button', { name: 'Redo' })).toBeEnabled();
  });

  it('adds a block of any kind at the end, with focus in its first field once', async () => {
    const { requests } = routeFetch({ ...around, [`GET ${base}`]: () => jsonResponse(session()), [`PATCH ${base}`]: (request) => echo(request, 4) });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    await user.click(screen.getByRole('button', { name: 'Add a block: Activity' }));
    expect(rows(grid)).toHaveLength(4);
    const added = rows(grid)[3]!;
    expect(added).toHaveAttribute('aria-label', '4. Activity: Activity');
    await waitFor(() => expect(within(added).getByLabelText('Title (optional)')).toHaveFocus());
    await user.keyboard('Walk and pray');
    // Typing elsewhere afterwards keeps focus where one types.
    const heading = within(rows(grid)[0]!).getByLabelText('Heading');
    await user.click(heading);
    await user.keyboard('!');
    expect(heading).toHaveFocus();
    expect(heading).toHaveValue('Opening!');
    await waitFor(() => expect(patches(requests).length).toBeGreaterThan(0), { timeout: 3000 });
    const body = await patches(requests).at(-1)!.json();
    expect(body.blocks[3]).toMatchObject({ kind: 'activity', title: 'Walk and pray', nested: false, minutes: 0 });
    expect(body.blocks[3].id).toMatch(/^b[a-z0-9]{12}$/);
    // A heading with no text is not sent: its field says why.
    await user.click(screen.getByRole('button', { name: 'Add a block: Heading' }));
    const heading2 = rows(grid)[4]!;
    expect(within(heading2).getByLabelText('Heading')).toHaveAccessibleDescription('A heading needs its text.');
    expect(screen.getByText('Not saved: correct the marked fields')).toBeInTheDocument();
  });

  it('warns when the blocks take longer than planned', async () => {
    routeFetch({ ...around, [`GET ${base}`]: () => jsonResponse(session()), [`PATCH ${base}`]: (request) => echo(request, 4) });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    expect(screen.getByText('15 of 30 minutes planned')).toBeInTheDocument();
    expect(screen.queryByText(/Over the plan/)).not.toBeInTheDocument();
    const minutes = within(rows(grid)[1]!).getByLabelText('Minutes');
    await user.clear(minutes);
    await user.type(minutes, '40');
    expect(screen.getByText('45 of 30 minutes planned')).toBeInTheDocument();
    expect(screen.getByText('Over the plan by 15 minutes: 45 of 30 minutes.')).toBeInTheDocument();
    // Minutes out of range are refused in place and not sent.
    await user.type(minutes, '00');
    expect(within(rows(grid)[1]!).getByText('Use a whole number of minutes from 0 to 600.')).toBeInTheDocument();
  });

  it('flags resources the audience cannot see, shows those the reader cannot see as not available, and keeps them', async () => {
    const card = { kind: 'note', title: 'Sermon notes', description: 'For leaders', url: null, file_name: null, excerpt: null };
    const blocks = [
      ...outline(),
      block('r1', 'resource', { embed: { resource_id: 'res-1', show: 'live', pinned: false, pinned_at: null, card } }),
      block('r2', 'resource', { embed: { resource_id: null, show: 'excerpt', pinned: true, pinned_at: '2027-02-01T10:00:00Z', card: null } }),
    ];
    const { requests } = routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(session({ blocks, hidden_from_audience: ['r1'], total_minutes: 25 })),
      [`PATCH ${base}`]: (request) => echo(request, 4),
    });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    const [, , , shared, hidden] = rows(grid);
    expect(within(shared!).getByText('The audience cannot see this resource: it shows to them as not available.')).toBeInTheDocument();
    expect(within(shared!).getByRole('link', { name: 'Sermon notes' })).toHaveAttribute('href', '/hub/res-1');
    expect(screen.getByText(/1 block holds a hub resource its audience cannot see\. Once shared/)).toBeInTheDocument();
    expect(within(hidden!).getByText('Not available to you')).toBeInTheDocument();
    expect(within(hidden!).queryByText('Sermon notes')).not.toBeInTheDocument();

    // Saved back, the block the reader cannot see goes without an id, as it came.
    await user.type(within(rows(grid)[2]!).getByLabelText('Title (optional)'), '.');
    await waitFor(() => expect(patches(requests)).toHaveLength(1), { timeout: 3000 });
    const body = await patches(requests)[0]!.json();
    expect(body.blocks.slice(3)).toEqual([
      { id: 'r1', kind: 'resource', title: '', body: '', reference: null, minutes: 5, nested: false, resource_id: 'res-1', show: 'live', pin: false },
      { id: 'r2', kind: 'resource', title: '', body: '', reference: null, minutes: 5, nested: false, resource_id: null, show: 'excerpt', pin: true },
    ]);
  });

  it('adds a hub resource found by searching in place', async () => {
    const { requests } = routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(session()),
      [`PATCH ${base}`]: (request) => echo(request, 4),
      'GET /api/hub/org-1/resources': () =>
        jsonResponse({
          total: 1, offset: 0, limit: 8, facets: {},
          items: [{ resource: { id: 'res-9', kind: 'note', title: 'Prodigal son', description: 'Luke 15', tags: [], author_id: 'p-1', source: 'written', visibility: { kind: 'organisation' }, created_at: 0, updated_at: 0, updated_by: 'p-1', version: 1 }, title: [], snippet: [] }],
        }),
    });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    await user.type(screen.getByLabelText('Add a hub resource: search the hub'), 'prodigal');
    await user.click(await screen.findByRole('button', { name: 'Choose “Prodigal son”' }));
    expect(rows(grid)).toHaveLength(4);
    expect(within(rows(grid)[3]!).getByText('Prodigal son')).toBeInTheDocument();
    await waitFor(() => expect(patches(requests)).toHaveLength(1), { timeout: 3000 });
    expect((await patches(requests)[0]!.json()).blocks[3]).toMatchObject({ kind: 'resource', resource_id: 'res-9', show: 'live', pin: false });
  });

  it('names the blocks a status change finds unfilled, next to their fields', async () => {
    const { requests } = routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(session({ blocks: outline().map((b) => (b.id === 'q1' ? { ...b, body: '' } : b)) })),
      [`PATCH ${base}`]: () => problemResponse(422, { title: 'Invalid', detail: 'some fields are not valid', errors: [{ field: 'blocks.1.body', message: 'this Discussion question block needs its text before the session is ready' }] }),
    });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    await user.click(screen.getByRole('button', { name: /Status/ }));
    await user.click(await screen.findByRole('option', { name: 'Ready' }));
    await waitFor(() => expect(patches(requests)).toHaveLength(1));
    expect(await patches(requests)[0]!.json()).toMatchObject({ status: 'ready' });
    expect(await within(rows(grid)[1]!).findByText('this Discussion question block needs its text before the session is ready')).toBeInTheDocument();
    expect(screen.getByText(/Some blocks still need filling/)).toBeInTheDocument();
    // The status stays as the server has it, and a block filled is no longer marked.
    expect(screen.getByRole('button', { name: /Status/ })).toHaveTextContent('Draft');
    await user.type(within(rows(grid)[1]!).getByLabelText('Question'), 'What is grace?');
    expect(within(rows(grid)[1]!).queryByText('this Discussion question block needs its text before the session is ready')).not.toBeInTheDocument();
  });

  it('lists earlier versions and restores one at the version read; undo brings the outline before it back', async () => {
    const { requests } = routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(session()),
      [`GET ${base}/revisions`]: () =>
        jsonResponse({ revisions: [{ version: 2, title: 'Grace', blocks: 1, total_minutes: 10, saved_at: '2027-02-01T09:00:00Z', saved_by: 'p-1' }] }),
      [`POST ${base}/revisions/2/restore`]: () => jsonResponse(session({ title: 'Grace', version: 4, blocks: [block('q1', 'question', { body: 'What is grace?', minutes: 10 })] })),
    });
    const user = await openComposer();
    const grid = await screen.findByRole('grid', { name: 'Outline' });
    await user.click(screen.getByRole('button', { name: 'Show earlier versions' }));
    expect(await screen.findByText(/Version 2, saved .* by you: 1 block, 10 minutes/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Restore version 2' }));
    await waitFor(() => expect(rows(grid)).toHaveLength(1));
    const restore = requests.find((r) => r.method === 'POST')!;
    expect(restore.headers.get('If-Match')).toBe('"3"');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Grace');
    expect(screen.getByText('All changes saved')).toBeInTheDocument();
    // Restoring is a step of the outline's history like any other.
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(rows(grid)).toHaveLength(3));
  });

  it('shows a session the reader may not change to read, with its exports', async () => {
    routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(session({ may_change: false, audience: { kind: 'person', person_id: 'p-1', group_id: null }, shared: true })),
    });
    await openComposer(['mentee']);
    expect(await screen.findByRole('heading', { level: 1, name: 'Grace in Luke' })).toBeInTheDocument();
    expect(screen.queryByRole('grid')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Opening' })).toBeInTheDocument();
    expect(screen.getByText('What is grace?')).toBeInTheDocument();
    expect(screen.getByText(/For you/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download as HTML' })).toHaveAttribute('href', '/api/sessions/org-1/sessions/s-1/export?format=html');
    expect(screen.getByRole('link', { name: 'Download as Markdown' })).toHaveAttribute('href', '/api/sessions/org-1/sessions/s-1/export?format=markdown');
  });

  it('changes the facilitators and whom it is for, each under the version read', async () => {
    let current = session();
    const { requests } = routeFetch({
      ...around,
      [`GET ${base}`]: () => jsonResponse(current),
      'GET /api/sessions/org-1/leaders': () =>
        jsonResponse({ leaders: [{ person_id: 'p-1', display_name: 'Ada' }, { person_id: 'p-2', display_name: 'Mara' }] }),
      [`PATCH ${base}`]: async (request) => {
        const body = await request.clone().json();
        current = session({
          version: current.version + 1,
          ...(body.facilitators ? { facilitators: body.facilitators } : { facilitators: current.facilitators }),
          ...(body.audience ? { audience: { person_id: null, group_id: null, ...body.audience } } : {}),
        });
        return jsonResponse(current);
      },
    });
    const user = await openComposer();
    const people = await screen.findByRole('region', { name: 'Audience and facilitators' });
    await user.click(within(people).getByRole('button', { name: 'Change the facilitators' }));
    await user.click(await within(people).findByLabelText('Mara'));
    await user.click(within(people).getByRole('button', { name: 'Save the facilitators' }));
    await waitFor(() => expect(within(people).getByRole('list', { name: 'Facilitators' })).toHaveTextContent('Mara'));
    const first = patches(requests)[0]!;
    expect(first.headers.get('If-Match')).toBe('"3"');
    expect((await first.clone().json()).facilitators).toEqual(['p-1', 'p-2']);

    // None at all is refused here, before anything is sent.
    await user.click(within(people).getByRole('button', { name: 'Change the facilitators' }));
    await user.click(await within(people).findByLabelText('Ada (you)'));
    await user.click(within(people).getByLabelText('Mara'));
    await user.click(within(people).getByRole('button', { name: 'Save the facilitators' }));
    expect(within(people).getByText('A session needs at least one facilitator.')).toBeInTheDocument();
    expect(patches(requests)).toHaveLength(1);
    await user.click(within(people).getByRole('button', { name: 'Cancel' }));

    await user.click(within(people).getByRole('button', { name: 'Change whom it is for' }));
    await user.click(within(people).getByLabelText('Nobody in particular', { exact: false }));
    await user.click(within(people).getByRole('button', { name: 'Save the audience' }));
    await waitFor(() => expect(patches(requests)).toHaveLength(2));
    const second = patches(requests)[1]!;
    expect((await second.clone().json()).audience).toEqual({ kind: 'open' });
    expect(second.headers.get('If-Match')).toBe('"4"');
  });

  it('says so when the session is not there', async () => {
    routeFetch({ ...around, [`GET ${base}`]: () => problemResponse(404, { title: 'Not found', detail: 'the session' }) });
    await openComposer();
    expect(await screen.findByRole('heading', { level: 1, name: 'Session not found' })).toBeInTheDocument();
  });
});

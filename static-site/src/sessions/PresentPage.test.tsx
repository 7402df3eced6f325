// Tests for present mode: the keys move through the blocks and show what comes next; an activity's timer counts its
// minutes down on the clock given, pauses, goes past zero and resets; elapsed time is read against the plan; a block's
// markdown is shown as the hub's renderer writes it; Esc leaves.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { QueryProvider } from '../api/QueryProvider';
import { manualClock } from '../test/clock';
import { jsonResponse, routeFetch } from '../test/http';
import { PresentView } from './PresentPage';
import type { Session } from './queries';

const block = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({
  id, kind, title: '', body: '', reference: null, minutes: 0, nested: false, embed: null, ...extra,
});

const session = {
  id: 's-1', title: 'Grace in Luke', date: '2027-03-04', time: '19:00', zone: 'UTC', starts_at: '2027-03-04T19:00:00Z',
  audience: { kind: 'open', person_id: null, group_id: null }, facilitators: ['p-1'], status: 'ready', planned_minutes: 20,
  total_minutes: 17, over_plan: false, notes: '', shared: false, template_id: null, may_change: true, hidden_from_audience: [],
  created_by: 'p-1', created_at: '2027-02-01T10:00:00Z', updated_at: '2027-02-01T10:00:00Z', updated_by: 'p-1', version: 3,
  blocks: [
    block('h1', 'heading', { title: 'Opening' }),
    block('a1', 'activity', { title: 'Walk and talk', body: 'Pair up and **walk**.', minutes: 2, nested: true }),
    block('q1', 'question', { body: 'What is grace?', minutes: 15, nested: true }),
  ],
} as unknown as Session;

function present() {
  const fetched = routeFetch({
    'PUT /api/sessions/org-1/sessions/s-1/presenting': new Response(JSON.stringify({ block_id: null, since: '2027-03-04T19:00:00Z' }), {
      headers: { 'content-type': 'application/json' },
    }),
    'POST /api/hub/org-1/render': async (request) => {
      const { body } = await request.json();
      return jsonResponse({ html: body.includes('**walk**') ? '<p>Pair up and <strong>walk</strong>.</p>' : `<p>${body}</p>` });
    },
  });
  const { clock, advance } = manualClock();
  const onLeave = vi.fn();
  const view = render(
    <QueryProvider>
      <PresentView orgId="org-1" session={session} clock={clock} onLeave={onLeave} />
    </QueryProvider>,
  );
  return { user: userEvent.setup(), advance, onLeave, requests: fetched.requests, unmount: view.unmount };
}

/** The blocks followers were told of, in order. */
async function presented(requests: Request[]): Promise<Array<string | null>> {
  const puts = requests.filter((r) => r.method === 'PUT' && r.url.endsWith('/presenting'));
  return Promise.all(puts.map(async (r) => ((await r.clone().json()) as { block_id: string | null }).block_id));
}

/** The activity timer's face. */
const timer = () => within(screen.getByRole('group', { name: 'Activity timer' }));

describe('Present mode', () => {
  it('moves through the blocks with the arrow keys and shows what comes next', async () => {
    const { user } = present();
    expect(screen.getByText('Block 1 of 3: Heading, Opening')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Opening' })).toBeInTheDocument();
    expect(screen.getByText('This section: 2 blocks, 17 minutes.')).toBeInTheDocument();
    expect(screen.getByText('Next: Activity, Walk and talk (2 min)')).toBeInTheDocument();

    await user.keyboard('{ArrowRight}');
    expect(screen.getByText('Block 2 of 3: Activity, Walk and talk')).toBeInTheDocument();
    // The body as the hub's renderer writes it (plain text until it answers).
    expect(await screen.findByText('walk', { selector: 'strong' })).toBeInTheDocument();
    expect(screen.getByText('Next: Discussion question, What is grace? (15 min)')).toBeInTheDocument();

    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(screen.getByText('Block 3 of 3: Discussion question, What is grace?')).toBeInTheDocument();
    expect(screen.getByText('This is the last block.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Next/ })).toBeDisabled();

    await user.keyboard('{ArrowLeft}');
    expect(screen.getByText('Block 2 of 3: Activity, Walk and talk')).toBeInTheDocument();
    await user.keyboard('{Home}');
    expect(screen.getByText('Block 1 of 3: Heading, Opening')).toBeInTheDocument();
    await user.keyboard('{End}');
    expect(screen.getByText('Block 3 of 3: Discussion question, What is grace?')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Previous/ }));
    expect(screen.getByText('Block 2 of 3: Activity, Walk and talk')).toBeInTheDocument();
  });

  it("counts an activity's minutes down, pauses with Space, runs past zero and resets", async () => {
    const { user, advance } = present();
    await user.keyboard('{ArrowRight}');
    expect(timer().getByText('2:00')).toBeInTheDocument();
    expect(screen.getByText('Timer of 2 minutes')).toBeInTheDocument();

    await user.keyboard(' ');
    expect(screen.getByRole('button', { name: 'Pause timer' })).toBeInTheDocument();
    advance(30_000);
    expect(timer().getByText('1:30')).toBeInTheDocument();

    // Paused, it stands still however long the clock runs.
    await user.keyboard(' ');
    advance(60_000);
    expect(timer().getByText('1:30')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resume timer' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Resume timer' }));
    advance(95_000);
    expect(timer().getByText('Time is up (+0:05)')).toBeInTheDocument();

    // Each activity keeps its own timer while one looks elsewhere.
    await user.keyboard('{ArrowRight}{ArrowLeft}');
    advance(5_000);
    expect(timer().getByText('Time is up (+0:10)')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Reset timer' }));
    expect(timer().getByText('2:00')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start timer' })).toBeInTheDocument();
  });

  it('reads the time elapsed against the plan', async () => {
    const { user, advance } = present();
    expect(screen.getByText('0:00')).toBeInTheDocument();
    expect(screen.getByText('of 20 minutes planned')).toBeInTheDocument();
    await user.keyboard('{End}');
    // The question is planned from 2:00; at 1:00 in, the session is a minute ahead.
    advance(60_000);
    expect(screen.getByText('1:00')).toBeInTheDocument();
    expect(screen.getByText(/1 minute ahead of the plan/)).toBeInTheDocument();
    advance(10 * 60_000);
    expect(screen.getByText(/on time/)).toBeInTheDocument();
    advance(8 * 60_000);
    expect(screen.getByText('19:00')).toBeInTheDocument();
    expect(screen.getByText(/2 minutes behind the plan/)).toBeInTheDocument();
  });

  it('leaves with Esc', async () => {
    const { user, onLeave } = present();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(onLeave).toHaveBeenCalledTimes(1));
  });
  it('tells those following by a link where it is, once it settles, and that it ended', async () => {
    const { user, requests, unmount } = present();
    await waitFor(async () => expect(await presented(requests)).toEqual(['h1']));
    // Two quick steps: followers hear of the block it settles on, not of each one passed.
    await user.keyboard('{ArrowRight}{ArrowRight}');
    await waitFor(async () => expect(await presented(requests)).toEqual(['h1', 'q1']));
    unmount();
    await waitFor(async () => expect(await presented(requests)).toEqual(['h1', 'q1', null]));
  });
});

// Tests for the planner page: a proposal accepted from one's own goals, a refused goal shown on its field, the study
// queue reordered from the keyboard's move buttons (one move request naming the item it goes before), a mentor's view
// of a mentee's plan without the person's own controls, and the helpers that turn a drop and a repetition into what
// the API takes.
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';
import { beforeFor, localTimeIn, ruleFor } from './queries';

const people = (relation: 'own' | 'mentee' = 'own') => ({
  people: [
    { person_id: 'p-1', display_name: 'Ada', relation: 'own', time_zone: 'Europe/Berlin' },
    ...(relation === 'mentee' ? [{ person_id: 'p-2', display_name: 'Tim', relation: 'mentee', time_zone: null }] : []),
  ],
});

const goal = (status: string, version = 1) => ({
  id: 'g-1', person_id: 'p-1', title: 'Memorise Psalm 23', why: 'to pray it', target_date: '2027-03-01', status,
  milestones: [{ id: 'm-1', title: 'Verses 1-3', done: false, done_at: null }], proposed_by: status === 'proposed' ? 'p-9' : null,
  created_by: 'p-9', created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', version,
});

const item = (id: string, note: string) => ({
  id, person_id: 'p-1', goal_id: null, resource: null, hidden: false, url: `https://example.org/${id}`, link_title: note, note,
  due_date: null, progress: 'not_started', done_on: null, assigned_by: 'p-9', assigned_at: '2027-01-01T00:00:00Z', version: 1,
});

describe('Learning Planner page', () => {
  it('accepts a goal proposed to oneself', async () => {
    let accepted = false;
    routeFetch({
      'GET /api/planner/org-1/people': () => jsonResponse(people()),
      'GET /api/planner/org-1/people/p-1/goals': () => jsonResponse({ goals: [goal(accepted ? 'active' : 'proposed', accepted ? 2 : 1)] }),
      'POST /api/planner/org-1/people/p-1/goals/g-1/accept': () => {
        accepted = true;
        return jsonResponse(goal('active', 2));
      },
    });
    window.history.replaceState(null, '', '/planner');
    await renderApp(signedInState(sessionView(['mentee'])));
    expect(await screen.findByText('Memorise Psalm 23')).toBeInTheDocument();
    expect(screen.getByText('Proposed')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Accept' }));
    expect(await screen.findByText('Active')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Mark achieved' })).toBeInTheDocument();
  });

  it('shows a refused goal on the field the server names, and keeps what was typed', async () => {
    routeFetch({
      'GET /api/planner/org-1/people': () => jsonResponse(people()),
      'GET /api/planner/org-1/people/p-1/goals': () => jsonResponse({ goals: [] }),
      'POST /api/planner/org-1/people/p-1/goals': () =>
        problemResponse(422, { type: 'urn:emmaus:problem:validation', title: 'Invalid', errors: [{ field: 'target_date', message: 'must be a date such as 2027-03-14' }] }),
    });
    window.history.replaceState(null, '', '/planner');
    await renderApp(signedInState(sessionView(['mentee'])));
    expect(await screen.findByText(/No goals yet/)).toBeInTheDocument();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Goal'), 'Read Luke');
    await user.click(screen.getByRole('button', { name: 'Set goal' }));
    expect(await screen.findByText('must be a date such as 2027-03-14')).toBeInTheDocument();
    expect(screen.getByLabelText('Goal')).toHaveValue('Read Luke');
  });

  it('moves a study item down with one request naming the item it goes before', async () => {
    const { requests } = routeFetch({
      'GET /api/planner/org-1/people': () => jsonResponse(people()),
      'GET /api/planner/org-1/people/p-1/queue': () => jsonResponse({ items: [item('a', 'First'), item('b', 'Second'), item('c', 'Third')] }),
      'POST /api/planner/org-1/people/p-1/queue/a/move': () => jsonResponse({ items: [item('b', 'Second'), item('a', 'First'), item('c', 'Third')] }),
    });
    window.history.replaceState(null, '', '/planner?tab=study');
    await renderApp(signedInState(sessionView(['mentee'])));
    const list = await screen.findByRole('grid', { name: 'Study queue of Ada' });
    await userEvent.setup().click(within(list).getByRole('button', { name: 'Move “First” down' }));
    const moved = requests.find((r) => r.method === 'POST' && new URL(r.url).pathname.endsWith('/queue/a/move'));
    expect(await moved?.clone().json()).toEqual({ before: 'c' });
    const rows = within(list).getAllByRole('row');
    expect(rows[0]).toHaveTextContent('Second');
  });

  it("shows a mentee's plan to their mentor without the person's own controls", async () => {
    routeFetch({
      'GET /api/planner/org-1/people': () => jsonResponse(people('mentee')),
      'GET /api/planner/org-1/people/p-2/goals': () => jsonResponse({ goals: [{ ...goal('proposed'), person_id: 'p-2' }] }),
    });
    window.history.replaceState(null, '', '/planner?person=p-2');
    await renderApp(signedInState(sessionView(['mentor'])));
    expect(await screen.findByText('Memorise Psalm 23')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Accept' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Propose goal' })).toBeInTheDocument();
  });

  it('turns a drop, a time and a repetition into what the API takes', () => {
    expect(beforeFor(['a', 'b', 'c'], 'a', 'c', 'after')).toBeNull();
    expect(beforeFor(['a', 'b', 'c'], 'c', 'a', 'before')).toBe('a');
    expect(beforeFor(['a', 'b', 'c'], 'a', 'b', 'after')).toBe('c');
    expect(localTimeIn(new Date('2027-03-29T17:00:00Z'), 'Europe/Berlin')).toBe('2027-03-29T19:00');
    expect(localTimeIn(new Date('2027-03-27T18:00:00Z'), 'Europe/Berlin')).toBe('2027-03-27T19:00');
    expect(ruleFor('none', null)).toBeNull();
    expect(ruleFor('weekly', null)).toBe('FREQ=WEEKLY');
    expect(ruleFor('daily', 5)).toBe('FREQ=DAILY;COUNT=5');
  });
});

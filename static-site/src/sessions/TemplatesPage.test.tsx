// Tests for session templates: the organisation's and one's own listed apart; a template made with slots put in order
// by their buttons; a change sent at the version read, a stale one opening the conflict dialog; problems next to their
// fields; a removal after asking; a mentor keeps personal templates only.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

const base = '/api/sessions/org-1/templates';

const template = (id: string, name: string, personal: boolean, version = 1) => ({
  id, name, description: '', personal, total_minutes: 15, created_by: 'p-1', updated_at: '2027-01-01T00:00:00Z', version,
  slots: [{ kind: 'heading', title: 'Welcome', minutes: 5 }, { kind: 'question', title: '', minutes: 10 }],
});

async function openTemplates(roles: Array<'pastor' | 'mentor'> = ['pastor']) {
  window.history.replaceState(null, '', '/sessions/templates');
  await renderApp(signedInState(sessionView(roles)));
  return userEvent.setup();
}

const sent = (requests: Request[], method: string, pathname: string) =>
  waitFor(() => {
    const found = requests.filter((r) => r.method === method && new URL(r.url).pathname === pathname);
    expect(found.length).toBeGreaterThan(0);
    return found.at(-1)!;
  });

describe('Session templates', { timeout: 20_000 }, () => {
  it("lists the organisation's templates apart from one's own", async () => {
    routeFetch({ [`GET ${base}`]: () => jsonResponse({ templates: [template('t-1', 'Small group evening', false), template('t-2', 'My mentoring hour', true)] }) });
    await openTemplates();
    const org = await screen.findByRole('region', { name: "The organisation's templates" });
    expect(within(org).getByRole('heading', { name: 'Small group evening' })).toBeInTheDocument();
    expect(within(org).getByText('2 slots, 15 minutes')).toBeInTheDocument();
    expect(within(org).getByRole('list', { name: 'Slots of Small group evening' })).toHaveTextContent('Heading Welcome · 5 minutes');
    const own = screen.getByRole('region', { name: 'Your templates' });
    expect(within(own).getByRole('heading', { name: 'My mentoring hour' })).toBeInTheDocument();
  });

  it('makes a template with slots put in order by their buttons, and shows problems next to their fields', async () => {
    const { requests } = routeFetch({
      [`GET ${base}`]: () => jsonResponse({ templates: [] }),
      [`POST ${base}`]: async (request) => {
        const body = await request.clone().json();
        return body.slots[0].kind === 'text'
          ? problemResponse(422, { title: 'Invalid', errors: [{ field: 'slots.1.minutes', message: 'must be at most 600 minutes' }] })
          : jsonResponse({ ...template('t-3', body.name, body.personal), slots: body.slots }, 201);
      },
    });
    const user = await openTemplates();
    expect(await screen.findByText("The organisation has no templates yet.")).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'New template' }));
    const form = screen.getByRole('form', { name: 'A new template' });
    expect(within(form).getByRole('heading', { name: 'A new template' })).toHaveFocus();
    await user.click(within(form).getByRole('button', { name: 'Add a slot' }));
    await user.click(within(form).getByRole('button', { name: 'Add a slot' }));
    const first = within(form).getByRole('listitem', { name: 'Slot 1: Text' });
    await user.click(within(first).getByRole('button', { name: /^Text/ }));
    await user.click(await screen.findByRole('option', { name: 'Heading' }));
    await user.click(within(form).getByRole('button', { name: 'Create template' }));
    expect(within(form).getByLabelText('Name')).toHaveAccessibleDescription('Give the template a name.');
    expect(within(within(form).getByRole('listitem', { name: 'Slot 1: Heading' })).getByText('A heading needs its text.')).toBeInTheDocument();

    await user.type(within(form).getByLabelText('Name'), 'Evening');
    await user.type(within(within(form).getByRole('listitem', { name: 'Slot 1: Heading' })).getByLabelText('Heading text'), 'Welcome');
    const second = within(form).getByRole('listitem', { name: 'Slot 2: Text' });
    await user.clear(within(second).getByLabelText('Minutes'));
    await user.type(within(second).getByLabelText('Minutes'), '20');
    // The text slot goes first; the button keeps focus as its row moves.
    await user.click(within(second).getByRole('button', { name: 'Move Slot 2: Text up' }));
    expect(within(form).getAllByRole('listitem').map((item) => item.getAttribute('aria-label'))).toEqual(['Slot 1: Text', 'Slot 2: Heading']);
    await user.click(within(form).getByRole('button', { name: 'Create template' }));
    expect(await within(within(form).getByRole('listitem', { name: 'Slot 2: Heading' })).findByText('must be at most 600 minutes')).toBeInTheDocument();

    await user.click(within(form).getByRole('button', { name: 'Move Slot 2: Heading up' }));
    await user.click(within(form).getByRole('checkbox', { name: 'Only mine (a personal template)' }));
    await user.click(within(form).getByRole('button', { name: 'Create template' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'A new template' })).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'New template' })).toHaveFocus();
    const post = await sent(requests, 'POST', base);
    expect(await post.json()).toEqual({
      name: 'Evening',
      description: '',
      personal: true,
      slots: [
        { kind: 'heading', title: 'Welcome', minutes: 5 },
        { kind: 'text', title: '', minutes: 20 },
      ],
    });
  });

  it('changes a template at the version read, and a stale change opens the conflict dialog', async () => {
    let reads = 0;
    let stale = true;
    const { requests } = routeFetch({
      [`GET ${base}`]: () => jsonResponse({ templates: [template('t-1', 'Small group evening', false, reads++ === 0 ? 4 : 6)] }),
      [`PATCH ${base}/t-1`]: async (request) => {
        if (stale) {
          stale = false;
          return problemResponse(412, { title: 'Precondition failed' });
        }
        const body = await request.clone().json();
        return jsonResponse({ ...template('t-1', body.name, false, 7), slots: body.slots });
      },
    });
    const user = await openTemplates();
    const card = await screen.findByRole('article', { name: 'Small group evening' });
    await user.click(within(card).getByRole('button', { name: 'Change' }));
    const form = screen.getByRole('form', { name: 'Change “Small group evening”' });
    await user.type(within(form).getByLabelText('Name'), ' (short)');
    await user.click(within(form).getByRole('button', { name: 'Remove Slot 2: Discussion question' }));
    await user.click(within(form).getByRole('button', { name: 'Save template' }));
    const dialog = await screen.findByRole('dialog');
    expect((await sent(requests, 'PATCH', `${base}/t-1`)).headers.get('If-Match')).toBe('"4"');
    await user.click(within(dialog).getByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'PATCH')).toHaveLength(2));
    const second = requests.filter((r) => r.method === 'PATCH')[1]!;
    expect(second.headers.get('If-Match')).toBe('"6"');
    expect(await second.json()).toEqual({ name: 'Small group evening (short)', description: '', slots: [{ kind: 'heading', title: 'Welcome', minutes: 5 }] });
  });

  it('deletes a template after asking, at the version read', async () => {
    let gone = false;
    const { requests } = routeFetch({
      [`GET ${base}`]: () => jsonResponse({ templates: gone ? [] : [template('t-2', 'My mentoring hour', true, 3)] }),
      [`DELETE ${base}/t-2`]: () => {
        gone = true;
        return new Response(null, { status: 204 });
      },
    });
    const user = await openTemplates(['mentor']);
    const card = await screen.findByRole('article', { name: 'My mentoring hour' });
    await user.click(within(card).getByRole('button', { name: 'Delete' }));
    expect(within(card).getByText('Delete the template “My mentoring hour”? Sessions made from it keep their blocks.')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Delete for good' }));
    expect((await sent(requests, 'DELETE', `${base}/t-2`)).headers.get('If-Match')).toBe('"3"');
    expect(await screen.findByText('You have no templates of your own yet.')).toBeInTheDocument();
  });

  it("lets a mentor keep their own templates only, not the organisation's", async () => {
    routeFetch({ [`GET ${base}`]: () => jsonResponse({ templates: [template('t-1', 'Small group evening', false)] }) });
    const user = await openTemplates(['mentor']);
    const card = await screen.findByRole('article', { name: 'Small group evening' });
    expect(within(card).queryByRole('button', { name: 'Change' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'New template' }));
    expect(within(screen.getByRole('form', { name: 'A new template' })).queryByRole('checkbox')).not.toBeInTheDocument();
  });
});

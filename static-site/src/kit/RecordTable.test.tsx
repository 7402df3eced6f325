// The kit's table for rows with controls: sorting by a header button (aria-sort), pages, a row's own state following
// it when the order changes, and the empty state.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { RecordTable, type RecordColumn } from './RecordTable';

interface Person {
  readonly id: number;
  readonly name: string;
}

const columns: (RecordColumn<Person> | false)[] = [
  { id: 'name', name: 'Name', compare: (a, b) => a.name.localeCompare(b.name) },
  { id: 'id', name: 'Number', compare: (a, b) => a.id - b.id },
  { id: 'note', name: 'Note' },
  false,
];

/** A row with state of its own: a checkbox that is not saved anywhere. */
function PersonRow({ person }: { person: Person }) {
  const [ticked, setTicked] = useState(false);
  return (
    <tr>
      <th scope="row">{person.name}</th>
      <td>{person.id}</td>
      <td>
        <input type="checkbox" aria-label={`Tick ${person.name}`} checked={ticked} onChange={() => setTicked(!ticked)} />
      </td>
    </tr>
  );
}

function table(rows: Person[]) {
  render(
    <>
      <h2 id="people-heading">People</h2>
      <RecordTable
        label="People"
        labelledBy="people-heading"
        columns={columns}
        rows={rows}
        rowKey={(p) => String(p.id)}
        renderRow={(p) => <PersonRow person={p} />}
        pageSize={50}
        empty={<p>Nobody yet.</p>}
      />
    </>,
  );
  const grid = screen.getByRole('table', { name: 'People' });
  const names = () => within(grid).getAllByRole('rowheader').map((cell) => cell.textContent);
  return { grid, names, user: userEvent.setup() };
}

const people: Person[] = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, name: `Person ${String(120 - i).padStart(3, '0')}` }));

describe('RecordTable', () => {
  it('sorts by a header button, the other way on a second press, and says so with aria-sort', async () => {
    const { grid, names, user } = table(people.slice(0, 3));
    expect(names()).toEqual(['Person 120', 'Person 119', 'Person 118']);
    const header = within(grid).getByRole('columnheader', { name: /Name/ });
    expect(header).toHaveAttribute('aria-sort', 'none');
    expect(within(grid).getByRole('columnheader', { name: 'Note' })).not.toHaveAttribute('aria-sort');
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    expect(names()).toEqual(['Person 118', 'Person 119', 'Person 120']);
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'descending');
    expect(names()).toEqual(['Person 120', 'Person 119', 'Person 118']);
    // Columns given as false are left out.
    expect(within(grid).getAllByRole('columnheader')).toHaveLength(3);
  });

  it("keeps a row's own state with the row when the order changes", async () => {
    const { grid, user } = table(people.slice(0, 3));
    await user.click(screen.getByRole('checkbox', { name: 'Tick Person 119' }));
    await user.click(within(within(grid).getByRole('columnheader', { name: /Number/ })).getByRole('button'));
    await user.click(within(within(grid).getByRole('columnheader', { name: /Number/ })).getByRole('button'));
    expect(screen.getByRole('checkbox', { name: 'Tick Person 119' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Tick Person 120' })).not.toBeChecked();
  });

  it('shows a page at a time, and a new sort starts from the first page', async () => {
    const { grid, names, user } = table(people);
    expect(within(grid).getAllByRole('row')).toHaveLength(51);
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getByRole('status')).toHaveTextContent('Page 3 of 3');
    expect(within(grid).getAllByRole('row')).toHaveLength(21);
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await user.click(within(within(grid).getByRole('columnheader', { name: /Name/ })).getByRole('button'));
    expect(screen.getByRole('status')).toHaveTextContent('Page 1 of 3');
    expect(names().slice(0, 2)).toEqual(['Person 001', 'Person 002']);
    expect(screen.getByRole('navigation', { name: 'Pages of People' })).toBeInTheDocument();
  });

  it('shows its empty state when there are no rows', () => {
    render(<RecordTable label="People" labelledBy="x" columns={columns} rows={[]} rowKey={(p) => String(p.id)} renderRow={() => null} empty={<p>Nobody yet.</p>} />);
    expect(screen.getByText('Nobody yet.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });
});

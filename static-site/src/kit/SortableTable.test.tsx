// The kit's table: sorting by a column header (mouse and keyboard), a page at a time, and its empty state.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SortableTable, type TableColumn } from './SortableTable';

interface Person {
  readonly id: number;
  readonly name: string;
}

const columns: TableColumn<Person>[] = [
  { id: 'name', name: 'Name', isRowHeader: true, compare: (a, b) => a.name.localeCompare(b.name), render: (p) => p.name },
  { id: 'id', name: 'Number', compare: (a, b) => a.id - b.id, render: (p) => p.id },
];

const people: Person[] = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, name: `Person ${String(120 - i).padStart(3, '0')}` }));

function table(rows: Person[] = people) {
  render(<SortableTable label="People" columns={columns} rows={rows} rowKey={(p) => String(p.id)} pageSize={50} empty="Nobody yet." />);
  const grid = screen.getByRole('grid', { name: 'People' });
  const firstNames = () => within(grid).getAllByRole('rowheader').slice(0, 2).map((cell) => cell.textContent);
  return { grid, firstNames };
}

describe('SortableTable', () => {
  it('shows a page at a time and moves between pages', async () => {
    const { grid, firstNames } = table();
    expect(within(grid).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByRole('status')).toHaveTextContent('Page 1 of 3');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getByRole('status')).toHaveTextContent('Page 2 of 3');
    expect(firstNames()).toEqual(['Person 070', 'Person 069']);
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(within(grid).getAllByRole('row')).toHaveLength(21);
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
  });

  it('sorts by a header, the other way on a second press, from the first page', async () => {
    const { grid, firstNames } = table();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    const name = within(grid).getByRole('columnheader', { name: 'Name' });
    await user.click(name);
    expect(firstNames()).toEqual(['Person 001', 'Person 002']);
    expect(screen.getByRole('status')).toHaveTextContent('Page 1 of 3');
    expect(name).toHaveAttribute('aria-sort', 'ascending');
    // The keyboard does the same: Enter on the focused header.
    name.focus();
    await user.keyboard('{Enter}');
    expect(firstNames()).toEqual(['Person 120', 'Person 119']);
    expect(name).toHaveAttribute('aria-sort', 'descending');
  });

  it('says when there is nothing, and shows no pages', () => {
    table([]);
    expect(screen.getByText('Nobody yet.')).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
  });
});

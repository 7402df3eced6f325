// The kit's person picker: narrowing by name or email, choosing by keyboard and pointer, the field showing the name
// only, the whole list from the button, clearing, and following the form when it resets the choice.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { PersonPicker, type Person } from './PersonPicker';

const people: Person[] = [
  { person_id: 'p-1', display_name: 'Mona Mentor', email: 'mona@example.org' },
  { person_id: 'p-2', display_name: 'Sam Mentee', email: 'sam@example.org' },
  { person_id: 'p-3', display_name: 'Ada Admin', email: 'root@example.org' },
];

function Harness({ onChange }: { onChange: (id: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form aria-label="Pair">
      <PersonPicker
        label="Mentor"
        name="mentor_id"
        people={people}
        value={value}
        onChange={(id) => {
          setValue(id);
          onChange(id);
        }}
      />
      <output data-testid="chosen">{value}</output>
      <button type="button" onClick={() => setValue('')}>
        Reset
      </button>
    </form>
  );
}

function setup() {
  const onChange = vi.fn();
  render(<Harness onChange={onChange} />);
  const field = screen.getByRole('combobox', { name: 'Mentor' });
  const names = () => within(screen.getByRole('listbox')).getAllByRole('option').map((o) => o.querySelector('[slot="label"]')?.textContent);
  return { onChange, field, names, user: userEvent.setup() };
}

describe('PersonPicker', () => {
  it('narrows by part of a name or an email, and Enter chooses the person, whose name alone fills the field', async () => {
    const { field, names, onChange, user } = setup();
    await user.type(field, 'ROOT@');
    expect(names()).toEqual(['Ada Admin']);
    await user.clear(field);
    await user.type(field, 'men');
    expect(names()).toEqual(['Mona Mentor', 'Sam Mentee']);
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(onChange).toHaveBeenLastCalledWith('p-2');
    expect(field).toHaveValue('Sam Mentee');
    expect(screen.getByTestId('chosen')).toHaveTextContent('p-2');
    // The form submits the id under the field's name.
    expect(new FormData(screen.getByRole('form', { name: 'Pair' }) as HTMLFormElement).get('mentor_id')).toBe('p-2');
  });

  it('is chosen with the pointer, and its button shows everyone even after a choice', async () => {
    const { field, names, onChange, user } = setup();
    await user.type(field, 'mona');
    await user.click(screen.getByRole('option', { name: 'Mona Mentor' }));
    expect(onChange).toHaveBeenLastCalledWith('p-1');
    expect(field).toHaveValue('Mona Mentor');
    await user.click(screen.getByRole('button', { name: /^Show the list/ }));
    expect(names()).toEqual(['Mona Mentor', 'Sam Mentee', 'Ada Admin']);
  });

  it('says when nobody matches, and clearing the field clears the choice', async () => {
    const { field, onChange, user } = setup();
    await user.type(field, 'zzz');
    expect(within(screen.getByRole('listbox')).getByText('Nobody matches.')).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, 'sam');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(onChange).toHaveBeenLastCalledWith('p-2');
    await user.clear(field);
    expect(onChange).toHaveBeenLastCalledWith('');
    expect(screen.getByTestId('chosen')).toBeEmptyDOMElement();
  });

  it('empties its field when the form resets the choice', async () => {
    const { field, user } = setup();
    await user.type(field, 'sam');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(field).toHaveValue('Sam Mentee');
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(field).toHaveValue('');
  });
});

// The kit's time field: typed in parts in the person's locale (12 hours with AM/PM, or 24), `HH:MM` in and out.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as i18n from '../i18n';
import { TimeField } from './TimeField';

function Harness({ initial, onChange }: { initial: string; onChange: (value: string) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <form aria-label="Task">
      <TimeField
        label="Starts at"
        name="starts_at"
        value={value}
        onChange={(next) => {
          setValue(next);
          onChange(next);
        }}
      />
    </form>
  );
}

function setup(locale: string, initial = '') {
  vi.spyOn(i18n, 'preferences').mockReturnValue({ ...i18n.preferences(), locale });
  const onChange = vi.fn();
  render(<Harness initial={initial} onChange={onChange} />);
  const field = screen.getByRole('group', { name: 'Starts at' });
  const segments = () => within(field).getAllByRole('spinbutton').map((s) => s.getAttribute('aria-label'));
  return { field, segments, onChange, user: userEvent.setup() };
}

describe('TimeField', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts twelve hours with AM/PM in American English, and gives back a 24-hour time', async () => {
    const { field, segments, onChange, user } = setup('en-US');
    expect(segments()).toEqual(['hour, ', 'minute, ', 'AM/PM, ']);
    await user.click(within(field).getAllByRole('spinbutton')[0]!);
    await user.keyboard('2');
    await user.keyboard('30');
    await user.keyboard('P');
    expect(onChange).toHaveBeenLastCalledWith('14:30');
    expect(new FormData(screen.getByRole('form', { name: 'Task' }) as HTMLFormElement).get('starts_at')).toBe('14:30:00');
  });

  it('counts twenty-four hours in German, and shows a value it is given', async () => {
    const { field, segments } = setup('de-DE', '07:05');
    expect(segments()).toEqual(['Stunde, ', 'Minute, ']);
    expect(within(field).getAllByRole('spinbutton').map((s) => s.textContent)).toEqual(['7', '05']);
  });
});

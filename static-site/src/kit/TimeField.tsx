// A time of day typed in its parts (React Aria's TimeField), in the person's locale: hours and minutes, with AM/PM
// where the locale counts twelve hours. The value in and out is `HH:MM` (24-hour), empty for none; submitted with
// forms under `name` as that. The planner's study tasks and the session builder's start times use it.
import { Time } from '@internationalized/date';
import { DateInput, DateSegment, FieldError, I18nProvider, Label, Text, TimeField as AriaTimeField, type TimeValue } from 'react-aria-components';
import { preferences } from '../i18n';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function toTime(value: string): Time | null {
  const match = HH_MM.exec(value);
  return match ? new Time(Number(match[1]), Number(match[2])) : null;
}

function fromTime(time: TimeValue | null): string {
  return time ? `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}` : '';
}

export function TimeField({
  label,
  name,
  value,
  onChange,
  error,
  hint,
  isRequired,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  isRequired?: boolean;
}) {
  return (
    <I18nProvider locale={preferences().locale}>
      <AriaTimeField
        className={`field time-field${error ? ' field--invalid' : ''}`}
        name={name}
        value={toTime(value)}
        onChange={(time) => onChange(fromTime(time))}
        granularity="minute"
        isInvalid={Boolean(error)}
        isRequired={isRequired}
        validationBehavior="aria"
      >
        <Label>{label}</Label>
        {hint && (
          <Text slot="description" className="field__hint">
            {hint}
          </Text>
        )}
        <DateInput className="date-picker__group date-picker__input">{(segment) => <DateSegment segment={segment} className="date-picker__segment" />}</DateInput>
        {error && <FieldError className="field__error">{error}</FieldError>}
      </AriaTimeField>
    </I18nProvider>
  );
}

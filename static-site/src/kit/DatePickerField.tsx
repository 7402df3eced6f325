// A date chosen by typing its parts or from a calendar (React Aria's DatePicker), written in the person's locale; the
// value in and out is an ISO day (`2026-05-01`), empty for none. Submitted with forms under `name` as that ISO day.
import { parseDate, type CalendarDate } from '@internationalized/date';
import {
  Button,
  Calendar,
  CalendarCell,
  CalendarGrid,
  DateInput,
  DatePicker,
  DateSegment,
  Dialog,
  FieldError,
  Group,
  Heading,
  I18nProvider,
  Label,
  Popover,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { preferences } from '../i18n';

function toDate(value: string): CalendarDate | null {
  if (!value) return null;
  try {
    return parseDate(value);
  } catch {
    return null;
  }
}

export function DatePickerField({
  label,
  name,
  value,
  onChange,
  error,
  isRequired,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  /** The server's (or the form's) problem with the date, shown under it and tied to it for screen readers. */
  error?: string | undefined;
  isRequired?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <I18nProvider locale={preferences().locale}>
      <DatePicker
        className={`field date-picker${error ? ' field--invalid' : ''}`}
        name={name}
        value={toDate(value)}
        onChange={(day) => onChange(day ? day.toString() : '')}
        isInvalid={Boolean(error)}
        isRequired={isRequired}
        validationBehavior="aria"
      >
        <Label>{label}</Label>
        <Group className="date-picker__group">
          <DateInput className="date-picker__input">{(segment) => <DateSegment segment={segment} className="date-picker__segment" />}</DateInput>
          <Button className="date-picker__button" aria-label={t('kit.openCalendar', { field: label })}>
            ▾
          </Button>
        </Group>
        {error && <FieldError className="field__error">{error}</FieldError>}
        <Popover className="popover">
          <Dialog className="calendar-dialog">
            <Calendar className="calendar">
              <header className="calendar__header">
                <Button slot="previous" className="calendar__nav" aria-label={t('kit.previousMonth')}>
                  ‹
                </Button>
                <Heading className="calendar__heading" />
                <Button slot="next" className="calendar__nav" aria-label={t('kit.nextMonth')}>
                  ›
                </Button>
              </header>
              <CalendarGrid className="calendar__grid">{(date) => <CalendarCell date={date} className="calendar__cell" />}</CalendarGrid>
            </Calendar>
          </Dialog>
        </Popover>
      </DatePicker>
    </I18nProvider>
  );
}

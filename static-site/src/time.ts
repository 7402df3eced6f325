// Wording for times and durations shown on the pages: Intl in the person's locale and time zone (i18n/index.ts).
import { i18next, preferences } from './i18n';

const formats = new Map<string, Intl.DateTimeFormat>();

/** A format in the person's locale, in `zone` when given (a meeting's or a plan's), else in the person's time zone. */
function format(options: Intl.DateTimeFormatOptions, zone?: string | null): Intl.DateTimeFormat {
  const { locale, timeZone: own } = preferences();
  const timeZone = zone || own;
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let found = formats.get(key);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      // A zone this browser does not know: the person's own is better than nothing.
      found = new Intl.DateTimeFormat(locale, { ...options, timeZone: own });
    }
    formats.set(key, found);
  }
  return found;
}

export function formatDateTime(unixMs: number, zone?: string | null): string {
  return format({ dateStyle: 'medium', timeStyle: 'short' }, zone).format(new Date(unixMs));
}

/** The time of day without seconds ("14:30", "2:30 PM"), in `zone` when given. */
export function formatClock(unixMs: number, zone?: string | null): string {
  return format({ timeStyle: 'short' }, zone).format(new Date(unixMs));
}

/** A day with its weekday ("Tue, 14 Mar"), in `zone` when given. */
export function formatWeekday(unixMs: number, zone?: string | null): string {
  return format({ weekday: 'short', day: 'numeric', month: 'short' }, zone).format(new Date(unixMs));
}

/** The time of day with seconds, e.g. when a page last checked something. */
export function formatTime(unixMs: number): string {
  return format({ timeStyle: 'medium' }).format(new Date(unixMs));
}

export function formatDate(unixMs: number, zone?: string | null): string {
  return format({ dateStyle: 'medium' }, zone).format(new Date(unixMs));
}

/** "45 seconds", "3 minutes", "2 hours": how long to wait, rounded up so nobody retries too early. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return i18next.t('time.seconds', { count: seconds });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return i18next.t('time.minutes', { count: minutes });
  return i18next.t('time.hours', { count: Math.ceil(minutes / 60) });
}

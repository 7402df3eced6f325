// Wording for times and durations shown on the pages: Intl in the person's locale and time zone (i18n/index.ts).
import { i18next, preferences } from './i18n';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const { locale, timeZone } = preferences();
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let found = formats.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formats.set(key, found);
  }
  return found;
}

export function formatDateTime(unixMs: number): string {
  return format({ dateStyle: 'medium', timeStyle: 'short' }).format(new Date(unixMs));
}

/** The time of day with seconds, e.g. when a page last checked something. */
export function formatTime(unixMs: number): string {
  return format({ timeStyle: 'medium' }).format(new Date(unixMs));
}

export function formatDate(unixMs: number): string {
  return format({ dateStyle: 'medium' }).format(new Date(unixMs));
}

/** "45 seconds", "3 minutes", "2 hours": how long to wait, rounded up so nobody retries too early. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return i18next.t('time.seconds', { count: seconds });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return i18next.t('time.minutes', { count: minutes });
  return i18next.t('time.hours', { count: Math.ceil(minutes / 60) });
}

// Wording for times and durations shown on the pages.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(unixMs: number): string {
  return dateTime.format(new Date(unixMs));
}

export function formatDate(unixMs: number): string {
  return date.format(new Date(unixMs));
}

/** "45 seconds", "3 minutes", "2 hours": how long to wait, rounded up so nobody retries too early. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

// The app's one queue of toasts: short confirmations ("Saved") and failures that are not tied to a field. Anything
// may add one; the region in the shell shows them (ToastRegion.tsx, loaded with the header's menus).
import { UNSTABLE_ToastQueue as ToastQueue } from 'react-aria-components';

/** A translation key (worded when shown, so a toast raised just before a language change reads in the new one), or
 * text that needs no translating (the server's own words). */
export type Message = { readonly key: string; readonly values?: Record<string, string | number> } | { readonly text: string };

export interface ToastContent {
  readonly title: Message;
  readonly description?: Message;
  readonly tone: 'good' | 'bad';
}

/** At most three at once; older ones wait. */
export const toasts = new ToastQueue<ToastContent>({ maxVisibleToasts: 3 });

/** A confirmation that leaves by itself after five seconds (long enough to read, announced politely). */
export function confirm(title: Message, description?: Message): void {
  toasts.add({ title, tone: 'good', ...(description ? { description } : {}) }, { timeout: 5000 });
}

/** A failure that stays until dismissed. */
export function warn(title: Message, description?: Message): void {
  toasts.add({ title, tone: 'bad', ...(description ? { description } : {}) });
}

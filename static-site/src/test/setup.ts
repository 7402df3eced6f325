// Vitest setup: DOM matchers, and a clean document, URL, language and time zone between tests.
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { applyPreferences, browserPreferences } from '../i18n';

// Text queries find what people see: not the copy of a select's label and options that React Aria keeps, hidden from
// everyone, for forms and autofill (a goal's title in a select would otherwise be found twice).
configure({ defaultIgnore: 'script, style, [data-testid="hidden-select-container"] *' });

beforeEach(() => {
  // jsdom does not implement scrolling; navigation calls it on every route change.
  vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
});

afterEach(async () => {
  cleanup();
  window.history.replaceState(null, '', '/');
  // A test that switched language or zone leaves the next one in the browser's.
  await applyPreferences(browserPreferences());
});

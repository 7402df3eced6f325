// Vitest setup: DOM matchers, and a clean document, URL, language and time zone between tests.
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { applyPreferences, browserPreferences } from '../i18n';

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

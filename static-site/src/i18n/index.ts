// Internationalisation (ADR 0016): every visible string of the shell through i18next, in the person's language; dates,
// times and numbers through Intl in their locale and time zone. English is bundled; other languages load when chosen.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

type Strings = Record<string, unknown>;

/** One language's strings, from its folder: a file per area of the app (`en/app.json`, `en/people.json`…), merged. */
function merge(files: Record<string, { default: Strings }>): Strings {
  return Object.assign({}, ...Object.keys(files).sort().map((file) => files[file]!.default)) as Strings;
}

const en = merge(import.meta.glob<{ default: Strings }>('./en/*.json', { eager: true }));

/** The languages the app speaks, English first (the fallback for any string another language lacks). */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Locales offered on the profile; anything else well-formed may still be stored and is matched by language. */
export const OFFERED_LOCALES = ['en', 'en-GB', 'en-US', 'de', 'de-AT', 'de-CH'] as const;

/** Other languages load when chosen: one chunk per language, made of all its files. */
const loaders: Record<Exclude<Language, 'en'>, () => Promise<Strings>> = {
  de: async () => merge(await resolveAll(import.meta.glob<{ default: Strings }>('./de/*.json'))),
};

async function resolveAll(lazy: Record<string, () => Promise<{ default: Strings }>>): Promise<Record<string, { default: Strings }>> {
  const entries = await Promise.all(Object.entries(lazy).map(async ([file, load]) => [file, await load()] as const));
  return Object.fromEntries(entries);
}

void i18next.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en: { translation: en } },
  interpolation: { escapeValue: false },
  returnNull: false,
});

export { i18next };

/** The app language for a BCP 47 locale: its language when the app speaks it, else English. */
export function languageOf(locale: string): Language {
  const language = locale.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(language ?? '') ? (language as Language) : 'en';
}

/** What a person's dates, times and numbers are written by: their choice, else the browser's. */
export interface Preferences {
  readonly locale: string;
  readonly timeZone: string;
}

export function browserPreferences(): Preferences {
  const resolved = Intl.DateTimeFormat().resolvedOptions();
  return { locale: navigator.language || resolved.locale || 'en', timeZone: resolved.timeZone || 'UTC' };
}

let current: Preferences = browserPreferences();

export function preferences(): Preferences {
  return current;
}

/** Makes `next` the preferences in force, loading its language first when needed. */
export async function applyPreferences(next: Preferences): Promise<void> {
  const language = languageOf(next.locale);
  if (language !== 'en' && !i18next.hasResourceBundle(language, 'translation')) {
    i18next.addResourceBundle(language, 'translation', await loaders[language]());
  }
  current = next;
  await i18next.changeLanguage(language);
  document.documentElement.lang = next.locale;
}

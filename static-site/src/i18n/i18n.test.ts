// Every language says everything English says, with the same placeholders and tags, and nothing is left empty.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, languageOf } from '.';

type Tree = { [key: string]: string | Tree };

function load(language: string): Tree {
  const folder = join(__dirname, language);
  return Object.assign({}, ...readdirSync(folder).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')) as Tree));
}

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

/** What a translation must keep: `{{placeholders}}` and `<tags>`. */
const marks = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}|<\/?(\w+)>/g)].map((m) => m[0].replace(/\s/g, '')).sort();

describe('translations', () => {
  const english = leaves(load('en'));

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every English string, with the same placeholders', (language) => {
    const other = leaves(load(language));
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      expect(other.get(key)?.trim(), key).not.toBe('');
      expect(marks(other.get(key) ?? ''), key).toEqual(marks(text));
    }
  });

  it('names no area twice across files', () => {
    for (const language of LANGUAGES) {
      const folder = join(__dirname, language);
      const seen = new Set<string>();
      for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
        for (const area of Object.keys(JSON.parse(readFileSync(join(folder, file), 'utf8')) as Tree)) {
          expect(seen.has(area), `${language}/${file} repeats ${area}`).toBe(false);
          seen.add(area);
        }
      }
    }
  });

  it('matches a locale to the language the app speaks, else English', () => {
    expect(languageOf('de-CH')).toBe('de');
    expect(languageOf('de')).toBe('de');
    expect(languageOf('en-GB')).toBe('en');
    expect(languageOf('fr-FR')).toBe('en');
  });
});

// Every language says everything English says, with the same placeholders and tags, and nothing is left empty.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, languageOf } from '.';

type Tree = { [key: string]: string | Tree };

/** Every translation file, by path (`./de/app.json`). */
const FILES = import.meta.glob<{ default: Tree }>('./*/*.json', { eager: true });

function filesOf(language: string): Array<[string, Tree]> {
  return Object.entries(FILES)
    .filter(([path]) => path.startsWith(`./${language}/`))
    .map(([path, module]) => [path, module.default]);
}

function load(language: string): Tree {
  return Object.assign({}, ...filesOf(language).map(([, tree]) => tree)) as Tree;
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

  it('finds the files', () => {
    expect(filesOf('en').length).toBeGreaterThan(1);
    expect(filesOf('en').map(([path]) => path.replace('./en/', ''))).toEqual(filesOf('de').map(([path]) => path.replace('./de/', '')));
  });

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
      const seen = new Set<string>();
      for (const [file, tree] of filesOf(language)) {
        for (const area of Object.keys(tree)) {
          expect(seen.has(area), `${file} repeats ${area}`).toBe(false);
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

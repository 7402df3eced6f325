import { describe, expect, it } from 'vitest';
import { formatBytes, outcome, stillOpen, type UploadTarget } from './upload';
import type { Detail } from './queries';

describe('upload helpers', () => {
  it('formats sizes in decimal units, as file managers do', () => {
    expect(formatBytes(0, 'en')).toBe('0 B');
    expect(formatBytes(999, 'en')).toBe('999 B');
    expect(formatBytes(1_400_000, 'en')).toBe('1.4 MB');
    expect(formatBytes(10_737_418_240, 'en')).toBe('10.7 GB');
    expect(formatBytes(250_000_000, 'de')).toBe('250 MB');
    expect(formatBytes(1_500, 'de')).toBe('1,5 kB');
  });

  it('sends again to a target only while it stays open for another minute', () => {
    const target = { method: 'PUT', url: '/u', fields: [], expires_at: 1_000_000, finish_url: '/f' } as UploadTarget;
    expect(stillOpen(target, 1_000_000 - 120_000)).toBe(true);
    expect(stillOpen(target, 1_000_000 - 30_000)).toBe(false);
  });

  it('ends a held-back file apart from an accepted one', () => {
    const file = (state: 'ready' | 'quarantined') => ({ file: { state } }) as unknown as Detail;
    expect(outcome(file('ready'))).toBe('done');
    expect(outcome(file('quarantined'))).toBe('held');
  });
});

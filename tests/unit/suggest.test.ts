import { describe, expect, it } from 'vitest';
import { SERVICE_TYPE_IDS } from '#domain/catalog.ts';
import { didYouMean, editDistance, nearest, nearestWithDistance } from '#domain/suggest.ts';

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['audit', 'audti', 1],
    ['energy-audi', 'energy-audit', 1],
    ['四川', '四川省', 1],
    ['ca', 'abc', 3],
  ])('%j → %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('nearest service types', () => {
  it.each([
    ['ip-fast-examinaton', 'ip-fast-examination'],
    ['energy-audi', 'energy-audit'],
    ['Energy-Audit ', 'energy-audit'],
    ['enrgy-audit', 'energy-audit'],
    ['legal-aid-', 'legal-aid'],
    ['iso-9001-certification', 'iso9001-certification'],
    ['metrologie', 'metrology'],
  ])('suggests for %j first %j', (typo, expected) => {
    const suggestions = nearest(typo, SERVICE_TYPE_IDS);
    expect(suggestions[0]).toBe(expected);
    expect(suggestions.length).toBeLessThanOrEqual(3);
  });

  it('offers ids containing a whole word typed alone, after closer misses', () => {
    expect(nearest('audit', SERVICE_TYPE_IDS)).toEqual(['energy-audit', 'cleaner-production-audit']);
  });

  it('suggests nothing for an unrelated word rather than the whole catalog', () => {
    expect(nearest('pizza-delivery', SERVICE_TYPE_IDS)).toEqual([]);
    expect(nearest('', SERVICE_TYPE_IDS)).toEqual([]);
    expect(nearest('   ', SERVICE_TYPE_IDS)).toEqual([]);
  });

  it('returns at most `max`, closest first, equal distances in the candidates’ order', () => {
    const candidates = ['abd', 'abc', 'abe', 'xbc'] as const;
    expect(nearestWithDistance('abx', candidates, { max: 10, maxRatio: 0.34 })).toEqual([
      { candidate: 'abd', distance: 1 },
      { candidate: 'abc', distance: 1 },
      { candidate: 'abe', distance: 1 },
    ]);
    expect(nearest('abc', candidates, { max: 2 })).toEqual(['abc', 'abd']);
    expect(nearest('abc', candidates, { max: 0 })).toEqual([]);
  });

  it('does not offer substrings when told not to', () => {
    expect(nearest('audit', SERVICE_TYPE_IDS, { substrings: false })).toEqual([]);
  });
});

describe('didYouMean', () => {
  it('words one, two or three suggestions, and nothing for none', () => {
    expect(didYouMean([])).toBe('');
    expect(didYouMean(['energy-audit'])).toBe('did you mean "energy-audit"?');
    expect(didYouMean(['a', 'b'])).toBe('did you mean "a" or "b"?');
    expect(didYouMean(['a', 'b', 'c'])).toBe('did you mean "a", "b" or "c"?');
  });
});

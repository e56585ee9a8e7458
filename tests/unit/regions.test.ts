import { describe, expect, it } from 'vitest';
import {
  PROVINCES,
  PROVINCE_CODES,
  isCentral,
  isCountryCode,
  isLanguageTag,
  isWestern,
  regionGroup,
} from '#domain/regions.ts';

const CENTRAL = ['SX', 'AH', 'JX', 'HA', 'HB', 'HN'].map((c) => `CN-${c}`);
const WESTERN = ['NM', 'GX', 'CQ', 'SC', 'GZ', 'YN', 'XZ', 'SN', 'GS', 'QH', 'NX', 'XJ'].map((c) => `CN-${c}`);
const NORTHEASTERN = ['LN', 'JL', 'HL'].map((c) => `CN-${c}`);

describe('provinces', () => {
  it('lists the 31 provincial-level divisions once each, as ISO 3166-2:CN codes with names', () => {
    expect(PROVINCES).toHaveLength(31);
    expect(new Set(PROVINCE_CODES).size).toBe(31);
    for (const p of PROVINCES) {
      expect(p.code).toMatch(/^CN-[A-Z]{2}$/);
      expect(p.zh).toMatch(/\p{Script=Han}/u);
      expect(p.en).toMatch(/[A-Za-z]/);
    }
  });

  it('tags exactly the six central provinces as central', () => {
    expect(PROVINCE_CODES.filter(isCentral).sort()).toEqual([...CENTRAL].sort());
  });

  it('tags exactly the twelve western provinces as western', () => {
    expect(PROVINCE_CODES.filter(isWestern).sort()).toEqual([...WESTERN].sort());
  });

  it('puts every other province in the eastern or northeastern group', () => {
    for (const code of PROVINCE_CODES) {
      const expected = CENTRAL.includes(code)
        ? 'CENTRAL'
        : WESTERN.includes(code)
          ? 'WESTERN'
          : NORTHEASTERN.includes(code)
            ? 'NORTHEASTERN'
            : 'EASTERN';
      expect(regionGroup(code), code).toBe(expected);
    }
    expect(PROVINCE_CODES.filter((c) => regionGroup(c) === 'EASTERN')).toHaveLength(10);
  });
});

describe('country codes (ISO 3166-1 alpha-2)', () => {
  it.each(['CN', 'DE', 'US', 'GB', 'JP', 'VN', 'BR', 'ZA', 'HK', 'MO', 'TW'])('accepts %s', (c) => {
    expect(isCountryCode(c)).toBe(true);
  });
  it.each([
    ['', 'empty'],
    ['de', 'lower case'],
    ['De', 'mixed case'],
    ['DEU', 'alpha-3'],
    ['D', 'one letter'],
    ['XX', 'unassigned'],
    ['ZZ', 'user-assigned'],
    ['UK', 'exceptionally reserved, not assigned'],
    ['EU', 'exceptionally reserved, not assigned'],
    ['XK', 'user-assigned (Kosovo)'],
    ['SU', 'withdrawn'],
    ['276', 'numeric'],
    [' DE', 'padded'],
  ])('refuses %j (%s)', (c) => {
    expect(isCountryCode(c)).toBe(false);
  });
});

describe('language tags (canonical BCP 47)', () => {
  it.each(['zh-CN', 'zh', 'en', 'en-GB', 'zh-Hans-CN', 'de-DE', 'fr', 'es-419', 'und'])('accepts %s', (t) => {
    expect(isLanguageTag(t)).toBe(true);
  });
  it.each([
    ['', 'empty'],
    ['zh-cn', 'non-canonical region case'],
    ['EN', 'non-canonical language case'],
    ['en_US', 'underscore'],
    ['iw', 'deprecated, canonical is he'],
    ['x', 'too short'],
    ['en-', 'trailing hyphen'],
    ['123', 'digits'],
    ['e'.repeat(36), 'longer than 35 characters'],
    ['en--US', 'empty subtag'],
    ['zh CN', 'space'],
  ])('refuses %j (%s)', (t) => {
    expect(isLanguageTag(t)).toBe(false);
  });
});

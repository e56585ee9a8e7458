import { describe, expect, it } from 'vitest';
import {
  DIVISION_PREFIXES,
  PROVINCES,
  PROVINCE_CODES,
  isCentral,
  isCountryCode,
  isLanguageTag,
  isWestern,
  provinceOfDivision,
  regionGroup,
  regionsView,
  suggestProvince,
  unknownProvinceMessage,
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

describe('regions view (GET /v1/regions)', () => {
  const { items } = regionsView();

  it('lists the 31 provinces with full Chinese names, English names and the contract’s group words', () => {
    expect(items).toHaveLength(31);
    expect(items.map((i) => i.code)).toEqual(PROVINCE_CODES);
    expect(items.find((i) => i.code === 'CN-SC')).toEqual({ code: 'CN-SC', zh: '四川省', en: 'Sichuan', group: 'WESTERN' });
    expect(items.find((i) => i.code === 'CN-BJ')).toMatchObject({ zh: '北京市', group: 'EAST' });
    expect(items.find((i) => i.code === 'CN-LN')).toMatchObject({ zh: '辽宁省', group: 'NORTHEAST' });
    expect(items.find((i) => i.code === 'CN-HB')).toMatchObject({ zh: '湖北省', group: 'CENTRAL' });
    expect(items.find((i) => i.code === 'CN-XJ')).toMatchObject({ zh: '新疆维吾尔自治区' });
    for (const item of items) {
      expect(item.zh, item.code).toMatch(/(省|市|自治区)$/u);
      // The full name starts with the short name kept in PROVINCES.
      expect(item.zh.startsWith(PROVINCES.find((p) => p.code === item.code)!.zh), item.code).toBe(true);
      expect(['EAST', 'CENTRAL', 'WESTERN', 'NORTHEAST']).toContain(item.group);
    }
  });
});

describe('division codes (GB/T 2260) → province', () => {
  // The two-digit prefixes of the 31 provincial-level divisions, in code order.
  const expected: Record<string, string> = {
    '11': 'CN-BJ', '12': 'CN-TJ', '13': 'CN-HE', '14': 'CN-SX', '15': 'CN-NM', '21': 'CN-LN', '22': 'CN-JL',
    '23': 'CN-HL', '31': 'CN-SH', '32': 'CN-JS', '33': 'CN-ZJ', '34': 'CN-AH', '35': 'CN-FJ', '36': 'CN-JX',
    '37': 'CN-SD', '41': 'CN-HA', '42': 'CN-HB', '43': 'CN-HN', '44': 'CN-GD', '45': 'CN-GX', '46': 'CN-HI',
    '50': 'CN-CQ', '51': 'CN-SC', '52': 'CN-GZ', '53': 'CN-YN', '54': 'CN-XZ', '61': 'CN-SN', '62': 'CN-GS',
    '63': 'CN-QH', '64': 'CN-NX', '65': 'CN-XJ',
  };

  it('maps each province’s prefix to its code, one prefix per province', () => {
    for (const [prefix, code] of Object.entries(expected)) {
      expect(provinceOfDivision(`${prefix}0000`), prefix).toBe(code);
      expect(provinceOfDivision(`${prefix}0105`), prefix).toBe(code);
      expect(DIVISION_PREFIXES[code as keyof typeof DIVISION_PREFIXES]).toBe(prefix);
    }
    expect(Object.keys(DIVISION_PREFIXES)).toHaveLength(31);
  });

  it.each(['100000', '710000', '810000', '820000', '990000', '51000', '5100001', '51A000', ''])(
    'finds no province for %j',
    (division) => {
      expect(provinceOfDivision(division)).toBeUndefined();
    },
  );
});

describe('suggestProvince', () => {
  it.each([
    ['四川省', 'CN-SC'],
    ['四川', 'CN-SC'],
    ['Sichuan', 'CN-SC'],
    ['sichuan', 'CN-SC'],
    [' Sichuan Province ', 'CN-SC'],
    ['cn-sc', 'CN-SC'],
    ['Cn-Sc', 'CN-SC'],
    ['SC', 'CN-SC'],
    ['Sichaun', 'CN-SC'],
    ['北京市', 'CN-BJ'],
    ['Beijing Shi', 'CN-BJ'],
    ['内蒙古自治区', 'CN-NM'],
    ['Inner Mongolia', 'CN-NM'],
    ['Nei Mongol', 'CN-NM'],
    ['Xizang', 'CN-XZ'],
    ['Tibet Autonomous Region', 'CN-XZ'],
    ['广西壮族自治区', 'CN-GX'],
    ['Guangxi Zhuang Autonomous Region', 'CN-GX'],
    ['Shanxi', 'CN-SX'],
    ['Shaanxi', 'CN-SN'],
    ['陕西', 'CN-SN'],
    ['山西省', 'CN-SX'],
    ['Ａｎｈｕｉ', 'CN-AH'],
  ])('%j → %s', (input, code) => {
    expect(suggestProvince(input)).toBe(code);
  });

  it.each(['', '   ', 'Hong Kong', '香港', 'Atlantis', 'CN-XX', 'jiang', 'cn-sy'])('has no suggestion for %j', (input) => {
    expect(suggestProvince(input)).toBeUndefined();
  });

  it('words the 400 message with the code when it can infer one', () => {
    expect(unknownProvinceMessage('四川')).toBe('must be an ISO 3166-2:CN province code: did you mean CN-SC?');
    expect(unknownProvinceMessage('Atlantis')).toBe('must be an ISO 3166-2:CN province code, e.g. "CN-SC" (GET /v1/regions lists them)');
  });
});

import { nearestWithDistance } from './suggest.ts';

/**
 * The 31 provincial-level divisions of mainland China as ISO 3166-2:CN codes,
 * tagged with the plan's regional groupings: central (中部, the six central
 * provinces) and western (西部, the twelve of the Western Development
 * strategy). Hong Kong, Macao and Taiwan are outside the plan's scope.
 */
export type RegionGroup = 'EASTERN' | 'CENTRAL' | 'WESTERN' | 'NORTHEASTERN';

export const PROVINCES = [
  { code: 'CN-BJ', zh: '北京', en: 'Beijing', group: 'EASTERN' },
  { code: 'CN-TJ', zh: '天津', en: 'Tianjin', group: 'EASTERN' },
  { code: 'CN-HE', zh: '河北', en: 'Hebei', group: 'EASTERN' },
  { code: 'CN-SX', zh: '山西', en: 'Shanxi', group: 'CENTRAL' },
  { code: 'CN-NM', zh: '内蒙古', en: 'Inner Mongolia', group: 'WESTERN' },
  { code: 'CN-LN', zh: '辽宁', en: 'Liaoning', group: 'NORTHEASTERN' },
  { code: 'CN-JL', zh: '吉林', en: 'Jilin', group: 'NORTHEASTERN' },
  { code: 'CN-HL', zh: '黑龙江', en: 'Heilongjiang', group: 'NORTHEASTERN' },
  { code: 'CN-SH', zh: '上海', en: 'Shanghai', group: 'EASTERN' },
  { code: 'CN-JS', zh: '江苏', en: 'Jiangsu', group: 'EASTERN' },
  { code: 'CN-ZJ', zh: '浙江', en: 'Zhejiang', group: 'EASTERN' },
  { code: 'CN-AH', zh: '安徽', en: 'Anhui', group: 'CENTRAL' },
  { code: 'CN-FJ', zh: '福建', en: 'Fujian', group: 'EASTERN' },
  { code: 'CN-JX', zh: '江西', en: 'Jiangxi', group: 'CENTRAL' },
  { code: 'CN-SD', zh: '山东', en: 'Shandong', group: 'EASTERN' },
  { code: 'CN-HA', zh: '河南', en: 'Henan', group: 'CENTRAL' },
  { code: 'CN-HB', zh: '湖北', en: 'Hubei', group: 'CENTRAL' },
  { code: 'CN-HN', zh: '湖南', en: 'Hunan', group: 'CENTRAL' },
  { code: 'CN-GD', zh: '广东', en: 'Guangdong', group: 'EASTERN' },
  { code: 'CN-GX', zh: '广西', en: 'Guangxi', group: 'WESTERN' },
  { code: 'CN-HI', zh: '海南', en: 'Hainan', group: 'EASTERN' },
  { code: 'CN-CQ', zh: '重庆', en: 'Chongqing', group: 'WESTERN' },
  { code: 'CN-SC', zh: '四川', en: 'Sichuan', group: 'WESTERN' },
  { code: 'CN-GZ', zh: '贵州', en: 'Guizhou', group: 'WESTERN' },
  { code: 'CN-YN', zh: '云南', en: 'Yunnan', group: 'WESTERN' },
  { code: 'CN-XZ', zh: '西藏', en: 'Tibet', group: 'WESTERN' },
  { code: 'CN-SN', zh: '陕西', en: 'Shaanxi', group: 'WESTERN' },
  { code: 'CN-GS', zh: '甘肃', en: 'Gansu', group: 'WESTERN' },
  { code: 'CN-QH', zh: '青海', en: 'Qinghai', group: 'WESTERN' },
  { code: 'CN-NX', zh: '宁夏', en: 'Ningxia', group: 'WESTERN' },
  { code: 'CN-XJ', zh: '新疆', en: 'Xinjiang', group: 'WESTERN' },
] as const satisfies readonly { code: string; zh: string; en: string; group: RegionGroup }[];

export type ProvinceCode = (typeof PROVINCES)[number]['code'];
export const PROVINCE_CODES = PROVINCES.map((p) => p.code) as [ProvinceCode, ...ProvinceCode[]];

const groupOf = new Map<string, RegionGroup>(PROVINCES.map((p) => [p.code, p.group]));

export function regionGroup(code: ProvinceCode): RegionGroup {
  return groupOf.get(code)!;
}
export const isCentral = (code: ProvinceCode) => regionGroup(code) === 'CENTRAL';
export const isWestern = (code: ProvinceCode) => regionGroup(code) === 'WESTERN';

/**
 * ISO 3166-1 alpha-2 codes currently assigned. Kept as data rather than a
 * regex so that "XX" or "ZZ" are refused.
 */
const ISO_3166_1 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export function isCountryCode(code: string): boolean {
  return ISO_3166_1.has(code);
}

/**
 * BCP 47 language tag, checked structurally by the platform's own Intl
 * implementation (ICU), which canonicalises and rejects malformed tags.
 * We additionally require the canonical form so that stored tags compare
 * equal ("zh-cn" is refused; "zh-CN" accepted).
 */
export function isLanguageTag(tag: string): boolean {
  if (tag.length === 0 || tag.length > 35) return false;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical === tag;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- names, division codes, the public view

/** Official full names, as people write them on forms and the regions view shows them. */
export const PROVINCE_FULL_NAMES: Record<ProvinceCode, string> = {
  'CN-BJ': '北京市',
  'CN-TJ': '天津市',
  'CN-HE': '河北省',
  'CN-SX': '山西省',
  'CN-NM': '内蒙古自治区',
  'CN-LN': '辽宁省',
  'CN-JL': '吉林省',
  'CN-HL': '黑龙江省',
  'CN-SH': '上海市',
  'CN-JS': '江苏省',
  'CN-ZJ': '浙江省',
  'CN-AH': '安徽省',
  'CN-FJ': '福建省',
  'CN-JX': '江西省',
  'CN-SD': '山东省',
  'CN-HA': '河南省',
  'CN-HB': '湖北省',
  'CN-HN': '湖南省',
  'CN-GD': '广东省',
  'CN-GX': '广西壮族自治区',
  'CN-HI': '海南省',
  'CN-CQ': '重庆市',
  'CN-SC': '四川省',
  'CN-GZ': '贵州省',
  'CN-YN': '云南省',
  'CN-XZ': '西藏自治区',
  'CN-SN': '陕西省',
  'CN-GS': '甘肃省',
  'CN-QH': '青海省',
  'CN-NX': '宁夏回族自治区',
  'CN-XJ': '新疆维吾尔自治区',
};

/**
 * First two digits of the GB/T 2260 administrative-division codes of each
 * province (51xxxx is in Sichuan). A USCC carries its registering office's
 * division code in positions 3–8, which is how its province is checked.
 */
export const DIVISION_PREFIXES: Record<ProvinceCode, string> = {
  'CN-BJ': '11',
  'CN-TJ': '12',
  'CN-HE': '13',
  'CN-SX': '14',
  'CN-NM': '15',
  'CN-LN': '21',
  'CN-JL': '22',
  'CN-HL': '23',
  'CN-SH': '31',
  'CN-JS': '32',
  'CN-ZJ': '33',
  'CN-AH': '34',
  'CN-FJ': '35',
  'CN-JX': '36',
  'CN-SD': '37',
  'CN-HA': '41',
  'CN-HB': '42',
  'CN-HN': '43',
  'CN-GD': '44',
  'CN-GX': '45',
  'CN-HI': '46',
  'CN-CQ': '50',
  'CN-SC': '51',
  'CN-GZ': '52',
  'CN-YN': '53',
  'CN-XZ': '54',
  'CN-SN': '61',
  'CN-GS': '62',
  'CN-QH': '63',
  'CN-NX': '64',
  'CN-XJ': '65',
};
const byDivisionPrefix = new Map<string, ProvinceCode>(
  Object.entries(DIVISION_PREFIXES).map(([code, prefix]) => [prefix, code as ProvinceCode]),
);

/** The province of a six-digit GB/T 2260 division code, or undefined (e.g. "100000", national level). */
export function provinceOfDivision(divisionCode: string): ProvinceCode | undefined {
  if (!/^\d{6}$/.test(divisionCode)) return undefined;
  return byDivisionPrefix.get(divisionCode.slice(0, 2));
}

/** The contract's words for the regional groups (GET /v1/regions). */
export type RegionGroupView = 'EAST' | 'CENTRAL' | 'WESTERN' | 'NORTHEAST';
const GROUP_VIEW: Record<RegionGroup, RegionGroupView> = {
  EASTERN: 'EAST',
  CENTRAL: 'CENTRAL',
  WESTERN: 'WESTERN',
  NORTHEASTERN: 'NORTHEAST',
};
export interface RegionView {
  code: ProvinceCode;
  /** Full official name, e.g. 四川省. */
  zh: string;
  en: string;
  group: RegionGroupView;
}

/** The public view served at GET /v1/regions. */
export function regionsView(): { items: RegionView[] } {
  return {
    items: PROVINCES.map((p) => ({ code: p.code, zh: PROVINCE_FULL_NAMES[p.code], en: p.en, group: GROUP_VIEW[p.group] })),
  };
}

/**
 * Other spellings people use: the official romanisations where the English
 * name differs, and pinyin of the full names of the autonomous regions.
 */
const EXTRA_ALIASES: Partial<Record<ProvinceCode, string[]>> = {
  'CN-NM': ['Nei Mongol', 'Neimenggu', 'Nei Menggu'],
  'CN-XZ': ['Xizang'],
  'CN-GX': ['Guangxi Zhuang'],
  'CN-NX': ['Ningxia Hui'],
  'CN-XJ': ['Xinjiang Uygur', 'Xinjiang Uyghur'],
};
/** Words around a province name that do not identify it ("Sichuan Province", 四川省). */
const SUFFIXES = /(province|municipality|city|autonomousregion|sheng|shi|zizhiqu|省|市|自治区)$/u;
const normalise = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_.'’]/gu, '');

const byAlias = new Map<string, ProvinceCode>();
for (const p of PROVINCES) {
  for (const alias of [p.code, p.code.slice(3), p.zh, PROVINCE_FULL_NAMES[p.code], p.en, ...(EXTRA_ALIASES[p.code] ?? [])]) {
    byAlias.set(normalise(alias), p.code);
  }
}
// Only romanised names take part in the fuzzy match: codes are one edit from
// many others, and a Chinese name differs from another by a single character.
const LATIN_NAMES = PROVINCES.flatMap((p) => [p.en, ...(EXTRA_ALIASES[p.code] ?? [])].map(normalise));

/**
 * The province code someone most likely meant by a name (四川省, 四川,
 * Sichuan, sichuan province) or a code in the wrong case (cn-sc, SC);
 * undefined when nothing matches unambiguously. Never guesses between
 * Shanxi (CN-SX) and Shaanxi (CN-SN): both spellings are exact aliases.
 */
export function suggestProvince(input: string): ProvinceCode | undefined {
  const key = normalise(input);
  if (key.length === 0) return undefined;
  const exact = byAlias.get(key) ?? byAlias.get(key.replace(SUFFIXES, ''));
  if (exact) return exact;
  // A misspelt romanised name (Sichaun): only a single nearest name counts, so
  // that a typo equally close to two provinces suggests neither. Stricter than
  // the default ratio: place names are short and alike (Hong Kong is three
  // edits from Chongqing).
  const [best, second] = nearestWithDistance(key.replace(SUFFIXES, ''), LATIN_NAMES, {
    max: 2,
    maxRatio: 0.25,
    substrings: false,
  });
  if (best === undefined || (second !== undefined && second.distance === best.distance)) return undefined;
  return byAlias.get(best.candidate);
}

/** The 400 message for a province that is not a code, with the code when one can be inferred. */
export function unknownProvinceMessage(input: string): string {
  const code = suggestProvince(input);
  return code
    ? `must be an ISO 3166-2:CN province code: did you mean ${code}?`
    : 'must be an ISO 3166-2:CN province code, e.g. "CN-SC" (GET /v1/regions lists them)';
}

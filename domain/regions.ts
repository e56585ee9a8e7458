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

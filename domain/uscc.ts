/**
 * 统一社会信用代码 (Unified Social Credit Code, USCC) as GB 32100-2015 defines it:
 *
 *   pos 1      registration authority (登记管理部门代码)
 *   pos 2      organisation category (机构类别代码), meaningful per authority
 *   pos 3–8    administrative division of the registering office (GB/T 2260)
 *   pos 9–17   the GB 11714 organisation code: 8 body characters + its own check
 *   pos 18     check character over positions 1–17
 *
 * Both check characters are verified: the USCC one catches any single wrong
 * character (its weights are non-zero modulo the prime 31), the GB 11714 one
 * catches codes assembled from a wrong organisation code. Pure: no I/O.
 */
import * as z from 'zod/mini';
import { DIVISION_PREFIXES, provinceOfDivision, type ProvinceCode } from './regions.ts';

/** The 31 characters of the code set, in value order (0..30): no I, O, Z, S, V. */
const CODE_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const VALUE = new Map([...CODE_SET].map((c, i) => [c, i]));
/** Weight of position i (0-based) is 3^i mod 31. */
const WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});
const EXCLUDED: Record<string, string> = { I: '1', O: '0', Z: '2', S: '5', V: 'U' };

/** GB 32100-2015 table 1: registration authority → organisation categories it may issue. */
export const REGISTRATION_AUTHORITIES = {
  '1': { name: '机构编制', categories: '1239' },
  '2': { name: '外交', categories: '19' },
  '3': { name: '司法行政', categories: '123459' },
  '4': { name: '文化', categories: '19' },
  '5': { name: '民政', categories: '1239' },
  '6': { name: '旅游', categories: '129' },
  '7': { name: '宗教', categories: '129' },
  '8': { name: '工会', categories: '19' },
  '9': { name: '工商 (market regulation)', categories: '123' },
  A: { name: '中央军委改革和编制办公室', categories: '19' },
  N: { name: '农业', categories: '1239' },
  Y: { name: '其他', categories: '1' },
} as const satisfies Record<string, { name: string; categories: string }>;
type AuthorityCode = keyof typeof REGISTRATION_AUTHORITIES;
const AUTHORITY_CODES = Object.keys(REGISTRATION_AUTHORITIES).join(', ');

export interface ParsedUscc {
  ok: true;
  uscc: string;
  registrationAuthority: AuthorityCode;
  category: string;
  /** Six digits, GB/T 2260, of the registering office, e.g. "440300" (Shenzhen). */
  divisionCode: string;
  /**
   * The province the registering office belongs to; null for a registration
   * at national level (division 100000, e.g. some central enterprises), which
   * belongs to no province: callers that need a province decide what that means.
   */
  provinceCode: ProvinceCode | null;
  /** Positions 9–17, the GB 11714 organisation code (with its check character). */
  organisationCode: string;
}
export type UsccResult = ParsedUscc | { ok: false; message: string };

const NATIONAL_DIVISION = '100000';

/** Check character (position 18) for the first 17 characters, which must be in the code set. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VALUE.get(first17[i]!)! * WEIGHTS[i]!;
  return CODE_SET[(31 - (sum % 31)) % 31]!;
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
/**
 * GB 11714 check character for an 8-character organisation-code body. The
 * organisation code predates the USCC and values letters over the full
 * alphabet (A=10 … Z=35), not over the USCC code set.
 */
export function organisationCheckCharacter(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body[i]!, 36) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

const fail = (message: string): UsccResult => ({ ok: false, message });

/** Validates a USCC; on failure the message names the rule that failed. */
export function parseUscc(input: string): UsccResult {
  if (input.length !== 18) {
    const hint = input.trim().length === 18 ? ' (remove the surrounding spaces)' : '';
    return fail(`must be 18 characters, got ${input.length}${hint}`);
  }
  if (/[a-z]/.test(input)) {
    return fail(`must be written in upper case: did you mean "${input.toUpperCase()}"?`);
  }
  for (let i = 0; i < 18; i++) {
    const c = input[i]!;
    if (VALUE.has(c)) continue;
    if (c in EXCLUDED) {
      return fail(
        `position ${i + 1} holds "${c}", a letter the code never uses (I, O, Z, S, V are excluded): did you mean "${EXCLUDED[c]}"?`,
      );
    }
    return fail(`position ${i + 1} holds ${JSON.stringify(c)}: only digits and upper-case letters other than I, O, Z, S, V are allowed`);
  }
  const authority = input[0]!;
  if (!(authority in REGISTRATION_AUTHORITIES)) {
    return fail(`position 1 (registration authority) must be one of ${AUTHORITY_CODES}; got "${authority}"`);
  }
  const { categories, name } = REGISTRATION_AUTHORITIES[authority as AuthorityCode];
  const category = input[1]!;
  if (!categories.includes(category)) {
    return fail(
      `position 2 (organisation category) "${category}" is not defined for registration authority "${authority}" (${name}); allowed: ${[...categories].join(', ')}`,
    );
  }
  const divisionCode = input.slice(2, 8);
  if (!/^\d{6}$/.test(divisionCode)) {
    return fail(`positions 3–8 (administrative division) must be six digits; got "${divisionCode}"`);
  }
  const provinceCode = provinceOfDivision(divisionCode);
  if (provinceCode === undefined && divisionCode !== NATIONAL_DIVISION) {
    return fail(`positions 3–4 ("${divisionCode.slice(0, 2)}") are not the division code of a mainland province`);
  }
  const organisationCode = input.slice(8, 17);
  const orgCheck = organisationCheckCharacter(organisationCode.slice(0, 8));
  if (organisationCode[8] !== orgCheck) {
    return fail(
      `positions 9–17 are not a valid GB 11714 organisation code: its check character (position 17) should be "${orgCheck}", got "${organisationCode[8]}"`,
    );
  }
  const check = usccCheckCharacter(input);
  if (input[17] !== check) {
    return fail(`check character (position 18) should be "${check}", got "${input[17]}"`);
  }
  return {
    ok: true,
    uscc: input,
    registrationAuthority: authority as AuthorityCode,
    category,
    divisionCode,
    provinceCode: provinceCode ?? null,
    organisationCode,
  };
}

export const isUscc = (s: string): boolean => parseUscc(s).ok;

/** Request-body field: a valid USCC, with the failed rule as the message. */
export const usccSchema = z.string().check(
  z.superRefine((value, ctx) => {
    const r = parseUscc(value);
    if (!r.ok) ctx.issues.push({ code: 'custom', message: r.message, input: value });
  }),
);

/**
 * A valid USCC for tests and demo data, deterministic in its arguments: an
 * enterprise (authority 9, category 1) registered at the province's level,
 * whose organisation-code body is the serial in eight digits.
 */
export function makeUscc(provinceCode: ProvinceCode, serial: number): string {
  if (!Number.isSafeInteger(serial) || serial < 0 || serial > 99_999_999) {
    throw new RangeError(`serial must be an integer in 0..99999999, got ${serial}`);
  }
  const body = String(serial).padStart(8, '0');
  const first17 = `91${DIVISION_PREFIXES[provinceCode]}0000${body}${organisationCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

/**
 * Which language a person reads: `?lang=zh|en`, else the `Accept-Language`
 * header, else Chinese (the platform serves mainland SMEs; English is the
 * second language of the console and of the notifications).
 */
import * as z from 'zod/mini';

export const LANGUAGES = ['zh', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Lang = 'zh';

/**
 * The `lang` query field. An unknown value (`?lang=fr`, `?lang=ZH`) is a 400
 * like any other unknown query value in the contract, rather than a silent
 * fallback that would hide a typo in a client. Spread `LangQuery` into a
 * route's strict query object, e.g. `z.strictObject({ ...PageQuery, ...LangQuery })`.
 */
export const langQuery = z.optional(z.enum(LANGUAGES));
export const LangQuery = { lang: langQuery };

function isLang(s: unknown): s is Lang {
  return s === 'zh' || s === 'en';
}

// RFC 9110 §12.4.2: a qvalue is 0 or 1 with up to three decimals.
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The supported language a language range stands for, if any. Every `zh-*`
 * range (zh-CN, zh-Hans, but also zh-TW, zh-HK, zh-Hant) maps to our
 * Simplified Chinese: a Traditional-Chinese reader reads it far more easily
 * than English.
 */
function langOfRange(range: string): Lang | undefined {
  const primary = range.split('-', 1)[0];
  return isLang(primary) ? primary : undefined;
}

/**
 * The supported languages an `Accept-Language` header asks for, best first:
 * by q-value, ties in the header's order. A range with q=0 is "not
 * acceptable"; a malformed q-value drops its range rather than being guessed
 * at. `*` stands for every supported language the header does not name
 * (`zh;q=0.1, *` prefers English; `*` alone gives the default first).
 */
export function acceptedLanguages(header: string): Lang[] {
  return negotiate(header).accepted;
}

function negotiate(header: string): { accepted: Lang[]; refused: Set<Lang> } {
  const ranked: { lang: Lang; q: number; pos: number }[] = [];
  const named = new Set<Lang>();
  const refused = new Set<Lang>();
  const wildcards: { q: number; pos: number }[] = [];
  header.split(',').forEach((part, pos) => {
    const [rangeRaw, ...paramsRaw] = part.split(';');
    const range = (rangeRaw ?? '').trim().toLowerCase();
    if (!range) return;
    let q = 1;
    for (const p of paramsRaw) {
      const [k, v] = p.split('=').map((s) => s.trim());
      if (k?.toLowerCase() !== 'q') continue;
      if (v === undefined || !QVALUE.test(v)) return;
      q = Number(v);
    }
    if (range === '*') {
      if (q > 0) wildcards.push({ q, pos });
      return;
    }
    const lang = langOfRange(range);
    if (!lang) return;
    named.add(lang);
    if (q > 0) ranked.push({ lang, q, pos });
    // Only the bare tag refuses the language: `zh-TW;q=0` refuses one variant, not Chinese.
    else if (range === lang) refused.add(lang);
  });
  // LANGUAGES lists the default first, so on a tie the wildcard gives the default.
  for (const w of wildcards) for (const lang of LANGUAGES) if (!named.has(lang)) ranked.push({ lang, ...w });
  // Array.prototype.sort is stable, but ordering by position too makes the tie rule explicit.
  ranked.sort((a, b) => b.q - a.q || a.pos - b.pos);
  return { accepted: [...new Set(ranked.map((r) => r.lang))], refused };
}

/**
 * The language to answer in. `query` is the route's already-validated `lang`;
 * an unsupported value reaching here (a caller without the schema, e.g. an
 * e-mail job) is ignored rather than thrown, so rendering never fails on it.
 */
export function pickLanguage(input: { query?: string | undefined; acceptLanguage?: string | undefined }): Lang {
  if (isLang(input.query)) return input.query;
  if (!input.acceptLanguage) return DEFAULT_LANGUAGE;
  const { accepted, refused } = negotiate(input.acceptLanguage);
  // Nothing we have was asked for (`fr-FR`): the default, unless the header refused it outright.
  return accepted[0] ?? LANGUAGES.find((l) => !refused.has(l)) ?? DEFAULT_LANGUAGE;
}

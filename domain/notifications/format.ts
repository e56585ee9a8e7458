/**
 * The pieces templates put into sentences: names, service types, money,
 * dates, ratings. Each returns `undefined` for a value it cannot show (absent,
 * blank, not a number, not a date), so a template decides what to say
 * instead, and no "undefined", "NaN" or "Invalid Date" ever reaches a reader.
 * They take `unknown` on purpose: params come back from storage, and an item
 * written before a field existed must still render.
 */
import { serviceTypeEntry } from '../catalog.ts';
import type { Lang } from '../language.ts';

/** A name or free text as a reader should see it: trimmed, or absent when blank. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t ? t : undefined;
}

/**
 * The catalog's name of a service type in `lang`. An id the catalog does not
 * know (never expected: ids are never removed) is shown as it is rather than hidden.
 */
export function serviceTypeName(id: unknown, lang: Lang): string | undefined {
  const entry = typeof id === 'string' ? serviceTypeEntry(id) : undefined;
  return entry ? entry[lang] : text(id);
}

function grouped(n: number): string {
  return String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Whole CNY as each language writes it: `1,200 元` and `¥1,200`. Grouping is
 * done here rather than by Intl so the text does not depend on the ICU data
 * the runtime was built with.
 */
export function money(amount: unknown, lang: Lang): string | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  const n = Math.round(amount);
  const sign = n < 0 ? '-' : '';
  return lang === 'zh' ? `${sign}${grouped(n)} 元` : `${sign}¥${grouped(n)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
// Beijing time has no daylight saving: a fixed offset is exact.
const BEIJING_OFFSET_MS = 8 * 3600_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date as each language writes it: `2026年11月30日` / `30 Nov 2026`. A
 * plain date is shown as given; an instant is shown with its time in Beijing
 * time, the platform's and its users' time zone (`2026年11月30日 16:00` /
 * `30 Nov 2026, 16:00 Beijing time`).
 */
export function when(iso: unknown, lang: Lang): string | undefined {
  if (typeof iso !== 'string') return undefined;
  const dateOnly = DATE_ONLY.exec(iso);
  let d: Date;
  let withTime: boolean;
  if (dateOnly) {
    const [, y, m, day] = dateOnly.map(Number) as [number, number, number, number];
    d = new Date(Date.UTC(y, m - 1, day));
    // 2026-02-30 would roll over to March: refuse it rather than show another day.
    if (d.getUTCFullYear() !== y || d.getUTCMonth() !== m - 1 || d.getUTCDate() !== day) return undefined;
    withTime = false;
  } else {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return undefined;
    d = new Date(ms + BEIJING_OFFSET_MS);
    withTime = true;
  }
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  if (lang === 'zh') return `${y}年${m + 1}月${day}日${withTime ? ` ${hhmm}` : ''}`;
  return `${day} ${MONTHS[m]} ${y}${withTime ? `, ${hhmm} Beijing time` : ''}`;
}

/** A 1..5 feedback rating, or absent when it is anything else. */
export function rating(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5 ? value : undefined;
}

/** A positive whole number of days, or absent. */
export function days(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

// Closed: a full stop, question or exclamation mark, perhaps inside a closing
// quote or bracket ("…。」", "(as agreed.)"). A bracket or quote alone does not
// close a sentence: "(or its designation lapsed)" still takes its full stop.
const ZH_END = /[。！？!?.…][」』）)”’"']*$/u;
const EN_END = /[.!?…。！？][")'”’」）]*$/u;

/**
 * Free text (a reason, a comment) closed as a sentence, so the template's
 * next sentence does not run on: a reason typed without a full stop gets one,
 * one typed with it does not get two.
 */
export function sentence(value: unknown, lang: Lang): string | undefined {
  const t = text(value);
  if (!t) return undefined;
  if (lang === 'zh') return ZH_END.test(t) ? t : `${t}。`;
  return EN_END.test(t) ? t : `${t}.`;
}

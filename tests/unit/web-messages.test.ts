/**
 * The console's messages (web/src/i18n): placeholders filled, English
 * plural forms chosen by the number ("1 need", "2 needs"), and every
 * message of both dictionaries well formed, so no brace or `#` reaches a
 * person.
 */
import { describe, expect, it } from 'vitest';
import { en } from '#web/src/i18n/en.ts';
import { fillMessage } from '#web/src/i18n/format.ts';
import { zh } from '#web/src/i18n/zh.ts';

const EN = new Intl.PluralRules('en-GB');
const ZH = new Intl.PluralRules('zh-CN');

describe('filling a message', () => {
  it('puts each named value in its place and leaves unknown names as written', () => {
    expect(fillMessage('{a} of {b}', { a: 1, b: 'two' }, EN)).toBe('1 of two');
    expect(fillMessage('{a} and {missing}', { a: 'x' }, EN)).toBe('x and {missing}');
  });

  it('chooses the English plural form by the number, with # standing for it', () => {
    const m = en['waiting.summaryCaption'];
    expect(fillMessage(m, { count: 1 }, EN)).toBe('By reason (1 need)');
    expect(fillMessage(m, { count: 0 }, EN)).toBe('By reason (0 needs)');
    expect(fillMessage(m, { count: 12 }, EN)).toBe('By reason (12 needs)');
    expect(fillMessage(en['waiting.count'], { count: 1 }, EN)).toBe('1 offering');
    expect(fillMessage(en['imports.moreErrors'], { count: 1 }, EN)).toBe('1 more row has errors (not listed here).');
    expect(fillMessage(en['imports.moreErrors'], { count: 3 }, EN)).toBe('3 more rows have errors (not listed here).');
    expect(fillMessage(en['holds.narrow'], { count: 1 }, EN)).toBe('1 more result: type more of the name.');
    expect(fillMessage(en['imports.processed'], { processed: 0, total: 1 }, EN)).toBe('0 of 1 row processed');
    expect(fillMessage(en['kpis.centralWesternSummary'], { served: 1, share: '100%' }, EN)).toBe('1 SME served this month; 100% of them in central or western provinces.');
  });

  it('leaves a plural form whose value is not a number as written', () => {
    expect(fillMessage('{n, plural, one {# x} other {# xs}}', { n: 'many' }, EN)).toBe('{n, plural, one {# x} other {# xs}}');
  });

  it('words every message of both dictionaries without a brace left over, whatever the numbers', () => {
    for (const [dict, rules] of [[en, EN], [zh, ZH]] as const) {
      for (const [key, template] of Object.entries(dict)) {
        const names = [...template.matchAll(/\{(\w+)/g)].map((x) => x[1]!);
        for (const value of [0, 1, 2, 21]) {
          const filled = fillMessage(template, Object.fromEntries(names.map((n) => [n, value])), rules);
          expect(filled, `${key} with ${value}`).not.toMatch(/[{}]/);
          if (template.includes(', plural,')) expect(filled, key).not.toContain('#');
        }
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { serviceTypeEntry, type ServiceTypeId } from '#domain/catalog.ts';
import type { Lang } from '#domain/language.ts';
import { en } from '#domain/notifications/en.ts';
import { money, when } from '#domain/notifications/format.ts';
import { render, renderContent } from '#domain/notifications/render.ts';
import {
  NOTIFICATION_TYPES,
  type NotificationParams,
  type NotificationType,
  type Party,
  type Rendered,
} from '#domain/notifications/types.ts';
import { zh } from '#domain/notifications/zh.ts';
import { autoConfirmedReason, providerSuspendedReason, systemReasonInChinese, SYSTEM_REASONS } from '#domain/system-reasons.ts';

const LANGS: readonly Lang[] = ['zh', 'en'];
const ST: ServiceTypeId = 'energy-audit';
const ST_ZH = '能源审计';
const ST_EN = 'Energy audit';
const SME = '成都青禾食品有限公司';
const PROVIDER = '四川绿能审计事务所';
const OFFERING = '工业企业能源审计（含现场诊断）';
const REASON = '服务区域与企业所在地不符';

const names = { serviceType: ST, smeName: SME, providerName: PROVIDER, offeringTitle: OFFERING };

/** Everything each type can carry, for a party where the type has one. */
function fullParams(to: Party): { [T in NotificationType]: NotificationParams[T] } {
  return {
    MATCH_PROPOSED: { ...names, expiresAt: '2026-11-30T08:00:00.000Z' },
    MATCH_APPROVED: { ...names, to, expiresAt: '2026-11-30T08:00:00.000Z' },
    MATCH_ACCEPTED: { ...names, to, expiresAt: '2026-11-30T08:00:00.000Z' },
    MATCH_CONFIRMED: { ...names, to, deliverBy: '2026-12-15' },
    MATCH_REJECTED: { ...names, to, reason: REASON },
    MATCH_DECLINED: { ...names, to, by: to === 'sme' ? 'provider' : 'sme', reason: REASON },
    MATCH_EXPIRED: { ...names, to },
    MATCH_CANCELLED: { ...names, to, reason: REASON },
    MATCH_DELIVERED: { ...names, autoConfirmAt: '2026-12-29T08:00:00.000Z' },
    MATCH_COMPLETED: { ...names, to },
    MATCH_AUTO_CONFIRMED: { ...names, to, days: 14 },
    MATCH_DISPUTED: { ...names, reason: REASON },
    FEEDBACK_RECEIVED: { ...names, rating: 4, comment: '报告很专业' },
    DELIVERY_DUE_SOON: { ...names, deliverBy: '2026-12-15' },
    DELIVERY_OVERDUE: { ...names, deliverBy: '2026-12-15' },
    PROVIDER_APPROVED: { providerName: PROVIDER },
    PROVIDER_REJECTED: { providerName: PROVIDER, reason: REASON },
    VOUCHER_ISSUED: { amount: 1200, programmeName: '2026年绿色发展服务券', serviceTypes: [ST, 'energy-saving-diagnosis'], validUntil: '2026-12-31' },
    VOUCHER_REDEEMED: { ...names, to, amount: 1200, programmeName: '2026年绿色发展服务券', balance: 300 },
  };
}

/** Only what each type requires: every optional name, date and amount left out. */
function minimalParams(to: Party): { [T in NotificationType]: NotificationParams[T] } {
  return {
    MATCH_PROPOSED: { serviceType: ST },
    MATCH_APPROVED: { serviceType: ST, to },
    MATCH_ACCEPTED: { serviceType: ST, to },
    MATCH_CONFIRMED: { serviceType: ST, to },
    MATCH_REJECTED: { serviceType: ST, to, reason: REASON },
    MATCH_DECLINED: { serviceType: ST, to },
    MATCH_EXPIRED: { serviceType: ST, to },
    MATCH_CANCELLED: { serviceType: ST, to },
    MATCH_DELIVERED: { serviceType: ST },
    MATCH_COMPLETED: { serviceType: ST, to },
    MATCH_AUTO_CONFIRMED: { serviceType: ST, to },
    MATCH_DISPUTED: { serviceType: ST, reason: REASON },
    FEEDBACK_RECEIVED: { serviceType: ST, rating: 5 },
    DELIVERY_DUE_SOON: { serviceType: ST, deliverBy: '2026-12-15' },
    DELIVERY_OVERDUE: { serviceType: ST, deliverBy: '2026-12-15' },
    PROVIDER_APPROVED: {},
    PROVIDER_REJECTED: {},
    VOUCHER_ISSUED: { amount: 1200 },
    VOUCHER_REDEEMED: { serviceType: ST, to, amount: 1200 },
  };
}

const TO_PARTY: ReadonlySet<NotificationType> = new Set(
  NOTIFICATION_TYPES.filter((t) => 'to' in minimalParams('sme')[t]),
);
/** Types about one match's service type (the provider and voucher-issue ones are not). */
const ABOUT_A_SERVICE = NOTIFICATION_TYPES.filter((t) => 'serviceType' in minimalParams('sme')[t]);

interface Case {
  type: NotificationType;
  lang: Lang;
  variant: 'full' | 'minimal';
  to: Party;
  out: Rendered;
}

function renderAny(type: NotificationType, lang: Lang, params: unknown): Rendered {
  return renderContent({ type, params } as Parameters<typeof renderContent>[0], lang);
}

const CASES: Case[] = [];
for (const type of NOTIFICATION_TYPES) {
  for (const lang of LANGS) {
    for (const to of TO_PARTY.has(type) ? (['sme', 'provider'] as const) : (['sme'] as const)) {
      CASES.push({ type, lang, variant: 'full', to, out: renderAny(type, lang, fullParams(to)[type]) });
      CASES.push({ type, lang, variant: 'minimal', to, out: renderAny(type, lang, minimalParams(to)[type]) });
    }
  }
}
const label = (c: Case) => `${c.type} ${c.lang} ${c.variant} to ${c.to}`;
const textOf = (r: Rendered) => `${r.title}\n${r.body}`;
const HAN = /\p{Script=Han}/u;

describe('notification templates', () => {
  it('cover exactly the contract’s types in both languages', () => {
    const contract = [
      'MATCH_PROPOSED', 'MATCH_APPROVED', 'MATCH_ACCEPTED', 'MATCH_CONFIRMED', 'MATCH_REJECTED', 'MATCH_DECLINED',
      'MATCH_EXPIRED', 'MATCH_CANCELLED', 'MATCH_DELIVERED', 'MATCH_COMPLETED', 'MATCH_DISPUTED', 'FEEDBACK_RECEIVED',
      'PROVIDER_APPROVED', 'PROVIDER_REJECTED', 'VOUCHER_ISSUED', 'VOUCHER_REDEEMED',
    ];
    const issue12 = ['DELIVERY_DUE_SOON', 'DELIVERY_OVERDUE', 'MATCH_AUTO_CONFIRMED'];
    expect([...NOTIFICATION_TYPES].sort()).toEqual([...contract, ...issue12].sort());
    expect(Object.keys(zh).sort()).toEqual([...NOTIFICATION_TYPES].sort());
    expect(Object.keys(en).sort()).toEqual([...NOTIFICATION_TYPES].sort());
  });

  it('render a non-empty title and body for every type, language, party, full or minimal params', () => {
    // 19 types x 2 languages x 2 variants, and both parties for the types sent to either.
    expect(CASES).toHaveLength(NOTIFICATION_TYPES.length * 4 + TO_PARTY.size * 4);
    for (const c of CASES) {
      expect(c.out.title.trim(), label(c)).not.toBe('');
      expect(c.out.body.trim(), label(c)).not.toBe('');
      expect(c.out.title, label(c)).not.toMatch(/\n/);
    }
  });

  it('never print undefined, null, NaN or an invalid date', () => {
    for (const c of CASES) {
      expect(textOf(c.out), label(c)).not.toMatch(/undefined|null|NaN|Invalid Date|\[object/i);
      // No placeholder left empty: 「」, “”, ()
      expect(textOf(c.out), label(c)).not.toMatch(/「」|“”|（）|\(\)|：。|: \./);
    }
  });

  it('write Chinese in Chinese and English in English', () => {
    for (const c of CASES.filter((c) => c.variant === 'minimal')) {
      if (c.lang === 'zh') expect(c.out.body, label(c)).toMatch(HAN);
      // Minimal params carry no Chinese names; only the reason (given in Chinese) may bring Han characters in.
      else expect(c.out.body.replace(REASON, ''), label(c)).not.toMatch(HAN);
    }
  });

  it('name the service type by its catalog name in the reader’s language', () => {
    expect(serviceTypeEntry(ST)).toMatchObject({ zh: ST_ZH, en: ST_EN });
    for (const c of CASES.filter((c) => ABOUT_A_SERVICE.includes(c.type))) {
      expect(c.out.body, label(c)).toContain(c.lang === 'zh' ? `「${ST_ZH}」` : `“${ST_EN}”`);
      // The full params' Chinese names contain 能源审计 themselves: minimal params show the other language's name is absent.
      if (c.variant === 'minimal') expect(textOf(c.out), label(c)).not.toContain(c.lang === 'zh' ? ST_EN : ST_ZH);
      expect(textOf(c.out), label(c)).not.toContain(ST);
    }
  });

  it('name every service type a voucher covers', () => {
    for (const lang of LANGS) {
      const { body } = render('VOUCHER_ISSUED', lang, fullParams('sme').VOUCHER_ISSUED);
      expect(body).toContain(lang === 'zh' ? '「能源审计」、「节能诊断」' : '“Energy audit” or “Energy-saving diagnosis”');
      expect(body).toContain(lang === 'zh' ? '面值 1,200 元' : '¥1,200');
      expect(body).toContain(lang === 'zh' ? '有效期至2026年12月31日' : 'until 31 Dec 2026');
    }
  });

  it('give the reason whenever one is given, and say nothing of a reason otherwise', () => {
    const withReason = CASES.filter((c) => c.variant === 'full' && textOf(c.out).includes(REASON)).map((c) => c.type);
    expect(new Set(withReason)).toEqual(
      new Set(['MATCH_REJECTED', 'MATCH_DECLINED', 'MATCH_CANCELLED', 'MATCH_DISPUTED', 'PROVIDER_REJECTED']),
    );
    for (const c of CASES.filter((c) => c.variant === 'full' && withReason.includes(c.type))) {
      expect(c.out.body, label(c)).toContain(c.lang === 'zh' ? `原因：${REASON}。` : `Reason: ${REASON}.`);
    }
    for (const c of CASES.filter((c) => c.variant === 'minimal' && !textOf(c.out).includes(REASON))) {
      expect(c.out.body, label(c)).not.toMatch(/原因|Reason/);
    }
  });

  it('close a reason as a sentence once, not twice', () => {
    const zhOut = render('MATCH_REJECTED', 'zh', { serviceType: ST, to: 'sme', reason: '  价格超出预算。 ' });
    expect(zhOut.body).toContain('原因：价格超出预算。如需求');
    const enOut = render('MATCH_REJECTED', 'en', { serviceType: ST, to: 'sme', reason: 'Over budget.' });
    expect(enOut.body).toContain('Reason: Over budget. If your need');
    // A closing bracket or quote closes the sentence only after its own full stop.
    expect(render('MATCH_REJECTED', 'en', { serviceType: ST, to: 'sme', reason: 'Over budget (as agreed.)' }).body).toContain('Reason: Over budget (as agreed.) If your need');
    expect(render('MATCH_REJECTED', 'en', { serviceType: ST, to: 'sme', reason: 'Over budget (as agreed)' }).body).toContain('Reason: Over budget (as agreed). If your need');
    expect(render('MATCH_REJECTED', 'zh', { serviceType: ST, to: 'sme', reason: '报价超出预算（已沟通）' }).body).toContain('原因：报价超出预算（已沟通）。如需求');
    expect(render('MATCH_REJECTED', 'zh', { serviceType: ST, to: 'sme', reason: '企业表示「不再需要。」' }).body).toContain('原因：企业表示「不再需要。」如需求');
  });

  it('word in Chinese the reasons the platform itself writes, and keep typed reasons as typed', () => {
    const cancelled = (lang: Lang, reason: string) => render('MATCH_CANCELLED', lang, { ...names, to: 'sme', reason }).body;
    for (const r of Object.values(SYSTEM_REASONS)) {
      expect(cancelled('zh', r.en)).toContain(`原因：${r.zh}。`);
      expect(cancelled('zh', r.en)).not.toMatch(/[A-Za-z]/);
      expect(cancelled('en', r.en)).toContain(`Reason: ${r.en}.`);
    }
    expect(cancelled('zh', providerSuspendedReason('投诉处理中'))).toContain('原因：服务机构已被暂停：投诉处理中。');
    expect(cancelled('zh', providerSuspendedReason('complaints under review'))).toContain('原因：服务机构已被暂停：complaints under review。');
    expect(systemReasonInChinese(autoConfirmedReason(7))).toBe('企业未在 7 天内答复，已自动确认');
    // An operator who types the same words as a system reason in another sentence is left alone.
    expect(cancelled('zh', 'need withdrawn by phone')).toContain('原因：need withdrawn by phone。');
    expect(systemReasonInChinese(REASON)).toBeUndefined();
  });

  it('name the other party to each reader, and both parties to operators', () => {
    for (const c of CASES.filter((c) => c.variant === 'full' && ABOUT_A_SERVICE.includes(c.type))) {
      const text = textOf(c.out);
      const toOperators = ['MATCH_PROPOSED', 'MATCH_DISPUTED', 'DELIVERY_OVERDUE'].includes(c.type);
      const toProvider = (TO_PARTY.has(c.type) && c.to === 'provider') || ['FEEDBACK_RECEIVED', 'DELIVERY_DUE_SOON'].includes(c.type);
      if (toOperators || toProvider) expect(text, label(c)).toContain(SME);
      if (toOperators || !toProvider) expect(text, label(c)).toContain(PROVIDER);
    }
    expect(render('PROVIDER_APPROVED', 'zh', { providerName: PROVIDER }).body).toContain(`贵机构「${PROVIDER}」`);
  });

  it('fall back to a generic word for a party whose name is missing or blank', () => {
    const blank = { serviceType: ST, smeName: '  ', providerName: '' };
    expect(render('MATCH_DISPUTED', 'zh', { ...blank, reason: REASON }).body).toMatch(/^企业对服务机构交付的「能源审计」服务提出异议。/);
    expect(render('MATCH_DISPUTED', 'en', { ...blank, reason: REASON }).body).toMatch(
      /^The company has disputed the “Energy audit” work delivered by the service provider\./,
    );
    expect(render('MATCH_APPROVED', 'en', { ...blank, to: 'sme' }).body).toContain('matched with a service provider.');
  });

  it('write to the SME as 您 and to the provider as 贵机构', () => {
    for (const c of CASES.filter((c) => c.lang === 'zh' && TO_PARTY.has(c.type))) {
      if (c.to === 'sme') expect(c.out.body, label(c)).toMatch(/您/);
      else expect(c.out.body, label(c)).toMatch(/贵机构/);
    }
  });

  it('show deadlines as dates in the reader’s language, instants in Beijing time', () => {
    const p = { ...names, to: 'sme' as const, expiresAt: '2026-11-30T17:30:00.000Z' };
    // 17:30 UTC is 01:30 the next day in Beijing: the reader's calendar day, not UTC's.
    expect(render('MATCH_APPROVED', 'zh', p).body).toContain('请于2026年12月1日 01:30前在平台确认');
    expect(render('MATCH_APPROVED', 'en', p).body).toContain('by 1 Dec 2026, 01:30 Beijing time');
    const due = { ...names, deliverBy: '2026-12-15' };
    expect(render('DELIVERY_DUE_SOON', 'zh', due).body).toContain('应于2026年12月15日前完成交付');
    expect(render('DELIVERY_DUE_SOON', 'en', due).body).toContain('is due by 15 Dec 2026.');
  });

  it('leave out a deadline that is not a real date rather than print it', () => {
    for (const bad of ['2026-02-30', 'tomorrow', '']) {
      const zhOut = render('DELIVERY_OVERDUE', 'zh', { serviceType: ST, deliverBy: bad });
      expect(zhOut.body).toBe('服务机构为企业提供的「能源审计」服务已超过交付期限，尚未提交交付，请及时跟进处理。');
      const enOut = render('DELIVERY_OVERDUE', 'en', { serviceType: ST, deliverBy: bad });
      expect(enOut.body).toBe('The service provider has not delivered the “Energy audit” work for the company by its deadline. Please follow it up.');
    }
  });

  it('format whole CNY for each language', () => {
    expect(money(1200, 'zh')).toBe('1,200 元');
    expect(money(1200, 'en')).toBe('¥1,200');
    expect(money(0, 'zh')).toBe('0 元');
    expect(money(1234567, 'en')).toBe('¥1,234,567');
    expect(money(999, 'en')).toBe('¥999');
    expect(money(Number.NaN, 'zh')).toBeUndefined();
    expect(money(undefined, 'en')).toBeUndefined();
    const zhOut = render('VOUCHER_REDEEMED', 'zh', { serviceType: ST, to: 'sme', amount: 12000, balance: 3000 });
    expect(zhOut.body).toContain('抵扣 12,000 元，剩余余额 3,000 元');
    const enOut = render('VOUCHER_REDEEMED', 'en', { serviceType: ST, to: 'sme', amount: 12000, balance: 3000 });
    expect(enOut.body).toContain('¥12,000 of your service voucher');
    expect(enOut.body).toContain('Remaining balance: ¥3,000.');
  });

  it('format dates without depending on the runtime’s locale data', () => {
    expect(when('2026-01-05', 'zh')).toBe('2026年1月5日');
    expect(when('2026-01-05', 'en')).toBe('5 Jan 2026');
    expect(when('2026-01-04T16:00:00Z', 'zh')).toBe('2026年1月5日 00:00');
    expect(when('2026-02-29', 'en')).toBeUndefined();
    expect(when(42, 'en')).toBeUndefined();
  });

  it('show the rating out of five, and the comment when there is one', () => {
    const p = { serviceType: ST, smeName: SME, rating: 4, comment: 'Clear report' };
    expect(render('FEEDBACK_RECEIVED', 'zh', p).body).toContain('4 分（满分 5 分）。评价内容：Clear report。');
    expect(render('FEEDBACK_RECEIVED', 'en', p).body).toContain('4 out of 5. Comment: Clear report.');
    // A rating outside 1..5 is not shown as if it were one.
    expect(render('FEEDBACK_RECEIVED', 'en', { serviceType: ST, rating: 9 }).body).not.toContain('9');
  });

  it('do not repeat 服务券 when the programme name already ends with it', () => {
    const { body } = render('VOUCHER_ISSUED', 'zh', { amount: 500, programmeName: '绿色发展服务券' });
    expect(body).toContain('您已获得「绿色发展服务券」，面值 500 元');
    expect(render('VOUCHER_ISSUED', 'zh', { amount: 500, programmeName: '绿色发展专项' }).body).toContain('「绿色发展专项」服务券');
  });

  it('say who declined: the reader, the other side, or neither when unknown', () => {
    const base = { serviceType: ST, smeName: SME, providerName: PROVIDER };
    expect(render('MATCH_DECLINED', 'zh', { ...base, to: 'sme', by: 'sme' }).body).toMatch(/^您已谢绝/);
    expect(render('MATCH_DECLINED', 'zh', { ...base, to: 'sme', by: 'provider' }).body).toMatch(/^服务机构「四川绿能审计事务所」已谢绝/);
    expect(render('MATCH_DECLINED', 'en', { ...base, to: 'provider', by: 'provider' }).body).toMatch(/^You declined/);
    expect(render('MATCH_DECLINED', 'en', { ...base, to: 'provider' }).body).toMatch(/has been declined\./);
  });

  it('still render an item stored before its params existed, without printing a blank', () => {
    for (const type of NOTIFICATION_TYPES) {
      for (const lang of LANGS) {
        const out = renderAny(type, lang, {});
        expect(out.title.trim(), `${type} ${lang}`).not.toBe('');
        expect(textOf(out), `${type} ${lang}`).not.toMatch(/undefined|null|NaN|Invalid Date|「」|“”/);
      }
    }
  });

  it('refuse at compile time a notification missing what the contract requires', () => {
    // @ts-expect-error MATCH_REJECTED requires the operator's reason.
    const noReason = render('MATCH_REJECTED', 'zh', { serviceType: ST, to: 'sme' });
    // @ts-expect-error a party-facing type must say which party reads it.
    const noParty = render('MATCH_CONFIRMED', 'en', { serviceType: ST });
    // @ts-expect-error not a service type of the catalog.
    const badType = render('MATCH_PROPOSED', 'en', { serviceType: 'energy-audits' });
    // Should such an item reach the renderer anyway (storage, a cast), it still reads as a sentence.
    expect(noReason.body).toBe('您的服务需求「能源审计」与服务机构的拟匹配未通过平台审核。如需求仍在有效期内，平台将继续为您匹配其他服务机构。');
    expect(noParty.body).toMatch(/^Both sides have confirmed your “Energy audit” match/);
    expect(badType.body).toContain('“energy-audits”');
  });
});

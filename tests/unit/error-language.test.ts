/**
 * Refusals in the caller's language (functions/http/error-language.ts): the
 * English messages are produced by their real sources (the USCC rules, the
 * domain's schemas through the edge's wording), and every one of them must
 * have a Chinese rendering that keeps its values.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { Conflict, ValidationFailed } from '#domain/errors.ts';
import { Certifications } from '#domain/credentials.ts';
import { CreateNeedBody, CreateOfferingBody, CreateProviderBody, CreateSmeBody, PatchSmeBody, VerifySmeBody } from '#domain/model.ts';
import { makeUscc, parseUscc } from '#domain/uscc.ts';
import { CreateProgrammeBody } from '#domain/vouchers.ts';
import { openRegister, type RegisterKind } from '#domain/registers.ts';
import { applyMatchCommand, nextNeedStatus, type MatchCommand } from '#domain/lifecycle.ts';
import { assertApprovable, nextProviderStatus } from '#domain/credentials.ts';
import { ineligibility, voucherUnfitFor, type Voucher } from '#domain/vouchers.ts';
import { MATCH_STATUSES, NEED_STATUSES, type Actor } from '#domain/model.ts';
import { errorLanguage, translate } from '#functions/http/error-language.ts';
import { errorResponse } from '#functions/http/errors.ts';
import { needSlots, offeringSlots, providerSlots } from '#functions/usecases/quotas.ts';
import type { AppPorts } from '#functions/ports.ts';
import { parseWith } from '#functions/http/validate.ts';

const HAN = /[\u4e00-\u9fff]/;

/** The details the edge answers for `input`, in English. */
function refusal(schema: z.ZodMiniType, input: unknown): { path: string; message: string }[] {
  try {
    parseWith(schema, input, 'body');
  } catch (e) {
    if (e instanceof ValidationFailed) return e.details;
    throw e;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

/** Chinese, and every number and quoted value of the English still in it. */
function expectRendered(english: string): string {
  const zh = translate(english);
  expect(zh, english).toBeDefined();
  expect(zh, english).toMatch(HAN);
  for (const value of english.match(/"[^"]*"|\d+/g) ?? []) expect(zh, `${english} → ${zh}`).toContain(value);
  return zh!;
}

const uscc = makeUscc('CN-SC', 12345);
const sme = {
  name: '成都新创科技',
  uscc,
  sizeClass: 'SMALL',
  tier: 'SPECIALIZED',
  industry: '软件',
  region: { province: 'CN-SC' },
};

describe('every USCC refusal reads in Chinese with its positions and characters', () => {
  const swap = (at: number, c: string) => uscc.slice(0, at) + c + uscc.slice(at + 1);
  const wrongCheck = swap(17, uscc[17] === '0' ? '1' : '0');
  it.each([
    ['too short', uscc.slice(0, 17)],
    ['surrounding spaces', ` ${uscc} `.slice(0, 19)],
    ['lower case', swap(10, 'a')],
    ['an excluded letter', swap(10, 'O')],
    ['punctuation', swap(10, '-')],
    ['unknown registration authority', swap(0, 'X')],
    ['a category the authority lacks', swap(1, '9')],
    ['a division with letters', swap(3, 'A')],
    ['no such province', swap(2, '9')],
    ['organisation code check', swap(16, uscc[16] === '0' ? '1' : '0')],
    ['check character', wrongCheck],
  ])('%s', (_, input) => {
    const r = parseUscc(input);
    expect(r.ok, input).toBe(false);
    if (!r.ok) expectRendered(r.message);
  });

  it('the check character one, word for word', () => {
    const r = parseUscc(wrongCheck);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(translate(r.message)).toBe(`校验码（第 18 位）应为 "${uscc[17]}"，实际为 "${wrongCheck[17]}"`);
  });
});

describe("the edge's wording of schema refusals reads in Chinese", () => {
  const cases: [string, z.ZodMiniType, unknown][] = [
    ['unknown fields', CreateSmeBody, { ...sme, colour: 'red', size: 1 }],
    ['a missing field', CreateSmeBody, { ...sme, name: undefined }],
    ['a wrong type', CreateSmeBody, { ...sme, name: 42 }],
    ['an array for an object', CreateSmeBody, { ...sme, region: [] }],
    ['an enum', CreateSmeBody, { ...sme, sizeClass: 'HUGE' }],
    ['an empty string', CreateSmeBody, { ...sme, industry: '  ' }],
    ['a long string', CreateSmeBody, { ...sme, industry: 'x'.repeat(101) }],
    ['control characters', CreateSmeBody, { ...sme, industry: 'a\u0007b' }],
    ['a province with a suggestion', CreateSmeBody, { ...sme, region: { province: '四川' } }],
    ['a province without one', CreateSmeBody, { ...sme, region: { province: 'Atlantis' } }],
    ['a missing province', CreateSmeBody, { ...sme, region: {} }],
    ['USCC against province', CreateSmeBody, { ...sme, region: { province: 'CN-GD' } }],
    ['a phone', CreateSmeBody, { ...sme, contact: { name: '张三', phone: '12345' } }],
    ['an e-mail', CreateSmeBody, { ...sme, contact: { name: '张三', email: 'not-mail' } }],
    ['an empty patch', PatchSmeBody, {}],
    ['a service type with a suggestion', CreateNeedBody, { serviceType: 'legal-aide', description: 'x', remoteOk: true, deadline: '2030-01-01' }],
    ['a service type without one', CreateNeedBody, { serviceType: 'zzzzzzzzzzzzzz', description: 'x', remoteOk: true, deadline: '2030-01-01' }],
    ['a date', CreateNeedBody, { serviceType: 'legal-aid', description: 'x', remoteOk: true, deadline: '2030-13-01' }],
    ['a voucher id', CreateNeedBody, { serviceType: 'legal-aid', description: 'x', remoteOk: true, deadline: '2030-01-01', voucherId: 'v1' }],
    ['a country and a language', CreateNeedBody, { serviceType: 'legal-aid', description: 'x', remoteOk: true, deadline: '2030-01-01', markets: ['Germany'], languages: ['chinese'] }],
    ['a repeated entry', CreateNeedBody, { serviceType: 'legal-aid', description: 'x', remoteOk: true, deadline: '2030-01-01', languages: ['zh', 'zh'] }],
    [
      'an offering nowhere, prices upside down, a fraction',
      CreateOfferingBody,
      { serviceType: 'legal-aid', title: 't', regions: [], remote: false, languages: ['zh'], capacityPerMonth: 1.5, priceMin: 9, priceMax: 1, publicWelfare: true, leadTimeDays: -1 },
    ],
    ['a capacity over the limit', CreateOfferingBody, { serviceType: 'legal-aid', title: 't', regions: ['CN-SC'], remote: false, languages: ['zh'], capacityPerMonth: 100_001, publicWelfare: true, leadTimeDays: 400 }],
    ['too few and too many items', CreateProviderBody, { name: 'p', kind: 'IP_CENTRE', regions: [], languages: Array(21).fill('zh'), certifications: [] }],
    ['a verification of nothing', VerifySmeBody, { note: 'n', tierValidUntil: '2030-01-01' }],
    ['a programme over budget', CreateProgrammeBody, { name: 'p', serviceTypes: ['legal-aid'], budget: 10, faceValue: 20, validUntil: '2030-01-01' }],
  ];
  it.each(cases)('%s', (_, schema, input) => {
    const details = refusal(schema, input);
    expect(details.length).toBeGreaterThan(0);
    for (const d of details) expectRendered(d.message);
  });

  it('a repeated certificate', () => {
    const cert = { type: 'CMA', number: 'N-1', issuer: 'CNAS', validUntil: '2030-01-01' };
    const details = refusal(Certifications, [cert, cert]);
    expect(details.some((d) => /repeat a certificate/.test(d.message))).toBe(true);
    for (const d of details) expectRendered(d.message);
  });
});

it('every per-user limit reads in Chinese with its figure', () => {
  const ports = { config: { QUOTA_OPEN_NEEDS_PER_SME: 20, QUOTA_OPEN_NEEDS_PER_SME_AND_TYPE: 3, QUOTA_PROVIDERS_PER_OWNER: 5, QUOTA_OFFERINGS_PER_PROVIDER: 50 } } as unknown as AppPorts;
  const [need] = needSlots(ports, 'sm_1', 'legal-aid');
  const messages = [need!.message, need!.group!.message, providerSlots(ports, 'sub')[0]!.message, offeringSlots(ports, 'pv_1')[0]!.message];
  for (const m of messages) expectRendered(m);
  expect(translate(need!.group!.message)).toBe('每家企业在同一服务类型（legal-aid）下最多 3 条未结需求');
});

describe('a register file and its row errors read in Chinese', () => {
  const u = (n: number) => makeUscc('CN-GD', 900 + n);
  async function rowErrors(kind: RegisterKind, csv: string): Promise<string[]> {
    const file = await openRegister(kind, csv);
    const out: string[] = [];
    for await (const r of file.rows()) if ('errors' in r) out.push(...r.errors.map((e) => e.message));
    return out;
  }
  async function fileRefusal(kind: RegisterKind, body: string | Uint8Array): Promise<string> {
    try {
      await openRegister(kind, body);
    } catch (e) {
      if (e instanceof ValidationFailed) return e.details[0]!.message;
      throw e;
    }
    throw new Error('accepted');
  }

  it('every row error of a tier register', async () => {
    const messages = await rowErrors(
      'TIERS',
      [
        'uscc,name,tier,batch,validUntil',
        `${u(1)},${'名'.repeat(201)},GIANT,,2030-01-01`,
        `${u(2)},"ab",little_giant,,31/12/2030`,
        `${u(3)},,INNOVATIVE,,2030-01-01`,
        `${u(1)},重复,INNOVATIVE,,2030-01-01`,
        `${u(4)},多一格,INNOVATIVE,,2030-01-01,x`,
        `${u(5).slice(0, 17)}0,校验码,INNOVATIVE,,2030-01-01`,
      ].join('\n'),
    );
    expect(messages.length).toBeGreaterThanOrEqual(8);
    for (const m of messages) expectRendered(m);
  });

  it('every row error of a provider directory', async () => {
    const messages = await rowErrors(
      'PROVIDERS',
      [
        'uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub',
        `${u(6)},中心,IP_CENTER,四川;CN-XX;CN-SC;CN-SC,zh-cn;;,王芳,not-mail,has space`,
        `${u(7)},中心,WIZARD,;,en,王芳,a@b.cn,`,
      ].join('\n'),
    );
    expect(messages.length).toBeGreaterThanOrEqual(8);
    for (const m of messages) expectRendered(m);
  });

  it('a file refused whole', async () => {
    const refusals = [
      await fileRefusal('TIERS', new Uint8Array([0x75, 0xff, 0x0a])),
      await fileRefusal('TIERS', ''),
      await fileRefusal('TIERS', 'uscc,name,tier,validUntil,extra\n'),
      await fileRefusal('TIERS', 'uscc,name,tier,validUntil,batch\n'),
      await fileRefusal('TIERS', 'uscc,name,tier,batch,validUntil\n"x,y\n'),
    ];
    for (const m of refusals) expectRendered(m);
    expect(translate(refusals[2]!)).toBe('第 1 行须为表头 "uscc,name,tier,batch,validUntil"（缺少 batch；多出 "extra"）');
  });
});

/** The message of the Conflict `act` throws. */
function conflictOf(act: () => unknown): string {
  try {
    act();
  } catch (e) {
    if (e instanceof Conflict) return e.message;
    throw e;
  }
  throw new Error('no conflict');
}

describe('a 409 from the state machines reads in Chinese, naming the state as the console does', () => {
  it('every refused need move', () => {
    for (const from of NEED_STATUSES) {
      for (const t of ['propose', 'reopen', 'confirm', 'fulfil', 'withdraw', 'expire'] as const) {
        let refused: string | undefined;
        try {
          nextNeedStatus(from, t);
        } catch (e) {
          if (!(e instanceof Conflict)) throw e;
          refused = e.message;
        }
        if (refused !== undefined) expect(translate(refused), refused).toMatch(new RegExp(`^无法\\S+：该需求当前为“[^”]+”（${from}）$`));
      }
    }
    expect(translate(conflictOf(() => nextNeedStatus('WITHDRAWN', 'withdraw')))).toBe('无法撤回：该需求当前为“已撤回”（WITHDRAWN）');
  });

  it('every refused match command, by the wrong party or in the wrong state', () => {
    const commands: MatchCommand[] = ['approve', 'reject', 'accept', 'decline', 'deliver', 'confirm', 'dispute', 'resolveCompleted', 'resolveCancelled', 'expire', 'cancel'];
    const actors: Actor[] = ['sme', 'provider', 'operator', 'system'];
    let seen = 0;
    for (const status of MATCH_STATUSES) {
      for (const cmd of commands) {
        for (const by of actors) {
          for (const accepted of [false, true]) {
            let refused: string | undefined;
            try {
              applyMatchCommand({ status, smeAccepted: accepted, providerAccepted: accepted }, cmd, by);
            } catch (e) {
              if (!(e instanceof Conflict)) throw e;
              refused = e.message;
            }
            if (refused === undefined) continue;
            const zh = translate(refused);
            expect(zh, refused).toMatch(HAN);
            expect(zh, refused).not.toMatch(/\b(cannot|match|only|the)\b/);
            seen++;
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(translate(conflictOf(() => applyMatchCommand({ status: 'APPROVED', smeAccepted: false, providerAccepted: false }, 'approve', 'operator')))).toBe(
      '无法批准：该匹配当前为“已批准，待双方确认”（APPROVED）',
    );
    expect(translate(conflictOf(() => applyMatchCommand({ status: 'PROPOSED', smeAccepted: false, providerAccepted: false }, 'approve', 'sme')))).toBe(
      '企业不能批准匹配（只有运营人员可以）',
    );
  });

  it('onboarding, vouchers and standing', () => {
    const messages = [
      conflictOf(() => nextProviderStatus('APPROVED', 'APPROVED')),
      conflictOf(() => nextProviderStatus('REJECTED', 'REJECTED')),
      conflictOf(() => assertApprovable({ kind: 'IP_PROTECTION_CENTRE', certifications: [], status: 'PENDING' } as never, new Date('2026-12-01T00:00:00Z'))),
      `the SME is not eligible: ${ineligibility({ provinces: ['CN-GZ'], eligibility: {} }, { province: 'CN-SC' })}`,
      `the SME is not eligible: ${ineligibility({ provinces: [], eligibility: { tiers: ['LITTLE_GIANT'] } }, { province: 'CN-SC' })}`,
      `the SME is not eligible: ${ineligibility({ provinces: [], eligibility: { sizeClasses: ['MICRO'] } }, { province: 'CN-SC' })}`,
    ];
    const voucher = { smeId: 'sm_1', validUntil: '2030-01-01', status: 'ISSUED', serviceTypes: ['legal-aid'], provinces: ['CN-SC'] } as unknown as Voucher;
    for (const need of [
      { smeId: 'sm_2', serviceType: 'legal-aid', province: 'CN-SC' },
      { smeId: 'sm_1', serviceType: 'energy-audit', province: 'CN-SC' },
      { smeId: 'sm_1', serviceType: 'legal-aid', province: 'CN-GZ' },
    ] as const) {
      messages.push(voucherUnfitFor(voucher, need, '2026-12-01T00:00:00Z')!);
    }
    messages.push(voucherUnfitFor(voucher, { smeId: 'sm_1', serviceType: 'legal-aid', province: 'CN-SC' }, '2031-01-01T00:00:00Z')!);
    for (const m of messages) expectRendered(m);
  });
});

describe('the answer', () => {
  it('is Chinese when Accept-Language puts Chinese first, English otherwise or without one', () => {
    expect(errorLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(errorLanguage('zh')).toBe('zh');
    expect(errorLanguage('zh-TW')).toBe('zh');
    expect(errorLanguage('en-GB,zh;q=0.5')).toBe('en');
    expect(errorLanguage('fr-FR')).toBe('en');
    // What Node's fetch sends unasked: a program gets the contract's English.
    expect(errorLanguage('*')).toBe('en');
    expect(errorLanguage('zh;q=0.5, *')).toBe('zh');
    expect(errorLanguage('')).toBe('en');
    expect(errorLanguage(undefined)).toBe('en');
  });

  it('keeps code, status and paths, and words headline and details in Chinese', () => {
    const err = new ValidationFailed('the request body is invalid', [{ path: 'body.uscc', message: 'must be 18 characters, got 17' }]);
    expect(errorResponse(err, 'zh')).toEqual({
      statusCode: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: '请求体无效', details: [{ path: 'body.uscc', message: '须为 18 位，实际为 17 位' }] } },
    });
    expect(errorResponse(err).body.error.details[0]!.message).toBe('must be 18 characters, got 17');
  });

  it('leaves a message no rule knows in English rather than half translated', () => {
    const err = new Conflict('the voucher kept changing; the event will be retried');
    expect(errorResponse(err, 'zh').body.error.message).toBe('the voucher kept changing; the event will be retried');
    expect(translate('must be 18 characters, got 17 and more')).toBeUndefined();
  });

  it('never words a 500', () => {
    expect(errorResponse(new Error('boom'), 'zh').body.error.message).toBe('internal error; it has been logged');
  });
});

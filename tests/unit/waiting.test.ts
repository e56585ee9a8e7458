import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Offering } from '#domain/model.ts';
import { PROVINCE_CODES } from '#domain/regions.ts';
import { checkEligibility, type EligibilityCandidate } from '#domain/scoring.ts';
import { WAITING_REASON_CODES, assignedPerOffering, waitingReasons, type RoundOutcome, type WaitingInput } from '#domain/waiting.ts';
import { makeNeed, NOW } from '#tests/support/pair.ts';


/** An offering that could serve that need, with 2 of 10 units free. */
function offer(id: string, over: Partial<Offering> = {}, extra: Partial<Omit<EligibilityCandidate, 'offering'>> = {}): EligibilityCandidate {
  return {
    offering: {
      id,
      providerId: `p-${id}`,
      ownerSub: 'sub-provider',
      serviceType: 'energy-audit',
      title: 'On-site energy audit',
      regions: ['CN-SC'],
      remote: false,
      markets: [],
      languages: ['zh-CN'],
      capacityPerMonth: 10,
      priceMin: 5_000,
      priceMax: 8_000,
      publicWelfare: false,
      eligibility: {},
      leadTimeDays: 14,
      status: 'ACTIVE',
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-10-01T00:00:00.000Z',
      version: 1,
      ...over,
    },
    limit: 10,
    used: 8,
    ...extra,
  };
}

const nothingAssigned: RoundOutcome = { assigned: new Map() };
const reasons = (offerings: EligibilityCandidate[], over: Partial<WaitingInput> = {}) =>
  waitingReasons({ need: makeNeed(), offerings, now: NOW, outcome: nothingAssigned, ...over });

describe('waitingReasons: nothing on the market', () => {
  it('says NO_OFFERING when the market has no offering at all', () => {
    expect(reasons([])).toEqual([{ code: 'NO_OFFERING' }]);
  });

  it('says NO_OFFERING, with how many are paused, when every offering is paused', () => {
    expect(reasons([offer('a', { status: 'PAUSED' }), offer('b', { status: 'PAUSED' })])).toEqual([{ code: 'NO_OFFERING', detail: '2 paused' }]);
  });

  it('ignores offerings of another market, and a paused one among active ones', () => {
    const out = reasons([offer('a', { serviceType: 'energy-monitoring' }), offer('b', { status: 'PAUSED' }), offer('c', { regions: ['CN-GD'] })]);
    expect(out).toEqual([{ code: 'REGION', count: 1 }]);
  });
});

describe('waitingReasons: one code per rule, counting the offerings that fell to it', () => {
  const cases: [string, EligibilityCandidate[], Partial<WaitingInput>, ReturnType<typeof waitingReasons>][] = [
    ['REGION', [offer('a', { regions: ['CN-GD'] }), offer('b', { regions: ['CN-BJ'], remote: true })], {}, [{ code: 'REGION', count: 2 }]],
    ['LANGUAGE', [offer('a', { languages: ['en'] })], {}, [{ code: 'LANGUAGE', count: 1 }]],
    ['MARKETS', [offer('a', { markets: ['US'] })], { need: makeNeed({ markets: ['DE'] }) }, [{ code: 'MARKETS', count: 1 }]],
    ['BUDGET', [offer('a', { priceMin: 20_000 })], {}, [{ code: 'BUDGET', count: 1 }]],
    ['LEAD_TIME', [offer('a', { leadTimeDays: 90 })], {}, [{ code: 'LEAD_TIME', count: 1 }]],
    ['ELIGIBILITY (size class)', [offer('a', { eligibility: { sizeClasses: ['MICRO'] } })], {}, [{ code: 'ELIGIBILITY', count: 1, detail: 'sizeClass' }]],
    [
      'ELIGIBILITY (size class and tier, one offering each and one both)',
      [
        offer('a', { eligibility: { sizeClasses: ['MICRO'] } }),
        offer('b', { eligibility: { tiers: ['LITTLE_GIANT'] } }),
        offer('c', { eligibility: { sizeClasses: ['MEDIUM'], tiers: ['SPECIALIZED'] } }),
      ],
      {},
      [{ code: 'ELIGIBILITY', count: 3, detail: 'sizeClass tier' }],
    ],
    ['EXCLUDED', [offer('a'), offer('b', { regions: ['CN-GD'] })], { need: makeNeed({ excludedOfferingIds: ['a'] }) }, [{ code: 'REGION', count: 1 }, { code: 'EXCLUDED', count: 1 }]],
    ['VOUCHER', [offer('a', { priceMin: 6_000 }), offer('b', { priceMin: 6_000, publicWelfare: true }, { used: 10 })], { facts: { voucherBalance: 5_000 } }, [{ code: 'CAPACITY_FULL', count: 1 }, { code: 'VOUCHER', count: 1 }]],
    ['PROVIDER_NOT_APPROVED', [offer('a', {}, { providerApproved: false }), offer('b', {}, { providerApproved: false })], {}, [{ code: 'PROVIDER_NOT_APPROVED', count: 2 }]],
    ['SUSPENDED (a provider)', [offer('a', {}, { providerSuspended: true }), offer('b', { languages: ['en'] })], {}, [{ code: 'LANGUAGE', count: 1 }, { code: 'SUSPENDED', count: 1, detail: 'provider' }]],
    ['CAPACITY_FULL', [offer('a', {}, { used: 10 }), offer('b', {}, { limit: 0, used: 0 })], {}, [{ code: 'CAPACITY_FULL', count: 2 }]],
  ];
  it.each(cases)('%s', (_code, offerings, over, expected) => {
    expect(reasons(offerings, over)).toEqual(expected);
  });

  it('says SUSPENDED for a suspended SME and nothing else, whatever the market', () => {
    expect(reasons([offer('a'), offer('b', { regions: ['CN-GD'] })], { smeSuspended: true })).toEqual([{ code: 'SUSPENDED', detail: 'sme' }]);
  });

  it('counts an offering under every rule it fails, and lists the codes in the contract order', () => {
    const out = reasons([offer('a', { regions: ['CN-GD'], languages: ['en'], leadTimeDays: 90 }), offer('b', { languages: ['ja'] })]);
    expect(out).toEqual([
      { code: 'REGION', count: 1 },
      { code: 'LANGUAGE', count: 2 },
      { code: 'LEAD_TIME', count: 1 },
    ]);
  });

  it('does not blame capacity for an offering that could not serve the need anyway', () => {
    expect(reasons([offer('a', { regions: ['CN-GD'] }, { used: 10 })])).toEqual([{ code: 'REGION', count: 1 }]);
  });

  it('does not list the need-side rules of an offering whose provider may not be matched', () => {
    expect(reasons([offer('a', { regions: ['CN-GD'] }, { providerApproved: false })])).toEqual([{ code: 'PROVIDER_NOT_APPROVED', count: 1 }]);
  });
});

describe('waitingReasons: what the round did with the capacity', () => {
  it('says OUTRANKED when the round gave every free unit of a fitting offering to other needs', () => {
    // a: 2 free units, both given to others; b: full before the round.
    const outcome: RoundOutcome = { assigned: assignedPerOffering([{ offering: 'a' }, { offering: 'a' }]) };
    expect(reasons([offer('a'), offer('b', {}, { used: 10 })], { outcome })).toEqual([
      { code: 'CAPACITY_FULL', count: 1 },
      { code: 'OUTRANKED', count: 1 },
    ]);
  });

  it('says CAPACITY_FULL (claim refused) when the round chose the offering for this need but the ledger refused the claim', () => {
    const outcome: RoundOutcome = { assigned: assignedPerOffering([{ offering: 'a' }, { offering: 'a' }]), assignedToThisNeed: 'a' };
    expect(reasons([offer('a')], { outcome })).toEqual([{ code: 'CAPACITY_FULL', count: 1, detail: 'claim-refused' }]);
  });

  it('says OUTRANKED (not in round) for the fitting offerings when the round did not take the need', () => {
    const outcome: RoundOutcome = { assigned: new Map(), considered: false };
    expect(reasons([offer('a'), offer('b'), offer('c', { languages: ['en'] })], { outcome })).toEqual([
      { code: 'LANGUAGE', count: 1 },
      { code: 'OUTRANKED', count: 2, detail: 'not-in-round' },
    ]);
  });

  it('explains the example of docs/matching.md: one offering elsewhere, one in English, one given to another firm', () => {
    const need = makeNeed({}, { region: { province: 'CN-GZ' } });
    const offerings = [
      offer('gd', { regions: ['CN-GD'] }),
      offer('gz-en', { regions: ['CN-GZ'], languages: ['en'] }),
      offer('gz', { regions: ['CN-GZ'] }, { limit: 5, used: 4 }),
    ];
    const outcome: RoundOutcome = { assigned: assignedPerOffering([{ offering: 'gz' }]) };
    expect(waitingReasons({ need, offerings, now: NOW, outcome })).toEqual([
      { code: 'REGION', count: 1 },
      { code: 'LANGUAGE', count: 1 },
      { code: 'OUTRANKED', count: 1 },
    ]);
  });

  it('counts the solver\'s assignments per offering', () => {
    expect(assignedPerOffering([{ offering: 'a' }, { offering: 'b' }, { offering: 'a' }])).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
  });
});

// ---------------------------------------------------------------- properties
const arbOffering = fc
  .record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    serviceType: fc.constantFrom('energy-audit' as const, 'energy-monitoring' as const),
    status: fc.constantFrom('ACTIVE' as const, 'PAUSED' as const),
    regions: fc.uniqueArray(fc.constantFrom(...PROVINCE_CODES.slice(20, 26)), { maxLength: 3 }),
    remote: fc.boolean(),
    languages: fc.constantFrom(['zh-CN'], ['en'], ['zh-CN', 'en']),
    priceMin: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
    publicWelfare: fc.boolean(),
    leadTimeDays: fc.integer({ min: 0, max: 90 }),
    limit: fc.integer({ min: 0, max: 3 }),
    used: fc.integer({ min: 0, max: 3 }),
    providerApproved: fc.option(fc.boolean(), { nil: undefined }),
    providerSuspended: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((r) => {
    const c = offer(
      r.id,
      { serviceType: r.serviceType, status: r.status, regions: r.regions, remote: r.remote, languages: [...r.languages], publicWelfare: r.publicWelfare, leadTimeDays: r.leadTimeDays },
      { limit: r.limit, used: Math.min(r.used, r.limit) },
    );
    // Absent facts stay absent: the rule is then not applied.
    if (r.priceMin === undefined) delete c.offering.priceMin;
    else c.offering.priceMin = r.priceMin;
    delete c.offering.priceMax;
    if (r.providerApproved !== undefined) c.providerApproved = r.providerApproved;
    if (r.providerSuspended !== undefined) c.providerSuspended = r.providerSuspended;
    return c;
  });
const arbMarket = fc.uniqueArray(arbOffering, { maxLength: 6, selector: (c) => c.offering.id });
const arbNeed = fc
  .record({ remoteOk: fc.boolean(), province: fc.constantFrom(...PROVINCE_CODES.slice(20, 26)), languages: fc.constantFrom(['zh-CN'], ['en'], []), excluded: fc.subarray(['a', 'b', 'c']) })
  .map((r) => makeNeed({ remoteOk: r.remoteOk, languages: [...r.languages], excludedOfferingIds: r.excluded }, { region: { province: r.province } }));

describe('waitingReasons properties', () => {
  it('explains every offering on the market, with contract codes in contract order, and never says nothing', () => {
    fc.assert(
      fc.property(arbNeed, arbMarket, fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }), (need, offerings, voucherBalance) => {
        const facts = voucherBalance === undefined ? {} : { voucherBalance };
        const out = waitingReasons({ need, offerings, now: NOW, outcome: nothingAssigned, facts });
        expect(out.length).toBeGreaterThan(0);
        const order = out.map((r) => WAITING_REASON_CODES.indexOf(r.code));
        expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
        const onMarket = offerings.filter((c) => c.offering.serviceType === need.serviceType && c.offering.status === 'ACTIVE');
        if (onMarket.length === 0) {
          expect(out[0]!.code).toBe('NO_OFFERING');
          return;
        }
        // Each offering on the market falls to at least one reason, and no reason counts more offerings than there are.
        const total = out.reduce((s, r) => s + (r.count ?? 0), 0);
        expect(total).toBeGreaterThanOrEqual(onMarket.length);
        for (const r of out) expect(r.count!).toBeLessThanOrEqual(onMarket.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with checkEligibility: a code is counted for exactly the offerings whose failures carry it (need-side rules)', () => {
    const needSide = ['REGION', 'LANGUAGE', 'EXCLUDED', 'BUDGET', 'LEAD_TIME'] as const;
    fc.assert(
      fc.property(arbNeed, arbMarket, (need, offerings) => {
        const out = waitingReasons({ need, offerings, now: NOW, outcome: nothingAssigned });
        const onMarket = offerings.filter((c) => c.offering.serviceType === need.serviceType && c.offering.status === 'ACTIVE');
        for (const code of needSide) {
          const expected = onMarket.filter((c) => {
            const e = checkEligibility(need, c, NOW);
            return !e.eligible && !e.reasons.includes('providerSuspended') && !e.reasons.includes('providerNotApproved') && e.codes.includes(code);
          }).length;
          expect(out.find((r) => r.code === code)?.count ?? 0, code).toBe(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVIDER_KINDS, SERVICE_TYPE_IDS, projectOf, type ServiceTypeId } from '#domain/catalog.ts';
import { SIZE_CLASSES, TIERS, type Need, type Offering, type SmeProfile, type Tier } from '#domain/model.ts';
import { FIT_COMPONENTS, FIT_FLOOR, POLICY, priorityFor } from '#domain/policy.ts';
import { PROVINCE_CODES } from '#domain/regions.ts';
import {
  ELIGIBILITY_CODE,
  ELIGIBILITY_RULES,
  checkEligibility,
  round4,
  scorePair,
  type EligibilityCandidate,
  type EligibilityRule,
  type NeedFacts,
  type OfferingCandidate,
  type ProviderView,
} from '#domain/scoring.ts';
import { WAITING_REASON_CODES, type WaitingReasonCode } from '#domain/waiting.ts';
import { makeNeed, NOW } from '#tests/support/pair.ts';


function makeOffering(over: Partial<Offering> = {}): Offering {
  return {
    id: 'o-1',
    providerId: 'p-1',
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
  };
}

const provider: ProviderView = { id: 'p-1', kind: 'GREEN_AUDIT_FIRM', rating: 4.5, ratingCount: 20, certifications: ['ISO 50001'] };

function makeCandidate(
  o: Partial<Offering> = {},
  extra: { provider?: Partial<ProviderView>; limit?: number; used?: number } = {},
): OfferingCandidate {
  return {
    offering: makeOffering(o),
    provider: { ...provider, ...extra.provider },
    limit: extra.limit ?? 10,
    used: extra.used ?? 3,
  };
}

// ---------------------------------------------------------------- eligibility
describe('checkEligibility', () => {
  it('accepts the base pair', () => {
    expect(checkEligibility(makeNeed(), makeCandidate(), NOW)).toEqual({ eligible: true });
  });

  const refusals: [EligibilityRule, WaitingReasonCode, string, Need, EligibilityCandidate, NeedFacts?, Date?][] = [
    ['serviceType', 'NO_OFFERING', 'another service type', makeNeed(), makeCandidate({ serviceType: 'energy-monitoring' })],
    ['paused', 'NO_OFFERING', 'a paused offering', makeNeed(), makeCandidate({ status: 'PAUSED' })],
    ['providerSuspended', 'SUSPENDED', 'a suspended provider', makeNeed(), { ...makeCandidate(), providerSuspended: true }],
    ['providerNotApproved', 'PROVIDER_NOT_APPROVED', 'a provider not yet approved', makeNeed(), { ...makeCandidate(), providerApproved: false }],
    ['excluded', 'EXCLUDED', 'an offering excluded for the need', makeNeed({ excludedOfferingIds: ['o-9', 'o-1'] }), makeCandidate()],
    ['region', 'REGION', 'another province, not remote', makeNeed(), makeCandidate({ regions: ['CN-GD'] })],
    ['region', 'REGION', 'a remote offering when the SME wants on-site', makeNeed({ remoteOk: false }), makeCandidate({ regions: ['CN-GD'], remote: true })],
    ['region', 'REGION', 'an SME open to remote but an offering that is not', makeNeed({ remoteOk: true }), makeCandidate({ regions: ['CN-GD'], remote: false })],
    ['language', 'LANGUAGE', 'no shared language', makeNeed({ languages: ['en'] }), makeCandidate({ languages: ['zh-CN'] })],
    ['language', 'LANGUAGE', 'sibling regional variants', makeNeed({ languages: ['zh-TW'] }), makeCandidate({ languages: ['zh-CN'] })],
    ['market', 'MARKETS', 'a market the offering does not cover', makeNeed({ markets: ['DE'] }), makeCandidate({ markets: [] })],
    ['market', 'MARKETS', 'only some of the markets covered', makeNeed({ markets: ['DE', 'US'] }), makeCandidate({ markets: ['DE', 'JP'] })],
    ['sizeClass', 'ELIGIBILITY', 'a size class the offering excludes', makeNeed(), makeCandidate({ eligibility: { sizeClasses: ['MICRO'] } })],
    ['tier', 'ELIGIBILITY', 'a tier the offering excludes', makeNeed(), makeCandidate({ eligibility: { tiers: ['SPECIALIZED', 'LITTLE_GIANT'] } })],
    ['budget', 'BUDGET', 'a minimum price above the budget', makeNeed({ budgetMax: 4_999 }), makeCandidate({ priceMin: 5_000 })],
    ['voucher', 'VOUCHER', 'a minimum price above the voucher balance', makeNeed(), makeCandidate({ priceMin: 5_000 }), { voucherBalance: 4_999 }],
    ['leadTime', 'LEAD_TIME', 'a lead time ending after the deadline day', makeNeed({ deadline: '2026-12-31' }), makeCandidate({ leadTimeDays: 61 })],
    ['leadTime', 'LEAD_TIME', 'a deadline already passed', makeNeed({ deadline: '2026-10-31' }), makeCandidate({ leadTimeDays: 0 })],
    ['leadTime', 'LEAD_TIME', 'a malformed deadline', makeNeed({ deadline: '31/12/2026' }), makeCandidate()],
    ['noCapacity', 'CAPACITY_FULL', 'capacity used up', makeNeed(), makeCandidate({}, { limit: 10, used: 10 })],
    ['noCapacity', 'CAPACITY_FULL', 'zero capacity this month', makeNeed(), makeCandidate({}, { limit: 0, used: 0 })],
  ];
  it.each(refusals)('refuses for %s alone, code %s: %s', (reason, code, _label, need, c, facts = {}, now = NOW) => {
    expect(checkEligibility(need, c, now, facts)).toEqual({ eligible: false, reasons: [reason], codes: [code] });
  });

  it('maps every rule to a code of the contract, and reports rules and codes from that one table', () => {
    for (const rule of ELIGIBILITY_RULES) expect(WAITING_REASON_CODES, rule).toContain(ELIGIBILITY_CODE[rule]);
    expect(new Set(refusals.map(([rule]) => rule))).toEqual(new Set(ELIGIBILITY_RULES));
  });

  const acceptances: [string, Need, EligibilityCandidate, Date?][] = [
    ['a remote offering from another province when the SME accepts remote', makeNeed({ remoteOk: true }), makeCandidate({ regions: [], remote: true })],
    ['an SME with no language preference', makeNeed({ languages: [] }), makeCandidate({ languages: ['en'] })],
    ['a language shared among several', makeNeed({ languages: ['en', 'zh-CN'] }), makeCandidate({ languages: ['zh-CN', 'ja'] })],
    ['a bare language served by a regional variant', makeNeed({ languages: ['zh'] }), makeCandidate({ languages: ['zh-CN'] })],
    ['a regional variant served by the bare language', makeNeed({ languages: ['en-GB'] }), makeCandidate({ languages: ['en'] })],
    ['every market covered', makeNeed({ markets: ['DE', 'US'] }), makeCandidate({ markets: ['US', 'JP', 'DE'] })],
    ['a size class and tier the offering admits', makeNeed({}, { sizeClass: 'MICRO', tier: 'INNOVATIVE' }), makeCandidate({ eligibility: { sizeClasses: ['MICRO', 'SMALL'], tiers: ['INNOVATIVE'] } })],
    ['a minimum price equal to the budget', makeNeed({ budgetMax: 5_000 }), makeCandidate({ priceMin: 5_000 })],
    ['a public-welfare offering whatever its price', makeNeed({ budgetMax: 0 }), makeCandidate({ priceMin: 5_000, publicWelfare: true })],
    ['no budget', makeNeed({ budgetMax: undefined }), makeCandidate({ priceMin: 1_000_000 })],
    ['no price', makeNeed({ budgetMax: 0 }), makeCandidate({ priceMin: undefined, priceMax: undefined })],
    ['a lead time ending exactly at the start of the deadline day', makeNeed({ deadline: '2026-12-31' }), makeCandidate({ leadTimeDays: 60 })],
    ['a same-day service in the last millisecond of the deadline day', makeNeed({ deadline: '2026-11-01' }), makeCandidate({ leadTimeDays: 0 }), new Date('2026-11-01T23:59:59.999Z')],
    ['the last unit of capacity', makeNeed(), makeCandidate({}, { limit: 10, used: 9 })],
    ['an approved, unsuspended provider', makeNeed(), { ...makeCandidate(), providerApproved: true, providerSuspended: false }],
  ];
  it.each(acceptances)('accepts %s', (_label, need, c, now = NOW) => {
    expect(checkEligibility(need, c, now)).toEqual({ eligible: true });
  });

  it('refuses a same-day service one millisecond after the deadline day ends', () => {
    const r = checkEligibility(makeNeed({ deadline: '2026-11-01' }), makeCandidate({ leadTimeDays: 0 }), new Date('2026-11-02T00:00:00.000Z'));
    expect(r).toEqual({ eligible: false, reasons: ['leadTime'], codes: ['LEAD_TIME'] });
  });

  it('accepts a voucher need on an offering priced within the balance, or free whatever its price', () => {
    expect(checkEligibility(makeNeed(), makeCandidate({ priceMin: 5_000 }), NOW, { voucherBalance: 5_000 })).toEqual({ eligible: true });
    expect(checkEligibility(makeNeed(), makeCandidate({ priceMin: 9_000, publicWelfare: true }), NOW, { voucherBalance: 0 })).toEqual({ eligible: true });
  });

  it('lists every failed rule at once, in a fixed order, and each code once', () => {
    const need = makeNeed(
      { excludedOfferingIds: ['o-1'], languages: ['en'], markets: ['DE'], budgetMax: 1, deadline: '2026-11-02' },
      { sizeClass: 'MEDIUM', tier: 'NONE' },
    );
    const c = {
      ...makeCandidate(
        { serviceType: 'energy-monitoring', status: 'PAUSED', regions: ['CN-GD'], eligibility: { sizeClasses: ['MICRO'], tiers: ['LITTLE_GIANT'] }, leadTimeDays: 5 },
        { limit: 1, used: 1 },
      ),
      providerSuspended: true,
      providerApproved: false,
    };
    expect(checkEligibility(need, c, NOW, { voucherBalance: 0 })).toEqual({
      eligible: false,
      reasons: [...ELIGIBILITY_RULES],
      codes: ['NO_OFFERING', 'SUSPENDED', 'PROVIDER_NOT_APPROVED', 'EXCLUDED', 'REGION', 'LANGUAGE', 'MARKETS', 'ELIGIBILITY', 'BUDGET', 'VOUCHER', 'LEAD_TIME', 'CAPACITY_FULL'],
    });
  });
});

// ---------------------------------------------------------------- components
describe('scorePair components', () => {
  const base = () => scorePair(makeNeed(), makeCandidate());
  const project = POLICY.projects[projectOf('energy-audit')];

  it('rates in-province service 1 and remote-only service lower', () => {
    expect(base().proximity).toBe(1);
    const remote = scorePair(makeNeed({ remoteOk: true }), makeCandidate({ regions: ['CN-GD'], remote: true }));
    expect(remote.proximity).toBe(project.remoteProximity);
    expect(remote.proximity).toBeLessThan(1);
  });

  it('rates a provider kind the catalog lists for the service 1 and another kind lower', () => {
    expect(base().specialisation).toBe(1);
    const off = scorePair(makeNeed(), makeCandidate({}, { provider: { kind: 'BRAND_SERVICE_AGENCY' } }));
    expect(off.specialisation).toBeLessThan(1);
  });

  it('gives an unrated provider the prior, and shrinks a single rating toward it', () => {
    const unrated = scorePair(makeNeed(), makeCandidate({}, { provider: { rating: null, ratingCount: 0, certifications: [] } })).reputation;
    expect(unrated).toBe(round4((POLICY.reputation.priorRating - 1) / 4));
    const oneFive = scorePair(makeNeed(), makeCandidate({}, { provider: { rating: 5, ratingCount: 1, certifications: [] } })).reputation;
    const manyHigh = scorePair(makeNeed(), makeCandidate({}, { provider: { rating: 4.8, ratingCount: 50, certifications: [] } })).reputation;
    expect(oneFive).toBeGreaterThan(unrated);
    expect(manyHigh).toBeGreaterThan(oneFive);
  });

  it('rewards certifications up to a cap, never above 1', () => {
    const rep = (certifications: string[], rating = 4) =>
      scorePair(makeNeed(), makeCandidate({}, { provider: { rating, ratingCount: 10, certifications } })).reputation;
    expect(rep(['A'])).toBeGreaterThan(rep([]));
    const max = POLICY.reputation.maxCertifications;
    const certs = (n: number) => Array.from({ length: n }, (_, i) => `C${i}`);
    expect(rep(certs(max + 3))).toBe(rep(certs(max)));
    expect(rep(certs(10), 5)).toBeLessThanOrEqual(1);
  });

  it('scores public-welfare offerings 1 on price, cheaper offerings higher, unknown prices neutral', () => {
    expect(scorePair(makeNeed(), makeCandidate({ publicWelfare: true })).price).toBe(1);
    const cheap = scorePair(makeNeed(), makeCandidate({ priceMin: 2_000 })).price;
    const dear = scorePair(makeNeed(), makeCandidate({ priceMin: 9_000 })).price;
    expect(cheap).toBeGreaterThan(dear);
    expect(scorePair(makeNeed({ budgetMax: undefined }), makeCandidate()).price).toBe(POLICY.neutralPrice);
    expect(scorePair(makeNeed(), makeCandidate({ priceMin: undefined })).price).toBe(POLICY.neutralPrice);
  });

  it('scores more remaining capacity higher on load', () => {
    const idle = scorePair(makeNeed(), makeCandidate({}, { limit: 10, used: 0 })).load;
    const busy = scorePair(makeNeed(), makeCandidate({}, { limit: 10, used: 9 })).load;
    expect(idle).toBe(1);
    expect(busy).toBeGreaterThan(0);
    expect(idle).toBeGreaterThan(busy);
  });

  it('takes its priority and reasons from priorityFor', () => {
    const need = makeNeed({ serviceType: 'energy-saving-diagnosis' }, { tier: 'SPECIALIZED', sizeClass: 'MICRO', weakFoundation: true });
    const c = makeCandidate({ serviceType: 'energy-saving-diagnosis', publicWelfare: true });
    const b = scorePair(need, c);
    const expected = priorityFor(need.sme, need.serviceType, c.offering);
    expect(b.priority).toBe(expected.priority);
    expect(b.priorityReasons).toEqual(expected.reasons);
    expect(b.priorityReasons).toEqual(['tier:SPECIALIZED', 'size:MICRO+publicWelfare', 'region:WESTERN', 'weakFoundation:energy-saving-diagnosis']);
    expect(b.priority).toBe(round4(1.2 * 64 * 1.3 * 8));
  });
});

// ---------------------------------------------------------------- properties
const arbServiceType = fc.constantFrom(...SERVICE_TYPE_IDS);
const arbProvince = fc.constantFrom(...PROVINCE_CODES);
const arbSmeRest = fc.record({
  sizeClass: fc.constantFrom(...SIZE_CLASSES),
  // Plain prototypes, so structuredClone copies compare strictly equal.
  region: fc.record({ province: arbProvince }, { noNullPrototype: true }),
  weakFoundation: fc.boolean(),
});
const arbMoney = fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: undefined });

/** Everything about a need and a candidate except the SME's profile and publicWelfare. */
const arbPairRest = fc
  .record({
    remoteOk: fc.boolean(),
    budgetMax: arbMoney,
    regions: fc.uniqueArray(arbProvince, { maxLength: 5 }),
    remote: fc.boolean(),
    priceMin: arbMoney,
    kind: fc.constantFrom(...PROVIDER_KINDS),
    rating: fc.option(fc.double({ min: 1, max: 5, noNaN: true }), { nil: null }),
    ratingCount: fc.integer({ min: 0, max: 10_000 }),
    certifications: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 8 }),
    limit: fc.integer({ min: 1, max: 500 }),
    usedFraction: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  })
  .map((r) => ({ ...r, used: Math.min(r.limit - 1, Math.floor(r.usedFraction * r.limit)) }));

type PairRest = typeof arbPairRest extends fc.Arbitrary<infer T> ? T : never;

/** The lowest fit scoring can produce: not served, off-kind, worst record, at budget, nearly full. */
const WORST: PairRest = {
  remoteOk: false,
  budgetMax: 1,
  regions: [],
  remote: false,
  priceMin: 1,
  kind: 'BRAND_SERVICE_AGENCY',
  rating: 1,
  ratingCount: 10_000,
  certifications: [],
  limit: 500,
  usedFraction: 0.998,
  used: 499,
};
/** The highest: served in province, best record, free, idle. Specialisation depends on the service type. */
const BEST: PairRest = {
  remoteOk: false,
  budgetMax: 10_000,
  regions: [...PROVINCE_CODES],
  remote: true,
  priceMin: 0,
  kind: 'GREEN_AUDIT_FIRM',
  rating: 5,
  ratingCount: 10_000,
  certifications: ['A', 'B', 'C'],
  limit: 500,
  usedFraction: 0,
  used: 0,
};
/** Random pairs rarely reach the extremes together, where dominance is tightest: mix them in. */
const arbLowFitRest = fc.oneof({ weight: 1, arbitrary: fc.constant(WORST) }, { weight: 2, arbitrary: arbPairRest });
const arbHighFitRest = fc.oneof({ weight: 1, arbitrary: fc.constant(BEST) }, { weight: 2, arbitrary: arbPairRest });

function buildPair(
  serviceType: ServiceTypeId,
  sme: SmeProfile,
  publicWelfare: boolean,
  r: PairRest,
): { need: Need; c: OfferingCandidate } {
  const need = makeNeed({ serviceType, remoteOk: r.remoteOk, budgetMax: r.budgetMax }, sme);
  const c = makeCandidate(
    { serviceType, regions: r.regions, remote: r.remote, priceMin: r.priceMin, priceMax: undefined, publicWelfare },
    { provider: { kind: r.kind, rating: r.ratingCount === 0 ? null : r.rating, ratingCount: r.ratingCount, certifications: r.certifications }, limit: r.limit, used: r.used },
  );
  return { need, c };
}

const arbPair = fc
  .tuple(arbServiceType, arbSmeRest, fc.constantFrom(...TIERS), fc.boolean(), arbPairRest)
  .map(([st, rest, tier, pw, r]) => buildPair(st, { ...rest, tier }, pw, r));

const hasAtMost4Decimals = (x: number) => round4(x) === x;

describe('scorePair properties', () => {
  it('keeps every component in [0, 1], fit in [FIT_FLOOR, 1], priority >= 1, all to 4 decimals', () => {
    fc.assert(
      fc.property(arbPair, ({ need, c }) => {
        const b = scorePair(need, c);
        for (const k of FIT_COMPONENTS) {
          expect(b[k]).toBeGreaterThanOrEqual(0);
          expect(b[k]).toBeLessThanOrEqual(1);
          expect(hasAtMost4Decimals(b[k])).toBe(true);
        }
        expect(b.fit).toBeGreaterThanOrEqual(FIT_FLOOR);
        expect(b.fit).toBeLessThanOrEqual(1);
        expect(b.priority).toBeGreaterThanOrEqual(1);
        for (const x of [b.fit, b.priority, b.weight]) expect(hasAtMost4Decimals(x)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('computes fit from the stored components and weight from the stored fit and priority', () => {
    fc.assert(
      fc.property(arbPair, ({ need, c }) => {
        const b = scorePair(need, c);
        const w = POLICY.projects[projectOf(need.serviceType)].fitWeights;
        const sum = FIT_COMPONENTS.reduce((s, k) => s + w[k] * b[k], 0);
        expect(b.fit).toBe(round4(FIT_FLOOR + (1 - FIT_FLOOR) * sum));
        expect(b.weight).toBe(round4(b.fit * b.priority));
      }),
      { numRuns: 500 },
    );
  });

  it('reaches fit 1 exactly when every component is 1', () => {
    const b = scorePair(makeNeed(), makeCandidate({ publicWelfare: true }, { provider: { rating: 5, ratingCount: 10_000, certifications: ['A', 'B', 'C'] }, used: 0 }));
    expect(FIT_COMPONENTS.map((k) => b[k])).toEqual([1, 1, 1, 1, 1]);
    expect(b.fit).toBe(1);
  });

  it('is deterministic: equal inputs give identical breakdowns, and inputs are not mutated', () => {
    fc.assert(
      fc.property(arbPair, ({ need, c }) => {
        const before = structuredClone({ need, c });
        const a = scorePair(need, c);
        const b = scorePair(structuredClone(need), structuredClone(c));
        expect(b).toStrictEqual(a);
        expect({ need, c }).toStrictEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('priced offerings: ranks a higher tier above a lower one whatever the two pairs fit, all other policy factors equal', () => {
    const arbTiers = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]): [Tier, Tier] => [TIERS_ORDERED[Math.max(a, b)]!, TIERS_ORDERED[Math.min(a, b)]!]);
    fc.assert(
      fc.property(arbServiceType, arbSmeRest, arbTiers, arbLowFitRest, arbHighFitRest, (st, rest, [hi, lo], rHi, rLo) => {
        const high = buildPair(st, { ...rest, tier: hi }, false, rHi);
        const low = buildPair(st, { ...rest, tier: lo }, false, rLo);
        expect(scorePair(high.need, high.c).weight).toBeGreaterThan(scorePair(low.need, low.c).weight);
      }),
      { numRuns: 2000 },
    );
  });

  it('public-welfare offerings: ranks a MICRO or SMALL firm above a MEDIUM one whatever the tiers, regions and the two pairs fit', () => {
    const arbTier = fc.constantFrom(...TIERS);
    fc.assert(
      fc.property(
        arbServiceType,
        arbSmeRest,
        arbSmeRest,
        fc.constantFrom('MICRO' as const, 'SMALL' as const),
        arbTier,
        arbTier,
        arbLowFitRest,
        arbHighFitRest,
        (st, a, b, size, tierA, tierB, rSmall, rMedium) => {
          const small = buildPair(st, { ...a, sizeClass: size, tier: tierA }, true, rSmall);
          const medium = buildPair(st, { ...b, sizeClass: 'MEDIUM', tier: tierB }, true, rMedium);
          expect(scorePair(small.need, small.c).weight).toBeGreaterThan(scorePair(medium.need, medium.c).weight);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('public-welfare energy-saving diagnosis: ranks a weak-foundation firm above a sound one of the same size class whatever the tiers and fits', () => {
    const arbTier = fc.constantFrom(...TIERS);
    fc.assert(
      fc.property(arbSmeRest, arbSmeRest, arbTier, arbTier, arbLowFitRest, arbHighFitRest, (a, b, tierA, tierB, rWeak, rSound) => {
        const st = 'energy-saving-diagnosis';
        const weak = buildPair(st, { ...a, tier: tierA, weakFoundation: true }, true, rWeak);
        const sound = buildPair(st, { ...b, sizeClass: a.sizeClass, tier: tierB, weakFoundation: false }, true, rSound);
        expect(scorePair(weak.need, weak.c).weight).toBeGreaterThan(scorePair(sound.need, sound.c).weight);
      }),
      { numRuns: 2000 },
    );
  });
});

const TIERS_ORDERED: readonly Tier[] = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];

describe('round4', () => {
  it.each([
    [0.12345, 0.1235],
    [0.12344, 0.1234],
    [1, 1],
    [211.25000000000003, 211.25],
    [-0.00001, 0],
  ])('rounds %d to %d', (x, expected) => {
    expect(round4(x)).toBe(expected);
  });

  it('never returns negative zero', () => {
    expect(Object.is(round4(-0.00001), 0)).toBe(true);
    expect(Object.is(round4(-0), 0)).toBe(true);
  });
});

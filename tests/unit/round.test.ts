import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVIDER_KINDS } from '#domain/catalog.ts';
import type { Need, Offering } from '#domain/model.ts';
import { FIT_COMPONENTS, FIT_FLOOR, POLICY, projectPolicy, round4 } from '#domain/policy.ts';
import { CandidatesByRegion, eligiblePairs, planRound } from '#domain/round.ts';
import { checkEligibility, scorePair, scorerFor, type OfferingCandidate } from '#domain/scoring.ts';
import { solveAssignment } from '#domain/solver.ts';
import { assignedPerOffering, waitingReasons } from '#domain/waiting.ts';
import { makeNeed, NOW } from '#tests/support/pair.ts';

// A few provinces, so that random needs and offerings meet often.
const PROVINCES = ['CN-SC', 'CN-GD', 'CN-GS', 'CN-ZJ'] as const;
const arbProvince = fc.constantFrom(...PROVINCES);

const arbOffering = fc.record({
  regions: fc.array(arbProvince, { maxLength: 3 }), // repeats allowed: the index must not list an offering twice
  remote: fc.boolean(),
  publicWelfare: fc.boolean(),
  priceMin: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
  leadTimeDays: fc.integer({ min: 0, max: 90 }),
  paused: fc.boolean(),
  kind: fc.constantFrom(...PROVIDER_KINDS),
  rating: fc.option(fc.double({ min: 1, max: 5, noNaN: true }), { nil: null }),
  ratingCount: fc.integer({ min: 0, max: 50 }),
  certifications: fc.array(fc.constantFrom('CMA', 'CNAS', 'ISO 50001'), { maxLength: 3 }),
  limit: fc.integer({ min: 0, max: 4 }),
  used: fc.integer({ min: 0, max: 4 }),
});
const arbNeed = fc.record({
  province: arbProvince,
  remoteOk: fc.boolean(),
  budgetMax: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
  sizeClass: fc.constantFrom('MICRO' as const, 'SMALL' as const, 'MEDIUM' as const),
  tier: fc.constantFrom('NONE' as const, 'INNOVATIVE' as const, 'SPECIALIZED' as const, 'LITTLE_GIANT' as const),
  weakFoundation: fc.boolean(),
});

type ArbOffering = typeof arbOffering extends fc.Arbitrary<infer T> ? T : never;
type ArbNeed = typeof arbNeed extends fc.Arbitrary<infer T> ? T : never;

/** An active, priced, in-province offering with room, for the examples. */
const BASE: ArbOffering = {
  regions: ['CN-SC'],
  remote: false,
  publicWelfare: false,
  priceMin: 5_000,
  leadTimeDays: 5,
  paused: false,
  kind: 'GREEN_AUDIT_FIRM',
  rating: 4.5,
  ratingCount: 10,
  certifications: [],
  limit: 3,
  used: 0,
};

function candidate(r: ArbOffering, j: number): OfferingCandidate {
  const offering: Offering = {
    id: `of-${j}`,
    providerId: `pr-${j >> 1}`,
    ownerSub: `provider-${j >> 1}`,
    serviceType: 'energy-audit',
    title: 'Energy audit',
    regions: r.regions,
    remote: r.remote,
    markets: [],
    languages: ['zh-CN'],
    capacityPerMonth: r.limit,
    ...(r.priceMin === undefined ? {} : { priceMin: r.priceMin }),
    publicWelfare: r.publicWelfare,
    eligibility: {},
    leadTimeDays: r.leadTimeDays,
    status: r.paused ? 'PAUSED' : 'ACTIVE',
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    version: 1,
  };
  return {
    offering,
    provider: { id: offering.providerId, kind: r.kind, rating: r.rating, ratingCount: r.ratingCount, certifications: r.certifications },
    limit: r.limit,
    used: Math.min(r.used, r.limit),
  };
}

function need(r: ArbNeed, i: number): Need {
  return makeNeed(
    {
      id: `nd-${i}`,
      remoteOk: r.remoteOk,
      budgetMax: r.budgetMax,
      postedAt: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
    },
    { sizeClass: r.sizeClass, tier: r.tier, region: { province: r.province }, weakFoundation: r.weakFoundation },
  );
}

const arbMarket = fc
  .record({ needs: fc.array(arbNeed, { minLength: 1, maxLength: 12 }), offerings: fc.array(arbOffering, { maxLength: 12 }) })
  .map(({ needs, offerings }) => ({ needs: needs.map(need), all: offerings.map(candidate) }));

/** The plain way: every need against every offering. */
function everyPair(needs: readonly Need[], candidates: readonly OfferingCandidate[]) {
  const out: { need: string; offering: string; weight: number }[] = [];
  for (const n of needs) {
    for (const c of candidates) {
      if (!checkEligibility(n, c, NOW).eligible) continue;
      const { weight } = scorePair(n, c);
      if (weight > 0) out.push({ need: n.id, offering: c.offering.id, weight });
    }
  }
  return out;
}
const byKey = (e: { need: string; offering: string }) => `${e.need}|${e.offering}`;
const sorted = <T extends { need: string; offering: string }>(xs: T[]) => [...xs].sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));

describe('CandidatesByRegion', () => {
  it('gives each need exactly the offerings that pass the region rule, each once', () => {
    fc.assert(
      fc.property(arbMarket, ({ needs, all }) => {
        const index = new CandidatesByRegion(all);
        for (const n of needs) {
          const got = index.for(n).map((c) => c.offering.id);
          expect(new Set(got).size).toBe(got.length);
          const regionFails = (c: OfferingCandidate) => {
            const e = checkEligibility(n, c, NOW);
            return !e.eligible && e.reasons.includes('region');
          };
          const want = all.filter((c) => !regionFails(c)).map((c) => c.offering.id);
          expect([...got].sort()).toEqual([...want].sort());
        }
      }),
    );
  });

  it('lists a remote offering once for a need in a province it also serves in person', () => {
    const both = candidate({ ...BASE, regions: ['CN-SC', 'CN-SC'], remote: true, paused: false }, 0);
    const n = need({ province: 'CN-SC', remoteOk: true, budgetMax: undefined, sizeClass: 'SMALL', tier: 'NONE', weakFoundation: false }, 0);
    expect(new CandidatesByRegion([both]).for(n)).toEqual([both]);
  });
});

describe('eligiblePairs', () => {
  it('finds the same pairs, with the same weights, as checking every need against every offering', () => {
    fc.assert(
      fc.property(arbMarket, ({ needs, all }) => {
        const active = all.filter((c) => c.offering.status === 'ACTIVE');
        expect(sorted(eligiblePairs(needs, active, NOW))).toEqual(sorted(everyPair(needs, active)));
      }),
    );
  });

  it('applies each need its own facts (a voucher balance refuses pairs priced above it)', () => {
    const n = need({ province: 'CN-SC', remoteOk: false, budgetMax: undefined, sizeClass: 'SMALL', tier: 'NONE', weakFoundation: false }, 0);
    const priced = candidate({ ...BASE, regions: ['CN-SC'], publicWelfare: false, priceMin: 8_000, leadTimeDays: 1, paused: false, limit: 2, used: 0 }, 0);
    expect(eligiblePairs([n], [priced], NOW)).toHaveLength(1);
    expect(eligiblePairs([n], [priced], NOW, () => ({ voucherBalance: 5_000 }))).toEqual([]);
  });
});

describe('scorerFor', () => {
  it("gives scorePair's breakdown and weight, whichever offerings it scored before", () => {
    fc.assert(
      fc.property(arbNeed, fc.array(arbOffering, { minLength: 1, maxLength: 6 }), (rn, ro) => {
        const n = need(rn, 0);
        const cs = ro.map(candidate);
        const scorer = scorerFor(n);
        // Interleaved: the scorer reuses its scratch between calls.
        for (const c of cs) expect(scorer.weight(c)).toBe(scorePair(n, c).weight);
        for (const c of [...cs].reverse()) expect(scorer.breakdown(c)).toEqual(scorePair(n, c));
      }),
    );
  });

  it('sums the rounded components in FIT_COMPONENTS order, so a stored breakdown recomputes its fit exactly', () => {
    fc.assert(
      fc.property(arbNeed, arbOffering, (rn, ro) => {
        const n = need(rn, 0);
        const b = scorerFor(n).breakdown(candidate(ro, 0));
        const weights = projectPolicy(n.serviceType).fitWeights;
        const sum = FIT_COMPONENTS.reduce((s, k) => s + weights[k] * b[k], 0);
        expect(b.fit).toBe(round4(Math.min(1, Math.max(0, FIT_FLOOR + (1 - FIT_FLOOR) * sum))));
        expect(b.weight).toBe(round4(b.fit * b.priority));
      }),
    );
  });

  it('gives each breakdown its own list of priority reasons', () => {
    const n = need({ province: 'CN-GS', remoteOk: false, budgetMax: undefined, sizeClass: 'MICRO', tier: 'NONE', weakFoundation: true }, 0);
    const c = candidate({ ...BASE, regions: ['CN-GS'], publicWelfare: true, paused: false }, 0);
    const scorer = scorerFor(n);
    const first = scorer.breakdown(c);
    first.priorityReasons.push('changed by a caller');
    expect(scorer.breakdown(c).priorityReasons).not.toContain('changed by a caller');
  });
});

describe('checkEligibility answers', () => {
  it('are shared per set of failed rules and frozen, so no caller can change another one', () => {
    const n = makeNeed();
    const far = candidate({ ...BASE, regions: ['CN-GD'], remote: false, paused: false, limit: 3, used: 0, leadTimeDays: 1 }, 0);
    const farToo = candidate({ ...BASE, regions: ['CN-ZJ'], remote: false, paused: false, limit: 3, used: 0, leadTimeDays: 1, priceMin: undefined }, 1);
    const a = checkEligibility(n, far, NOW);
    const b = checkEligibility(n, farToo, NOW);
    expect(a).toEqual({ eligible: false, reasons: ['region'], codes: ['REGION'] });
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    if (!a.eligible) {
      expect(Object.isFrozen(a.reasons)).toBe(true);
      expect(() => (a.reasons as string[]).push('budget')).toThrow(TypeError);
    }
  });
});

describe('planRound', () => {
  it('solves the pairs it finds, stores scorePair breakdowns, and explains waiting needs with the outcome it used', () => {
    fc.assert(
      fc.property(arbMarket, ({ needs, all }) => {
        const plan = planRound(needs, all, NOW);
        const active = all.filter((c) => c.offering.status === 'ACTIVE');
        const edges = everyPair(needs, active);
        expect(plan.edges).toBe(edges.length);
        if (edges.length > 0) {
          // The same problem the solver is given (its soft caps from planRound's own rule, POLICY's penalty).
          const solved = solveAssignment({
            needs: needs.map((n) => ({ id: n.id, postedAt: n.postedAt })),
            offerings: active.map((c) => ({ id: c.offering.id, capacity: Math.max(0, c.limit - c.used), provider: c.offering.providerId })),
            edges,
            providers: [...new Set(all.map((c) => c.offering.providerId))].map((id) => ({ id, softCap: 1_000, penalty: POLICY.providerSharePenalty })),
            servedFirst: true,
          });
          expect(plan.assignments.length).toBe(solved.served);
        } else {
          expect(plan.assignments).toEqual([]);
        }
        const byId = new Map(all.map((c) => [c.offering.id, c]));
        const needOf = new Map(needs.map((n) => [n.id, n]));
        for (const a of plan.assignments) expect(plan.breakdownOf(needOf.get(a.need)!, a.offering)).toEqual(scorePair(needOf.get(a.need)!, byId.get(a.offering)!));
        const assigned = assignedPerOffering(plan.assignments);
        for (const n of needs) {
          expect(plan.waitingReasonsOf(n)).toEqual(waitingReasons({ need: n, offerings: all, now: NOW, outcome: { assigned } }));
        }
      }),
    );
  });
});

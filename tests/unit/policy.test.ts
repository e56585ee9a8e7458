import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROJECT_IDS, SERVICE_TYPES, SERVICE_TYPE_IDS, projectOf, type ProjectId, type ServiceTypeId } from '#domain/catalog.ts';
import { SIZE_CLASSES, TIERS, type SizeClass, type SmeProfile, type Tier } from '#domain/model.ts';
import {
  FIT_FLOOR,
  MAX_PRIORITY,
  MODEST_FACTOR_MAX,
  POLICY,
  POLICY_VERSION,
  policyViolations,
  priorityFor,
  providerSoftCap,
  round4,
  type Policy,
  type ProjectPolicy,
} from '#domain/policy.ts';
import { PROVINCE_CODES, type ProvinceCode } from '#domain/regions.ts';

/** An SME no rule favours: no tier, medium-sized, eastern, sound foundation. */
const plain: SmeProfile = { sizeClass: 'MEDIUM', tier: 'NONE', region: { province: 'CN-GD' }, weakFoundation: false };
const paid = { publicWelfare: false };
const free = { publicWelfare: true };
/** One service type per project, so every project's data is exercised. */
const ONE_PER_PROJECT = PROJECT_IDS.map((p) => SERVICE_TYPES.find((s) => s.project === p)!.id);
const TIER_ORDER: readonly Tier[] = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];
/** The plan: "为基础薄弱的中小企业开展节能诊断及改造提供服务". */
const WEAK_FOUNDATION_TYPES: readonly ServiceTypeId[] = ['energy-saving-diagnosis', 'energy-saving-retrofit'];

const CENTRAL: ProvinceCode[] = ['CN-SX', 'CN-AH', 'CN-JX', 'CN-HA', 'CN-HB', 'CN-HN'];
const WESTERN: ProvinceCode[] = ['CN-NM', 'CN-GX', 'CN-CQ', 'CN-SC', 'CN-GZ', 'CN-YN', 'CN-XZ', 'CN-SN', 'CN-GS', 'CN-QH', 'CN-NX', 'CN-XJ'];

const sme = (over: Partial<SmeProfile>): SmeProfile => ({ ...plain, ...over });
/** POLICY with one project's data edited, as a careless policy change would. */
const withProject = (id: ProjectId, patch: Partial<ProjectPolicy>): Policy => ({
  ...POLICY,
  projects: { ...POLICY.projects, [id]: { ...POLICY.projects[id], ...patch } },
});
/** The weight scoring gives a pair of this fit and priority. */
const weight = (fit: number, priority: number) => round4(round4(fit) * priority);

describe('policy data', () => {
  it('is versioned, and the version is the one exported', () => {
    expect(POLICY.version).toBe(POLICY_VERSION);
    expect(POLICY_VERSION).not.toBe('plan14-2026-11-01.1'); // the tier-everywhere policy's version
    expect(POLICY.fitFloor).toBe(FIT_FLOOR);
  });

  it('keeps every invariant and covers every project of the catalog', () => {
    expect(policyViolations(POLICY)).toEqual([]);
    for (const id of PROJECT_IDS) expect(POLICY.projects[id], id).toBeDefined();
  });

  it('caps a provider at half of a market by default, with a positive penalty beyond', () => {
    expect(POLICY.maxProviderShare).toBe(0.5);
    expect(POLICY.providerSharePenalty).toBeGreaterThan(0);
  });

  it('gives a provider a soft cap of half the month\'s matches of the market, less what it already holds', () => {
    // 50 needs, a fresh month: 25 each before the penalty.
    expect(providerSoftCap({ providerMatches: 0, marketMatches: 0, roundMax: 50 })).toBe(25);
    // 10 matched already (8 of them this provider's), 11 more possible: floor(0.5 × 21) − 8 = 2.
    expect(providerSoftCap({ providerMatches: 8, marketMatches: 10, roundMax: 11 })).toBe(2);
    // Over its share already: every further match pays the penalty, none is forbidden.
    expect(providerSoftCap({ providerMatches: 9, marketMatches: 10, roundMax: 2 })).toBe(0);
    expect(providerSoftCap({ providerMatches: 0, marketMatches: 0, roundMax: 50 }, { ...POLICY, maxProviderShare: 1 })).toBe(50);
  });

  it('flags a priced tier gap of exactly 1/FIT_FLOOR, which would let a perfect fit tie a floor fit', () => {
    const bad = withProject('GREEN', { tierMultiplier: { NONE: 1, INNOVATIVE: 4, SPECIALIZED: 20, LITTLE_GIANT: 100 } });
    expect(policyViolations(bad)).toContain('energy-audit: on priced offerings INNOVATIVE must outrank NONE whatever the fit, other facts equal');
  });

  it('flags a public-welfare size factor too small for MICRO/SMALL to outrank MEDIUM whatever the fit', () => {
    // 0.25 × 50 = 12.5 < 13.52, the most a medium weak-foundation giant in the west reaches on a free diagnosis.
    const bad = withProject('GREEN', { publicWelfareSizeMultiplier: { MEDIUM: 1, SMALL: 50, MICRO: 64 } });
    expect(policyViolations(bad).some((m) => m.startsWith('energy-saving-diagnosis: on public-welfare offerings MICRO/SMALL must outrank MEDIUM'))).toBe(true);
  });

  it('flags a public-welfare weak-foundation factor that a tier and a region could overturn', () => {
    const bad = withProject('GREEN', { weakFoundationPublicWelfareMultiplier: 6 });
    expect(policyViolations(bad)).toContain(
      'energy-saving-diagnosis: on public-welfare offerings a weak-foundation firm must outrank a sound one of its size group whatever the fit',
    );
  });

  it('flags public-welfare tiers that stop ordering firms within a size group', () => {
    const bad = withProject('RIGHTS', { publicWelfareTierMultiplier: { NONE: 1, INNOVATIVE: 1.2, SPECIALIZED: 1.2, LITTLE_GIANT: 1.3 } });
    expect(policyViolations(bad)).toContain('ip-fast-examination: on public-welfare offerings SPECIALIZED must outrank INNOVATIVE at equal fit');
  });

  it('flags a regional factor that is no longer modest', () => {
    const bad = withProject('DIGITAL', { westernMultiplier: 2 });
    expect(policyViolations(bad)).toContain(`DIGITAL: westernMultiplier must be modest (<= ${MODEST_FACTOR_MAX})`);
  });

  it('flags priorities beyond the range the solver compares exactly', () => {
    const bad = withProject('FINANCING', { tierMultiplier: { NONE: 1, INNOVATIVE: 50, SPECIALIZED: 2_500, LITTLE_GIANT: 125_000 } });
    expect(policyViolations(bad).some((m) => m.includes(`exceeds MAX_PRIORITY ${MAX_PRIORITY}`))).toBe(true);
  });

  it('flags fit weights that do not sum to 1 and factors below 1', () => {
    const bad = withProject('DIGITAL', { fitWeights: { ...POLICY.projects.DIGITAL.fitWeights, load: 0.5 }, centralMultiplier: 0.9 });
    const v = policyViolations(bad);
    expect(v.some((m) => m.startsWith('DIGITAL: fitWeights must sum to 1'))).toBe(true);
    expect(v).toContain('DIGITAL: centralMultiplier must be a finite number >= 1');
  });

  it('flags a weak-foundation service type filed under another project', () => {
    const bad = withProject('RIGHTS', { weakFoundationServiceTypes: ['energy-saving-diagnosis'] });
    expect(policyViolations(bad)).toContain('RIGHTS: weakFoundationServiceTypes has energy-saving-diagnosis of another project');
  });

  it('flags a project the policy forgot and a provider share outside (0, 1]', () => {
    const { FINANCING: _dropped, ...rest } = POLICY.projects;
    const bad = { ...POLICY, maxProviderShare: 0, projects: rest } as unknown as Policy;
    const v = policyViolations(bad);
    expect(v).toContain('FINANCING: the policy has no entry for this project');
    expect(v).toContain('maxProviderShare must be in (0, 1]');
  });
});

describe('priorityFor', () => {
  it.each(ONE_PER_PROJECT)('gives an SME no rule favours priority 1 and no reasons (%s)', (st) => {
    expect(priorityFor(plain, st, paid)).toEqual({ priority: 1, reasons: [] });
    expect(priorityFor(plain, st, free)).toEqual({ priority: 1, reasons: [] });
  });

  it.each(ONE_PER_PROJECT)('raises priority strictly with each tier on both kinds of offering, naming the tier (%s)', (st) => {
    for (const offering of [paid, free]) {
      let previous = 1;
      for (const tier of TIER_ORDER.slice(1)) {
        const r = priorityFor(sme({ tier }), st, offering);
        expect(r.reasons).toEqual([`tier:${tier}`]);
        expect(r.priority).toBeGreaterThan(previous);
        previous = r.priority;
      }
    }
  });

  it('weighs the tier by the offering: x5 per step on priced offerings, modest on free ones', () => {
    const st: ServiceTypeId = 'legal-aid';
    expect(TIER_ORDER.map((tier) => priorityFor(sme({ tier }), st, paid).priority)).toEqual([1, 5, 25, 125]);
    expect(TIER_ORDER.map((tier) => priorityFor(sme({ tier }), st, free).priority)).toEqual([1, 1.1, 1.2, 1.3]);
  });

  it.each(ONE_PER_PROJECT)('raises priority for micro and small firms on public-welfare offerings only (%s)', (st) => {
    for (const sizeClass of ['MICRO', 'SMALL'] as const) {
      const r = priorityFor(sme({ sizeClass }), st, free);
      expect(r.priority).toBe(64);
      expect(r.reasons).toEqual([`size:${sizeClass}+publicWelfare`]);
      expect(priorityFor(sme({ sizeClass }), st, paid)).toEqual({ priority: 1, reasons: [] });
    }
    expect(priorityFor(sme({ sizeClass: 'MEDIUM' }), st, free)).toEqual({ priority: 1, reasons: [] });
  });

  it('puts a micro firm in Guizhou far above a medium little giant in Shanghai on free legal aid (the issue\'s case)', () => {
    const giant = priorityFor({ sizeClass: 'MEDIUM', tier: 'LITTLE_GIANT', region: { province: 'CN-SH' }, weakFoundation: false }, 'legal-aid', free);
    const micro = priorityFor({ sizeClass: 'MICRO', tier: 'NONE', region: { province: 'CN-GZ' }, weakFoundation: false }, 'legal-aid', free);
    expect(giant).toEqual({ priority: 1.3, reasons: ['tier:LITTLE_GIANT'] });
    expect(micro).toEqual({ priority: 83.2, reasons: ['size:MICRO+publicWelfare', 'region:WESTERN'] });
    // Whatever the fits: the micro firm at the floor against the giant at a perfect fit.
    expect(weight(FIT_FLOOR, micro.priority)).toBeGreaterThan(weight(1, giant.priority));
  });

  it.each(CENTRAL)('raises priority modestly for an SME in the central province %s', (province) => {
    for (const st of ONE_PER_PROJECT) {
      const r = priorityFor(sme({ region: { province } }), st, paid);
      expect(r.priority).toBe(1.2);
      expect(r.reasons).toEqual(['region:CENTRAL']);
    }
  });

  it.each(WESTERN)('raises priority modestly for an SME in the western province %s', (province) => {
    for (const st of ONE_PER_PROJECT) {
      const r = priorityFor(sme({ region: { province } }), st, paid);
      expect(r.priority).toBe(1.3);
      expect(r.reasons).toEqual(['region:WESTERN']);
    }
  });

  it('gives no regional priority to eastern and northeastern provinces', () => {
    const others = PROVINCE_CODES.filter((p) => !CENTRAL.includes(p) && !WESTERN.includes(p));
    expect(others).toHaveLength(13);
    for (const province of others) {
      for (const st of ONE_PER_PROJECT) expect(priorityFor(sme({ region: { province } }), st, paid)).toEqual({ priority: 1, reasons: [] });
    }
  });

  it.each(WEAK_FOUNDATION_TYPES)('raises priority for a weak-foundation firm on %s: modestly when priced, decisively when free', (st) => {
    const priced = priorityFor(sme({ weakFoundation: true }), st, paid);
    const freeOne = priorityFor(sme({ weakFoundation: true }), st, free);
    expect(priced).toEqual({ priority: 1.4, reasons: [`weakFoundation:${st}`] });
    expect(freeOne).toEqual({ priority: 8, reasons: [`weakFoundation:${st}`] });
  });

  it('gives weak foundation no priority on any other service type, nor a sound firm on diagnosis', () => {
    for (const st of SERVICE_TYPE_IDS.filter((s) => !WEAK_FOUNDATION_TYPES.includes(s))) {
      expect(priorityFor(sme({ weakFoundation: true }), st, paid), st).toEqual({ priority: 1, reasons: [] });
      expect(priorityFor(sme({ weakFoundation: true }), st, free), st).toEqual({ priority: 1, reasons: [] });
    }
    expect(priorityFor(plain, 'energy-saving-diagnosis', free)).toEqual({ priority: 1, reasons: [] });
  });

  it('multiplies the factors of rules that apply together, listing every reason', () => {
    const st: ServiceTypeId = 'energy-saving-diagnosis';
    const all = priorityFor({ sizeClass: 'MICRO', tier: 'LITTLE_GIANT', region: { province: 'CN-XJ' }, weakFoundation: true }, st, free);
    const alone = [
      priorityFor(sme({ tier: 'LITTLE_GIANT' }), st, free),
      priorityFor(sme({ sizeClass: 'MICRO' }), st, free),
      priorityFor(sme({ region: { province: 'CN-XJ' } }), st, free),
      priorityFor(sme({ weakFoundation: true }), st, free),
    ];
    expect(all.priority).toBe(round4(alone.reduce((p, r) => p * r.priority, 1)));
    expect(all.priority).toBe(865.28);
    expect(all.reasons).toEqual(['tier:LITTLE_GIANT', 'size:MICRO+publicWelfare', 'region:WESTERN', 'weakFoundation:energy-saving-diagnosis']);
  });

  it('reads the factors of the project the service type belongs to', () => {
    for (const st of SERVICE_TYPE_IDS) {
      const p = POLICY.projects[projectOf(st)];
      expect(priorityFor(sme({ tier: 'INNOVATIVE' }), st, paid).priority).toBe(p.tierMultiplier.INNOVATIVE);
      expect(priorityFor(sme({ tier: 'INNOVATIVE' }), st, free).priority).toBe(p.publicWelfareTierMultiplier.INNOVATIVE);
      expect(priorityFor(sme({ region: { province: 'CN-HB' } }), st, paid).priority).toBe(p.centralMultiplier);
    }
  });

  it('reads the policy it is given, so a policy under review can be tried before it ships', () => {
    const trial = withProject('RIGHTS', { westernMultiplier: 1.5 });
    expect(priorityFor(sme({ region: { province: 'CN-GZ' } }), 'legal-aid', paid, trial).priority).toBe(1.5);
  });
});

// ---------------------------------------------------------------- properties
const arbProvince = fc.constantFrom(...PROVINCE_CODES);
const arbProfile = fc.record({
  sizeClass: fc.constantFrom(...SIZE_CLASSES),
  tier: fc.constantFrom(...TIERS),
  region: fc.record({ province: arbProvince }),
  weakFoundation: fc.boolean(),
});
const arbServiceType = fc.constantFrom(...SERVICE_TYPE_IDS);
const arbWeakType = fc.constantFrom(...WEAK_FOUNDATION_TYPES);
/** A fit as scoring produces it: in [FIT_FLOOR, 1], rounded to 4 decimals, the extremes drawn often. */
const arbFit = fc.oneof(fc.constantFrom(FIT_FLOOR, 1), fc.double({ min: FIT_FLOOR, max: 1, noNaN: true }).map(round4));
/** Two distinct tiers, higher first. */
const arbTierPair = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => [TIER_ORDER[Math.max(a, b)]!, TIER_ORDER[Math.min(a, b)]!] as const);
const arbTargetSize = fc.constantFrom<SizeClass>('MICRO', 'SMALL');

describe('priorityFor properties', () => {
  it('is always a multiplier in [1, MAX_PRIORITY] with at most 4 decimals', () => {
    fc.assert(
      fc.property(arbProfile, arbServiceType, fc.boolean(), (p, st, publicWelfare) => {
        const { priority } = priorityFor(p, st, { publicWelfare });
        expect(priority).toBeGreaterThanOrEqual(1);
        expect(priority).toBeLessThanOrEqual(MAX_PRIORITY);
        expect(round4(priority)).toBe(priority);
      }),
    );
  });

  it('public welfare: a MICRO or SMALL firm outranks a MEDIUM firm whatever the tiers, regions, foundations and fits', () => {
    fc.assert(
      fc.property(arbProfile, arbProfile, arbTargetSize, arbServiceType, arbFit, arbFit, (a, b, size, st, fitA, fitB) => {
        const small = priorityFor({ ...a, sizeClass: size }, st, free).priority;
        const medium = priorityFor({ ...b, sizeClass: 'MEDIUM' }, st, free).priority;
        expect(weight(fitA, small)).toBeGreaterThan(weight(fitB, medium));
      }),
      { numRuns: 3000 },
    );
  });

  it('public welfare, on the types named for weak firms: a weak-foundation firm outranks a sound one of its size group whatever the tiers, regions and fits', () => {
    const arbSameGroup = fc.oneof(
      fc.tuple(arbTargetSize, arbTargetSize),
      fc.constant<[SizeClass, SizeClass]>(['MEDIUM', 'MEDIUM']),
    );
    fc.assert(
      fc.property(arbProfile, arbProfile, arbSameGroup, arbWeakType, arbFit, arbFit, (a, b, [sizeA, sizeB], st, fitA, fitB) => {
        const weak = priorityFor({ ...a, sizeClass: sizeA, weakFoundation: true }, st, free).priority;
        const sound = priorityFor({ ...b, sizeClass: sizeB, weakFoundation: false }, st, free).priority;
        expect(weight(fitA, weak)).toBeGreaterThan(weight(fitB, sound));
      }),
      { numRuns: 3000 },
    );
  });

  it('public welfare: within a size class the higher tier wins at equal fit, and the tier never outweighs a much better fit', () => {
    fc.assert(
      fc.property(arbProfile, arbServiceType, arbTierPair, arbFit, (p, st, [hi, lo], fit) => {
        const pHi = priorityFor({ ...p, tier: hi }, st, free).priority;
        const pLo = priorityFor({ ...p, tier: lo }, st, free).priority;
        expect(weight(fit, pHi)).toBeGreaterThan(weight(fit, pLo));
        // Modest: a perfect fit of the lower tier beats the higher tier at the floor.
        expect(weight(1, pLo)).toBeGreaterThan(weight(FIT_FLOOR, pHi));
      }),
      { numRuns: 2000 },
    );
  });

  it('priced: a higher tier outweighs a lower tier whatever the two fits, all other facts equal', () => {
    fc.assert(
      fc.property(arbProfile, arbServiceType, arbTierPair, arbFit, arbFit, (p, st, [hi, lo], fitHi, fitLo) => {
        const pHi = priorityFor({ ...p, tier: hi }, st, paid).priority;
        const pLo = priorityFor({ ...p, tier: lo }, st, paid).priority;
        expect(weight(fitHi, pHi)).toBeGreaterThan(weight(fitLo, pLo));
      }),
      { numRuns: 2000 },
    );
  });

  it('priced: a tier two steps higher wins even when every other fact favours the lower-tier SME', () => {
    fc.assert(
      fc.property(arbProfile, arbProfile, arbServiceType, arbFit, arbFit, fc.integer({ min: 0, max: 1 }), (a, b, st, fitHi, fitLo, lo) => {
        const pHi = priorityFor({ ...a, tier: TIER_ORDER[lo + 2]! }, st, paid).priority;
        const pLo = priorityFor({ ...b, tier: TIER_ORDER[lo]! }, st, paid).priority;
        expect(weight(fitHi, pHi)).toBeGreaterThan(weight(fitLo, pLo));
      }),
      { numRuns: 2000 },
    );
  });

  it('throughout: region is a modest factor, and so is weak foundation on priced offerings', () => {
    fc.assert(
      fc.property(arbProfile, arbServiceType, fc.boolean(), (p, st, publicWelfare) => {
        const offering = { publicWelfare };
        const east = priorityFor({ ...p, region: { province: 'CN-GD' } }, st, offering).priority;
        const here = priorityFor(p, st, offering).priority;
        expect(here / east).toBeGreaterThanOrEqual(1);
        expect(here / east).toBeLessThanOrEqual(MODEST_FACTOR_MAX + 1e-9);
        const sound = priorityFor({ ...p, weakFoundation: false }, st, paid).priority;
        const weak = priorityFor({ ...p, weakFoundation: true }, st, paid).priority;
        expect(weak / sound).toBeLessThanOrEqual(MODEST_FACTOR_MAX + 1e-9);
      }),
      { numRuns: 1000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROJECT_IDS, SERVICE_TYPES, SERVICE_TYPE_IDS, projectOf, type ProjectId, type ServiceTypeId } from '#domain/catalog.ts';
import { SIZE_CLASSES, TIERS, type SmeProfile, type Tier } from '#domain/model.ts';
import { FIT_FLOOR, POLICY, POLICY_VERSION, policyViolations, priorityFor, type Policy, type ProjectPolicy } from '#domain/policy.ts';
import { PROVINCE_CODES, type ProvinceCode } from '#domain/regions.ts';
import { round4 } from '#domain/scoring.ts';

/** An SME no rule favours: no tier, medium-sized, eastern, sound foundation. */
const plain: SmeProfile = { sizeClass: 'MEDIUM', tier: 'NONE', region: { province: 'CN-GD' }, weakFoundation: false };
const paid = { publicWelfare: false };
const free = { publicWelfare: true };
/** One service type per project, so every project's data is exercised. */
const ONE_PER_PROJECT = PROJECT_IDS.map((p) => SERVICE_TYPES.find((s) => s.project === p)!.id);
const TIER_ORDER: readonly Tier[] = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];

const CENTRAL: ProvinceCode[] = ['CN-SX', 'CN-AH', 'CN-JX', 'CN-HA', 'CN-HB', 'CN-HN'];
const WESTERN: ProvinceCode[] = ['CN-NM', 'CN-GX', 'CN-CQ', 'CN-SC', 'CN-GZ', 'CN-YN', 'CN-XZ', 'CN-SN', 'CN-GS', 'CN-QH', 'CN-NX', 'CN-XJ'];

const sme = (over: Partial<SmeProfile>): SmeProfile => ({ ...plain, ...over });
/** POLICY with one project's data edited, as a careless policy change would. */
const withProject = (id: ProjectId, patch: Partial<ProjectPolicy>): Policy => ({
  ...POLICY,
  projects: { ...POLICY.projects, [id]: { ...POLICY.projects[id], ...patch } },
});

describe('policy data', () => {
  it('is versioned, and the version is the one exported', () => {
    expect(POLICY.version).toBe(POLICY_VERSION);
    expect(POLICY_VERSION).not.toBe('');
    expect(POLICY.fitFloor).toBe(FIT_FLOOR);
  });

  it('keeps every invariant: factors >= 1, tier gaps > 1/FIT_FLOOR, fit weights summing to 1', () => {
    expect(policyViolations(POLICY)).toEqual([]);
  });

  it('flags a tier gap of exactly 1/FIT_FLOOR, which would let a perfect fit tie a floor fit', () => {
    const bad = withProject('GREEN', { tierMultiplier: { NONE: 1, INNOVATIVE: 4, SPECIALIZED: 20, LITTLE_GIANT: 100 } });
    expect(policyViolations(bad)).toContain('GREEN: INNOVATIVE must exceed NONE by a factor > 1/fitFloor');
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
});

describe('priorityFor', () => {
  it.each(ONE_PER_PROJECT)('gives an SME no rule favours priority 1 and no reasons (%s)', (st) => {
    expect(priorityFor(plain, st, paid)).toEqual({ priority: 1, reasons: [] });
    expect(priorityFor(plain, st, free)).toEqual({ priority: 1, reasons: [] });
  });

  it.each(ONE_PER_PROJECT)('raises priority strictly with each tier, naming the tier (%s)', (st) => {
    let previous = 1;
    for (const tier of TIER_ORDER.slice(1)) {
      const r = priorityFor(sme({ tier }), st, paid);
      expect(r.reasons).toEqual([`tier:${tier}`]);
      expect(r.priority).toBeGreaterThan(previous);
      previous = r.priority;
    }
  });

  it.each(ONE_PER_PROJECT)('raises priority for micro and small firms on public-welfare offerings only (%s)', (st) => {
    for (const sizeClass of ['MICRO', 'SMALL'] as const) {
      const r = priorityFor(sme({ sizeClass }), st, free);
      expect(r.priority).toBeGreaterThan(1);
      expect(r.reasons).toEqual([`size:${sizeClass}+publicWelfare`]);
      expect(priorityFor(sme({ sizeClass }), st, paid)).toEqual({ priority: 1, reasons: [] });
    }
    expect(priorityFor(sme({ sizeClass: 'MEDIUM' }), st, free)).toEqual({ priority: 1, reasons: [] });
  });

  it.each(CENTRAL)('raises priority for an SME in the central province %s', (province) => {
    for (const st of ONE_PER_PROJECT) {
      const r = priorityFor(sme({ region: { province } }), st, paid);
      expect(r.priority).toBeGreaterThan(1);
      expect(r.reasons).toEqual(['region:CENTRAL']);
    }
  });

  it.each(WESTERN)('raises priority for an SME in the western province %s', (province) => {
    for (const st of ONE_PER_PROJECT) {
      const r = priorityFor(sme({ region: { province } }), st, paid);
      expect(r.priority).toBeGreaterThan(1);
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

  it('raises priority for a weak-foundation firm seeking energy-saving diagnosis', () => {
    const r = priorityFor(sme({ weakFoundation: true }), 'energy-saving-diagnosis', paid);
    expect(r.priority).toBeGreaterThan(1);
    expect(r.reasons).toEqual(['weakFoundation:energy-saving-diagnosis']);
  });

  it('gives weak foundation no priority on any other service type, nor a sound firm on diagnosis', () => {
    for (const st of SERVICE_TYPE_IDS.filter((s) => s !== 'energy-saving-diagnosis')) {
      expect(priorityFor(sme({ weakFoundation: true }), st, paid), st).toEqual({ priority: 1, reasons: [] });
    }
    expect(priorityFor(plain, 'energy-saving-diagnosis', paid)).toEqual({ priority: 1, reasons: [] });
  });

  it('multiplies the factors of rules that apply together, listing every reason', () => {
    const st: ServiceTypeId = 'energy-saving-diagnosis';
    const all = priorityFor({ sizeClass: 'MICRO', tier: 'LITTLE_GIANT', region: { province: 'CN-XJ' }, weakFoundation: true }, st, free);
    const alone = [
      priorityFor(sme({ tier: 'LITTLE_GIANT' }), st, paid),
      priorityFor(sme({ sizeClass: 'MICRO' }), st, free),
      priorityFor(sme({ region: { province: 'CN-XJ' } }), st, paid),
      priorityFor(sme({ weakFoundation: true }), st, paid),
    ];
    expect(all.priority).toBeCloseTo(alone.reduce((p, r) => p * r.priority, 1), 4);
    expect(all.reasons).toEqual(['tier:LITTLE_GIANT', 'size:MICRO+publicWelfare', 'region:WESTERN', 'weakFoundation:energy-saving-diagnosis']);
  });

  it('reads the weights of the project the service type belongs to', () => {
    for (const st of SERVICE_TYPE_IDS) {
      const p = POLICY.projects[projectOf(st)];
      expect(priorityFor(sme({ tier: 'INNOVATIVE' }), st, paid).priority).toBe(p.tierMultiplier.INNOVATIVE);
      expect(priorityFor(sme({ region: { province: 'CN-HB' } }), st, paid).priority).toBe(p.centralMultiplier);
    }
  });
});

// ---------------------------------------------------------------- properties
const arbProfile = fc.record({
  sizeClass: fc.constantFrom(...SIZE_CLASSES),
  tier: fc.constantFrom(...TIERS),
  region: fc.record({ province: fc.constantFrom(...PROVINCE_CODES) }),
  weakFoundation: fc.boolean(),
});
const arbServiceType = fc.constantFrom(...SERVICE_TYPE_IDS);
/** A fit as scoring produces it: in [FIT_FLOOR, 1], rounded to 4 decimals. */
const arbFit = fc.double({ min: FIT_FLOOR, max: 1, noNaN: true }).map(round4);
/** Two distinct tiers, higher first. */
const arbTierPair = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => [TIER_ORDER[Math.max(a, b)]!, TIER_ORDER[Math.min(a, b)]!] as const);

describe('priorityFor properties', () => {
  it('is always a multiplier >= 1 with at most 4 decimals', () => {
    fc.assert(
      fc.property(arbProfile, arbServiceType, fc.boolean(), (p, st, publicWelfare) => {
        const { priority } = priorityFor(p, st, { publicWelfare });
        expect(priority).toBeGreaterThanOrEqual(1);
        expect(round4(priority)).toBe(priority);
      }),
    );
  });

  it('lets a higher tier outweigh a lower tier whatever the two fits, all other factors equal', () => {
    fc.assert(
      fc.property(arbProfile, arbServiceType, fc.boolean(), arbTierPair, arbFit, arbFit, (p, st, publicWelfare, [hi, lo], fitHi, fitLo) => {
        const pHi = priorityFor({ ...p, tier: hi }, st, { publicWelfare }).priority;
        const pLo = priorityFor({ ...p, tier: lo }, st, { publicWelfare }).priority;
        expect(round4(fitHi * pHi)).toBeGreaterThan(round4(fitLo * pLo));
      }),
      { numRuns: 2000 },
    );
  });

  it('holds tier dominance at the extreme fits for every project and tier pair', () => {
    for (const st of ONE_PER_PROJECT) {
      for (let i = 1; i < TIER_ORDER.length; i++) {
        const pHi = priorityFor(sme({ tier: TIER_ORDER[i]! }), st, paid).priority;
        const pLo = priorityFor(sme({ tier: TIER_ORDER[i - 1]! }), st, paid).priority;
        expect(round4(FIT_FLOOR * pHi)).toBeGreaterThan(round4(1 * pLo));
      }
    }
  });

  it('lets a tier two steps higher win even when every other rule favours the lower-tier SME', () => {
    fc.assert(
      fc.property(arbProfile, arbProfile, arbServiceType, fc.boolean(), fc.boolean(), arbFit, arbFit, fc.integer({ min: 0, max: 1 }), (a, b, st, pwA, pwB, fitHi, fitLo, lo) => {
        const pHi = priorityFor({ ...a, tier: TIER_ORDER[lo + 2]! }, st, { publicWelfare: pwA }).priority;
        const pLo = priorityFor({ ...b, tier: TIER_ORDER[lo]! }, st, { publicWelfare: pwB }).priority;
        expect(round4(fitHi * pHi)).toBeGreaterThan(round4(fitLo * pLo));
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * The plan's priorities (《"十四五"促进中小企业发展规划》) as versioned data, one
 * entry per key project. The matcher stores POLICY_VERSION on every match it
 * proposes, so a score can always be explained by the policy that made it:
 * change any number below and bump the version.
 *
 * A pair's weight is `fit × priority` (see scoring.ts). `fit` says how well an
 * offering suits a need and lies in [FIT_FLOOR, 1] for every eligible pair;
 * `priority` (>= 1) says how much the plan wants this SME served first by
 * this kind of offering. The priority is a product of factors, and which
 * factors dominate depends on the offering:
 *
 * Priced offerings: the verified tier ranks first.
 *   The plan builds "从创新型中小企业、'专精特新'中小企业到专精特新'小巨人'企业的
 *   梯度培育体系，通过政策引导，推动要素资源向优质中小企业集聚" (解读). Consecutive
 *   tiers differ by a factor 5 > 1 / FIT_FLOOR = 4, so with the other facts
 *   equal a higher tier wins whatever the two fits (the worst case is the
 *   higher tier at the floor fit against the lower at fit 1: 0.25 × 5 = 1.25 > 1),
 *   and a tier two steps up wins whatever every other fact (25 × 0.25 = 6.25
 *   exceeds the largest product of the modest factors, 1.3 × 1.4 = 1.82).
 *
 * Public-welfare (free) offerings: the small and micro firms first.
 *   The tiers are built "在……普惠性支持政策的基础上" (解读): universal support
 *   comes first, and the plan's free programmes aim at the small and micro
 *   firms ("开展'小微企业质量管理体系认证提升行动'……引导小微企业提升质量管理水平")
 *   and at weak firms ("为基础薄弱的中小企业开展节能诊断及改造提供服务"). So on a
 *   free offering, lexicographically:
 *   1. a MICRO or SMALL firm outranks a MEDIUM firm whatever the tiers,
 *      regions, weak foundation and fits (size factor 64 against at most
 *      8 × 1.3 × 1.3 = 13.52 for a medium firm: 0.25 × 64 = 16 > 13.52);
 *   2. on the service types the plan names for weak firms, a weak-foundation
 *      firm outranks a sound firm of the same size group whatever the tiers,
 *      regions and fits (factor 8 against at most 1.3 × 1.3 = 1.69 for the
 *      tier and region: 0.25 × 8 = 2 > 1.69);
 *   3. the verified tier then orders firms within a size group, as a modest
 *      factor (1, 1.1, 1.2, 1.3): at equal fit the higher tier wins, but it
 *      does not override fit, since a free service is for whoever it suits.
 *
 * Throughout: the central (中部) and western (西部) provinces ("特别是对中西部
 * 欠发达地区的指导", "加大中西部合作区建设力度") and a weak foundation on a priced
 * offering of the named types are modest factors (<= MODEST_FACTOR_MAX): they
 * reorder otherwise comparable firms without overriding fit.
 *
 * Every bound above is checked by policyViolations() with the 4-decimal
 * rounding the scores use, and stated as a property in tests/unit/policy.test.ts.
 * The largest priority is 64 × 8 × 1.3 × 1.3 = 865.28, far below what the
 * solver compares exactly (weights at 4 decimals, see MAX_PRIORITY).
 */
import { PROJECT_IDS, SERVICE_TYPES, projectOf, type ProjectId, type ServiceTypeId } from './catalog.ts';
import { SIZE_CLASSES, TIERS, type SizeClass, type SmeProfile, type Tier } from './model.ts';
import { priorityReasonCode, type PriorityReason } from './priority-reasons.ts';
import { PROVINCES, isCentral, isWestern, type ProvinceCode, type RegionGroup } from './regions.ts';

export const POLICY_VERSION = 'plan14-2026-11-15.1';

/** The lowest fit an eligible pair can have; see scoring.ts. */
export const FIT_FLOOR = 0.25;

/** The fit components, each in [0, 1]; their weights sum to 1 per project. */
export const FIT_COMPONENTS = ['proximity', 'specialisation', 'reputation', 'price', 'load'] as const;
export type FitComponent = (typeof FIT_COMPONENTS)[number];

/** The largest a factor called modest may be: it reorders comparable firms, it does not override fit. */
export const MODEST_FACTOR_MAX = 1.5;

/**
 * The largest priority the policy may produce. Weights are fit × priority at
 * 4 decimals, and the solver adds a served-first constant to every edge: a
 * ceiling of 1e4 keeps every weight an exact multiple of 1e-4 far inside the
 * doubles' exact integer range, with room for that constant.
 */
export const MAX_PRIORITY = 10_000;

/** The size classes the plan's free programmes aim at (小微企业). */
export const PUBLIC_WELFARE_TARGET_SIZES: readonly SizeClass[] = ['MICRO', 'SMALL'];

/**
 * Round half away from zero to 4 decimals: the precision of every fit,
 * priority and weight. Multiplication and Math.round are fully specified by
 * ECMAScript on IEEE 754 doubles, so the same input gives the same output on
 * every runtime, which is all determinism needs. The `+ 0` turns -0 into 0 so
 * stored breakdowns compare equal.
 */
export function round4(x: number): number {
  return (Math.sign(x) * Math.round(Math.abs(x) * 10_000)) / 10_000 + 0;
}

export interface ProjectPolicy {
  /** Priced offerings. Strictly increasing NONE < INNOVATIVE < SPECIALIZED < LITTLE_GIANT, ratio > 1 / FIT_FLOOR. */
  tierMultiplier: Readonly<Record<Tier, number>>;
  /** Public-welfare offerings: modest and strictly increasing, ordering firms within a size group. */
  publicWelfareTierMultiplier: Readonly<Record<Tier, number>>;
  /** Public-welfare offerings: MICRO and SMALL outrank MEDIUM whatever the other facts. */
  publicWelfareSizeMultiplier: Readonly<Record<SizeClass, number>>;
  centralMultiplier: number;
  westernMultiplier: number;
  /** Service types of this project the plan names for firms with a weak foundation. */
  weakFoundationServiceTypes: readonly ServiceTypeId[];
  /** On priced offerings of those types: modest. */
  weakFoundationMultiplier: number;
  /** On public-welfare offerings of those types: outranks a sound firm of the same size group whatever the fit. */
  weakFoundationPublicWelfareMultiplier: number;
  /** Weights of the fit components; sum 1. */
  fitWeights: Readonly<Record<FitComponent, number>>;
  /** Proximity of an offering that serves the SME only remotely (in-province is 1). */
  remoteProximity: number;
  /** Specialisation of a provider whose kind the catalog does not list for the service type. */
  offKindSpecialisation: number;
}

export interface Policy {
  version: string;
  fitFloor: number;
  reputation: {
    /** Mean rating (1..5) assumed before any feedback; ratings are shrunk toward it. */
    priorRating: number;
    /** How many ratings the prior is worth: 5 ratings weigh as much as the prior. */
    priorWeight: number;
    /** Bonus per certification, counted up to maxCertifications; the component is capped at 1. */
    certificationBonus: number;
    maxCertifications: number;
  };
  /** Price component when the price or the budget is unknown: neither rewarded nor penalised. */
  neutralPrice: number;
  /**
   * The share of a market's matches in a month one provider may take before
   * each further match costs `providerSharePenalty` in the round's objective.
   * The plan condemns "挤压中小企业市场份额的行为": one provider must not take a
   * market where others can serve. The penalty is soft: the solver serves the
   * most needs first, so where no one else can serve, the provider still does.
   * @default 0.5
   */
  maxProviderShare: number;
  /**
   * Weight units per match beyond a provider's share. 0.25 = FIT_FLOOR: for an
   * SME of priority 1 the provider over its share keeps the match only if it
   * fits better by more than 0.25 (a quarter of the fit range); for SMEs the
   * plan ranks higher (larger weights) the same penalty yields sooner to fit.
   */
  providerSharePenalty: number;
  projects: Readonly<Record<ProjectId, ProjectPolicy>>;
}

/** Priced offerings: ×5 per tier (see the header for why 5). */
const TIERS_PRICED: Readonly<Record<Tier, number>> = { NONE: 1, INNOVATIVE: 5, SPECIALIZED: 25, LITTLE_GIANT: 125 };
/** Public-welfare offerings: the tier orders firms within a size group, modestly. */
const TIERS_PUBLIC_WELFARE: Readonly<Record<Tier, number>> = { NONE: 1, INNOVATIVE: 1.1, SPECIALIZED: 1.2, LITTLE_GIANT: 1.3 };
/** 64 × FIT_FLOOR = 16 > 8 × 1.3 × 1.3 = 13.52, the most a MEDIUM firm can reach on a free offering. */
const SIZE_PUBLIC_WELFARE: Readonly<Record<SizeClass, number>> = { MEDIUM: 1, SMALL: 64, MICRO: 64 };

/**
 * What every project shares: the plan's tier order, size targeting and
 * regional preference do not vary by project. Region: "特别是对中西部欠发达地区
 * 的指导" (保障措施), the west a little more than the centre as the less developed.
 */
const TARGETING = {
  tierMultiplier: TIERS_PRICED,
  publicWelfareTierMultiplier: TIERS_PUBLIC_WELFARE,
  publicWelfareSizeMultiplier: SIZE_PUBLIC_WELFARE,
  centralMultiplier: 1.2,
  westernMultiplier: 1.3,
} as const;

/** No service type of the project is named for weak firms. */
const NO_WEAK_FOUNDATION = { weakFoundationServiceTypes: [], weakFoundationMultiplier: 1, weakFoundationPublicWelfareMultiplier: 1 } as const;

export const POLICY: Policy = {
  version: POLICY_VERSION,
  fitFloor: FIT_FLOOR,
  reputation: { priorRating: 3.5, priorWeight: 5, certificationBonus: 0.05, maxCertifications: 3 },
  neutralPrice: 0.5,
  maxProviderShare: 0.5,
  providerSharePenalty: 0.25,
  projects: {
    RIGHTS: {
      ...TARGETING,
      // "开展中小企业公益性法律援助服务活动": the plan aims legal aid at SMEs in
      // general, not at weak firms; its free offerings are targeted by size.
      ...NO_WEAK_FOUNDATION,
      // Rights protection is often handled remotely; reputation matters most.
      fitWeights: { proximity: 0.2, specialisation: 0.25, reputation: 0.3, price: 0.15, load: 0.1 },
      remoteProximity: 0.6,
      offKindSpecialisation: 0.3,
    },
    DIGITAL: {
      ...TARGETING,
      ...NO_WEAK_FOUNDATION,
      // Paid transformation projects: price weighs more than elsewhere.
      fitWeights: { proximity: 0.2, specialisation: 0.25, reputation: 0.2, price: 0.25, load: 0.1 },
      remoteProximity: 0.6,
      offKindSpecialisation: 0.3,
    },
    GREEN: {
      ...TARGETING,
      // "实施工业节能诊断服务行动，为基础薄弱的中小企业开展节能诊断及改造提供服务":
      // the diagnosis and the retrofit after it are the weak firms' services.
      weakFoundationServiceTypes: ['energy-saving-diagnosis', 'energy-saving-retrofit'],
      weakFoundationMultiplier: 1.4,
      // 0.25 × 8 = 2 > 1.3 × 1.3 = 1.69: beats a sound firm of its size group whatever its tier and region.
      weakFoundationPublicWelfareMultiplier: 8,
      // Audits and diagnoses are on site: proximity weighs most, remote is worth less.
      fitWeights: { proximity: 0.3, specialisation: 0.25, reputation: 0.2, price: 0.15, load: 0.1 },
      remoteProximity: 0.4,
      offKindSpecialisation: 0.3,
    },
    QUALITY_BRAND: {
      ...TARGETING,
      ...NO_WEAK_FOUNDATION,
      // Certification and metrology need an accredited body of the right kind.
      fitWeights: { proximity: 0.25, specialisation: 0.3, reputation: 0.2, price: 0.15, load: 0.1 },
      remoteProximity: 0.5,
      offKindSpecialisation: 0.2,
    },
    INTERNATIONAL: {
      ...TARGETING,
      ...NO_WEAK_FOUNDATION,
      // The work happens abroad: where the centre sits matters little.
      fitWeights: { proximity: 0.1, specialisation: 0.3, reputation: 0.3, price: 0.15, load: 0.15 },
      remoteProximity: 0.8,
      offKindSpecialisation: 0.3,
    },
    INNOVATION: {
      ...TARGETING,
      ...NO_WEAK_FOUNDATION,
      // Joint research needs the right institute more than a near one.
      fitWeights: { proximity: 0.15, specialisation: 0.35, reputation: 0.25, price: 0.15, load: 0.1 },
      remoteProximity: 0.6,
      offKindSpecialisation: 0.2,
    },
    SERVICE_CAPACITY: {
      ...TARGETING,
      ...NO_WEAK_FOUNDATION,
      // Local platforms and bases: coaching is mostly in person.
      fitWeights: { proximity: 0.3, specialisation: 0.2, reputation: 0.2, price: 0.2, load: 0.1 },
      remoteProximity: 0.6,
      offKindSpecialisation: 0.3,
    },
    FINANCING: {
      ...TARGETING,
      ...NO_WEAK_FOUNDATION,
      // Credit is a licensed business: off-kind providers are worth little.
      fitWeights: { proximity: 0.2, specialisation: 0.3, reputation: 0.25, price: 0.15, load: 0.1 },
      remoteProximity: 0.7,
      offKindSpecialisation: 0.1,
    },
  },
};

export function projectPolicy(serviceType: ServiceTypeId, policy: Policy = POLICY): ProjectPolicy {
  return policy.projects[projectOf(serviceType)];
}

/**
 * The plan's priority for serving this SME with this kind of offering: a
 * multiplier >= 1 at 4 decimals, and the rules that raised it, as short
 * machine-readable reasons stored on the match (domain/priority-reasons.ts).
 */
export function priorityFor(
  sme: SmeProfile,
  serviceType: ServiceTypeId,
  offering: { publicWelfare: boolean },
  policy: Policy = POLICY,
): { priority: number; reasons: string[] } {
  const p = projectPolicy(serviceType, policy);
  let priority = 1;
  const reasons: string[] = [];
  const apply = (factor: number, reason: PriorityReason) => {
    // A factor of 1 is "rule does not apply here": no reason to report.
    if (factor > 1) {
      priority *= factor;
      reasons.push(priorityReasonCode(reason));
    }
  };

  const free = offering.publicWelfare;
  apply((free ? p.publicWelfareTierMultiplier : p.tierMultiplier)[sme.tier], { kind: 'tier', tier: sme.tier });
  if (free) apply(p.publicWelfareSizeMultiplier[sme.sizeClass], { kind: 'sizePublicWelfare', sizeClass: sme.sizeClass });
  if (isCentral(sme.region.province)) apply(p.centralMultiplier, { kind: 'region', region: 'CENTRAL' });
  if (isWestern(sme.region.province)) apply(p.westernMultiplier, { kind: 'region', region: 'WESTERN' });
  if (sme.weakFoundation && p.weakFoundationServiceTypes.includes(serviceType)) {
    apply(free ? p.weakFoundationPublicWelfareMultiplier : p.weakFoundationMultiplier, { kind: 'weakFoundation', serviceType });
  }
  return { priority: round4(priority), reasons };
}

/**
 * A provider's soft cap for one round of one market: how many more matches it
 * may take this month before each costs `providerSharePenalty`. The share is
 * of the month's matches in the market if this round serves all it can
 * (`roundMax` = min(needs in the round, free units)), rounded down so that the
 * share is never exceeded by rounding. Past the cap the solver still serves
 * the need when no other provider can (served first), at the penalty.
 */
export function providerSoftCap(
  counts: { providerMatches: number; marketMatches: number; roundMax: number },
  policy: Policy = POLICY,
): number {
  const monthTotal = counts.marketMatches + counts.roundMax;
  return Math.max(0, Math.floor(policy.maxProviderShare * monthTotal) - counts.providerMatches);
}

// ---------------------------------------------------------------- invariants

const TIER_ORDER: readonly Tier[] = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];
/** One province per region group: the priority depends on the group only. */
const ONE_PROVINCE_PER_GROUP: readonly ProvinceCode[] = (['EASTERN', 'CENTRAL', 'WESTERN', 'NORTHEASTERN'] as RegionGroup[]).map(
  (g) => PROVINCES.find((p) => p.group === g)!.code,
);
/** Every distinct SME profile as far as the priority can tell: 3 sizes × 4 tiers × 4 region groups × 2. */
const ALL_PROFILES: readonly SmeProfile[] = SIZE_CLASSES.flatMap((sizeClass) =>
  TIERS.flatMap((tier) =>
    ONE_PROVINCE_PER_GROUP.flatMap((province) => [false, true].map((weakFoundation) => ({ sizeClass, tier, region: { province }, weakFoundation }))),
  ),
);

/** The weight scoring gives a pair of this fit and priority (both already at 4 decimals). */
const weightAt = (fit: number, priority: number) => round4(round4(fit) * priority);
const sizeGroupOf = (s: SizeClass) => (PUBLIC_WELFARE_TARGET_SIZES.includes(s) ? 'TARGET' : 'OTHER');

/**
 * "a beats b whatever the two fits": a at the floor fit outweighs b at fit 1.
 * Weight is monotone in fit, so the extremes are the worst case, rounding included.
 */
function dominates(a: number, b: number, fitFloor: number): boolean {
  return weightAt(fitFloor, a) > weightAt(1, b);
}

/** Checks the dominance rules of one service type over every pair of profiles they speak of. */
function targetingViolations(st: ServiceTypeId, policy: Policy): string[] {
  const out: string[] = [];
  const floor = policy.fitFloor;
  const prio = (sme: SmeProfile, publicWelfare: boolean) => priorityFor(sme, st, { publicWelfare }, policy).priority;
  const named = projectPolicy(st, policy).weakFoundationServiceTypes.includes(st);
  const min = (xs: number[]) => Math.min(...xs);
  const max = (xs: number[]) => Math.max(...xs);
  const free = ALL_PROFILES.map((s) => ({ s, p: prio(s, true) }));
  const paid = ALL_PROFILES.map((s) => ({ s, p: prio(s, false) }));

  for (const { p } of [...free, ...paid]) {
    if (!(p <= MAX_PRIORITY)) out.push(`${st}: a priority of ${p} exceeds MAX_PRIORITY ${MAX_PRIORITY}`);
  }

  // Public welfare 1: MICRO/SMALL outrank MEDIUM whatever the other facts and fits.
  const target = free.filter((x) => sizeGroupOf(x.s.sizeClass) === 'TARGET').map((x) => x.p);
  const others = free.filter((x) => sizeGroupOf(x.s.sizeClass) === 'OTHER').map((x) => x.p);
  if (!dominates(min(target), max(others), floor)) {
    out.push(`${st}: on public-welfare offerings MICRO/SMALL must outrank MEDIUM whatever the fit (${min(target)} × fitFloor vs ${max(others)})`);
  }
  // Public welfare 2: on the named types, weak foundation outranks a sound firm of the same size group.
  if (named) {
    for (const group of ['TARGET', 'OTHER'] as const) {
      const inGroup = free.filter((x) => sizeGroupOf(x.s.sizeClass) === group);
      const weak = inGroup.filter((x) => x.s.weakFoundation).map((x) => x.p);
      const sound = inGroup.filter((x) => !x.s.weakFoundation).map((x) => x.p);
      if (!dominates(min(weak), max(sound), floor)) {
        out.push(`${st}: on public-welfare offerings a weak-foundation firm must outrank a sound one of its size group whatever the fit`);
      }
    }
  }
  // Public welfare 3 and priced: the tier orders; on priced offerings it dominates fit.
  for (const base of ALL_PROFILES.filter((s) => s.tier === 'NONE')) {
    for (let i = 1; i < TIER_ORDER.length; i++) {
      const hi = { ...base, tier: TIER_ORDER[i]! };
      const lo = { ...base, tier: TIER_ORDER[i - 1]! };
      if (!(weightAt(floor, prio(hi, true)) > weightAt(floor, prio(lo, true)))) {
        out.push(`${st}: on public-welfare offerings ${hi.tier} must outrank ${lo.tier} at equal fit`);
      }
      if (!dominates(prio(hi, false), prio(lo, false), floor)) {
        out.push(`${st}: on priced offerings ${hi.tier} must outrank ${lo.tier} whatever the fit, other facts equal`);
      }
    }
  }
  // Priced: a tier two steps up wins whatever every other fact.
  for (let i = 2; i < TIER_ORDER.length; i++) {
    const hi = paid.filter((x) => x.s.tier === TIER_ORDER[i]).map((x) => x.p);
    const lo = paid.filter((x) => x.s.tier === TIER_ORDER[i - 2]).map((x) => x.p);
    if (!dominates(min(hi), max(lo), floor)) {
      out.push(`${st}: on priced offerings ${TIER_ORDER[i]} must outrank ${TIER_ORDER[i - 2]} whatever the other facts and fits`);
    }
  }
  return out;
}

/**
 * The invariants a policy edit must keep; returns what is violated (empty when
 * sound). Tests run it on POLICY so a bad edit fails the build, not the matcher.
 * The dominance rules are checked on the priorities priorityFor actually
 * computes, for every service type and every distinct SME profile, at the
 * extreme fits and with the 4-decimal rounding of the weights.
 */
export function policyViolations(policy: Policy = POLICY): string[] {
  const out: string[] = [];
  if (!(policy.fitFloor > 0 && policy.fitFloor < 1)) out.push('fitFloor must be in (0, 1)');
  if (!(policy.maxProviderShare > 0 && policy.maxProviderShare <= 1)) out.push('maxProviderShare must be in (0, 1]');
  if (!(Number.isFinite(policy.providerSharePenalty) && policy.providerSharePenalty > 0)) out.push('providerSharePenalty must be a finite number > 0');
  const missing = PROJECT_IDS.filter((id) => policy.projects[id] === undefined);
  for (const id of missing) out.push(`${id}: the policy has no entry for this project`);

  for (const id of PROJECT_IDS.filter((p) => !missing.includes(p))) {
    const p = policy.projects[id];
    const factors: [string, number][] = [
      ...TIER_ORDER.map((t): [string, number] => [`tierMultiplier.${t}`, p.tierMultiplier[t]]),
      ...TIER_ORDER.map((t): [string, number] => [`publicWelfareTierMultiplier.${t}`, p.publicWelfareTierMultiplier[t]]),
      ...SIZE_CLASSES.map((s): [string, number] => [`publicWelfareSizeMultiplier.${s}`, p.publicWelfareSizeMultiplier[s]]),
      ['centralMultiplier', p.centralMultiplier],
      ['westernMultiplier', p.westernMultiplier],
      ['weakFoundationMultiplier', p.weakFoundationMultiplier],
      ['weakFoundationPublicWelfareMultiplier', p.weakFoundationPublicWelfareMultiplier],
    ];
    for (const [name, f] of factors) {
      if (!(Number.isFinite(f) && f >= 1)) out.push(`${id}: ${name} must be a finite number >= 1`);
    }
    for (const [name, f] of [
      ['centralMultiplier', p.centralMultiplier],
      ['westernMultiplier', p.westernMultiplier],
      ['weakFoundationMultiplier', p.weakFoundationMultiplier],
    ] as const) {
      if (f > MODEST_FACTOR_MAX) out.push(`${id}: ${name} must be modest (<= ${MODEST_FACTOR_MAX})`);
    }
    const sum = FIT_COMPONENTS.reduce((s, c) => s + p.fitWeights[c], 0);
    if (Math.abs(sum - 1) > 1e-9) out.push(`${id}: fitWeights must sum to 1 (got ${sum})`);
    for (const c of FIT_COMPONENTS) {
      if (!(p.fitWeights[c] >= 0)) out.push(`${id}: fitWeights.${c} must be >= 0`);
    }
    for (const [name, v] of [
      ['remoteProximity', p.remoteProximity],
      ['offKindSpecialisation', p.offKindSpecialisation],
    ] as const) {
      if (!(v >= 0 && v <= 1)) out.push(`${id}: ${name} must be in [0, 1]`);
    }
    for (const st of p.weakFoundationServiceTypes) {
      if (projectOf(st) !== id) out.push(`${id}: weakFoundationServiceTypes has ${st} of another project`);
    }
  }
  // Factor errors make the dominance messages noise: report those first, alone.
  if (out.length > 0) return out;
  // Service types of one project differ in priority only by being named for
  // weak firms or not: one of each kind stands for the rest.
  const seen = new Set<string>();
  for (const s of SERVICE_TYPES) {
    const kind = `${s.project}|${policy.projects[s.project].weakFoundationServiceTypes.includes(s.id)}`;
    if (seen.has(kind)) continue;
    seen.add(kind);
    out.push(...targetingViolations(s.id, policy));
  }
  return out;
}

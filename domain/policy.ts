/**
 * The plan's priorities (《"十四五"促进中小企业发展规划》) as versioned data, one
 * entry per key project. The matcher stores POLICY_VERSION on every match it
 * proposes, so a score can always be explained by the policy that made it:
 * change any number below and bump the version.
 *
 * A pair's weight is `fit × priority` (see scoring.ts). `fit` says how well an
 * offering suits a need and lies in [FIT_FLOOR, 1] for every eligible pair;
 * `priority` (>= 1) says how much the plan wants this SME served first. The
 * priority is the product of independent factors:
 *
 * - tiered cultivation (梯度培育): 专精特新"小巨人" > 专精特新 > 创新型 > none;
 * - micro and small firms first for public-welfare (free) offerings;
 * - SMEs in the central (中部) and western (西部) provinces;
 * - firms with a weak foundation, for the service types the plan names for
 *   them (节能诊断, energy-saving diagnosis).
 *
 * Tier dominance. The plan puts the tiers in a strict order, so with every other
 * factor equal a higher tier must outweigh a lower one whatever the two fits
 * are. The worst case is the higher tier at the lowest fit against the lower
 * tier at the highest: FIT_FLOOR × m_high > 1 × m_low, i.e. consecutive tier
 * multipliers must differ by a factor strictly greater than 1 / FIT_FLOOR = 4.
 * We use 5 (1, 5, 25, 125): the margin of 25% (0.25 × 5 = 1.25 > 1) survives the
 * 4-decimal rounding of fit, priority and weight by orders of magnitude.
 * 5 rather than, say, 10 keeps the weights small and readable (top tier 125,
 * not 1000) while still clearing the bound.
 *
 * The other factors are deliberately modest (<= 1.5): they shift the balance
 * between SMEs of the same tier towards the plan's targets without overriding
 * fit entirely, so a micro firm in the west is preferred to an otherwise equal
 * firm in the east, but is not pushed onto an offering that hardly suits it.
 * They are not meant to dominate the tier order and do not: a lower-tier firm
 * favoured by every other rule can beat a firm of the next tier up only when
 * its fit is clearly better (5 × FIT_FLOOR = 1.25 is less than
 * the other factors can add, up to ≈ 2.37), and never one two tiers up, since
 * 25 × FIT_FLOOR = 6.25 exceeds the largest product of the other factors of
 * any project (GREEN: 1.3 × 1.3 × 1.4 ≈ 2.37).
 */
import { PROJECT_IDS, projectOf, type ProjectId, type ServiceTypeId } from './catalog.ts';
import type { SizeClass, SmeProfile, Tier } from './model.ts';
import { isCentral, isWestern } from './regions.ts';

export const POLICY_VERSION = 'plan14-2026-11-01.1';

/** The lowest fit an eligible pair can have; see scoring.ts. */
export const FIT_FLOOR = 0.25;

/** The fit components, each in [0, 1]; their weights sum to 1 per project. */
export const FIT_COMPONENTS = ['proximity', 'specialisation', 'reputation', 'price', 'load'] as const;
export type FitComponent = (typeof FIT_COMPONENTS)[number];

export interface ProjectPolicy {
  /** Strictly increasing NONE < INNOVATIVE < SPECIALIZED < LITTLE_GIANT, ratio > 1 / FIT_FLOOR. */
  tierMultiplier: Readonly<Record<Tier, number>>;
  /** Applied only when the offering is public-welfare (free). */
  publicWelfareSizeMultiplier: Readonly<Record<SizeClass, number>>;
  centralMultiplier: number;
  westernMultiplier: number;
  /** Service types of this project on which a weak foundation raises the priority. */
  weakFoundationServiceTypes: readonly ServiceTypeId[];
  weakFoundationMultiplier: number;
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
  projects: Readonly<Record<ProjectId, ProjectPolicy>>;
}

/** Shared by every project: the plan's tier order does not vary by project. */
const TIERS_X5: Readonly<Record<Tier, number>> = { NONE: 1, INNOVATIVE: 5, SPECIALIZED: 25, LITTLE_GIANT: 125 };

export const POLICY: Policy = {
  version: POLICY_VERSION,
  fitFloor: FIT_FLOOR,
  reputation: { priorRating: 3.5, priorWeight: 5, certificationBonus: 0.05, maxCertifications: 3 },
  neutralPrice: 0.5,
  projects: {
    RIGHTS: {
      tierMultiplier: TIERS_X5,
      // Public-welfare legal aid and complaint handling are the plan's main
      // free services for small firms: the strongest size factor.
      publicWelfareSizeMultiplier: { MEDIUM: 1, SMALL: 1.4, MICRO: 1.5 },
      centralMultiplier: 1.2,
      westernMultiplier: 1.3,
      weakFoundationServiceTypes: [],
      weakFoundationMultiplier: 1,
      // Rights protection is often handled remotely; reputation matters most.
      fitWeights: { proximity: 0.2, specialisation: 0.25, reputation: 0.3, price: 0.15, load: 0.1 },
      remoteProximity: 0.6,
      offKindSpecialisation: 0.3,
    },
    DIGITAL: {
      tierMultiplier: TIERS_X5,
      publicWelfareSizeMultiplier: { MEDIUM: 1, SMALL: 1.3, MICRO: 1.3 },
      centralMultiplier: 1.2,
      westernMultiplier: 1.3,
      weakFoundationServiceTypes: [],
      weakFoundationMultiplier: 1,
      // Paid transformation projects: price weighs more than elsewhere.
      fitWeights: { proximity: 0.2, specialisation: 0.25, reputation: 0.2, price: 0.25, load: 0.1 },
      remoteProximity: 0.6,
      offKindSpecialisation: 0.3,
    },
    GREEN: {
      tierMultiplier: TIERS_X5,
      publicWelfareSizeMultiplier: { MEDIUM: 1, SMALL: 1.3, MICRO: 1.3 },
      centralMultiplier: 1.2,
      westernMultiplier: 1.3,
      weakFoundationServiceTypes: ['energy-saving-diagnosis'],
      weakFoundationMultiplier: 1.4,
      // Audits and diagnoses are on site: proximity weighs most, remote is worth less.
      fitWeights: { proximity: 0.3, specialisation: 0.25, reputation: 0.2, price: 0.15, load: 0.1 },
      remoteProximity: 0.4,
      offKindSpecialisation: 0.3,
    },
    QUALITY_BRAND: {
      tierMultiplier: TIERS_X5,
      publicWelfareSizeMultiplier: { MEDIUM: 1, SMALL: 1.3, MICRO: 1.3 },
      centralMultiplier: 1.2,
      westernMultiplier: 1.3,
      weakFoundationServiceTypes: [],
      weakFoundationMultiplier: 1,
      // Certification and metrology need an accredited body of the right kind.
      fitWeights: { proximity: 0.25, specialisation: 0.3, reputation: 0.2, price: 0.15, load: 0.1 },
      remoteProximity: 0.5,
      offKindSpecialisation: 0.2,
    },
    INTERNATIONAL: {
      tierMultiplier: TIERS_X5,
      publicWelfareSizeMultiplier: { MEDIUM: 1, SMALL: 1.3, MICRO: 1.3 },
      centralMultiplier: 1.2,
      westernMultiplier: 1.3,
      weakFoundationServiceTypes: [],
      weakFoundationMultiplier: 1,
      // The work happens abroad: where the centre sits matters little.
      fitWeights: { proximity: 0.1, specialisation: 0.3, reputation: 0.3, price: 0.15, load: 0.15 },
      remoteProximity: 0.8,
      offKindSpecialisation: 0.3,
    },
  },
};

export function projectPolicy(serviceType: ServiceTypeId, policy: Policy = POLICY): ProjectPolicy {
  return policy.projects[projectOf(serviceType)];
}

/**
 * The plan's priority for serving this SME with this kind of offering: a
 * multiplier >= 1 and the rules that raised it, as short machine-readable
 * reasons stored on the match.
 */
export function priorityFor(
  sme: SmeProfile,
  serviceType: ServiceTypeId,
  offering: { publicWelfare: boolean },
): { priority: number; reasons: string[] } {
  const p = projectPolicy(serviceType);
  let priority = 1;
  const reasons: string[] = [];
  const apply = (factor: number, reason: string) => {
    // A factor of 1 is "rule does not apply here": no reason to report.
    if (factor > 1) {
      priority *= factor;
      reasons.push(reason);
    }
  };

  apply(p.tierMultiplier[sme.tier], `tier:${sme.tier}`);
  if (offering.publicWelfare) {
    apply(p.publicWelfareSizeMultiplier[sme.sizeClass], `size:${sme.sizeClass}+publicWelfare`);
  }
  if (isCentral(sme.region.province)) apply(p.centralMultiplier, 'region:CENTRAL');
  if (isWestern(sme.region.province)) apply(p.westernMultiplier, 'region:WESTERN');
  if (sme.weakFoundation && p.weakFoundationServiceTypes.includes(serviceType)) {
    apply(p.weakFoundationMultiplier, `weakFoundation:${serviceType}`);
  }
  return { priority: Math.round(priority * 10_000) / 10_000, reasons };
}

/**
 * The invariants a policy edit must keep; returns what is violated (empty when
 * sound). Tests run it on POLICY so a bad edit fails the build, not the matcher.
 */
export function policyViolations(policy: Policy = POLICY): string[] {
  const out: string[] = [];
  if (!(policy.fitFloor > 0 && policy.fitFloor < 1)) out.push('fitFloor must be in (0, 1)');
  const tierOrder: readonly Tier[] = ['NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];
  for (const id of PROJECT_IDS) {
    const p = policy.projects[id];
    const factors: [string, number][] = [
      ...tierOrder.map((t): [string, number] => [`tierMultiplier.${t}`, p.tierMultiplier[t]]),
      ...Object.entries(p.publicWelfareSizeMultiplier).map(([k, v]): [string, number] => [`publicWelfareSizeMultiplier.${k}`, v]),
      ['centralMultiplier', p.centralMultiplier],
      ['westernMultiplier', p.westernMultiplier],
      ['weakFoundationMultiplier', p.weakFoundationMultiplier],
    ];
    for (const [name, f] of factors) {
      if (!(Number.isFinite(f) && f >= 1)) out.push(`${id}: ${name} must be a finite number >= 1`);
    }
    for (let i = 1; i < tierOrder.length; i++) {
      const lo = p.tierMultiplier[tierOrder[i - 1]!];
      const hi = p.tierMultiplier[tierOrder[i]!];
      if (!(hi * policy.fitFloor > lo)) {
        out.push(`${id}: ${tierOrder[i]} must exceed ${tierOrder[i - 1]} by a factor > 1/fitFloor`);
      }
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
  return out;
}

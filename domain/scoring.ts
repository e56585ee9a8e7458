/**
 * Which (need, offering) pairs may be matched, and how much each is worth to
 * the assignment. Pure and deterministic: the same inputs give the same
 * breakdown, bit for bit, so a rerun of a matcher run proposes the same
 * matches and the stored breakdown can be recomputed to explain a match.
 */
import { serviceTypeEntry, type ProviderKind } from './catalog.ts';
import type { Need, Offering, ScoreBreakdown } from './model.ts';
import { FIT_COMPONENTS, FIT_FLOOR, POLICY, priorityFor, projectPolicy, round4, type FitComponent } from './policy.ts';
import type { WaitingReasonCode } from './waiting-codes.ts';

/** What scoring needs of a provider (its rating is kept up to date by feedback). */
export interface ProviderView {
  id: string;
  kind: ProviderKind;
  rating: number | null;
  ratingCount: number;
  certifications: string[];
}

/**
 * Facts about the provider's standing that decide whether its offerings may
 * be matched at all. Optional: absent means the platform does not record the
 * fact yet and the rule is not applied; set them and the matcher and the
 * waiting reasons both apply it.
 */
export interface ProviderStanding {
  /** false while an operator has not approved the provider (PENDING, REJECTED). */
  providerApproved?: boolean;
  /** true while an operator has suspended the provider. */
  providerSuspended?: boolean;
}

/** What eligibility reads of an offering: the offering, its provider's standing, its capacity this period. */
export interface EligibilityCandidate extends ProviderStanding {
  offering: Offering;
  limit: number;
  used: number;
}

/** An offering with its provider and its capacity in the period being matched. */
export interface OfferingCandidate extends EligibilityCandidate {
  provider: ProviderView;
}

/** Facts about the need beyond the need item itself; optional like ProviderStanding. */
export interface NeedFacts {
  /** The balance of the voucher the need carries: it pays only offerings priced within it, or free ones. */
  voucherBalance?: number;
}

/** The rules of eligibility, in the fixed order checkEligibility reports them. */
export const ELIGIBILITY_RULES = [
  'serviceType',
  'paused',
  'providerSuspended',
  'providerNotApproved',
  'excluded',
  'region',
  'language',
  'market',
  'sizeClass',
  'tier',
  'budget',
  'voucher',
  'leadTime',
  'noCapacity',
] as const;
export type EligibilityRule = (typeof ELIGIBILITY_RULES)[number];

/**
 * The reason code of the HTTP contract ("Why a need waits") each rule maps
 * to. One table, read by checkEligibility, so the matcher's rules and the
 * reasons a waiting need shows cannot drift apart. An offering of another
 * service type, or a paused one, is not on the need's market at all.
 */
export const ELIGIBILITY_CODE: Readonly<Record<EligibilityRule, WaitingReasonCode>> = {
  serviceType: 'NO_OFFERING',
  paused: 'NO_OFFERING',
  providerSuspended: 'SUSPENDED',
  providerNotApproved: 'PROVIDER_NOT_APPROVED',
  excluded: 'EXCLUDED',
  region: 'REGION',
  language: 'LANGUAGE',
  market: 'MARKETS',
  sizeClass: 'ELIGIBILITY',
  tier: 'ELIGIBILITY',
  budget: 'BUDGET',
  voucher: 'VOUCHER',
  leadTime: 'LEAD_TIME',
  noCapacity: 'CAPACITY_FULL',
};

export type Eligibility =
  | { eligible: true }
  | {
      eligible: false;
      /** Every failed rule, in ELIGIBILITY_RULES order. */
      reasons: EligibilityRule[];
      /** The same failures as contract codes, each once, in order of first appearance. */
      codes: WaitingReasonCode[];
    };

const DAY_MS = 86_400_000;

/**
 * BCP 47 tags "share a language" when equal or when one is a prefix of the
 * other at a subtag boundary: a need in "zh" is served by a "zh-CN" offering,
 * but "zh-CN" and "zh-TW" are not interchangeable. Tags are stored canonical
 * (model.ts), so plain string comparison is sound.
 */
function languagesMeet(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`);
}

/** The end of a YYYY-MM-DD day in UTC, in ms; NaN when the date is malformed. */
function endOfDayUtc(date: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T23:59:59.999Z`) : Number.NaN;
}

/**
 * Every rule a pair must satisfy. Reasons list every failed rule, in a fixed
 * order, so operators see the full picture and tests can check rules alone;
 * codes are the same failures in the contract's vocabulary.
 */
export function checkEligibility(need: Need, c: EligibilityCandidate, now: Date, facts: NeedFacts = {}): Eligibility {
  const o = c.offering;
  const sme = need.sme;
  const failed = new Set<EligibilityRule>();

  if (o.serviceType !== need.serviceType) failed.add('serviceType');
  if (o.status !== 'ACTIVE') failed.add('paused');
  if (c.providerSuspended === true) failed.add('providerSuspended');
  if (c.providerApproved === false) failed.add('providerNotApproved');
  if (need.excludedOfferingIds.includes(o.id)) failed.add('excluded');
  if (!(o.regions.includes(sme.region.province) || (o.remote && need.remoteOk))) failed.add('region');
  if (need.languages.length > 0 && !need.languages.some((l) => o.languages.some((m) => languagesMeet(l, m)))) {
    failed.add('language');
  }
  const markets = o.markets ?? [];
  if (!need.markets.every((m) => markets.includes(m))) failed.add('market');
  const sizeClasses = o.eligibility?.sizeClasses;
  if (sizeClasses && !sizeClasses.includes(sme.sizeClass)) failed.add('sizeClass');
  const tiers = o.eligibility?.tiers;
  if (tiers && !tiers.includes(sme.tier)) failed.add('tier');
  // A public-welfare offering is free to the SME whatever its list price.
  if (!o.publicWelfare && need.budgetMax !== undefined && o.priceMin !== undefined && o.priceMin > need.budgetMax) {
    failed.add('budget');
  }
  // api.md: a voucher need is matched only to offerings priced within its balance, or free ones.
  if (!o.publicWelfare && facts.voucherBalance !== undefined && o.priceMin !== undefined && o.priceMin > facts.voucherBalance) {
    failed.add('voucher');
  }
  // Written as a negation so that a malformed deadline (NaN) refuses the pair.
  if (!(now.getTime() + o.leadTimeDays * DAY_MS <= endOfDayUtc(need.deadline))) failed.add('leadTime');
  if (!(c.used < c.limit)) failed.add('noCapacity');

  if (failed.size === 0) return { eligible: true };
  const reasons = ELIGIBILITY_RULES.filter((r) => failed.has(r));
  return { eligible: false, reasons, codes: [...new Set(reasons.map((r) => ELIGIBILITY_CODE[r]))] };
}

/** Kept here too: scores are rounded by the policy's rule (policy.ts). */
export { round4 };

const clamp01 = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x);

function reputation(p: ProviderView): number {
  const { priorRating, priorWeight, certificationBonus, maxCertifications } = POLICY.reputation;
  const n = Math.max(0, p.ratingCount);
  // Ratings are 1..5; clamp so that a corrupt stored value cannot leave [0, 1].
  const rating = p.rating === null ? priorRating : Math.min(5, Math.max(1, p.rating));
  // Shrink toward the prior: one 5-star rating must not beat a long record of 4.8s.
  const mean = n === 0 ? priorRating : (priorRating * priorWeight + rating * n) / (priorWeight + n);
  const certs = Math.min(new Set(p.certifications).size, maxCertifications) * certificationBonus;
  return clamp01((mean - 1) / 4 + certs);
}

function price(need: Need, o: Offering): number {
  if (o.publicWelfare) return 1;
  if (need.budgetMax === undefined || o.priceMin === undefined) return POLICY.neutralPrice;
  // A zero budget is met only by a zero price (eligibility refuses the rest).
  if (need.budgetMax === 0) return o.priceMin === 0 ? 1 : 0;
  return clamp01(1 - o.priceMin / need.budgetMax);
}

/** The fit components, the plan's priority and the weight the assignment maximises. */
export function scorePair(need: Need, c: OfferingCandidate): ScoreBreakdown {
  const o = c.offering;
  const pp = projectPolicy(need.serviceType);
  const kinds = serviceTypeEntry(need.serviceType)?.providerKinds ?? [];

  const components: Record<FitComponent, number> = {
    proximity: o.regions.includes(need.sme.region.province) ? 1 : o.remote ? pp.remoteProximity : 0,
    specialisation: kinds.includes(c.provider.kind) ? 1 : pp.offKindSpecialisation,
    reputation: reputation(c.provider),
    price: price(need, o),
    load: c.limit > 0 ? clamp01((c.limit - c.used) / c.limit) : 0,
  };
  for (const k of FIT_COMPONENTS) components[k] = round4(components[k]);

  // From the rounded components, so the stored breakdown recomputes exactly.
  const sum = FIT_COMPONENTS.reduce((s, k) => s + pp.fitWeights[k] * components[k], 0);
  const fit = round4(clamp01(FIT_FLOOR + (1 - FIT_FLOOR) * sum));
  const { priority, reasons } = priorityFor(need.sme, need.serviceType, o);
  const p = round4(priority);

  return {
    ...components,
    fit,
    priority: p,
    priorityReasons: reasons,
    weight: round4(fit * p),
  };
}

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
      reasons: readonly EligibilityRule[];
      /** The same failures as contract codes, each once, in order of first appearance. */
      codes: readonly WaitingReasonCode[];
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
  // A round checks one need against every offering in turn: the same date
  // many times over, and parsing it was a third of a check's time.
  if (date !== lastDate) {
    lastDate = date;
    lastEnd = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T23:59:59.999Z`) : Number.NaN;
  }
  return lastEnd;
}
let lastDate: string | undefined;
let lastEnd = Number.NaN;

const ELIGIBLE: Eligibility = Object.freeze({ eligible: true });
const RULE_BIT = Object.fromEntries(ELIGIBILITY_RULES.map((r, i) => [r, 1 << i])) as Readonly<Record<EligibilityRule, number>>;
/**
 * One answer per set of failed rules, built on first use and shared (frozen):
 * a round checks thousands of needs against thousands of offerings, most of
 * them failing alike (another province), and allocating the reasons of each
 * was most of a check's cost.
 */
const failures = new Map<number, Eligibility>();
function failure(mask: number): Eligibility {
  let f = failures.get(mask);
  if (!f) {
    const reasons = Object.freeze(ELIGIBILITY_RULES.filter((r) => (mask & RULE_BIT[r]) !== 0));
    const codes = Object.freeze([...new Set(reasons.map((r) => ELIGIBILITY_CODE[r]))]);
    f = Object.freeze({ eligible: false as const, reasons, codes });
    failures.set(mask, f);
  }
  return f;
}

/**
 * Every rule a pair must satisfy. Reasons list every failed rule, in a fixed
 * order, so operators see the full picture and tests can check rules alone;
 * codes are the same failures in the contract's vocabulary.
 */
export function checkEligibility(need: Need, c: EligibilityCandidate, now: Date, facts: NeedFacts = {}): Eligibility {
  const o = c.offering;
  const sme = need.sme;
  let failed = 0;

  if (o.serviceType !== need.serviceType) failed |= RULE_BIT.serviceType;
  if (o.status !== 'ACTIVE') failed |= RULE_BIT.paused;
  if (c.providerSuspended === true) failed |= RULE_BIT.providerSuspended;
  if (c.providerApproved === false) failed |= RULE_BIT.providerNotApproved;
  if (need.excludedOfferingIds.includes(o.id)) failed |= RULE_BIT.excluded;
  if (!(o.regions.includes(sme.region.province) || (o.remote && need.remoteOk))) failed |= RULE_BIT.region;
  if (need.languages.length > 0 && !need.languages.some((l) => o.languages.some((m) => languagesMeet(l, m)))) {
    failed |= RULE_BIT.language;
  }
  const markets = o.markets ?? [];
  if (!need.markets.every((m) => markets.includes(m))) failed |= RULE_BIT.market;
  const sizeClasses = o.eligibility?.sizeClasses;
  if (sizeClasses && !sizeClasses.includes(sme.sizeClass)) failed |= RULE_BIT.sizeClass;
  const tiers = o.eligibility?.tiers;
  if (tiers && !tiers.includes(sme.tier)) failed |= RULE_BIT.tier;
  // A public-welfare offering is free to the SME whatever its list price.
  if (!o.publicWelfare && need.budgetMax !== undefined && o.priceMin !== undefined && o.priceMin > need.budgetMax) {
    failed |= RULE_BIT.budget;
  }
  // api.md: a voucher need is matched only to offerings priced within its balance, or free ones.
  if (!o.publicWelfare && facts.voucherBalance !== undefined && o.priceMin !== undefined && o.priceMin > facts.voucherBalance) {
    failed |= RULE_BIT.voucher;
  }
  // Written as a negation so that a malformed deadline (NaN) refuses the pair.
  if (!(now.getTime() + o.leadTimeDays * DAY_MS <= endOfDayUtc(need.deadline))) failed |= RULE_BIT.leadTime;
  if (!(c.used < c.limit)) failed |= RULE_BIT.noCapacity;

  return failed === 0 ? ELIGIBLE : failure(failed);
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
  const distinct = p.certifications.length < 2 ? p.certifications.length : new Set(p.certifications).size;
  const certs = Math.min(distinct, maxCertifications) * certificationBonus;
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
  return scorerFor(need).breakdown(c);
}

/** Each fit component's place in FIT_COMPONENTS order. */
const AT = Object.fromEntries(FIT_COMPONENTS.map((k, i) => [k, i])) as Readonly<Record<FitComponent, number>>;

/** scorePair for one need against many offerings. */
export interface PairScorer {
  /** scorePair(need, c).weight, the same number, without building the breakdown. */
  weight(c: OfferingCandidate): number;
  /** scorePair(need, c). */
  breakdown(c: OfferingCandidate): ScoreBreakdown;
}

/**
 * scorePair for one need against many offerings: what depends on the need
 * alone (its project's policy, and its priority, which depends on the
 * offering only by whether it is free) is worked out once. A round weighs
 * up to millions of pairs and keeps only their weights (domain/round.ts):
 * built for each, the breakdowns were most of a round's time, in their
 * allocation and its garbage collection.
 */
export function scorerFor(need: Need): PairScorer {
  const pp = projectPolicy(need.serviceType);
  const kinds: readonly ProviderKind[] = serviceTypeEntry(need.serviceType)?.providerKinds ?? [];
  const province = need.sme.region.province;
  // The fit weights in FIT_COMPONENTS order: the sum below adds in that order, as it always has, so
  // the weights are the same to the last bit.
  const fw = FIT_COMPONENTS.map((k) => pp.fitWeights[k]);
  const priorities: { priority: number; reasons: string[] }[] = [];
  const priorityOf = (o: Offering) => (priorities[o.publicWelfare ? 1 : 0] ??= priorityFor(need.sme, need.serviceType, o));
  // The rounded components of the pair scored last, in FIT_COMPONENTS order (breakdown reads them).
  const x = new Float64Array(FIT_COMPONENTS.length);
  const fitOf = (c: OfferingCandidate): number => {
    const o = c.offering;
    x[AT.proximity] = round4(o.regions.includes(province) ? 1 : o.remote ? pp.remoteProximity : 0);
    x[AT.specialisation] = round4(kinds.includes(c.provider.kind) ? 1 : pp.offKindSpecialisation);
    x[AT.reputation] = round4(reputation(c.provider));
    x[AT.price] = round4(price(need, o));
    x[AT.load] = round4(c.limit > 0 ? clamp01((c.limit - c.used) / c.limit) : 0);
    // From the rounded components, so the stored breakdown recomputes exactly.
    let sum = 0;
    for (let k = 0; k < x.length; k++) sum += fw[k]! * x[k]!;
    return round4(clamp01(FIT_FLOOR + (1 - FIT_FLOOR) * sum));
  };
  return {
    weight(c) {
      return round4(fitOf(c) * round4(priorityOf(c.offering).priority));
    },
    breakdown(c) {
      const fit = fitOf(c);
      const { priority, reasons } = priorityOf(c.offering);
      const p = round4(priority);
      const components = Object.fromEntries(FIT_COMPONENTS.map((k, i) => [k, x[i]!])) as Record<FitComponent, number>;
      return { ...components, fit, priority: p, priorityReasons: [...reasons], weight: round4(fit * p) };
    },
  };
}

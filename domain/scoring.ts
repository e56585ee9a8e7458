/**
 * Which (need, offering) pairs may be matched, and how much each is worth to
 * the assignment. Pure and deterministic: the same inputs give the same
 * breakdown, bit for bit, so a rerun of a matcher run proposes the same
 * matches and the stored breakdown can be recomputed to explain a match.
 */
import { serviceTypeEntry, type ProviderKind } from './catalog.ts';
import type { Need, Offering, ScoreBreakdown } from './model.ts';
import { FIT_COMPONENTS, FIT_FLOOR, POLICY, priorityFor, projectPolicy, type FitComponent } from './policy.ts';

/** What scoring needs of a provider (its rating is kept up to date by feedback). */
export interface ProviderView {
  id: string;
  kind: ProviderKind;
  rating: number | null;
  ratingCount: number;
  certifications: string[];
}

/** An offering with its provider and its capacity in the period being matched. */
export interface OfferingCandidate {
  offering: Offering;
  provider: ProviderView;
  limit: number;
  used: number;
}

export type Eligibility = { eligible: true } | { eligible: false; reasons: string[] };

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
 * order, so operators see the full picture and tests can check rules alone.
 */
export function checkEligibility(need: Need, c: OfferingCandidate, now: Date): Eligibility {
  const o = c.offering;
  const sme = need.sme;
  const reasons: string[] = [];

  if (o.serviceType !== need.serviceType) reasons.push('serviceType');
  if (o.status !== 'ACTIVE') reasons.push('paused');
  if (need.excludedOfferingIds.includes(o.id)) reasons.push('excluded');
  if (!(o.regions.includes(sme.region.province) || (o.remote && need.remoteOk))) reasons.push('region');
  if (need.languages.length > 0 && !need.languages.some((l) => o.languages.some((m) => languagesMeet(l, m)))) {
    reasons.push('language');
  }
  const markets = o.markets ?? [];
  if (!need.markets.every((m) => markets.includes(m))) reasons.push('market');
  const sizeClasses = o.eligibility?.sizeClasses;
  if (sizeClasses && !sizeClasses.includes(sme.sizeClass)) reasons.push('sizeClass');
  const tiers = o.eligibility?.tiers;
  if (tiers && !tiers.includes(sme.tier)) reasons.push('tier');
  // A public-welfare offering is free to the SME whatever its list price.
  if (!o.publicWelfare && need.budgetMax !== undefined && o.priceMin !== undefined && o.priceMin > need.budgetMax) {
    reasons.push('budget');
  }
  // Written as a negation so that a malformed deadline (NaN) refuses the pair.
  if (!(now.getTime() + o.leadTimeDays * DAY_MS <= endOfDayUtc(need.deadline))) reasons.push('leadTime');
  if (!(c.used < c.limit)) reasons.push('noCapacity');

  return reasons.length === 0 ? { eligible: true } : { eligible: false, reasons };
}

/**
 * Round half away from zero to 4 decimals. Multiplication and Math.round are
 * fully specified by ECMAScript on IEEE 754 doubles, so the same input gives
 * the same output on every runtime, which is all determinism needs (a decimal
 * "half" that binary cannot represent rounds by its representation, always the
 * same way). The `+ 0` turns -0 into 0 so stored breakdowns compare equal.
 */
export function round4(x: number): number {
  return (Math.sign(x) * Math.round(Math.abs(x) * 10_000)) / 10_000 + 0;
}

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

/**
 * A market round's decision, pure (the matcher, functions/usecases/matcher.ts,
 * reads the market and writes what this decides): the pairs it may make and
 * their weights, the provider soft caps, the solver's choice, and why each
 * need it leaves waiting waits.
 *
 * The pairs are every (need, offering) pair that passes checkEligibility and
 * scores above zero.
 *
 * Why not simply every need against every offering, as rounds did before:
 * a round takes up to MATCHER_MAX_NEEDS (5,000) needs, and a national
 * market can hold thousands of offerings, most of them in other provinces.
 * That way, 5,000 needs against 2,000 offerings took 37.7 s and peaked at
 * 1.93 GB (`npx tsx bench/round.ts`'s market, at 1847147), against the
 * matcher's 60 s and 1,769 MB: the pairing alone 30 s, most of it building
 * and collecting a breakdown object per pair, kept until the proposals were
 * written. Now the same round takes 3.5–4.1 s and 340–360 MB, the same pairs and
 * the same matches:
 * - The region rule, the one most pairs fail, is applied by lookup: a need
 *   can only be served in person in its own province, or remotely when it
 *   accepts that. Offerings are indexed by province once a round, and each
 *   need is checked only against those that pass that rule; every other
 *   rule is still checked pair by pair, by checkEligibility.
 * - Only each pair's weight is kept (scorerFor, which also works out the
 *   need's own part of the score once); the breakdown of a pair chosen is
 *   recomputed when its match is written.
 * - checkEligibility and waitingReasons share one answer per set of failed
 *   rules instead of building one per pair.
 */
import type { Need, ScoreBreakdown } from './model.ts';
import { POLICY, providerSoftCap } from './policy.ts';
import { checkEligibility, scorePair, scorerFor, type EligibilityCandidate, type NeedFacts, type OfferingCandidate } from './scoring.ts';
import { solveAssignment } from './solver.ts';
import type { SolverEdge, SolverProvider } from './solver/types.ts';
import { assignedPerOffering, waitingReasons, type WaitingReason } from './waiting.ts';

/**
 * A market's offerings by the provinces they serve in person, and those
 * that serve remotely: `for(need)` gives exactly the ones that pass
 * checkEligibility's region rule for that need, each once.
 */
export class CandidatesByRegion<C extends EligibilityCandidate> {
  private readonly inProvince = new Map<string, C[]>();
  private readonly remote: C[] = [];
  /** Per province: the remote offerings that do not also serve it in person (those are in its own list). */
  private readonly remoteElsewhere = new Map<string, C[]>();

  constructor(candidates: Iterable<C>) {
    for (const c of candidates) {
      for (const p of new Set(c.offering.regions)) {
        const list = this.inProvince.get(p);
        if (list) list.push(c);
        else this.inProvince.set(p, [c]);
      }
      if (c.offering.remote) this.remote.push(c);
    }
  }

  for(need: Need): readonly C[] {
    const province = need.sme.region.province;
    const local = this.inProvince.get(province) ?? [];
    if (!need.remoteOk || this.remote.length === 0) return local;
    let elsewhere = this.remoteElsewhere.get(province);
    if (!elsewhere) {
      elsewhere = this.remote.filter((c) => !c.offering.regions.includes(province));
      this.remoteElsewhere.set(province, elsewhere);
    }
    return local.length === 0 ? elsewhere : elsewhere.length === 0 ? local : [...local, ...elsewhere];
  }
}

/**
 * The solver's edges for these needs and offerings: each eligible pair with
 * a positive weight, in need order. The weights are scorePair's, so the
 * breakdown of any pair chosen can be recomputed to store with its match.
 */
export function eligiblePairs(
  needs: readonly Need[],
  candidates: readonly OfferingCandidate[],
  now: Date,
  factsOf: (needId: string) => NeedFacts = () => ({}),
): SolverEdge[] {
  const byRegion = new CandidatesByRegion(candidates);
  const edges: SolverEdge[] = [];
  for (const n of needs) {
    const facts = factsOf(n.id);
    const score = scorerFor(n);
    for (const c of byRegion.for(n)) {
      if (!checkEligibility(n, c, now, facts).eligible) continue;
      const weight = score.weight(c);
      if (weight > 0) edges.push({ need: n.id, offering: c.offering.id, weight });
    }
  }
  return edges;
}

/**
 * Each provider's soft cap this round (docs/matching.md "No provider takes a
 * market"): its matches this month in this market against the market's, both
 * read from the month's ledgers of the market's offerings, which the round
 * reads anyway (a ledger's `used` counts the matches holding its capacity;
 * those that ended unserved gave their unit back). No match is read.
 */
export function providerCaps(all: readonly OfferingCandidate[], roundMax: number): SolverProvider[] {
  const byProvider = new Map<string, number>();
  let marketMatches = 0;
  for (const c of all) {
    byProvider.set(c.offering.providerId, (byProvider.get(c.offering.providerId) ?? 0) + c.used);
    marketMatches += c.used;
  }
  return [...byProvider].map(([id, providerMatches]) => ({
    id,
    softCap: providerSoftCap({ providerMatches, marketMatches, roundMax }),
    penalty: POLICY.providerSharePenalty,
  }));
}

export interface RoundPlan {
  /** Number of pairs the solver weighed. */
  edges: number;
  /** The solver's choice, earliest need first. */
  assignments: { need: string; offering: string }[];
  solveMs: number;
  /** The breakdown stored with the match of a pair chosen (scorePair, recomputed). */
  breakdownOf(need: Need, offeringId: string): ScoreBreakdown;
  /**
   * Why this need waits after the round: the same eligibility and outcome the
   * round used. `assignedToThisNeed`: the offering the round chose for it,
   * when its claim was refused.
   */
  waitingReasonsOf(need: Need, assignedToThisNeed?: string): WaitingReason[];
}

/**
 * Decides a round: `needs` are the window's needs the round may match (past
 * their deadline, suspended or finishing an earlier proposal are not),
 * `all` the market's offerings as read, paused ones included (the waiting
 * reasons count them, and their matches count toward their provider's
 * share). Served first: the most needs served, then the most weight; a
 * provider past its share of the month's matches pays a penalty per match,
 * so another provider that fits about as well serves instead; where none
 * can, serving comes first.
 */
export function planRound(
  needs: readonly Need[],
  all: readonly OfferingCandidate[],
  now: Date,
  factsOf: (needId: string) => NeedFacts = () => ({}),
): RoundPlan {
  const candidates = all.filter((c) => c.offering.status === 'ACTIVE');
  const edges = eligiblePairs(needs, candidates, now, factsOf);
  const freeUnits = candidates.reduce((s, c) => s + Math.max(0, c.limit - c.used), 0);
  const t0 = performance.now();
  const { assignments } =
    edges.length === 0
      ? { assignments: [] }
      : solveAssignment({
          needs: needs.map((n) => ({ id: n.id, postedAt: n.postedAt })),
          offerings: candidates.map((c) => ({ id: c.offering.id, capacity: Math.max(0, c.limit - c.used), provider: c.offering.providerId })),
          edges,
          providers: providerCaps(all, Math.min(needs.length, freeUnits)),
          servedFirst: true,
        });
  const solveMs = performance.now() - t0;
  const assigned = assignedPerOffering(assignments);
  const byId = new Map(candidates.map((c) => [c.offering.id, c]));
  return {
    edges: edges.length,
    assignments,
    solveMs,
    breakdownOf: (need, offeringId) => scorePair(need, byId.get(offeringId)!),
    waitingReasonsOf: (need, assignedToThisNeed) =>
      waitingReasons({ need, offerings: all, now, facts: factsOf(need.id), outcome: { assigned, ...(assignedToThisNeed ? { assignedToThisNeed } : {}) } }),
  };
}

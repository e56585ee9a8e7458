/**
 * One market round: a bounded window of a service type's waiting needs
 * against every offering of it with capacity left this month, assigned by
 * the exact solver under the plan's policy (served first, then weight, each
 * provider held to its share of the month's matches by a soft cap), and for
 * each need it leaves waiting, why (domain/waiting.ts).
 *
 * Proposing one pair touches three items, in an order chosen so that every
 * crash point is recoverable and a rerun changes nothing:
 *   1. lock the need (WAITING -> PROPOSED, guarded by the version this round
 *      read, recording the claim it is about to make and a recheck time);
 *   2. claim the capacity (one conditional update, idempotent per match,
 *      checked against the month's ledger's own limit: store/ledger.ts);
 *   3. write the match (PROPOSED, id fixed by need and need version) with
 *      MatchProposed in its outbox, then publish.
 * Lost race at 1: someone changed the need; skip it. Full at 2: unlock the
 * need; it waits for the next round. Crash after 1 or 2: the expiry job finds
 * the need at its recheck time without its match, gives the claim back and
 * reopens the need.
 */
import { certificationLabels, standingOf } from '#domain/credentials.ts';
import { Conflict } from '#domain/errors.ts';
import { nextNeedStatus } from '#domain/lifecycle.ts';
import type { Match, Need, NeedWaiting, Offering, Provider, ScoreBreakdown } from '#domain/model.ts';
import { POLICY_VERSION } from '#domain/policy.ts';
import { planRound } from '#domain/round.ts';
import { scorePair, type OfferingCandidate } from '#domain/scoring.ts';
import { voucherBalances } from './vouchers.ts';
import { DETAIL_TYPES, makeEvent } from '#events/contracts.ts';
import { routesFor } from '#events/routing.ts';
import type { ServiceTypeId } from '#domain/catalog.ts';
import { deadlineEnd } from '#domain/deadlines.ts';
import { dayOf, profileOnDay } from '#domain/verification.ts';
import type { AppPorts } from '#functions/ports.ts';
import { retryOnStale, StaleWrite, type Draft, type Stored } from '../store/store.ts';
import { waitingSortKey, type MarketState } from '../store/rounds.ts';
import { matchEvent, transitionMatch } from './lifecycle.ts';
import { addHours, derivedId, iso, periodOf, publishStored } from './support.ts';

/**
 * How long after its lock a need locked before its match was written is
 * looked at again by the expiry job (its `recheckAt`). Rounds now write the
 * match first (see `propose`) and set no recheck; the expiry job still
 * rechecks needs locked the old way.
 */
export const RECHECK_AFTER_MINUTES = 15;
/** Writes at once (proposals, reasons): enough to hide latency, few enough not to flood the table. */
const PROPOSE_CONCURRENCY = 8;

/** Event types the matcher alone consumes (from the routing table): NeedPosted. */
const ROUND_ONLY: ReadonlySet<string> = new Set(
  DETAIL_TYPES.filter((t) => {
    const routes = routesFor(t);
    return routes.length > 0 && routes.every((r) => r.consumer === 'matcher');
  }),
);

/**
 * The need as a round that writes it leaves its outbox: without the events
 * only a round consumes. NeedPosted asks for a round; the round writing the
 * need is that round's work done, whichever event triggered it. Posting
 * publishes NeedPosted without clearing it (needs.ts), so this write is the
 * one that clears it: one write unit less per need. A need no round writes
 * within the relay's grace period is published again (jobs.ts).
 */
function roundTook(n: Stored<Need>): Stored<Need> {
  if (!n.pendingEvents?.some((e) => ROUND_ONLY.has(e.detailType))) return n;
  return { ...n, pendingEvents: n.pendingEvents.filter((e) => !ROUND_ONLY.has(e.detailType)) };
}

export interface RoundResult {
  serviceType: ServiceTypeId;
  /** Waiting needs the round took (its window, those past their deadline left out). */
  waiting: number;
  offerings: number;
  edges: number;
  proposed: number;
  lostRaces: number;
  /** Assigned by the solver but refused by the ledger: the offering's capacity was lowered or paused meanwhile. */
  claimsRefused: number;
  /** Needs whose reasons for waiting changed and were written. */
  reasonsWritten: number;
  /** More waiting needs lie beyond this round's window: the next round was asked for at once. */
  more: boolean;
  solveMs: number;
}

/**
 * One round of a market. Bounded: it takes at most MATCHER_MAX_NEEDS
 * waiting needs, oldest first, so it always finishes within the matcher's
 * Lambda timeout. When more wait, it records where it stopped and asks for
 * the next round at once (MarketRebalanceRequested); that round takes the
 * next window, and so on until the market's waiting needs are swept, when
 * the next trigger starts again from the oldest. Why oldest first and not
 * "highest priority first": priority belongs to a pair (the same SME ranks
 * differently on a free and a priced offering, docs/matching.md), so no
 * per-need key orders the index by it; oldest first needs no extra index,
 * starves no one (every waiting need is in some window of each sweep), and
 * within a window the exact solver ranks by priority. The cost: across
 * windows, a need of a later window cannot take a unit an earlier window
 * already gave. With the default 5,000 a market rarely has two windows.
 */
export async function runMarketRound(
  ports: AppPorts,
  serviceType: ServiceTypeId,
  /** Needs of this market that ended since its last round (their NeedWithdrawn/NeedExpired in this batch). */
  ended: readonly string[] = [],
): Promise<RoundResult> {
  const { store, config, clock, logger } = ports;
  const now = clock.now();
  // Reads that do not depend on each other go out together: a round is a chain of store calls, each a round trip.
  const [sweep, allOfferings, previousState] = await Promise.all([
    store.getRoundSweep(serviceType),
    store.offeringsOfMarket(serviceType),
    store.getMarketState(serviceType),
  ]);
  const after = sweep?.after;
  // The market's terms (ledgers, providers) are read while the window is: one round trip fewer on
  // the path from a need's round to its proposal, at the cost of reading them in the rare round that
  // finds nobody waiting. Both are awaited before either failure is thrown: the terms may repair a
  // ledger, and a Lambda must not return with a write in flight.
  const [windowRead, termsRead] = await Promise.allSettled([
    store.waitingWindow(serviceType, { after, limit: config.MATCHER_MAX_NEEDS }),
    allOfferings.length > 0 ? marketTerms(ports, allOfferings, periodOf(now), now) : { all: [], providers: new Map<string, Provider>(), claimedBy: new Map<string, string>() },
  ]);
  if (windowRead.status === 'rejected') throw windowRead.reason;
  if (termsRead.status === 'rejected') throw termsRead.reason;
  const window = windowRead.value;
  await dropStaleAttempts(ports, [...window.needs, ...(ended.length > 0 ? (await store.batchGet('need', ended)).values() : [])], termsRead.value.claimedBy, periodOf(now));

  const proposedNeeds = new Set<string>();
  const result = await matchWindow(ports, serviceType, window.needs, allOfferings, termsRead.value, now, proposedNeeds);
  result.more = window.more;

  // The needs this sweep has left waiting so far, by province: the market's state once the sweep ends.
  const waiting = { ...(sweep?.waiting ?? {}) };
  for (const n of window.needs) if (!proposedNeeds.has(n.id)) waiting[n.sme.region.province] = (waiting[n.sme.region.province] ?? 0) + 1;

  // The sweep goes on from the last need of this window, or ends here. Written
  // after the proposals: a round that fails is retried on the same window.
  const last = window.needs.at(-1);
  if (!window.more) {
    const state = marketState(serviceType, allOfferings, waiting, now);
    // Written only when it changed: most rounds leave a market's shape as it was.
    if (!previousState || !sameShape(previousState, state)) await store.putMarketState(state);
  }
  if (window.more && last) {
    await store.setRoundCursor(serviceType, waitingSortKey(last), waiting);
    await ports.publisher.publish([
      makeEvent('MarketRebalanceRequested', `round:${serviceType}:${iso(now)}`, 1, {
        serviceType,
        occurredAt: iso(now),
        reason: `next window of a bounded round (${config.MATCHER_MAX_NEEDS} needs per round)`,
      }),
    ]);
  } else if (after !== undefined) {
    await store.setRoundCursor(serviceType, undefined);
  }
  logger.info('market round', { ...result });
  return result;
}

/**
 * The market as a whole round leaves it, for the markets report
 * (usecases/analytics.ts): needs left waiting by province, and the monthly
 * capacity of its active offerings (by province served in person, and in all).
 */
function marketState(serviceType: ServiceTypeId, offerings: readonly Offering[], waiting: Record<string, number>, now: Date): MarketState {
  const capacity: Record<string, number> = {};
  let capacityTotal = 0;
  for (const o of offerings) {
    if (o.status !== 'ACTIVE') continue;
    capacityTotal += o.capacityPerMonth;
    for (const p of o.regions) capacity[p] = (capacity[p] ?? 0) + o.capacityPerMonth;
  }
  return { serviceType, at: iso(now), waiting, capacity, capacityTotal };
}

const sortedJson = (r: Record<string, number>) => JSON.stringify(Object.entries(r).filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)));
const sameShape = (a: MarketState, b: MarketState) =>
  a.capacityTotal === b.capacityTotal && sortedJson(a.waiting) === sortedJson(b.waiting) && sortedJson(a.capacity) === sortedJson(b.capacity);

type MarketTerms = Awaited<ReturnType<typeof marketTerms>>;

/** A market's terms for one round: each offering with its provider, its standing and its month's ledger. */
async function marketTerms(ports: AppPorts, allOfferings: readonly Stored<Offering>[], period: string, now: Date) {
  const { store } = ports;
  const [ledgers, providers] = await Promise.all([
    store.batchGetCapacities(
      allOfferings.map((o) => o.id),
      period,
    ),
    store.batchGet(
      'provider',
      allOfferings.map((o) => o.providerId),
    ),
  ]);

  // Paused offerings too: the waiting reasons count them, and their matches count toward their provider's share.
  const all: OfferingCandidate[] = [];
  for (const o of allOfferings) {
    const p = providers.get(o.providerId);
    if (!p) continue;
    let ledger = ledgers.get(o.id);
    const open = o.status === 'ACTIVE';
    if (ledger && (ledger.offeringVersion ?? 0) < o.version && (ledger.limit !== o.capacityPerMonth || (ledger.closed === true) === open)) {
      // A change whose ledger write was lost (a crash after the offering's write): the
      // offering is newer, so it repairs the ledger; versioned, it never undoes a newer change.
      if (await store.setCapacityTerms(o.id, period, { limit: o.capacityPerMonth, open, offeringVersion: o.version })) {
        const { closed: _was, ...rest } = ledger;
        ledger = { ...rest, limit: o.capacityPerMonth, offeringVersion: o.version, ...(open ? {} : { closed: true as const }) };
      }
    }
    all.push({
      offering: o,
      // Only valid certifications count toward reputation (an expired one counts for nothing).
      provider: { id: p.id, kind: p.kind, rating: p.rating, ratingCount: p.ratingCount, certifications: certificationLabels(p.certifications, now) },
      // Offerings of a provider not APPROVED (or suspended, or whose designation lapsed) are never matched.
      ...standingOf(p, now),
      // The ledger is the truth once it exists (a change since this round read the offering is in it).
      limit: ledger ? (ledger.closed ? 0 : ledger.limit) : o.capacityPerMonth,
      used: ledger?.used ?? 0,
    });
  }
  // Who holds each claim of the month (a match id), on which offering: how a round finds the
  // proposals an earlier one left unfinished (`propose`).
  const claimedBy = new Map<string, string>();
  for (const [offeringId, ledger] of ledgers) for (const holder of ledger.claims) claimedBy.set(holder, offeringId);
  return { all, providers, claimedBy };
}

const reasonsKey = (w: NeedWaiting['reasons'] | undefined) => (w ?? []).map((r) => `${r.code}|${r.count ?? ''}|${r.detail ?? ''}`).join(';');

async function matchWindow(
  ports: AppPorts,
  serviceType: ServiceTypeId,
  window: readonly Stored<Need>[],
  allOfferings: readonly Stored<Offering>[],
  terms: MarketTerms,
  now: Date,
  /** Filled with the needs this round proposed a match for. */
  proposedNeeds: Set<string> = new Set(),
): Promise<RoundResult> {
  const nowIso = iso(now);
  const period = periodOf(now);
  // Needs past their deadline are the expiry job's; offerings paused take nothing. A
  // suspended SME's needs are out of matching (its index entry may lag the suspension),
  // and a verified tier past its end date counts as NONE from that day (no write needed).
  const today = dayOf(now);
  const needs = window
    .filter((n) => deadlineEnd(n.deadline) >= nowIso && !n.sme.suspended)
    .map((n) => ({ ...n, sme: profileOnDay(n.sme, today) }));
  const result: RoundResult = {
    serviceType,
    waiting: needs.length,
    offerings: allOfferings.filter((o) => o.status === 'ACTIVE').length,
    edges: 0,
    proposed: 0,
    lostRaces: 0,
    claimsRefused: 0,
    reasonsWritten: 0,
    more: false,
    solveMs: 0,
  };
  if (needs.length === 0) return result;

  const { all, providers, claimedBy } = terms;
  // Proposals an earlier round left unfinished (it stopped after claiming, or after writing the
  // match): a claim held under the match id a waiting need would get now. They are finished first,
  // on the offering claimed, whose ledger already counts the unit; their needs sit this round out.
  const candidateById = new Map(all.map((c) => [c.offering.id, c]));
  const unfinished = needs.flatMap((n) => {
    const offeringId = claimedBy.get(proposalId(n));
    const c = offeringId === undefined ? undefined : candidateById.get(offeringId);
    return c ? [{ need: n, candidate: c }] : [];
  });
  const finishing = new Set(unfinished.map((u) => u.need.id));
  const open = needs.filter((n) => !finishing.has(n.id));
  // A need paid by a voucher is matched only to what its balance can pay (usecases/vouchers.ts).
  const balances = await voucherBalances(ports, open);
  const factsOf = (needId: string) => (balances.has(needId) ? { voucherBalance: balances.get(needId)! } : {});

  const plan = planRound(open, all, now, factsOf);
  result.edges = plan.edges;
  result.solveMs = plan.solveMs;
  // Why each need the round leaves waiting waits: the same eligibility and outcome the round used.
  const explain = (n: Stored<Need>, assignedToThisNeed?: string): NeedWaiting => ({
    since: n.waiting?.since ?? n.updatedAt,
    lastRoundAt: nowIso,
    reasons: plan.waitingReasonsOf(n, assignedToThisNeed),
  });

  const needById = new Map(open.map((n) => [n.id, n]));
  const placed = new Set(plan.assignments.map((a) => a.need));
  const counted = (needId: string) => (outcome: 'proposed' | 'lost' | 'refused') => {
    if (outcome === 'proposed') {
      result.proposed++;
      proposedNeeds.add(needId);
    } else if (outcome === 'refused') result.claimsRefused++;
    else result.lostRaces++;
  };
  const tasks: Array<() => Promise<void>> = [
    ...unfinished.map(({ need, candidate }) => async () => {
      const providerOwnerSub = providers.get(candidate.offering.providerId)!.ownerSub;
      const outcome = await propose(ports, need, candidate.offering, providerOwnerSub, scorePair(need, candidate), period, () => explain(need));
      counted(need.id)(outcome);
    }),
    ...plan.assignments.map((a) => async () => {
      const { offering } = candidateById.get(a.offering)!;
      const providerOwnerSub = providers.get(offering.providerId)!.ownerSub;
      const need = needById.get(a.need)!;
      const breakdown = plan.breakdownOf(need, a.offering);
      counted(need.id)(await propose(ports, need, offering, providerOwnerSub, breakdown, period, () => explain(need, a.offering)));
    }),
    // Unplaced needs: written only when the reasons changed, to save write units.
    ...open
      .filter((n) => !placed.has(n.id))
      .map((n) => async () => {
        const waiting = explain(n);
        if (n.waiting && reasonsKey(n.waiting.reasons) === reasonsKey(waiting.reasons)) return;
        try {
          await ports.store.update('need', roundTook(n), { waiting });
          result.reasonsWritten++;
        } catch (e) {
          // Changed meanwhile (withdrawn, proposed by a racing round): the next round explains it if it still waits.
          if (!(e instanceof StaleWrite)) throw e;
        }
      }),
  ];
  const worker = async () => {
    for (let t = tasks.shift(); t; t = tasks.shift()) await t();
  };
  // Wait for every worker before failing: a Lambda must not return (and be frozen) with writes in flight.
  const settled = await Promise.allSettled(Array.from({ length: PROPOSE_CONCURRENCY }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return result;
}

/** How many earlier versions of a need are looked at for a claim an unfinished proposal left (see dropStaleAttempts). */
const STALE_VERSIONS = 5;

/**
 * Claims left by proposals that stopped before their lock and can no longer
 * be finished: held under the match id of an earlier version of a need that
 * still waits (its SME's facts were refreshed since) or has ended (withdrawn,
 * expired). Each is given back, its match (if written, still PROPOSED and
 * never locked to) taken back with it. A claim whose match is in any other
 * state belongs to that match's lifecycle and is left alone.
 */
async function dropStaleAttempts(ports: AppPorts, needs: Iterable<Stored<Need>>, claimedBy: ReadonlyMap<string, string>, period: string): Promise<void> {
  if (claimedBy.size === 0) return;
  for (const n of needs) {
    for (let v = n.version - 1; v >= Math.max(1, n.version - STALE_VERSIONS); v--) {
      const id = proposalId({ id: n.id, version: v });
      const offeringId = claimedBy.get(id);
      if (!offeringId) continue;
      const m = await ports.store.get('match', id, true);
      if (!m) await ports.store.releaseCapacity(offeringId, period, id);
      else if (m.status === 'PROPOSED' && n.currentMatchId !== id) await withdrawProposal(ports, m);
    }
  }
}

/** The match a need's next proposal writes: fixed by the need and the version the round saw, so a rerun names the same match. */
export const proposalId = (need: Pick<Need, 'id' | 'version'>) => derivedId('mt', need.id, String(need.version));

/**
 * Proposes `offering` to `need`, with no transaction, in the order that
 * leaves nothing to recheck:
 *
 * 1. claims a unit of the offering's month, held by the match id;
 * 2. writes the match (MatchProposed in its outbox);
 * 3. locks the need to it (WAITING -> PROPOSED, guarded by the version the
 *    round read);
 * 4. publishes.
 *
 * A crash after 1 or 2 leaves a claim held under the match id the need, still
 * waiting at the same version, would get again: the next round of its market
 * finds it in the ledgers it reads anyway and finishes that proposal first
 * (`unfinishedProposals`). Locking first (as before) needed the expiry job to
 * look at every proposal again 15 minutes later, a write per proposal.
 */
async function propose(
  ports: AppPorts,
  need: Stored<Need>,
  offering: Offering,
  providerOwnerSub: string,
  breakdown: ScoreBreakdown,
  period: string,
  /** Why the need waits, should the ledger refuse the claim. */
  explainRefusal: () => NeedWaiting,
): Promise<'proposed' | 'lost' | 'refused'> {
  const { store, config } = ports;
  const matchId = proposalId(need);

  // 1. Claim the capacity. Checked against the ledger's own limit and state, not what this round
  // read: an offering lowered or paused since is refused here. The offering's terms as read only
  // make the month's ledger if no writer has yet (ledger.ts).
  const claim = await store.claimCapacity(
    offering.id,
    period,
    { limit: offering.capacityPerMonth, open: offering.status === 'ACTIVE', offeringVersion: offering.version },
    matchId,
  );
  if (claim === 'full') {
    // Nothing was written for it: the need only learns why it waits.
    try {
      await store.update('need', roundTook(need), { waiting: explainRefusal() });
    } catch (e) {
      // Changed meanwhile (withdrawn, say): the next round explains it if it still waits.
      if (!(e instanceof StaleWrite)) throw e;
    }
    return 'refused';
  }

  // 2. Write the match. Created at the store's instant (its updatedAt too), so the stored item
  // need not repeat the time (store/codec.ts).
  const draft = (at: Date): Draft<Match> => ({
    id: matchId,
    needId: need.id,
    offeringId: offering.id,
    providerId: offering.providerId,
    smeId: need.smeId,
    smeOwnerSub: need.ownerSub,
    providerOwnerSub,
    serviceType: need.serviceType,
    period,
    status: 'PROPOSED',
    score: breakdown.weight,
    breakdown,
    policyVersion: POLICY_VERSION,
    smeAccepted: false,
    providerAccepted: false,
    needPostedAt: need.postedAt,
    smeProvince: need.sme.region.province,
    expiresAt: iso(addHours(at, config.MATCH_TTL_HOURS)),
    createdAt: iso(at),
    history: [{ status: 'PROPOSED', at: iso(at), by: 'system' }],
    // No summaries of the parties here: the read paths add them (match-context.ts), so the item
    // stays under 1 KB (one write unit per write instead of three) and never goes stale.
  });
  let match: Stored<Match>;
  try {
    match = await store.insert('match', draft, (written) => [matchEvent(written, 'MatchProposed')]);
  } catch (e) {
    if (!(e instanceof Conflict)) throw e;
    // An earlier attempt at this need's proposal wrote it (a rerun, a racing round, or a crash before its lock).
    const earlier = (await store.get('match', matchId, true))!;
    // The claim this attempt holds is not the earlier attempt's: give it back.
    if (earlier.offeringId !== offering.id || earlier.period !== period || earlier.status !== 'PROPOSED') {
      await store.releaseCapacity(offering.id, period, matchId);
    }
    if (earlier.status !== 'PROPOSED') return 'lost'; // undone since (see withdrawProposal)
    match = earlier;
  }

  // 3. Lock the need; 4. announce the match.
  const lock = await lockNeed(ports, need, match);
  if (lock === 'changed') await withdrawProposal(ports, match);
  if (lock !== 'locked') return 'lost'; // 'taken': a racing attempt at the same proposal locked and announces it
  await publishStored(ports, { kind: 'match', id: match.id }, match.pendingEvents ?? [], match.version);
  return 'proposed';
}

/**
 * Locks the need to its proposal, guarded by the version the round read:
 * 'locked'; 'taken' when a racing attempt at the same proposal locked it
 * first; 'changed' when it changed otherwise meanwhile (withdrawn, its SME
 * suspended).
 */
async function lockNeed(ports: AppPorts, need: Stored<Need>, match: Match): Promise<'locked' | 'taken' | 'changed'> {
  try {
    await ports.store.update('need', roundTook(need), {
      status: nextNeedStatus(need.status, 'propose'),
      currentMatchId: match.id,
      claim: { offeringId: match.offeringId, period: match.period },
      // No longer waiting; if it waits again, the next round says why.
      waiting: undefined,
      // Set by locks written before the match was (the expiry job still rechecks those).
      recheckAt: undefined,
    });
    return 'locked';
  } catch (e) {
    if (!(e instanceof StaleWrite)) throw e;
    const cur = await ports.store.get('need', need.id, true);
    return cur?.status === 'PROPOSED' && cur.currentMatchId === match.id ? 'taken' : 'changed';
  }
}

/**
 * Undoes a proposal whose need changed before it could be locked: the match
 * is cancelled and its unit given back. If its MatchProposed is still in its
 * outbox nobody has heard of it, and it is dropped unannounced; otherwise
 * (the relay sent it, which takes a minute) the cancellation is announced.
 */
async function withdrawProposal(ports: AppPorts, match: Stored<Match>): Promise<void> {
  const reason = 'the need changed before the proposal could be recorded';
  const announced = await retryOnStale(async () => {
    const cur = await ports.store.get('match', match.id, true);
    if (!cur || cur.status !== 'PROPOSED') return false;
    if (!cur.pendingEvents?.some((e) => e.detailType === 'MatchProposed')) return true;
    await ports.store.update(
      'match',
      { ...cur, pendingEvents: cur.pendingEvents.filter((e) => e.detailType !== 'MatchProposed') },
      (now) => ({ status: 'CANCELLED', history: [...cur.history, { status: 'CANCELLED', at: iso(now), by: 'system', reason }] }),
    );
    return false;
  }, { attempts: 5 });
  if (announced) await transitionMatch(ports, match.id, 'cancel', 'system', { reason });
  await ports.store.releaseCapacity(match.offeringId, match.period, match.id);
}

/**
 * One market round: every waiting need of a service type against every
 * offering of it with capacity left this month, assigned by the exact
 * capacitated max-weight solver under the plan's policy.
 *
 * Proposing one pair touches three items, in an order chosen so that every
 * crash point is recoverable and a rerun changes nothing:
 *   1. lock the need (WAITING -> PROPOSED, guarded by the version this round
 *      read, recording the claim it is about to make and a recheck time);
 *   2. claim the capacity (one conditional update, idempotent per need);
 *   3. write the match (PROPOSED, id fixed by need and need version) with
 *      MatchProposed in its outbox, then publish.
 * Lost race at 1: someone changed the need; skip it. Full at 2: unlock the
 * need; it waits for the next round. Crash after 1 or 2: the expiry job finds
 * the need at its recheck time without its match, gives the claim back and
 * reopens the need.
 */
import { Conflict } from '#domain/errors.ts';
import { nextNeedStatus } from '#domain/lifecycle.ts';
import type { Match, Need, Offering, ScoreBreakdown } from '#domain/model.ts';
import { POLICY_VERSION } from '#domain/policy.ts';
import { checkEligibility, scorePair, type OfferingCandidate } from '#domain/scoring.ts';
import { solveAssignment, type SolverEdge } from '#domain/solver.ts';
import type { ServiceTypeId } from '#domain/catalog.ts';
import { deadlineEnd } from '#domain/deadlines.ts';
import type { AppPorts } from '#functions/ports.ts';
import { matchKey } from '../store/keys.ts';
import { entityOf, StaleWrite, type Stored } from '../store/store.ts';
import { matchEvent } from './lifecycle.ts';
import { addHours, derivedId, iso, periodOf, publishStored } from './support.ts';

/** A locked need whose match is not written by then is checked by the expiry job. */
export const RECHECK_AFTER_MINUTES = 15;
/** Proposals written at once: enough to hide latency, few enough not to flood the table. */
const PROPOSE_CONCURRENCY = 8;

export interface RoundResult {
  serviceType: ServiceTypeId;
  waiting: number;
  offerings: number;
  edges: number;
  proposed: number;
  lostRaces: number;
  solveMs: number;
}

export async function runMarketRound(ports: AppPorts, serviceType: ServiceTypeId): Promise<RoundResult> {
  const { store, clock, logger } = ports;
  const now = clock.now();
  const nowIso = iso(now);
  const period = periodOf(now);

  const [allWaiting, allOfferings] = await Promise.all([store.waitingNeedsOfMarket(serviceType), store.offeringsOfMarket(serviceType)]);
  // Needs past their deadline are the expiry job's; offerings paused take nothing.
  const needs = allWaiting.filter((n) => deadlineEnd(n.deadline) >= nowIso);
  const offerings = allOfferings.filter((o) => o.status === 'ACTIVE');
  const result: RoundResult = { serviceType, waiting: needs.length, offerings: offerings.length, edges: 0, proposed: 0, lostRaces: 0, solveMs: 0 };
  if (needs.length === 0 || offerings.length === 0) return result;

  const [ledgers, providers] = await Promise.all([
    store.batchGetCapacities(
      offerings.map((o) => o.id),
      period,
    ),
    store.batchGet(
      'provider',
      offerings.map((o) => o.providerId),
    ),
  ]);

  const candidates: OfferingCandidate[] = [];
  for (const o of offerings) {
    const ledger = ledgers.get(o.id);
    if (ledger && ledger.limit !== o.capacityPerMonth) {
      // A capacity change whose ledger update was lost: the offering is the truth.
      await store.setCapacityLimit(o.id, period, o.capacityPerMonth);
    }
    const p = providers.get(o.providerId);
    if (!p) continue;
    candidates.push({
      offering: o,
      provider: { id: p.id, kind: p.kind, rating: p.rating, ratingCount: p.ratingCount, certifications: p.certifications },
      limit: o.capacityPerMonth,
      used: ledger?.used ?? 0,
    });
  }

  const edges: SolverEdge[] = [];
  const breakdowns = new Map<string, ScoreBreakdown>();
  for (const n of needs) {
    for (const c of candidates) {
      if (!checkEligibility(n, c, now).eligible) continue;
      const b = scorePair(n, c);
      if (b.weight <= 0) continue;
      edges.push({ need: n.id, offering: c.offering.id, weight: b.weight });
      breakdowns.set(`${n.id}|${c.offering.id}`, b);
    }
  }
  result.edges = edges.length;
  if (edges.length === 0) return result;

  const t0 = performance.now();
  const solution = solveAssignment({
    needs: needs.map((n) => ({ id: n.id, postedAt: n.postedAt })),
    offerings: candidates.map((c) => ({ id: c.offering.id, capacity: Math.max(0, c.limit - c.used) })),
    edges,
  });
  result.solveMs = performance.now() - t0;

  const needById = new Map(needs.map((n) => [n.id, n]));
  const offeringById = new Map(candidates.map((c) => [c.offering.id, c.offering]));
  const queue = [...solution.assignments];
  const worker = async () => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      const offering = offeringById.get(a.offering)!;
      const providerOwnerSub = providers.get(offering.providerId)!.ownerSub;
      const ok = await propose(ports, needById.get(a.need)!, offering, providerOwnerSub, breakdowns.get(`${a.need}|${a.offering}`)!, period, now);
      if (ok) result.proposed++;
      else result.lostRaces++;
    }
  };
  // Wait for every worker before failing: a Lambda must not return (and be frozen) with writes in flight.
  const settled = await Promise.allSettled(Array.from({ length: PROPOSE_CONCURRENCY }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  logger.info('market round', { ...result });
  return result;
}

async function propose(
  ports: AppPorts,
  need: Stored<Need>,
  offering: Offering,
  providerOwnerSub: string,
  breakdown: ScoreBreakdown,
  period: string,
  now: Date,
): Promise<boolean> {
  const { store, config } = ports;
  const nowIso = iso(now);
  // Fixed by the need and the version this round saw: a rerun of the same round names the same match.
  const matchId = derivedId('mt', need.id, String(need.version));

  // 1. Lock the need.
  const locked: Need = {
    ...entityOf(need),
    status: nextNeedStatus(need.status, 'propose'),
    currentMatchId: matchId,
    claim: { offeringId: offering.id, period },
    recheckAt: iso(addHours(now, RECHECK_AFTER_MINUTES / 60)),
    version: need.version + 1,
    updatedAt: nowIso,
  };
  try {
    await store.save('need', need, locked);
  } catch (e) {
    if (e instanceof StaleWrite) return false;
    throw e;
  }

  // 2. Claim the capacity.
  const claim = await store.claimCapacity(offering.id, period, offering.capacityPerMonth, matchId);
  if (claim === 'full') {
    const reopened: Need = { ...locked, status: 'WAITING', version: locked.version + 1, updatedAt: nowIso };
    delete reopened.currentMatchId;
    delete reopened.claim;
    delete reopened.recheckAt;
    try {
      await store.save('need', { ...locked, pendingEvents: need.pendingEvents ?? [] }, reopened);
    } catch (e) {
      // Changed meanwhile (withdrawn): its own follow-up handles it; the recheck covers the rest.
      if (!(e instanceof StaleWrite)) throw e;
    }
    return false;
  }

  // 3. Write the match and announce it.
  const match: Match = {
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
    expiresAt: iso(addHours(now, config.MATCH_TTL_HOURS)),
    createdAt: nowIso,
    updatedAt: nowIso,
    version: 1,
    history: [{ status: 'PROPOSED', at: nowIso, by: 'system' }],
  };
  const events = [matchEvent(match, 'MatchProposed')];
  try {
    await store.create('match', match, events);
  } catch (e) {
    if (!(e instanceof Conflict)) throw e;
    return true; // written by an earlier attempt of this same round
  }
  await publishStored(ports, matchKey(match.id), events, match.version);
  return true;
}

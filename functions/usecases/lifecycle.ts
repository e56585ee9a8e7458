/**
 * State changes of matches and needs, and their follow-ups.
 *
 * Without transactions, a change that touches several items is split into
 * one authoritative write (the match or the need, carrying its events in its
 * outbox) and follow-ups (release capacity, reopen or close the need) that
 * are idempotent and re-driven by the event itself: the handler runs them
 * inline, and the matcher runs them again when the event reaches it. A crash
 * between the writes therefore delays the follow-up; it never loses it.
 */
import { Conflict } from '#domain/errors.ts';
import {
  applyMatchCommand,
  EXCLUDING_STATUSES,
  nextNeedStatus,
  OPEN_MATCH_STATUSES,
  RELEASING_STATUSES,
  type MatchCommand,
} from '#domain/lifecycle.ts';
import type { Actor, Match, MatchStatus, Need } from '#domain/model.ts';
import { makeEvent, type AppEvent, type DetailType } from '#events/contracts.ts';
import type { AppPorts } from '#functions/ports.ts';
import { matchKey, needKey } from '../store/keys.ts';
import { entityOf, StaleWrite, type Stored } from '../store/store.ts';
import { addHours, iso, publishStored } from './support.ts';

const MAX_RETRIES = 5;

/** The event a match's new state announces. */
function matchEventType(entry: string): DetailType {
  switch (entry) {
    case 'APPROVED':
      return 'MatchApproved';
    case 'REJECTED':
      return 'MatchRejected';
    case 'SME_ACCEPTED':
    case 'PROVIDER_ACCEPTED':
      return 'MatchAccepted';
    case 'CONFIRMED':
      return 'MatchConfirmed';
    case 'DECLINED':
      return 'MatchDeclined';
    case 'COMPLETED':
      return 'MatchCompleted';
    case 'EXPIRED':
      return 'MatchExpired';
    case 'CANCELLED':
      return 'MatchCancelled';
    case 'PROPOSED':
      return 'MatchProposed';
    default:
      throw new Error(`no event for match state ${entry}`);
  }
}

export function matchEvent(m: Match, detailType: DetailType, reason?: string): AppEvent {
  return makeEvent(detailType as 'MatchProposed', m.id, m.version, {
    matchId: m.id,
    needId: m.needId,
    offeringId: m.offeringId,
    providerId: m.providerId,
    smeId: m.smeId,
    smeOwnerSub: m.smeOwnerSub,
    providerOwnerSub: m.providerOwnerSub,
    serviceType: m.serviceType,
    status: m.status,
    period: m.period,
    occurredAt: m.updatedAt,
    ...(reason ? { reason } : {}),
  });
}

export function needEvent(n: Need, detailType: 'NeedPosted' | 'NeedWithdrawn' | 'NeedExpired'): AppEvent {
  return makeEvent(detailType, n.id, n.version, {
    needId: n.id,
    smeId: n.smeId,
    serviceType: n.serviceType,
    occurredAt: n.updatedAt,
  });
}

const isVersionConflict = (e: unknown) => e instanceof StaleWrite;

/**
 * Applies a command to a match (re-reading on a concurrent change), runs its
 * follow-ups and publishes. `authorize` sees the current match first and
 * throws NotFound/Forbidden for a caller who may not act on it.
 */
export async function transitionMatch(
  ports: AppPorts,
  matchId: string,
  cmd: MatchCommand,
  by: Actor,
  opts: { reason?: string; authorize?: (m: Stored<Match>) => void; notFound?: () => Error } = {},
): Promise<Stored<Match>> {
  for (let attempt = 0; ; attempt++) {
    const m = await ports.store.get('match', matchId, true);
    if (!m) throw opts.notFound ? opts.notFound() : new Conflict(`match ${matchId} does not exist`);
    opts.authorize?.(m);
    const s = applyMatchCommand(m, cmd, by);
    const now = ports.clock.now();
    const next: Match = {
      ...entityOf(m),
      status: s.status,
      smeAccepted: s.smeAccepted,
      providerAccepted: s.providerAccepted,
      version: m.version + 1,
      updatedAt: iso(now),
      history: [...m.history, { status: s.entry, at: iso(now), by, ...(opts.reason ? { reason: opts.reason } : {}) }],
    };
    if (s.status === 'APPROVED' && m.status === 'PROPOSED') next.expiresAt = iso(addHours(now, ports.config.MATCH_TTL_HOURS));
    if (!OPEN_MATCH_STATUSES.includes(s.status)) delete next.expiresAt;
    const events = [matchEvent(next, matchEventType(s.entry), opts.reason)];
    try {
      await ports.store.save('match', m, next, events);
    } catch (e) {
      if (isVersionConflict(e) && attempt < MAX_RETRIES) continue;
      throw e;
    }
    await settleMatch(ports, next);
    await publishStored(ports, matchKey(next.id), [...(m.pendingEvents ?? []), ...events], next.version);
    return { ...next, pendingEvents: [] };
  }
}

/**
 * The follow-ups of a match's state, idempotent: give back capacity for a
 * released match and reopen its need (excluding the offering after a reject
 * or decline); mark the need MATCHED on confirmation and FULFILLED on completion.
 */
export async function settleMatch(ports: AppPorts, m: Match): Promise<void> {
  if (RELEASING_STATUSES.includes(m.status)) {
    await ports.store.releaseCapacity(m.offeringId, m.period, m.id);
  }
  const target = needTargetFor(m.status);
  if (!target) return;
  await updateNeed(ports, m.needId, (n) => {
    if (n.currentMatchId !== m.id) return undefined;
    if (target === 'reopen' && n.status === 'PROPOSED') {
      const excluded = EXCLUDING_STATUSES.includes(m.status) && !n.excludedOfferingIds.includes(m.offeringId);
      return {
        status: nextNeedStatus(n.status, 'reopen'),
        currentMatchId: undefined,
        recheckAt: undefined,
        claim: undefined,
        excludedOfferingIds: excluded ? [...n.excludedOfferingIds, m.offeringId] : n.excludedOfferingIds,
      };
    }
    if (target === 'confirm' && n.status === 'PROPOSED') return { status: nextNeedStatus(n.status, 'confirm'), recheckAt: undefined };
    if (target === 'fulfil' && n.status === 'MATCHED') return { status: nextNeedStatus(n.status, 'fulfil') };
    if (target === 'fulfil' && n.status === 'PROPOSED') {
      // The CONFIRMED follow-up was lost and the match already completed: catch up both steps.
      return { status: 'FULFILLED', recheckAt: undefined };
    }
    return undefined;
  });
}

function needTargetFor(status: MatchStatus): 'reopen' | 'confirm' | 'fulfil' | undefined {
  if (RELEASING_STATUSES.includes(status)) return 'reopen';
  if (status === 'CONFIRMED') return 'confirm';
  if (status === 'COMPLETED') return 'fulfil';
  return undefined;
}

/**
 * Read-modify-write of a need with retries on concurrent change. `change`
 * returns the fields to change, or undefined for "nothing to do".
 */
export async function updateNeed(
  ports: AppPorts,
  needId: string,
  change: (n: Stored<Need>) => Partial<Need> | undefined,
  events: (next: Need) => AppEvent[] = () => [],
): Promise<Stored<Need> | undefined> {
  for (let attempt = 0; ; attempt++) {
    const n = await ports.store.get('need', needId, true);
    if (!n) return undefined;
    const patch = change(n);
    if (!patch) return n;
    const next: Need = { ...entityOf(n), ...patch, version: n.version + 1, updatedAt: iso(ports.clock.now()) };
    for (const k of Object.keys(patch) as (keyof Need)[]) if (patch[k] === undefined) delete next[k];
    const evs = events(next);
    try {
      await ports.store.save('need', n, next, evs);
    } catch (e) {
      if (isVersionConflict(e) && attempt < MAX_RETRIES) continue;
      throw e;
    }
    if (evs.length > 0 || (n.pendingEvents?.length ?? 0) > 0) {
      await publishStored(ports, needKey(next.id), [...(n.pendingEvents ?? []), ...evs], next.version);
    }
    return { ...next, pendingEvents: [] };
  }
}

/**
 * Ends a need (withdrawn by its SME, or past its deadline) and cancels the
 * match that held it, if still open. Idempotent: ending an ended need again
 * only re-runs the cancellation.
 */
export async function endNeed(
  ports: AppPorts,
  needId: string,
  how: 'withdraw' | 'expire',
  authorize?: (n: Stored<Need>) => void,
  notFound: () => Error = () => new Conflict(`need ${needId} does not exist`),
): Promise<Stored<Need>> {
  const target = how === 'withdraw' ? 'WITHDRAWN' : 'EXPIRED';
  const ended = await updateNeed(
    ports,
    needId,
    (n) => {
      authorize?.(n);
      return { status: nextNeedStatus(n.status, how), recheckAt: undefined };
    },
    (next) => [needEvent(next, how === 'withdraw' ? 'NeedWithdrawn' : 'NeedExpired')],
  );
  if (!ended) throw notFound();
  if (ended.status === target) await settleEndedNeed(ports, ended);
  return ended;
}

/** A withdrawn or expired need must not keep an open match or the capacity it holds. */
export async function settleEndedNeed(ports: AppPorts, n: Need): Promise<void> {
  if (n.status !== 'WITHDRAWN' && n.status !== 'EXPIRED') return;
  if (!n.currentMatchId) return;
  const m = await ports.store.get('match', n.currentMatchId, true);
  if (m && OPEN_MATCH_STATUSES.includes(m.status)) {
    try {
      await transitionMatch(ports, m.id, 'cancel', 'system', { reason: n.status === 'WITHDRAWN' ? 'need withdrawn' : 'need expired' });
    } catch (e) {
      // Someone closed the match first (e.g. it expired): its own follow-up released the capacity.
      if (!(e instanceof Conflict)) throw e;
    }
  } else if (m && RELEASING_STATUSES.includes(m.status)) {
    await ports.store.releaseCapacity(m.offeringId, m.period, m.id);
  }
}

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
import { deadlineEnd } from '#domain/deadlines.ts';
import { Conflict } from '#domain/errors.ts';
import {
  applyMatchCommand,
  DELIVERY_STATUSES,
  EXCLUDING_STATUSES,
  nextNeedStatus,
  OPEN_MATCH_STATUSES,
  RELEASING_STATUSES,
  type MatchCommand,
} from '#domain/lifecycle.ts';
import type { Actor, Match, MatchStatus, Need } from '#domain/model.ts';
import { SYSTEM_REASONS } from '#domain/system-reasons.ts';
import { makeEvent, type AppEvent, type DetailType } from '#events/contracts.ts';
import type { AppPorts } from '#functions/ports.ts';
import { retryOnStale, type Changes, type Stored } from '../store/store.ts';
import { addHours, iso, publishStored } from './support.ts';
import { releaseNeedSlots } from './quotas.ts';

/** One try and five retries: each lost race means another writer finished, so six are plenty. */
const ATTEMPTS = 6;

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
    case 'DELIVERED':
      return 'MatchDelivered';
    case 'DISPUTED':
      return 'MatchDisputed';
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
    ...(m.history.at(-1) ? { by: m.history.at(-1)!.by } : {}),
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
  opts: {
    reason?: string;
    authorize?: (m: Stored<Match>) => void;
    notFound?: () => Error;
    /** The match as the caller has just read it, strongly consistent: the first attempt starts from it (a stale write re-reads). */
    current?: Stored<Match>;
  } = {},
): Promise<Stored<Match>> {
  let given = opts.current;
  // Read for its deadline as the match is confirmed, strongly consistent: the confirmation's move of the need starts from it.
  let need: Stored<Need> | undefined;
  const next = await retryOnStale(async () => {
    const m = given ?? (await ports.store.get('match', matchId, true));
    given = undefined;
    if (!m) throw opts.notFound ? opts.notFound() : new Conflict(`match ${matchId} does not exist`);
    opts.authorize?.(m);
    const s = applyMatchCommand(m, cmd, by);
    // Delivery is due by the end of the need's deadline day.
    need = s.status === 'CONFIRMED' ? await ports.store.get('need', m.needId, true) : undefined;
    const needDeadline = need?.deadline;
    return ports.store.update(
      'match',
      m,
      (now) => {
        const changes: Changes<Match> = {
          status: s.status,
          smeAccepted: s.smeAccepted,
          providerAccepted: s.providerAccepted,
          history: [...m.history, { status: s.entry, at: iso(now), by, ...(opts.reason ? { reason: opts.reason } : {}) }],
        };
        if (s.status === 'APPROVED' && m.status === 'PROPOSED') changes.expiresAt = iso(addHours(now, ports.config.MATCH_TTL_HOURS));
        // A closed match leaves the expiry index.
        if (!OPEN_MATCH_STATUSES.includes(s.status)) changes.expiresAt = undefined;
        Object.assign(changes, deliveryTimers(ports.config, s.status, now, needDeadline));
        return changes;
      },
      (written) => [matchEvent(written, matchEventType(s.entry), opts.reason)],
    );
  }, { attempts: ATTEMPTS });
  await settleMatch(ports, next, need);
  await publishStored(ports, { kind: 'match', id: next.id }, next.pendingEvents ?? [], next.version);
  return { ...next, pendingEvents: [] };
}

const DAY_MS = 86_400_000;

/**
 * The timers of the delivery phase, set as a match enters it (the expiry job
 * looks at the match again at `nextCheckAt`; see runExpiry):
 * - CONFIRMED: delivery is due at the end of the need's deadline day, but never
 *   sooner than DELIVERY_MIN_DAYS after confirmation; the provider is reminded
 *   DELIVERY_REMINDER_DAYS before (DeliveryDueSoon) and operators are told
 *   when it passes (DeliveryOverdue).
 * - DELIVERED: completes by itself after AUTO_CONFIRM_DAYS unless the SME
 *   confirms or disputes first.
 * Any other status leaves the timers (and the expiry index).
 */
export function deliveryTimers(
  config: Pick<AppPorts['config'], 'AUTO_CONFIRM_DAYS' | 'DELIVERY_MIN_DAYS' | 'DELIVERY_REMINDER_DAYS'>,
  status: MatchStatus,
  now: Date,
  needDeadline: string | undefined,
): Changes<Match> {
  if (status === 'CONFIRMED') {
    const earliest = now.getTime() + config.DELIVERY_MIN_DAYS * DAY_MS;
    const due = Math.max(earliest, needDeadline ? Date.parse(deadlineEnd(needDeadline)) : earliest);
    const remindAt = Math.max(now.getTime(), due - config.DELIVERY_REMINDER_DAYS * DAY_MS);
    return { deliveryDueAt: iso(new Date(due)), nextCheckAt: iso(new Date(remindAt)), deliveryAlerts: {} };
  }
  if (status === 'DELIVERED') {
    const autoConfirmAt = iso(new Date(now.getTime() + config.AUTO_CONFIRM_DAYS * DAY_MS));
    return { deliveredAt: iso(now), autoConfirmAt, nextCheckAt: autoConfirmAt };
  }
  return DELIVERY_STATUSES.includes(status) ? {} : { nextCheckAt: undefined, autoConfirmAt: undefined };
}

/**
 * The delivery reminder and the overdue escalation of a CONFIRMED match whose
 * `nextCheckAt` has come (the expiry job calls this). Each fires once: the
 * match records it in `deliveryAlerts`, in the same write that puts its event
 * in the outbox. Returns which one fired, if any.
 */
export async function fireDeliveryAlert(ports: AppPorts, matchId: string): Promise<'dueSoon' | 'overdue' | undefined> {
  const nowIso = iso(ports.clock.now());
  const written = await retryOnStale(async () => {
    const m = await ports.store.get('match', matchId, true);
    if (!m || m.status !== 'CONFIRMED' || !m.deliveryDueAt || !m.nextCheckAt || m.nextCheckAt > nowIso) return undefined;
    const alerts = m.deliveryAlerts ?? {};
    // Past the deadline the reminder is moot: escalate (a late job run sends only the escalation).
    const kind: 'dueSoon' | 'overdue' | undefined = nowIso >= m.deliveryDueAt ? (alerts.overdue ? undefined : 'overdue') : alerts.dueSoon ? undefined : 'dueSoon';
    const next: Changes<Match> =
      kind === 'dueSoon'
        ? { deliveryAlerts: { ...alerts, dueSoon: nowIso }, nextCheckAt: m.deliveryDueAt }
        : kind === 'overdue'
          ? { deliveryAlerts: { ...alerts, overdue: nowIso }, nextCheckAt: undefined }
          : { nextCheckAt: undefined };
    const stored = await ports.store.update('match', m, next, (w) =>
      kind ? [matchEvent(w, kind === 'dueSoon' ? 'DeliveryDueSoon' : 'DeliveryOverdue')] : [],
    );
    return { stored, kind };
  }, { attempts: ATTEMPTS });
  if (!written) return undefined;
  await publishStored(ports, { kind: 'match', id: matchId }, written.stored.pendingEvents ?? [], written.stored.version);
  return written.kind;
}

/**
 * The follow-ups of a match's state, idempotent: give back capacity for a
 * released match and reopen its need (excluding the offering after a reject
 * or decline); mark the need MATCHED on confirmation and FULFILLED on completion.
 */
/** `need`: the match's need as just read strongly consistent, if at hand (its update starts from it). */
export async function settleMatch(ports: AppPorts, m: Match, need?: Stored<Need>): Promise<void> {
  if (RELEASING_STATUSES.includes(m.status)) {
    await ports.store.releaseCapacity(m.offeringId, m.period, m.id);
  }
  const target = needTargetFor(m.status);
  if (!target) return;
  await updateNeed(ports, m.needId, (n) => {
    if (n.currentMatchId !== m.id) return undefined;
    // MATCHED: an operator cancelled the match when resolving a dispute; the need waits again, not for that offering.
    if (target === 'reopen' && (n.status === 'PROPOSED' || n.status === 'MATCHED')) {
      const refused = EXCLUDING_STATUSES.includes(m.status) || n.status === 'MATCHED';
      const excluded = refused && !n.excludedOfferingIds.includes(m.offeringId);
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
  }, undefined, need);
}

function needTargetFor(status: MatchStatus): 'reopen' | 'confirm' | 'fulfil' | undefined {
  if (RELEASING_STATUSES.includes(status)) return 'reopen';
  // A lost CONFIRMED follow-up is caught up by any later step of the delivery.
  if (status === 'CONFIRMED' || status === 'DELIVERED' || status === 'DISPUTED') return 'confirm';
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
  change: (n: Stored<Need>) => Changes<Need> | undefined,
  events: (next: Need) => AppEvent[] = () => [],
  /** The need as the caller has just read it, strongly consistent: the first attempt starts from it (a stale write re-reads). */
  current?: Stored<Need>,
): Promise<Stored<Need> | undefined> {
  let given = current?.id === needId ? current : undefined;
  const outcome = await retryOnStale(async () => {
    const n = given ?? (await ports.store.get('need', needId, true));
    given = undefined;
    if (!n) return undefined;
    const patch = change(n);
    if (!patch) return { need: n, written: false };
    return { need: await ports.store.update('need', n, patch, events), written: true };
  }, { attempts: ATTEMPTS });
  // Nothing to do leaves the need, and whatever its outbox holds, to the relay.
  if (!outcome?.written) return outcome?.need;
  const next = outcome.need;
  // A need that stopped being open (withdrawn, expired, fulfilled) gives back its quota slots; once per need,
  // however often this runs; a crash before it is mended by the quota's repair (usecases/quotas.ts).
  await releaseNeedSlots(ports, next);
  // Everything its outbox holds: this write's events and any a failed publish left behind.
  await publishStored(ports, { kind: 'need', id: next.id }, next.pendingEvents ?? [], next.version);
  return { ...next, pendingEvents: [] };
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
      await transitionMatch(ports, m.id, 'cancel', 'system', { reason: (n.status === 'WITHDRAWN' ? SYSTEM_REASONS.NEED_WITHDRAWN : SYSTEM_REASONS.NEED_EXPIRED).en });
    } catch (e) {
      // Someone closed the match first (e.g. it expired): its own follow-up released the capacity.
      if (!(e instanceof Conflict)) throw e;
    }
  } else if (m && RELEASING_STATUSES.includes(m.status)) {
    await ports.store.releaseCapacity(m.offeringId, m.period, m.id);
  }
}

/**
 * Scheduled jobs: the outbox relay, market rebalancing and expiry. Each is
 * safe to run twice at once or to crash half-way: every step is idempotent.
 */
import { SERVICE_TYPE_IDS, type ServiceTypeId } from '#domain/catalog.ts';
import { deadlineEnd } from '#domain/deadlines.ts';
import { Conflict } from '#domain/errors.ts';
import { autoConfirmedReason, SYSTEM_REASONS } from '#domain/system-reasons.ts';
import { makeEvent } from '#events/contracts.ts';
import type { AppPorts, JobHandler, JobResult } from '#functions/ports.ts';
import { endNeed, fireDeliveryAlert, transitionMatch, updateNeed } from './lifecycle.ts';
import { voucherUpkeep } from './vouchers.ts';
import { iso } from './support.ts';

/**
 * How old an outbox event must be before the relay publishes it. Younger
 * ones are still their writer's to publish, and a need's NeedPosted is left
 * pending on purpose: the round it triggers drops it from the outbox when it
 * writes the need (matcher.ts `roundTook`), which saves the need a write.
 * Only a need no round has written within this time is published again.
 */
export const RELAY_GRACE_MS = 60_000;

/** Publishes whatever state changes left in their outbox (a failed or skipped publish), once older than RELAY_GRACE_MS. */
export async function relayOutbox(ports: AppPorts): Promise<JobResult> {
  let published = 0;
  let failed = 0;
  // Items whose oldest event is at least the grace old: occurred before (now - grace + 1 ms).
  const before = iso(new Date(ports.clock.now().getTime() - RELAY_GRACE_MS + 1));
  for (let pass = 0; pass < 10; pass++) {
    const pending = await ports.store.listPending(undefined, before);
    if (pending.length === 0) break;
    for (const item of pending) {
      try {
        await ports.publisher.publish(item.events);
        await ports.store.markPublished(
          item.ref,
          item.events.map((e) => e.id),
          item.version,
        );
        published += item.events.length;
      } catch (err) {
        failed += item.events.length;
        ports.logger.warn('relay could not publish; will retry', { kind: item.ref.kind, id: item.ref.id, error: (err as Error).message });
      }
    }
    if (failed > 0) break;
  }
  return { published, failed };
}

/** Asks a round for every market whose oldest waiting need has waited too long. */
export async function requestRebalances(ports: AppPorts): Promise<JobResult> {
  const now = ports.clock.now();
  const cutoff = iso(new Date(now.getTime() - ports.config.REBALANCE_AFTER_MINUTES * 60_000));
  const bucket = Math.floor(now.getTime() / (ports.config.REBALANCE_AFTER_MINUTES * 60_000));
  const events = [];
  for (const st of SERVICE_TYPE_IDS) {
    const [oldest] = await ports.store.waitingNeedsOfMarket(st, 1);
    if (oldest && oldest.postedAt <= cutoff) events.push(rebalanceEvent(st, bucket, iso(now), 'needs waiting too long'));
  }
  // No outbox for these: a lost request is simply made again by the next run of this schedule.
  if (events.length > 0) await ports.publisher.publish(events);
  return { requested: events.length };
}

/** Same market, same time bucket: the same event id, so repeats are deduplicated downstream. */
export function rebalanceEvent(st: ServiceTypeId, bucket: number, occurredAt: string, reason: string) {
  return makeEvent('MarketRebalanceRequested', `rebalance:${st}`, bucket, { serviceType: st, occurredAt, reason });
}

/**
 * Expires needs past their deadline and open matches past their expiry,
 * rechecks needs a matcher locked the old way (before writing their match:
 * rounds now write the match first and leave nothing to recheck), and runs the
 * delivery timers: the reminder and escalation of a CONFIRMED match, the
 * automatic confirmation of a DELIVERED one.
 */
export async function runExpiry(ports: AppPorts): Promise<JobResult> {
  const now = ports.clock.now();
  const nowIso = iso(now);
  const counts = { needsExpired: 0, matchesExpired: 0, proposalsRecovered: 0, rechecked: 0, deliveryReminders: 0, deliveryOverdue: 0, autoConfirmed: 0 };
  const rebalance = new Set<ServiceTypeId>();
  for (const st of SERVICE_TYPE_IDS) {
    for (const due of await ports.store.dueInMarket(st, nowIso)) {
      try {
        if (due.kind === 'match') {
          const m = await ports.store.get('match', due.id, true);
          if (m?.status === 'CONFIRMED') {
            const fired = await fireDeliveryAlert(ports, m.id);
            if (fired === 'dueSoon') counts.deliveryReminders++;
            if (fired === 'overdue') counts.deliveryOverdue++;
          } else if (m?.status === 'DELIVERED') {
            const days = ports.config.AUTO_CONFIRM_DAYS;
            await transitionMatch(ports, m.id, 'confirm', 'system', { reason: autoConfirmedReason(days) });
            counts.autoConfirmed++;
          } else {
            await transitionMatch(ports, due.id, 'expire', 'system', { reason: SYSTEM_REASONS.NOBODY_ACTED.en });
            counts.matchesExpired++;
          }
          continue;
        }
        const n = await ports.store.get('need', due.id, true);
        if (!n) continue;
        if (deadlineEnd(n.deadline) < nowIso) {
          await endNeed(ports, n.id, 'expire');
          counts.needsExpired++;
        } else if (n.status === 'PROPOSED' && n.recheckAt && n.recheckAt <= nowIso) {
          const m = n.currentMatchId ? await ports.store.get('match', n.currentMatchId, true) : undefined;
          if (m) {
            // The match was written: nothing stranded; stop looking until the deadline.
            await updateNeed(ports, n.id, (cur) => (cur.recheckAt ? { recheckAt: undefined } : undefined));
            counts.rechecked++;
          } else {
            if (n.claim && n.currentMatchId) await ports.store.releaseCapacity(n.claim.offeringId, n.claim.period, n.currentMatchId);
            await updateNeed(ports, n.id, (cur) =>
              cur.status === 'PROPOSED' && cur.currentMatchId === n.currentMatchId
                ? { status: 'WAITING', currentMatchId: undefined, claim: undefined, recheckAt: undefined }
                : undefined,
            );
            counts.proposalsRecovered++;
            rebalance.add(st);
          }
        }
      } catch (err) {
        // Someone acted first (a party accepted, the SME withdrew): nothing left to do for it.
        if (!(err instanceof Conflict)) throw err;
      }
    }
  }
  if (rebalance.size > 0) {
    const bucket = Math.floor(now.getTime() / 60_000);
    await ports.publisher.publish([...rebalance].map((st) => rebalanceEvent(st, bucket, nowIso, 'stranded proposal recovered')));
  }
  return counts;
}

/** The scheduled Lambdas' handlers: the schedule's event carries nothing they need. */
export const relayHandler = (ports: AppPorts): JobHandler => () => relayOutbox(ports);
export const rebalanceHandler = (ports: AppPorts): JobHandler => () => requestRebalances(ports);
export const expiryHandler = (ports: AppPorts): JobHandler => async () => ({ ...(await runExpiry(ports)), ...(await voucherUpkeep(ports)) });

/**
 * What follows a change of an SME's verified facts or standing: its open
 * needs carry a fresh profile for the matcher, a suspended SME's open
 * proposals are cancelled (capacity released through the usual CANCELLED
 * path), and each market it waits in gets a round.
 *
 * The SME write carries one MarketRebalanceRequested per market of its open
 * needs (with `smeId`) in its outbox, in the same conditional write. The
 * handler then runs syncSmeNeeds inline; the matcher runs it again when the
 * event reaches it (consumers.ts), so a crash between the SME write and the
 * needs' refresh delays the refresh, never loses it. syncSmeNeeds is
 * idempotent: it reads the SME and changes only what differs.
 */
import type { ServiceTypeId } from '#domain/catalog.ts';
import { Conflict, NotFound } from '#domain/errors.ts';
import { OPEN_MATCH_STATUSES } from '#domain/lifecycle.ts';
import type { Need, Sme, SmeProfile, SuspendBody } from '#domain/model.ts';
import { SYSTEM_REASONS } from '#domain/system-reasons.ts';
import { appendHistory, dayOf, sameProfile, smeProfile } from '#domain/verification.ts';
import { makeEvent, type AppEvent } from '#events/contracts.ts';
import type { AppPorts, Caller, Stored } from '#functions/ports.ts';
import { retryOnStale, type Changes } from '../store/store.ts';
import { transitionMatch } from './lifecycle.ts';
import { smeChangedEvent } from './profiles.ts';
import { iso, publishStored } from './support.ts';

/** Needs whose profile the matcher still reads: waiting, or proposed and about to wait again. */
const OPEN_NEED_STATUSES: readonly Need['status'][] = ['WAITING', 'PROPOSED'];
const ATTEMPTS = 5;

/** The SME's open needs. Walks every page of its needs (newest first); an SME posts few. */
export async function openNeedsOfSme(ports: Pick<AppPorts, 'store'>, smeId: string): Promise<Stored<Need>[]> {
  const out: Stored<Need>[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.store.listNeedsOfSme(smeId, { limit: 100, cursor });
    out.push(...page.items.filter((n) => OPEN_NEED_STATUSES.includes(n.status)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** One round request per market the SME waits in, fixed by the SME version that caused it. */
export function standingEvents(sme: Sme, markets: ReadonlySet<ServiceTypeId>, reason: string): AppEvent[] {
  // SmeChanged: the summaries on the SME's live matches show its verified tier (profiles.ts refreshes them).
  return [smeChangedEvent(sme), ...standingRounds(sme, markets, reason)];
}

function standingRounds(sme: Sme, markets: ReadonlySet<ServiceTypeId>, reason: string): AppEvent[] {
  return [...markets].sort().map((serviceType) =>
    makeEvent('MarketRebalanceRequested', `${sme.id}|${serviceType}`, sme.version, {
      serviceType,
      occurredAt: sme.updatedAt,
      reason,
      smeId: sme.id,
    }),
  );
}

/**
 * Brings the SME's open needs in line with the SME: each carries the profile
 * the matcher must use (smeProfile), and while the SME is suspended, an open
 * match of any of them is cancelled. Idempotent.
 */
export async function syncSmeNeeds(ports: AppPorts, smeId: string): Promise<{ refreshed: number; cancelled: number }> {
  const sme = await ports.store.get('sme', smeId, true);
  if (!sme) return { refreshed: 0, cancelled: 0 };
  const profile = smeProfile(sme, dayOf(ports.clock.now()));
  let refreshed = 0;
  let cancelled = 0;
  for (const listed of await openNeedsOfSme(ports, smeId)) {
    const need = await refreshProfile(ports, listed.id, profile);
    if (need === 'changed') refreshed++;
    if (!profile.suspended) continue;
    const current = await ports.store.get('need', listed.id, true);
    if (!current?.currentMatchId || !OPEN_NEED_STATUSES.includes(current.status)) continue;
    const m = await ports.store.get('match', current.currentMatchId, true);
    if (!m || !OPEN_MATCH_STATUSES.includes(m.status)) continue;
    try {
      await transitionMatch(ports, m.id, 'cancel', 'system', { reason: SYSTEM_REASONS.SME_SUSPENDED.en });
      cancelled++;
    } catch (e) {
      // Someone closed the match first (expired, rejected): its own follow-up released the capacity.
      if (!(e instanceof Conflict)) throw e;
    }
  }
  return { refreshed, cancelled };
}

async function refreshProfile(ports: AppPorts, needId: string, profile: SmeProfile): Promise<'changed' | 'same' | 'gone'> {
  return retryOnStale(
    async () => {
      const n = await ports.store.get('need', needId, true);
      if (!n || !OPEN_NEED_STATUSES.includes(n.status)) return 'gone';
      if (sameProfile(n.sme, profile)) return 'same';
      // No event: the SME's own write carries the round requests for its markets.
      await ports.store.update('need', n, { sme: profile });
      return 'changed';
    },
    { attempts: ATTEMPTS },
  );
}

/**
 * Changes an SME (read-modify-write, retried on a concurrent change) with the
 * round requests for its open needs' markets, then refreshes those needs and
 * publishes. `change` returns undefined when there is nothing to do.
 */
export async function changeStanding(
  ports: AppPorts,
  smeId: string,
  reason: string,
  change: (s: Stored<Sme>, now: Date) => Changes<Sme> | undefined,
  notFound: () => Error = () => new NotFound('SME not found'),
): Promise<{ sme: Stored<Sme>; changed: boolean }> {
  const result = await retryOnStale(
    async () => {
      const s = await ports.store.get('sme', smeId, true);
      if (!s) throw notFound();
      const changes = change(s, ports.clock.now());
      // Nothing to do costs one read (a register re-import passes here for every SME it lists).
      if (!changes) return { sme: s, changed: false };
      const markets = new Set((await openNeedsOfSme(ports, smeId)).map((n) => n.serviceType));
      const written = await ports.store.update('sme', s, changes, (w) => standingEvents(w, markets, reason));
      return { sme: written, changed: true };
    },
    { attempts: ATTEMPTS },
  );
  if (!result.changed) return result;
  await syncSmeNeeds(ports, smeId);
  await publishStored(ports, { kind: 'sme', id: smeId }, result.sme.pendingEvents ?? [], result.sme.version);
  return { sme: { ...result.sme, pendingEvents: [] }, changed: true };
}

/** Operators suspend an SME: its needs leave matching and its open proposals are cancelled. */
export async function suspendSme(ports: AppPorts, caller: Caller, smeId: string, body: SuspendBody): Promise<Stored<Sme>> {
  const { sme } = await changeStanding(ports, smeId, 'SME suspended', (s, now) => {
    if (s.suspension) throw new Conflict(`the SME is already suspended (since ${s.suspension.at})`);
    const at = iso(now);
    return {
      suspension: { reason: body.reason, at, by: caller.sub },
      verificationHistory: appendHistory(s, { at, by: caller.sub, changes: { suspended: { from: false, to: true } }, note: body.reason }),
    };
  });
  return sme;
}

/** Operators reinstate an SME: its waiting needs return to matching, with a round for each market. */
export async function reinstateSme(ports: AppPorts, caller: Caller, smeId: string): Promise<Stored<Sme>> {
  const { sme } = await changeStanding(ports, smeId, 'SME reinstated', (s, now) => {
    if (!s.suspension) throw new Conflict('the SME is not suspended');
    const at = iso(now);
    return {
      suspension: undefined,
      verificationHistory: appendHistory(s, { at, by: caller.sub, changes: { suspended: { from: true, to: false } } }),
    };
  });
  return sme;
}

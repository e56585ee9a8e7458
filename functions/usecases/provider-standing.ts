/**
 * Operators' decisions on providers (api.md "Verified facts: providers",
 * "Operator holds"): approve or reject a PENDING provider, suspend and
 * reinstate, the onboarding queue, and the daily lapse of designations.
 *
 * Each decision is one versioned write of the provider carrying its events
 * in the outbox: the ProviderX event for the owner's inbox and, when the
 * provider's offerings enter matching (approval, reinstatement), a round
 * request for each market they are in. Suspension then cancels the
 * provider's open matches through the match lifecycle (lifecycle.ts), whose
 * own events release the capacity and start new rounds.
 */
import type { ServiceTypeId } from '#domain/catalog.ts';
import {
  assertApprovable,
  designationLapsed,
  nextProviderStatus,
  standingOf,
  statusOf,
  type Certification,
  type ProviderStatus,
} from '#domain/credentials.ts';
import { Conflict, NotFound } from '#domain/errors.ts';
import { OPEN_MATCH_STATUSES } from '#domain/lifecycle.ts';
import type { Provider } from '#domain/model.ts';
import { providerSuspendedReason, SYSTEM_REASONS } from '#domain/system-reasons.ts';
import { makeEvent } from '#events/contracts.ts';
import type { AppPorts, Caller, JobHandler, JobResult, Page, PageRequest, Stored } from '#functions/ports.ts';
import { retryOnStale, type Changes } from '../store/store.ts';
import { transitionMatch } from './lifecycle.ts';
import { listProviders } from './providers.ts';
import { iso, publishStored } from './support.ts';

const ATTEMPTS = 5;

/** `GET /v1/providers?status=`: operators read the status index (the onboarding queue, oldest first); a provider filters its own. */
export async function listProvidersBy(
  ports: Pick<AppPorts, 'store'>,
  caller: Caller,
  filter: { status?: ProviderStatus | undefined },
  page: PageRequest,
): Promise<Page<Stored<Provider>>> {
  if (filter.status === undefined) return listProviders(ports, caller, page);
  if (caller.role === 'operator') return ports.store.listProvidersByStatus(filter.status, page);
  const own = await listProviders(ports, caller, page);
  return { ...own, items: own.items.filter((p) => statusOf(p) === filter.status) };
}

export function approveProvider(ports: AppPorts, providerId: string): Promise<Stored<Provider>> {
  return decide(ports, providerId, (p, now) => {
    const status = nextProviderStatus(statusOf(p), 'APPROVED');
    assertApprovable({ ...p, status }, now);
    return { status, approvedVia: 'OPERATOR', statusReason: undefined, designationLapsedAt: undefined };
  }, 'ProviderApproved', { rebalance: 'provider approved' });
}

export function rejectProvider(ports: AppPorts, providerId: string, reason: string): Promise<Stored<Provider>> {
  return decide(ports, providerId, (p) => ({ status: nextProviderStatus(statusOf(p), 'REJECTED'), statusReason: reason }), 'ProviderRejected', {
    reason,
  });
}

/** Takes the provider's offerings out of matching and cancels its open (PROPOSED/APPROVED) matches. */
export async function suspendProvider(ports: AppPorts, providerId: string, reason: string): Promise<Stored<Provider>> {
  const p = await decide(
    ports,
    providerId,
    (cur, now) => {
      if (cur.suspended) throw new Conflict(`provider ${providerId} is already suspended`);
      return { suspended: { reason, at: iso(now) } };
    },
    'ProviderSuspended',
    // A round that read the provider before this write can still write a proposal after the scan
    // below: each market's round request, delivered after any round in flight there, cancels it.
    { reason, rebalance: 'provider suspended', settleProvider: true },
  );
  await cancelOpenMatches(ports, providerId, providerSuspendedReason(reason));
  return p;
}

/**
 * The follow-up of a round request naming a provider (its suspension): if it
 * may not be matched now, its open matches are cancelled, those a round wrote
 * after the suspension's own scan included. Idempotent.
 */
export async function settleProviderStanding(ports: AppPorts, providerId: string): Promise<number> {
  const p = await ports.store.get('provider', providerId, true);
  if (!p) return 0;
  const standing = standingOf(p, ports.clock.now());
  if (standing.providerApproved && !standing.providerSuspended) return 0;
  return cancelOpenMatches(ports, providerId, p.suspended ? providerSuspendedReason(p.suspended.reason) : SYSTEM_REASONS.PROVIDER_NOT_MATCHABLE.en);
}

export function reinstateProvider(ports: AppPorts, providerId: string): Promise<Stored<Provider>> {
  return decide(
    ports,
    providerId,
    (cur) => {
      if (!cur.suspended) throw new Conflict(`provider ${providerId} is not suspended`);
      return { suspended: undefined };
    },
    'ProviderReinstated',
    { rebalance: 'provider reinstated' },
  );
}

/**
 * Operators record a provider's certifications after checking the documents
 * (a renewal, a new accreditation): the list replaces what is on file, in
 * one versioned write. An expired entry is kept (the record shows it) and
 * counts for nothing, as at registration. The write settles the lapse at
 * once, as the daily job would the next morning: `designationLapsedAt` is
 * cleared when a designated kind holds a valid designation again, set when
 * the new list leaves it without one. When the provider's offerings may be
 * matched after the write, each of their markets gets a round (in the same
 * outbox), so a renewal brings them back without waiting for another event.
 * No ProviderX event for the owner's inbox: the contract has none for this.
 */
export async function recordCertifications(ports: AppPorts, providerId: string, certifications: Certification[]): Promise<Stored<Provider>> {
  const markets = await marketsOf(ports, providerId);
  const written = await retryOnStale(async () => {
    const p = await ports.store.get('provider', providerId, true);
    if (!p) throw new NotFound('provider not found');
    const now = ports.clock.now();
    const next = { ...p, certifications };
    const lapsed = designationLapsed(next, now);
    const standing = standingOf(next, now);
    const matchable = standing.providerApproved && !standing.providerSuspended;
    return ports.store.update(
      'provider',
      p,
      { certifications, designationLapsedAt: lapsed ? (p.designationLapsedAt ?? now.toISOString()) : undefined },
      (w) =>
        matchable
          ? markets.map((st) =>
              makeEvent('MarketRebalanceRequested', `provider:${w.id}:${st}`, w.version, {
                serviceType: st,
                occurredAt: w.updatedAt,
                reason: 'provider certifications recorded',
              }),
            )
          : [],
    );
  }, { attempts: ATTEMPTS });
  await publishStored(ports, { kind: 'provider', id: written.id }, written.pendingEvents ?? [], written.version);
  return written;
}

/**
 * Cancels every open match of the provider, each through the lifecycle (its
 * MatchCancelled event releases the capacity and reopens the need). Also the
 * follow-up a retried suspension re-runs: a match closed meanwhile is skipped.
 */
export async function cancelOpenMatches(ports: AppPorts, providerId: string, reason: string): Promise<number> {
  let cancelled = 0;
  let cursor: string | undefined;
  const open: string[] = [];
  do {
    const page = await ports.store.listMatchesOfProvider(providerId, { limit: 100, cursor });
    for (const m of page.items) if (OPEN_MATCH_STATUSES.includes(m.status)) open.push(m.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (const id of open) {
    try {
      await transitionMatch(ports, id, 'cancel', 'system', { reason });
      cancelled++;
    } catch (e) {
      // Closed by someone else first (accepted, expired): its own follow-up handled the capacity.
      if (!(e instanceof Conflict)) throw e;
    }
  }
  return cancelled;
}

/**
 * One operator decision: read, decide (throwing Conflict for an illegal
 * move), write with the events, publish. `rebalance`: the offerings enter
 * matching, so each of their markets gets a round.
 */
async function decide(
  ports: AppPorts,
  providerId: string,
  change: (p: Stored<Provider>, now: Date) => Changes<Provider>,
  detailType: 'ProviderApproved' | 'ProviderRejected' | 'ProviderSuspended' | 'ProviderReinstated',
  opts: { reason?: string; rebalance?: string; settleProvider?: boolean },
): Promise<Stored<Provider>> {
  const markets = opts.rebalance ? await marketsOf(ports, providerId) : [];
  const written = await retryOnStale(async () => {
    const p = await ports.store.get('provider', providerId, true);
    if (!p) throw new NotFound('provider not found');
    const now = ports.clock.now();
    return ports.store.update('provider', p, change(p, now), (w) => [
      makeEvent(detailType, w.id, w.version, {
        providerId: w.id,
        ownerSub: w.ownerSub,
        status: statusOf(w),
        occurredAt: w.updatedAt,
        ...(opts.reason ? { reason: opts.reason } : {}),
      }),
      ...markets.map((st) =>
        makeEvent('MarketRebalanceRequested', `provider:${w.id}:${st}`, w.version, {
          serviceType: st,
          occurredAt: w.updatedAt,
          reason: opts.rebalance!,
          ...(opts.settleProvider ? { providerId: w.id } : {}),
        }),
      ),
    ]);
  }, { attempts: ATTEMPTS });
  await publishStored(ports, { kind: 'provider', id: written.id }, written.pendingEvents ?? [], written.version);
  return written;
}

/** The markets the provider's offerings are in. */
async function marketsOf(ports: Pick<AppPorts, 'store'>, providerId: string): Promise<ServiceTypeId[]> {
  const out = new Set<ServiceTypeId>();
  let cursor: string | undefined;
  do {
    const page = await ports.store.listOfferingsOfProvider(providerId, { limit: 100, cursor });
    for (const o of page.items) out.add(o.serviceType);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return [...out];
}

// ------------------------------------------------------------------ the daily lapse job

/**
 * Records what expired since yesterday: an operator-approved provider of a
 * designated kind whose designation is no longer valid gets
 * `designationLapsedAt` (its offerings already left matching the moment the
 * designation expired: standing is computed); one whose designation is valid
 * again loses it. Register tiers need no job: a lapsed entry is ignored when
 * read. Idempotent: a second run the same day writes nothing.
 */
export async function runLapse(ports: AppPorts): Promise<JobResult> {
  const now = ports.clock.now();
  const counts = { providersChecked: 0, designationsLapsed: 0, designationsRestored: 0 };
  let cursor: string | undefined;
  do {
    const page = await ports.store.listProvidersByStatus('APPROVED', { limit: 100, cursor });
    for (const p of page.items) {
      counts.providersChecked++;
      const lapsed = designationLapsed(p, now);
      if (lapsed === (p.designationLapsedAt !== undefined)) continue;
      await retryOnStale(async () => {
        const cur = await ports.store.get('provider', p.id, true);
        if (!cur || designationLapsed(cur, now) === (cur.designationLapsedAt !== undefined)) return;
        await ports.store.update('provider', cur, { designationLapsedAt: lapsed ? iso(now) : undefined });
        if (lapsed) counts.designationsLapsed++;
        else counts.designationsRestored++;
      }, { attempts: ATTEMPTS });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return counts;
}

export const lapseHandler = (ports: AppPorts): JobHandler => () => runLapse(ports);

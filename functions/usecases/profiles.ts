/**
 * Profile changes and the matches that summarise them. A change of an SME or
 * a provider (an owner's edit, a verification, a new rating) writes
 * SmeChanged / ProviderChanged in the profile's outbox; the profiles consumer
 * then rewrites the summary on each live match of that profile (PROPOSED to
 * DISPUTED: a closed match keeps what it was about). Idempotent: a match
 * whose summary already matches the profile is not written again.
 */
import { LIVE_MATCH_STATUSES } from '#domain/lifecycle.ts';
import type { Match, Provider, Sme } from '#domain/model.ts';
import { makeEvent, type AppEvent, type ProviderChangedDetail, type SmeChangedDetail } from '#events/contracts.ts';
import { fromEnvelope } from '#events/envelope.ts';
import type { NotifierHandler, Page, PageRequest, Stored, TablePorts } from '#functions/ports.ts';
import { retryOnStale, StaleWrite } from '../store/store.ts';
import { providerSummary, smeSummary } from './match-context.ts';

/** The event of an SME's new version (its id is fixed by that version: a retried write announces it once). */
export function smeChangedEvent(s: Sme): AppEvent<'SmeChanged'> {
  return makeEvent('SmeChanged', s.id, s.version, { smeId: s.id, occurredAt: s.updatedAt });
}

export function providerChangedEvent(p: Provider): AppEvent<'ProviderChanged'> {
  return makeEvent('ProviderChanged', p.id, p.version, { providerId: p.id, occurredAt: p.updatedAt });
}

const PAGE = 100;
const ATTEMPTS = 6;

/** Same JSON, same summary: key order is fixed by the summary builders. */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Rewrites `field` on every live match of a profile. The profile's matches
 * are read page by page through its index (closed ones skipped); each write
 * is guarded by the match's version and retried on a concurrent change, so a
 * transition racing this refresh is never undone.
 */
async function refreshLiveMatches<F extends 'sme' | 'provider'>(
  ports: TablePorts,
  list: (page: PageRequest) => Promise<Page<Stored<Match>>>,
  field: F,
  summary: NonNullable<Match[F]>,
): Promise<number> {
  let written = 0;
  let cursor: string | undefined;
  do {
    const page = await list({ limit: PAGE, cursor });
    for (const listed of page.items) {
      if (!LIVE_MATCH_STATUSES.includes(listed.status) || same(listed[field], summary)) continue;
      const changed = await retryOnStale(
        async () => {
          const m = await ports.store.get('match', listed.id, true);
          if (!m || !LIVE_MATCH_STATUSES.includes(m.status) || same(m[field], summary)) return false;
          await ports.store.update('match', m, { [field]: summary } as Partial<Match>);
          return true;
        },
        { attempts: ATTEMPTS },
      );
      if (changed) written++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return written;
}

/** The summaries of an SME's live matches, as the SME now is. */
export async function refreshSmeSummaries(ports: TablePorts, smeId: string): Promise<number> {
  const s = await ports.store.get('sme', smeId, true);
  if (!s) return 0;
  return refreshLiveMatches(ports, (p) => ports.store.listMatchesOfSme(smeId, p), 'sme', smeSummary(s, ports.clock.now()));
}

/** The summaries of a provider's live matches, as the provider now is. */
export async function refreshProviderSummaries(ports: TablePorts, providerId: string): Promise<number> {
  const p = await ports.store.get('provider', providerId, true);
  if (!p) return 0;
  return refreshLiveMatches(ports, (page) => ports.store.listMatchesOfProvider(providerId, page), 'provider', providerSummary(p));
}

/** One profile event in: the summaries of that profile's live matches refreshed. */
export async function handleProfileEvent(ports: TablePorts, envelope: unknown): Promise<number> {
  const e = fromEnvelope(envelope);
  if (e.detailType === 'SmeChanged') return refreshSmeSummaries(ports, (e.detail as SmeChangedDetail).smeId);
  if (e.detailType === 'ProviderChanged') return refreshProviderSummaries(ports, (e.detail as ProviderChangedDetail).providerId);
  return 0;
}

/**
 * The profiles consumer's handler (EventBridge, direct). A refresh that keeps
 * losing races throws, so the delivery is retried (and dead-lettered if it
 * never succeeds) rather than leaving a stale summary silently.
 */
export const profilesHandler =
  (ports: TablePorts): NotifierHandler =>
  async (event) => {
    try {
      await handleProfileEvent(ports, event);
    } catch (e) {
      if (e instanceof StaleWrite) ports.logger.warn('profile refresh lost every race; the delivery is retried', { error: e.message });
      throw e;
    }
  };

/**
 * Feedback on a completed match, and the provider rating it feeds.
 */
import { Conflict } from '#domain/errors.ts';
import type { Match, Provider } from '#domain/model.ts';
import type { AppPorts, Caller } from '#functions/ports.ts';
import { entityOf, StaleWrite } from '../store/store.ts';
import { assertParty, matchNotFound } from './matches.ts';
import { iso } from './support.ts';

/** The SME of the match rates it, once, after it is COMPLETED. */
export async function giveFeedback(
  ports: Pick<AppPorts, 'store' | 'clock'>,
  caller: Caller,
  matchId: string,
  feedback: { rating: number; comment?: string | undefined },
): Promise<Match> {
  const { store, clock } = ports;
  const m = await store.get('match', matchId, true);
  if (!m) throw matchNotFound();
  assertParty(caller, m, ['sme']);
  if (m.status !== 'COMPLETED') throw new Conflict(`feedback is given after completion; the match is ${m.status}`);
  if (m.feedback) throw new Conflict('feedback was already given for this match');
  const next: Match = {
    ...entityOf(m),
    feedback: { rating: feedback.rating, ...(feedback.comment ? { comment: feedback.comment } : {}), at: iso(clock.now()) },
    version: m.version + 1,
    updatedAt: iso(clock.now()),
  };
  await store.save('match', m, next);
  await refreshProviderRating(ports, m.providerId);
  return next;
}

/**
 * Recomputes a provider's rating from all its matches' feedback. Recomputing
 * (rather than adding one rating) makes it idempotent and self-healing: a
 * crash after the feedback write is corrected by the next feedback.
 */
export async function refreshProviderRating(ports: Pick<AppPorts, 'store' | 'clock'>, providerId: string): Promise<void> {
  const { store, clock } = ports;
  let sum = 0;
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listMatchesOfProvider(providerId, { limit: 100, cursor });
    for (const m of page.items) {
      if (m.feedback) {
        sum += m.feedback.rating;
        count += 1;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (let attempt = 0; attempt < 5; attempt++) {
    const p = await store.get('provider', providerId, true);
    if (!p) return;
    const next: Provider = {
      ...entityOf(p),
      rating: count === 0 ? null : Math.round((sum / count) * 100) / 100,
      ratingCount: count,
      version: p.version + 1,
      updatedAt: iso(clock.now()),
    };
    try {
      await store.save('provider', p, next);
      return;
    } catch (e) {
      // Lost a race with another writer: read again. Past five, the next feedback recomputes it anyway.
      if (!(e instanceof StaleWrite)) throw e;
    }
  }
}

/**
 * Feedback on a completed match, and the provider rating it feeds (counted
 * incrementally on the provider, never recomputed from eventually consistent reads).
 */
import { Conflict } from '#domain/errors.ts';
import type { Match } from '#domain/model.ts';
import type { AppPorts, Caller } from '#functions/ports.ts';
import { entityOf, retryOnStale, type Stored } from '../store/store.ts';
import { matchEvent } from './lifecycle.ts';
import { providerChangedEvent } from './profiles.ts';
import { assertParty, matchNotFound } from './matches.ts';
import { iso, publishStored } from './support.ts';

/** A rating's read-modify-write of the provider that loses a race tries again this many times in all. */
const RATING_ATTEMPTS = 10;
/** How many rated matches a provider remembers: enough to cover a retry after a crash between its two writes. */
const RECENT_RATINGS = 20;

/** The SME of the match rates it, once, after it is COMPLETED. */
export async function giveFeedback(
  ports: AppPorts,
  caller: Caller,
  matchId: string,
  feedback: { rating: number; comment?: string | undefined },
): Promise<Match> {
  const { store } = ports;
  const m = await store.get('match', matchId, true);
  if (!m) throw matchNotFound();
  assertParty(caller, m, ['sme']);
  if (m.status !== 'COMPLETED') throw new Conflict(`feedback is given after completion; the match is ${m.status}`);
  if (m.feedback) {
    // A retry after a crash between the feedback and the provider's count finishes the count first.
    if (!m.ratingCounted) await countRating(ports, m);
    throw new Conflict('feedback was already given for this match');
  }
  // FeedbackGiven tells the provider (through the notifier); it travels in the match's outbox like every match event.
  const next = await store.update(
    'match',
    m,
    (now) => ({
      feedback: { rating: feedback.rating, ...(feedback.comment ? { comment: feedback.comment } : {}), at: iso(now) },
    }),
    (written) => [matchEvent(written, 'FeedbackGiven')],
  );
  const counted = await countRating(ports, next);
  await publishStored(ports, { kind: 'match', id: counted.id }, counted.pendingEvents ?? [], counted.version);
  return entityOf(counted);
}

/**
 * Adds a match's rating to its provider's: one strongly consistent
 * read-modify-write of the provider (sum and count kept on it; retried on a
 * lost race), bounded whatever the number of matches; then marks the match
 * counted. The provider remembers its last rated matches, so a retry after a
 * crash between the two writes does not count the rating twice.
 */
export async function countRating(ports: Pick<AppPorts, 'store'>, m: Stored<Match>): Promise<Stored<Match>> {
  const { store } = ports;
  const rating = m.feedback?.rating;
  if (rating === undefined || m.ratingCounted) return m;
  await retryOnStale(
    async () => {
      const p = await store.get('provider', m.providerId, true);
      if (!p) return;
      const recent = p.ratedMatchIds ?? [];
      if (recent.includes(m.id)) return;
      // A provider rated before the sum was kept: its mean times its count gives the sum back.
      const sum = (p.ratingSum ?? (p.rating ?? 0) * p.ratingCount) + rating;
      const count = p.ratingCount + 1;
      await store.update('provider', p, {
        ratingSum: sum,
        ratingCount: count,
        rating: Math.round((sum / count) * 100) / 100,
        ratedMatchIds: [...recent, m.id].slice(-RECENT_RATINGS),
        // The new rating reaches the summaries on the provider's live matches (usecases/profiles.ts); the relay publishes it.
      }, (w) => [providerChangedEvent(w)]);
    },
    { attempts: RATING_ATTEMPTS },
  );
  return retryOnStale(
    async () => {
      const cur = await store.get('match', m.id, true);
      if (!cur || cur.ratingCounted) return cur ?? m;
      return store.update('match', cur, { ratingCounted: true });
    },
    { attempts: RATING_ATTEMPTS },
  );
}

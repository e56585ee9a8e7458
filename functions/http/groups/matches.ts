/** Routes of the `matches` Lambda: the review queue and every step of a match's lifecycle. */
import * as z from 'zod/mini';
import { Conflict, Forbidden, NotFound } from '#domain/errors.ts';
import { DeclineBody, FeedbackBody, matchStatus, RejectBody, serviceType, type Match, type Provider } from '#domain/model.ts';
import type { AppPorts } from '../../app.ts';
import { entityOf, StaleWrite, type Stored } from '../../store/store.ts';
import { transitionMatch } from '../../usecases/lifecycle.ts';
import { iso } from '../../usecases/support.ts';
import type { Caller } from '../identity.ts';
import { id, PageQuery, pageOf, route, type RouteDef } from '../api.ts';
import { matchView } from '../views.ts';

const MatchParams = z.strictObject({ matchId: id('mt') });

/** The parties of a match see it; anyone else is told it does not exist. */
function partyOf(caller: Caller, m: Match): 'sme' | 'provider' | 'operator' | undefined {
  if (caller.role === 'operator') return 'operator';
  if (caller.role === 'sme' && m.smeOwnerSub === caller.sub) return 'sme';
  if (caller.role === 'provider' && m.providerOwnerSub === caller.sub) return 'provider';
  return undefined;
}

const notFound = () => new NotFound('match not found');

export function matchRoutes(ports: AppPorts): RouteDef[] {
  const { store, clock } = ports;

  const asParty = (caller: Caller, allowed: readonly ('sme' | 'provider')[]) => (m: Stored<Match>) => {
    const party = partyOf(caller, m);
    if (!party || party === 'operator') throw notFound();
    if (!allowed.includes(party)) throw new Forbidden(`the ${party} of a match may not do this`);
  };

  return [
    route({
      routeKey: 'GET /v1/matches',
      roles: ['operator'],
      query: z.strictObject({
        ...PageQuery,
        status: z._default(matchStatus, 'PROPOSED'),
        serviceType: z.optional(serviceType),
        order: z._default(z.enum(['oldest', 'newest']), 'oldest'),
      }),
      handle: async ({ query }) => {
        const page = await store.listMatchesByStatus(query.status, query.serviceType, {
          ...pageOf(query),
          newestFirst: query.order === 'newest',
        });
        return { items: page.items.map(matchView), nextCursor: page.nextCursor };
      },
    }),
    route({
      routeKey: 'GET /v1/matches/{matchId}',
      roles: ['sme', 'provider', 'operator'],
      params: MatchParams,
      handle: async ({ caller, params }) => {
        const m = await store.get('match', params.matchId);
        if (!m || !partyOf(caller, m)) throw notFound();
        return matchView(m);
      },
    }),
    route({
      routeKey: 'POST /v1/matches/{matchId}/approve',
      roles: ['operator'],
      params: MatchParams,
      handle: async ({ params }) => matchView(await transitionMatch(ports, params.matchId, 'approve', 'operator', { notFound })),
    }),
    route({
      routeKey: 'POST /v1/matches/{matchId}/reject',
      roles: ['operator'],
      params: MatchParams,
      body: RejectBody,
      handle: async ({ params, body }) =>
        matchView(await transitionMatch(ports, params.matchId, 'reject', 'operator', { reason: body.reason, notFound })),
    }),
    route({
      routeKey: 'POST /v1/matches/{matchId}/accept',
      roles: ['sme', 'provider'],
      params: MatchParams,
      handle: async ({ caller, params }) =>
        matchView(
          await transitionMatch(ports, params.matchId, 'accept', caller.role as 'sme' | 'provider', {
            authorize: asParty(caller, ['sme', 'provider']),
            notFound,
          }),
        ),
    }),
    route({
      routeKey: 'POST /v1/matches/{matchId}/decline',
      roles: ['sme', 'provider'],
      params: MatchParams,
      body: DeclineBody,
      handle: async ({ caller, params, body }) =>
        matchView(
          await transitionMatch(ports, params.matchId, 'decline', caller.role as 'sme' | 'provider', {
            ...(body.reason ? { reason: body.reason } : {}),
            authorize: asParty(caller, ['sme', 'provider']),
            notFound,
          }),
        ),
    }),
    route({
      routeKey: 'POST /v1/matches/{matchId}/complete',
      roles: ['provider'],
      params: MatchParams,
      handle: async ({ caller, params }) =>
        matchView(await transitionMatch(ports, params.matchId, 'complete', 'provider', { authorize: asParty(caller, ['provider']), notFound })),
    }),
    route({
      routeKey: 'POST /v1/matches/{matchId}/feedback',
      roles: ['sme'],
      params: MatchParams,
      body: FeedbackBody,
      handle: async ({ caller, params, body }) => {
        const m = await store.get('match', params.matchId, true);
        if (!m) throw notFound();
        asParty(caller, ['sme'])(m);
        if (m.status !== 'COMPLETED') throw new Conflict(`feedback is given after completion; the match is ${m.status}`);
        if (m.feedback) throw new Conflict('feedback was already given for this match');
        const next: Match = {
          ...entityOf(m),
          feedback: { rating: body.rating, ...(body.comment ? { comment: body.comment } : {}), at: iso(clock.now()) },
          version: m.version + 1,
          updatedAt: iso(clock.now()),
        };
        await store.save('match', m, next);
        await refreshProviderRating(ports, m.providerId);
        return matchView(next);
      },
    }),
  ];
}

/**
 * Recomputes a provider's rating from all its matches' feedback. Recomputing
 * (rather than adding one rating) makes it idempotent and self-healing: a
 * crash after the feedback write is corrected by the next feedback.
 */
export async function refreshProviderRating(ports: AppPorts, providerId: string): Promise<void> {
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
      if (!(e instanceof StaleWrite)) throw e;
    }
  }
}

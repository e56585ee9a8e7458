/** Handlers of the `matches` Lambda: the review queue and every step of a match's lifecycle. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import { giveFeedback } from '#functions/usecases/feedback.ts';
import { acceptMatch, approveMatch, completeMatch, declineMatch, getMatch, rejectMatch, reviewQueue } from '#functions/usecases/matches.ts';
import { httpGroup, pageOf } from '../api.ts';
import { matchView, pageView } from '../views.ts';

export function matchesHttp(ports: AppPorts): HttpHandler {
  return httpGroup(
    'matches',
    {
      listMatches: async ({ query }) =>
        pageView(
          await reviewQueue(ports, { status: query.status, serviceType: query.serviceType, newestFirst: query.order === 'newest', page: pageOf(query) }),
          matchView,
        ),
      getMatch: async ({ caller, params }) => matchView(await getMatch(ports, caller, params.matchId)),
      approveMatch: async ({ params }) => matchView(await approveMatch(ports, params.matchId)),
      rejectMatch: async ({ params, body }) => matchView(await rejectMatch(ports, params.matchId, body.reason)),
      acceptMatch: async ({ caller, params }) => matchView(await acceptMatch(ports, caller, params.matchId)),
      declineMatch: async ({ caller, params, body }) => matchView(await declineMatch(ports, caller, params.matchId, body.reason)),
      completeMatch: async ({ caller, params }) => matchView(await completeMatch(ports, caller, params.matchId)),
      giveFeedback: async ({ caller, params, body }) => matchView(await giveFeedback(ports, caller, params.matchId, body)),
    },
    ports.logger,
  );
}

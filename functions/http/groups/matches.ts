/** Handlers of the `matches` Lambda: the review queue and every step of a match's lifecycle. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import { giveFeedback } from '#functions/usecases/feedback.ts';
import { presentMatch } from '#functions/usecases/match-context.ts';
import {
  acceptMatch,
  approveMatch,
  confirmDelivery,
  declineMatch,
  deliverMatch,
  disputeDelivery,
  getMatch,
  rejectMatch,
  resolveDispute,
  reviewQueue,
} from '#functions/usecases/matches.ts';
import { httpGroup, pageOf } from '../api.ts';
import { matchesRoutes } from '../routes/matches.ts';
import { matchView, pageView } from '../views.ts';

export function matchesHttp(ports: AppPorts): HttpHandler {
  return httpGroup(
    matchesRoutes,
    {
      listMatches: async ({ caller, query }) =>
        pageView(
          await reviewQueue(ports, caller, { status: query.status, serviceType: query.serviceType, newestFirst: query.order === 'newest', page: pageOf(query) }),
          matchView,
        ),
      getMatch: async ({ caller, params }) => matchView(await getMatch(ports, caller, params.matchId)),
      approveMatch: async ({ caller, params }) => matchView(await approveMatch(ports, caller, params.matchId)),
      rejectMatch: async ({ caller, params, body }) => matchView(await rejectMatch(ports, caller, params.matchId, body.reason)),
      acceptMatch: async ({ caller, params }) => matchView(await acceptMatch(ports, caller, params.matchId)),
      declineMatch: async ({ caller, params, body }) => matchView(await declineMatch(ports, caller, params.matchId, body.reason)),
      deliverMatch: async ({ caller, params }) => matchView(await deliverMatch(ports, caller, params.matchId)),
      confirmDelivery: async ({ caller, params }) => matchView(await confirmDelivery(ports, caller, params.matchId)),
      disputeDelivery: async ({ caller, params, body }) => matchView(await disputeDelivery(ports, caller, params.matchId, body.reason)),
      resolveDispute: async ({ caller, params, body }) => matchView(await resolveDispute(ports, caller, params.matchId, body)),
      giveFeedback: async ({ caller, params, body }) => matchView(await presentMatch(ports, caller, await giveFeedback(ports, caller, params.matchId, body))),
    },
    ports.logger,
  );
}

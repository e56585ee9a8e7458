/** The routes of the `matches` Lambda (declared as described in ../route-decl.ts). */
import * as z from 'zod/mini';
import {
  DeclineBody, DisputeBody, FeedbackBody, matchStatus, RejectBody, ResolveBody, serviceType
} from '#domain/model.ts';
import { PageQuery } from '../schemas.ts';
import { MatchParams, route } from '../route-decl.ts';

export const matchesRoutes = {
  listMatches: route({
    method: 'GET', path: '/v1/matches', group: 'matches', roles: ['operator'], status: 200, response: { pageOf: 'Match' },
    summary: 'The review queue: matches by status',
    description: 'Operators. PROPOSED and oldest first unless asked otherwise.',
    query: z.strictObject({
      ...PageQuery,
      status: z._default(matchStatus, 'PROPOSED'),
      serviceType: z.optional(serviceType),
      order: z._default(z.enum(['oldest', 'newest']), 'oldest'),
    }),
  }),
  getMatch: route({
    method: 'GET', path: '/v1/matches/{matchId}', group: 'matches', roles: ['sme', 'provider', 'operator'], status: 200, response: 'Match',
    summary: 'Read a match',
    description:
      "The SME and the provider of the match, and operators; anyone else gets 404. It carries its SME, provider, offering and need; each party sees the other's contact only from CONFIRMED on, operators always.",
    params: MatchParams,
  }),
  approveMatch: route({
    method: 'POST', path: '/v1/matches/{matchId}/approve', group: 'matches', roles: ['operator'], status: 200, response: 'Match',
    summary: 'Approve a proposed match',
    description: 'Operators. PROPOSED -> APPROVED; the parties then have MATCH_TTL_HOURS to accept.',
    params: MatchParams,
  }),
  rejectMatch: route({
    method: 'POST', path: '/v1/matches/{matchId}/reject', group: 'matches', roles: ['operator'], status: 200, response: 'Match',
    summary: 'Reject a proposed match',
    description: 'Operators. Releases the capacity; the need waits again, never to be offered that offering.',
    params: MatchParams,
    body: RejectBody,
    example: { reason: 'the provider does not serve this industry' },
  }),
  acceptMatch: route({
    method: 'POST', path: '/v1/matches/{matchId}/accept', group: 'matches', roles: ['sme', 'provider'], status: 200, response: 'Match',
    summary: 'Accept an approved match',
    description: 'The SME or the provider of the match; CONFIRMED once both accepted.',
    params: MatchParams,
  }),
  declineMatch: route({
    method: 'POST', path: '/v1/matches/{matchId}/decline', group: 'matches', roles: ['sme', 'provider'], status: 200, response: 'Match',
    summary: 'Decline an approved match',
    description: 'The SME or the provider of the match. Releases the capacity; the need waits again without that offering.',
    params: MatchParams,
    body: DeclineBody,
    example: { reason: 'the schedule no longer fits' },
  }),
  deliverMatch: route({
    method: 'POST', path: '/v1/matches/{matchId}/deliver', group: 'matches', roles: ['provider'], status: 200, response: 'Match',
    summary: 'Say a confirmed match is delivered',
    description:
      'The provider of the match. CONFIRMED -> DELIVERED; the SME then confirms or disputes, and a delivery left alone completes after AUTO_CONFIRM_DAYS.',
    params: MatchParams,
  }),
  confirmDelivery: route({
    method: 'POST', path: '/v1/matches/{matchId}/confirm', group: 'matches', roles: ['sme'], status: 200, response: 'Match',
    summary: 'Confirm a delivery',
    description: 'The SME of the match. DELIVERED -> COMPLETED; the need is fulfilled and the SME may rate the match.',
    params: MatchParams,
  }),
  disputeDelivery: route({
    method: 'POST', path: '/v1/matches/{matchId}/dispute', group: 'matches', roles: ['sme'], status: 200, response: 'Match',
    summary: 'Dispute a delivery',
    description: 'The SME of the match. DELIVERED -> DISPUTED, for an operator to resolve.',
    params: MatchParams,
    body: DisputeBody,
    example: { reason: '审计报告缺少节能改造建议' },
  }),
  resolveDispute: route({
    method: 'POST', path: '/v1/matches/{matchId}/resolve', group: 'matches', roles: ['operator'], status: 200, response: 'Match',
    summary: 'Resolve a disputed match',
    description:
      'Operators. DISPUTED -> COMPLETED (the need is fulfilled) or CANCELLED (the capacity is released; the need waits again without that offering). The note joins the history.',
    params: MatchParams,
    body: ResolveBody,
    example: { outcome: 'COMPLETED', note: 'the provider sent the missing section; the SME agreed by phone' },
  }),
  giveFeedback: route({
    method: 'POST', path: '/v1/matches/{matchId}/feedback', group: 'matches', roles: ['sme'], status: 200, response: 'Match',
    summary: 'Rate a completed match',
    description: "The SME of the match, once, after COMPLETED. Updates the provider's rating.",
    params: MatchParams,
    body: FeedbackBody,
    example: { rating: 5, comment: '审查周期缩短到三周' },
  }),
};

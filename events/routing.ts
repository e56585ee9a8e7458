/**
 * Which consumer receives which events: one table, read by the CDK app (to
 * build EventBridge rules) and by the local runtime's in-process bus (to
 * deliver the same events to the same handlers).
 */
import { EVENT_SOURCE, type DetailType } from './contracts.ts';
import { NOTIFIED_EVENTS } from './notifications.ts';

export interface Route {
  /** Consumer name; also its key in FUNCTIONS (functions/handlers/manifest.ts) and in the handlers buildHandlers returns. */
  consumer: 'matcher' | 'notifier' | 'importer' | 'voucherLedger' | 'kpi';
  detailTypes: readonly DetailType[];
  /**
   * 'fifo': delivered through an SQS FIFO queue, one message group per
   * `groupBy` value (one matcher run at a time per market), after the round delay.
   * 'direct': the rule invokes the consumer (async Lambda invoke with retries and a DLQ).
   */
  delivery: 'fifo' | 'direct';
  /** Detail field whose value is the message group id (fifo only). */
  groupBy?: 'serviceType';
}

/** Events that can change what a market can match: each triggers a round of that market. */
export const MARKET_EVENTS = [
  'NeedPosted',
  'NeedWithdrawn',
  'NeedExpired',
  'OfferingRegistered',
  'OfferingChanged',
  'MatchRejected',
  'MatchDeclined',
  'MatchExpired',
  'MatchCancelled',
  'MarketRebalanceRequested',
] as const satisfies readonly DetailType[];

/** Events someone hears of in their inbox: the keys of the notification table (notifications.ts), so a row there is routed too. */
export { NOTIFIED_EVENTS } from './notifications.ts';

/** Match events that move voucher money: hold on approval, redeem on completion, release on any other end (usecases/vouchers.ts). */
export const VOUCHER_EVENTS = [
  'MatchApproved',
  'MatchCompleted',
  'MatchRejected',
  'MatchDeclined',
  'MatchExpired',
  'MatchCancelled',
] as const satisfies readonly DetailType[];

/** Events the plan's KPI counters count (usecases/kpis.ts). */
export const KPI_EVENTS = ['MatchProposed', 'MatchCompleted', 'FeedbackGiven'] as const satisfies readonly DetailType[];

/** Match events that move a match between the markets report's columns (domain/kpis.ts MARKET_MOVES); the kpi consumer counts them too. */
export const MARKET_COUNTER_EVENTS = [
  'MatchProposed',
  'MatchConfirmed',
  'MatchDelivered',
  'MatchCompleted',
  'MatchRejected',
  'MatchDeclined',
  'MatchExpired',
  'MatchCancelled',
] as const satisfies readonly DetailType[];

export const ROUTES: readonly Route[] = [
  { consumer: 'matcher', detailTypes: MARKET_EVENTS, delivery: 'fifo', groupBy: 'serviceType' },
  { consumer: 'notifier', detailTypes: NOTIFIED_EVENTS, delivery: 'direct' },
  // Register imports continue chunk by chunk, each invocation asking for the next (usecases/imports.ts).
  { consumer: 'importer', detailTypes: ['ImportChunkRequested'], delivery: 'direct' },
  { consumer: 'voucherLedger', detailTypes: VOUCHER_EVENTS, delivery: 'direct' },
  { consumer: 'kpi', detailTypes: [...new Set([...KPI_EVENTS, ...MARKET_COUNTER_EVENTS])], delivery: 'direct' },
];

/** The EventBridge pattern of a route. */
export function eventPattern(route: Route) {
  return { source: [EVENT_SOURCE], 'detail-type': [...route.detailTypes] };
}

/** The same matching the EventBridge pattern does, for the in-process bus. */
export function routesFor(detailType: DetailType): Route[] {
  return ROUTES.filter((r) => r.detailTypes.includes(detailType));
}

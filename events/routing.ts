/**
 * Which consumer receives which events: one table, read by the CDK app (to
 * build EventBridge rules) and by the local runtime's in-process bus (to
 * deliver the same events to the same handlers).
 */
import { EVENT_SOURCE, type DetailType } from './contracts.ts';

export interface Route {
  /** Consumer name; also its key in FUNCTIONS (functions/handlers/manifest.ts) and in the handlers buildHandlers returns. */
  consumer: 'matcher' | 'notifier';
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

/** Match events each party hears of in their inbox. */
export const NOTIFIED_EVENTS = [
  'MatchApproved',
  'MatchConfirmed',
  'MatchRejected',
  'MatchDeclined',
  'MatchExpired',
  'MatchCompleted',
] as const satisfies readonly DetailType[];

export const ROUTES: readonly Route[] = [
  { consumer: 'matcher', detailTypes: MARKET_EVENTS, delivery: 'fifo', groupBy: 'serviceType' },
  { consumer: 'notifier', detailTypes: NOTIFIED_EVENTS, delivery: 'direct' },
];

/** The EventBridge pattern of a route. */
export function eventPattern(route: Route) {
  return { source: [EVENT_SOURCE], 'detail-type': [...route.detailTypes] };
}

/** The same matching the EventBridge pattern does, for the in-process bus. */
export function routesFor(detailType: DetailType): Route[] {
  return ROUTES.filter((r) => r.detailTypes.includes(detailType));
}

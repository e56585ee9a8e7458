/**
 * Event contracts: detail-type names, the zod schema of each detail, and
 * deterministic event ids. An event id is fixed by the state change that
 * causes it (aggregate id + the version it produced + detail type), so a
 * retried write, a relay re-publish or a duplicate delivery all carry the same
 * id, and consumers deduplicate on it.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { serviceType, matchStatus } from '#domain/model.ts';

export const SCHEMA_VERSION = 1;
/** EventBridge `source` of every application event. */
export const EVENT_SOURCE = 'sme.matchmaking';

export const DETAIL_TYPES = [
  'NeedPosted',
  'NeedWithdrawn',
  'NeedExpired',
  'OfferingRegistered',
  'OfferingChanged',
  'MatchProposed',
  'MatchApproved',
  'MatchRejected',
  'MatchAccepted',
  'MatchDeclined',
  'MatchConfirmed',
  'MatchCompleted',
  'MatchExpired',
  'MatchCancelled',
  'MarketRebalanceRequested',
] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

const base = {
  schemaVersion: z.literal(SCHEMA_VERSION),
  eventId: z.string(),
  serviceType,
  occurredAt: z.iso.datetime(),
};

const needDetail = z.object({ ...base, needId: z.string(), smeId: z.string() });
const offeringDetail = z.object({ ...base, offeringId: z.string(), providerId: z.string() });
const matchDetail = z.object({
  ...base,
  matchId: z.string(),
  needId: z.string(),
  offeringId: z.string(),
  providerId: z.string(),
  smeId: z.string(),
  smeOwnerSub: z.string(),
  providerOwnerSub: z.string(),
  status: matchStatus,
  period: z.string(),
  reason: z.optional(z.string()),
});
const rebalanceDetail = z.object({ ...base, reason: z.string() });

export const DETAIL_SCHEMAS = {
  NeedPosted: needDetail,
  NeedWithdrawn: needDetail,
  NeedExpired: needDetail,
  OfferingRegistered: offeringDetail,
  OfferingChanged: offeringDetail,
  MatchProposed: matchDetail,
  MatchApproved: matchDetail,
  MatchRejected: matchDetail,
  MatchAccepted: matchDetail,
  MatchDeclined: matchDetail,
  MatchConfirmed: matchDetail,
  MatchCompleted: matchDetail,
  MatchExpired: matchDetail,
  MatchCancelled: matchDetail,
  MarketRebalanceRequested: rebalanceDetail,
} as const satisfies Record<DetailType, z.ZodMiniType>;

export type NeedDetail = z.infer<typeof needDetail>;
export type OfferingDetail = z.infer<typeof offeringDetail>;
export type MatchDetail = z.infer<typeof matchDetail>;
export type RebalanceDetail = z.infer<typeof rebalanceDetail>;
export type DetailOf<T extends DetailType> = z.infer<(typeof DETAIL_SCHEMAS)[T]>;

/** An event as stored in an item's outbox and as handed to a publisher. */
export interface AppEvent<T extends DetailType = DetailType> {
  id: string;
  detailType: T;
  detail: DetailOf<T>;
}

/** Deterministic id: same aggregate, same produced version, same type -> same id. */
export function eventId(aggregateId: string, version: number, detailType: DetailType): string {
  return createHash('sha256').update(`${aggregateId}|${version}|${detailType}`).digest('base64url').slice(0, 26);
}

type DetailInput<T extends DetailType> = Omit<DetailOf<T>, 'eventId' | 'schemaVersion'>;

/** Builds an event whose id is fixed by (aggregateId, version, detailType). */
export function makeEvent<T extends DetailType>(
  detailType: T,
  aggregateId: string,
  version: number,
  detail: DetailInput<T>,
): AppEvent<T> {
  const id = eventId(aggregateId, version, detailType);
  return { id, detailType, detail: { ...detail, eventId: id, schemaVersion: SCHEMA_VERSION } as DetailOf<T> };
}

/** Parses an incoming detail of a known type; throws a zod error on a malformed one. */
export function parseDetail<T extends DetailType>(detailType: T, detail: unknown): DetailOf<T> {
  return DETAIL_SCHEMAS[detailType].parse(detail) as DetailOf<T>;
}

export function isDetailType(s: string): s is DetailType {
  return (DETAIL_TYPES as readonly string[]).includes(s);
}

/**
 * Event contracts: detail-type names, the zod schema of each detail, and
 * deterministic event ids. An event id is fixed by the state change that
 * causes it (aggregate id + the version it produced + detail type), so a
 * retried write, a relay re-publish or a duplicate delivery all carry the same
 * id, and consumers deduplicate on it. Each detail schema is built on its
 * first use, not at module load (domain/lazy-schema.ts): most functions that
 * publish events never parse one.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { lazySchema } from '#domain/lazy-schema.ts';
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
  'MatchDelivered',
  'MatchDisputed',
  'DeliveryDueSoon',
  'DeliveryOverdue',
  'SmeChanged',
  'ProviderChanged',
  'FeedbackGiven',
  'MarketRebalanceRequested',
  'ImportChunkRequested',
  'ProviderApproved',
  'ProviderRejected',
  'ProviderSuspended',
  'ProviderReinstated',
  'VoucherIssued',
  'VoucherRedeemed',
] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

const base = lazySchema(() => ({
  schemaVersion: z.literal(SCHEMA_VERSION),
  eventId: z.string(),
  serviceType,
  occurredAt: z.iso.datetime(),
}));

const needDetail = lazySchema(() => z.object({ ...base, needId: z.string(), smeId: z.string() }));
const offeringDetail = lazySchema(() => z.object({ ...base, offeringId: z.string(), providerId: z.string() }));
const matchDetail = lazySchema(() => z.object({
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
  /** Who made the change (the match's newest history entry): MatchAccepted is news for the other party only. */
  by: z.optional(z.enum(['operator', 'sme', 'provider', 'system'])),
}));
const rebalanceDetail = lazySchema(() => z.object({
  ...base,
  reason: z.string(),
  /** An SME whose verified facts or standing changed: the matcher refreshes its open needs before the round. */
  smeId: z.optional(z.string()),
  /** A provider whose standing changed: if it may not be matched, the matcher cancels its open matches before the round. */
  providerId: z.optional(z.string()),
}));
/**
 * A profile that matches summarise changed: its live matches' summaries are
 * refreshed. A profile belongs to no market: `serviceType` is declared absent
 * (rather than left out) so code that reads any event's market still compiles
 * and reads undefined; none of these is routed by market.
 */
const profileBase = lazySchema(() => ({ schemaVersion: base.schemaVersion, eventId: z.string(), occurredAt: base.occurredAt, serviceType: z.optional(z.never()) }));
const smeChangedDetail = lazySchema(() => z.object({ ...profileBase, smeId: z.string() }));
const providerChangedDetail = lazySchema(() => z.object({ ...profileBase, providerId: z.string() }));
/** The next chunk of a register import, from a spreadsheet row (the consumer is idempotent by importId and fromRow). */
const importChunkDetail = lazySchema(() => z.object({
  schemaVersion: base.schemaVersion,
  eventId: z.string(),
  occurredAt: base.occurredAt,
  importId: z.string(),
  fromRow: z.int(),
}));
/** An operator's decision on a provider (onboarding, holds): for its owner's inbox. No market: no serviceType. */
const providerStandingDetail = lazySchema(() => z.object({
  schemaVersion: base.schemaVersion,
  eventId: z.string(),
  occurredAt: base.occurredAt,
  providerId: z.string(),
  ownerSub: z.string(),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
  reason: z.optional(z.string()),
}));

/** A service voucher issued to an SME (for its owner's inbox). A voucher pays for several markets: no serviceType. */
const voucherIssuedDetail = lazySchema(() => z.object({
  ...profileBase,
  voucherId: z.string(),
  programmeId: z.string(),
  programmeName: z.string(),
  smeId: z.string(),
  smeOwnerSub: z.string(),
  /** The face value, whole CNY. */
  amount: z.int(),
  serviceTypes: z.array(serviceType),
  validUntil: z.iso.date(),
}));
/** A voucher's hold redeemed on a completed match (for both parties' inboxes); `balance` is what the SME has left. */
const voucherRedeemedDetail = lazySchema(() => z.object({
  ...base,
  voucherId: z.string(),
  programmeId: z.string(),
  programmeName: z.string(),
  matchId: z.string(),
  needId: z.string(),
  smeId: z.string(),
  smeOwnerSub: z.string(),
  providerId: z.string(),
  providerOwnerSub: z.string(),
  amount: z.int(),
  balance: z.int(),
}));

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
  /** The provider says the work is done; the SME confirms or disputes it. */
  MatchDelivered: matchDetail,
  MatchDisputed: matchDetail,
  /** The delivery deadline is near (reminds the provider); the match itself is unchanged. */
  DeliveryDueSoon: matchDetail,
  /** The delivery deadline passed without a delivery (escalates to the operators). */
  DeliveryOverdue: matchDetail,
  SmeChanged: smeChangedDetail,
  ProviderChanged: providerChangedDetail,
  /** The SME rated a completed match (the rating is on the match). */
  FeedbackGiven: matchDetail,
  MarketRebalanceRequested: rebalanceDetail,
  ImportChunkRequested: importChunkDetail,
  ProviderApproved: providerStandingDetail,
  ProviderRejected: providerStandingDetail,
  ProviderSuspended: providerStandingDetail,
  ProviderReinstated: providerStandingDetail,
  VoucherIssued: voucherIssuedDetail,
  VoucherRedeemed: voucherRedeemedDetail,
} as const satisfies Record<DetailType, z.ZodMiniType>;

export type NeedDetail = z.infer<typeof needDetail>;
export type OfferingDetail = z.infer<typeof offeringDetail>;
export type MatchDetail = z.infer<typeof matchDetail>;
export type RebalanceDetail = z.infer<typeof rebalanceDetail>;
export type SmeChangedDetail = z.infer<typeof smeChangedDetail>;
export type ProviderChangedDetail = z.infer<typeof providerChangedDetail>;
export type ImportChunkDetail = z.infer<typeof importChunkDetail>;
export type ProviderStandingDetail = z.infer<typeof providerStandingDetail>;
export type VoucherIssuedDetail = z.infer<typeof voucherIssuedDetail>;
export type VoucherRedeemedDetail = z.infer<typeof voucherRedeemedDetail>;
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

/**
 * The market (service type) an event is about; undefined for events about no
 * market (a profile change, an import's next chunk). The matcher's queue only
 * carries market events (routing.ts), whose details all have one.
 */
export function marketOf(e: AppEvent): DetailOf<'MarketRebalanceRequested'>['serviceType'] | undefined {
  return (e.detail as { serviceType?: DetailOf<'MarketRebalanceRequested'>['serviceType'] }).serviceType;
}

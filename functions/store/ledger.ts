/**
 * The capacity ledger: one item per offering and month, changed only by
 * single-item conditional updates, so concurrent claims can never take more
 * than the limit and a repeated claim or release by the same holder changes
 * nothing.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Capacity } from '#domain/model.ts';
import { batchGetItems, getItem, writeIf, type Item, type StoreContext } from './core.ts';
import { capacityKey } from './keys.ts';

export type ClaimResult = 'claimed' | 'already-held' | 'full';
export type Ledger = Capacity & {
  claims: string[];
  /** Present while the offering is paused: no new claim lands. */
  closed?: true;
  /** The version of the offering whose terms the ledger holds (absent on ledgers made by a bare claim). */
  offeringVersion?: number;
};

function toCapacity(item: Item): Ledger {
  const claims = item.claims instanceof Set ? [...(item.claims as Set<string>)] : [];
  return {
    offeringId: item.offeringId as string,
    period: item.period as string,
    limit: item.limit as number,
    used: (item.used as number) ?? 0,
    claims,
    ...(item.closed === true ? { closed: true as const } : {}),
    ...(typeof item.offeringVersion === 'number' ? { offeringVersion: item.offeringVersion } : {}),
  };
}

export async function getCapacity(ctx: StoreContext, offeringId: string, period: string): Promise<Ledger | undefined> {
  const item = await getItem(ctx, capacityKey(offeringId, period), true);
  return item ? toCapacity(item) : undefined;
}

export async function batchGetCapacities(ctx: StoreContext, offeringIds: readonly string[], period: string): Promise<Map<string, Ledger>> {
  const items = await batchGetItems(
    ctx,
    [...new Set(offeringIds)].map((id) => capacityKey(id, period)),
    true,
  );
  return new Map(items.map((item) => [item.offeringId as string, toCapacity(item)]));
}

/**
 * Where a month's ledger takes its terms from when a writer makes it: the
 * offering as that writer read it. `offeringVersion` orders the writers, so
 * a late write of older terms never replaces newer ones.
 */
export interface LedgerTerms {
  limit: number;
  /** false while the offering is paused: no new claim lands. @default true */
  open?: boolean;
  /** The offering's version the terms come from; absent only in tests of the ledger alone. */
  offeringVersion?: number;
}

const termsOf = (t: number | LedgerTerms): LedgerTerms => (typeof t === 'number' ? { limit: t } : t);

/**
 * Claims one unit of an offering's capacity in a month for a holder: one
 * conditional UpdateItem, atomic and idempotent per holder.
 *
 * The ledger's own `limit` (and `closed`) is the one truth a claim is checked
 * against. Whoever writes the month first makes the ledger: a claim with the
 * terms it read (`termsIfNew`), a capacity change with the new ones
 * (setCapacityTerms). So a claim racing with a lowered or paused offering is
 * checked against the new terms as soon as the change is stored, never
 * against what the claimer read before.
 *
 * The holder is the match (one proposal of one need), not the need: a need
 * whose match expired may be proposed to the same offering again in the
 * same month, and a late or repeated follow-up of the old match must not
 * release the new match's claim.
 */
export async function claimCapacity(
  ctx: StoreContext,
  offeringId: string,
  period: string,
  termsIfNew: number | LedgerTerms,
  holderId: string,
): Promise<ClaimResult> {
  const terms = termsOf(termsIfNew);
  const open = terms.open !== false;
  const claimed = await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: capacityKey(offeringId, period),
      UpdateExpression:
        'SET #limit = if_not_exists(#limit, :limit), offeringId = :oid, #period = :period' +
        (terms.offeringVersion !== undefined ? ', offeringVersion = if_not_exists(offeringVersion, :ov)' : '') +
        ' ADD used :one, claims :holder',
      // New ledger: the claimer's terms decide. Existing one: only its own limit and state do.
      ConditionExpression:
        (open ? '(attribute_not_exists(#limit) AND :one <= :limit) OR ' : '') +
        '(used < #limit AND NOT contains(claims, :holderId) AND (attribute_not_exists(closed) OR closed = :false))',
      ExpressionAttributeNames: { '#limit': 'limit', '#period': 'period' },
      ExpressionAttributeValues: {
        ':limit': terms.limit,
        ':one': 1,
        ':holder': new Set([holderId]),
        ':holderId': holderId,
        ':oid': offeringId,
        ':period': period,
        ':false': false,
        ...(terms.offeringVersion !== undefined ? { ':ov': terms.offeringVersion } : {}),
      },
    }),
  );
  if (claimed) return 'claimed';
  // Refused: either this holder already has its unit (a repeat) or the month is full (or closed).
  const cap = await getCapacity(ctx, offeringId, period);
  return cap?.claims.includes(holderId) ? 'already-held' : 'full';
}

/** Gives back a holder's claim; false when it held none (so a repeated release changes nothing). */
export function releaseCapacity(ctx: StoreContext, offeringId: string, period: string, holderId: string): Promise<boolean> {
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: capacityKey(offeringId, period),
      UpdateExpression: 'ADD used :minusOne DELETE claims :holder',
      ConditionExpression: 'contains(claims, :holderId)',
      ExpressionAttributeValues: { ':minusOne': -1, ':holder': new Set([holderId]), ':holderId': holderId },
    }),
  );
}

/**
 * Applies an offering's capacity and state to a month's ledger, making the
 * ledger if no claim has yet: a lowered limit or a pause then binds every
 * claim that comes after, including those of a round that read the old
 * offering. Claims already held stay (`used` may exceed a lowered limit);
 * no new claim lands until `used` is back under it.
 *
 * With `offeringVersion`, terms older than those the ledger holds change
 * nothing (two changes, or a round's repair racing with a change, may reach
 * the ledger in either order). Returns whether the terms were written.
 */
export async function setCapacityTerms(ctx: StoreContext, offeringId: string, period: string, terms: LedgerTerms): Promise<boolean> {
  const versioned = terms.offeringVersion !== undefined;
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: capacityKey(offeringId, period),
      UpdateExpression:
        'SET #limit = :limit, closed = :closed, offeringId = :oid, #period = :period, used = if_not_exists(used, :zero)' +
        (versioned ? ', offeringVersion = :ov' : ''),
      ...(versioned ? { ConditionExpression: 'attribute_not_exists(offeringVersion) OR offeringVersion < :ov' } : {}),
      ExpressionAttributeNames: { '#limit': 'limit', '#period': 'period' },
      ExpressionAttributeValues: {
        ':limit': terms.limit,
        ':closed': terms.open === false,
        ':oid': offeringId,
        ':period': period,
        ':zero': 0,
        ...(versioned ? { ':ov': terms.offeringVersion } : {}),
      },
    }),
  );
}

/** A new monthly limit for an open offering: setCapacityTerms without a version (tests of the ledger alone, tools). */
export async function setCapacityLimit(ctx: StoreContext, offeringId: string, period: string, limit: number): Promise<void> {
  await setCapacityTerms(ctx, offeringId, period, { limit });
}

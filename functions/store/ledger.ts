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
export type Ledger = Capacity & { claims: string[] };

function toCapacity(item: Item): Ledger {
  const claims = item.claims instanceof Set ? [...(item.claims as Set<string>)] : [];
  return {
    offeringId: item.offeringId as string,
    period: item.period as string,
    limit: item.limit as number,
    used: (item.used as number) ?? 0,
    claims,
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
 * Claims one unit of an offering's capacity in a month for a holder: one
 * conditional UpdateItem, atomic and idempotent per holder. The item is made
 * on first claim with the offering's current monthly limit.
 *
 * The holder is the match (one proposal of one need), not the need: a need
 * whose match expired may be proposed to the same offering again in the
 * same month, and a late or repeated follow-up of the old match must not
 * release the new match's claim.
 */
export async function claimCapacity(ctx: StoreContext, offeringId: string, period: string, limitIfNew: number, holderId: string): Promise<ClaimResult> {
  const claimed = await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: capacityKey(offeringId, period),
      UpdateExpression: 'SET #limit = if_not_exists(#limit, :limit), offeringId = :oid, #period = :period ADD used :one, claims :holder',
      ConditionExpression: '(attribute_not_exists(used) AND :one <= :limit) OR (used < #limit AND NOT contains(claims, :holderId))',
      ExpressionAttributeNames: { '#limit': 'limit', '#period': 'period' },
      ExpressionAttributeValues: {
        ':limit': limitIfNew,
        ':one': 1,
        ':holder': new Set([holderId]),
        ':holderId': holderId,
        ':oid': offeringId,
        ':period': period,
      },
    }),
  );
  if (claimed) return 'claimed';
  // Refused: either this holder already has its unit (a repeat) or the month is full.
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
 * A changed monthly capacity applies to the month's ledger if it exists
 * (claims already held stay); a month not yet claimed from gets the new
 * limit on its first claim, so nothing is written for it here.
 */
export async function setCapacityLimit(ctx: StoreContext, offeringId: string, period: string, limit: number): Promise<void> {
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: capacityKey(offeringId, period),
      UpdateExpression: 'SET #limit = :limit',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#limit': 'limit' },
      ExpressionAttributeValues: { ':limit': limit },
    }),
  );
}

/**
 * Idempotency records: what a keyed request produced, so a retry with the
 * same key gets the same result. They expire (TTL); a record past its expiry
 * counts as absent even before DynamoDB deletes it.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict } from '#domain/errors.ts';
import { getItem, writeIf, type StoreContext } from './core.ts';
import { idempotencyKey } from './keys.ts';

export interface IdempotencyRecord {
  requestHash: string;
  resultId: string;
  expiresAt: number;
}

export async function getIdempotency(ctx: StoreContext, scope: string, key: string, nowEpochS: number): Promise<IdempotencyRecord | undefined> {
  const i = await getItem(ctx, idempotencyKey(scope, key), true);
  // dynalite never expires TTL items, and DynamoDB may take a while to: check the expiry here.
  if (!i || (i.ttl as number) <= nowEpochS) return undefined;
  return { requestHash: i.requestHash as string, resultId: i.resultId as string, expiresAt: i.ttl as number };
}

/** Stores a record unless a live one exists; returns the live one that won otherwise. */
export async function putIdempotency(
  ctx: StoreContext,
  scope: string,
  key: string,
  rec: IdempotencyRecord,
  nowEpochS: number,
): Promise<{ stored: true } | { stored: false; existing: IdempotencyRecord }> {
  const stored = await writeIf(
    ctx,
    new PutCommand({
      TableName: ctx.tableName,
      Item: { ...idempotencyKey(scope, key), type: 'idempotency', requestHash: rec.requestHash, resultId: rec.resultId, ttl: rec.expiresAt },
      ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': nowEpochS },
    }),
  );
  if (stored) return { stored: true };
  const existing = await getIdempotency(ctx, scope, key, nowEpochS);
  // Refused for a live record that has expired by the time we read it: the caller's retry will store its own.
  if (!existing) throw new Conflict('idempotency record changed concurrently; retry');
  return { stored: false, existing };
}

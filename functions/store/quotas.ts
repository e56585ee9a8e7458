/**
 * Per-user quotas (api.md "Quotas"): one counter item per scope (an SME's
 * open needs, an SME's open needs of one service type, an owner's providers,
 * a provider's offerings), changed only by single-item conditional updates,
 * so concurrent requests can never take more slots than the limit.
 *
 * The item holds `n` (the slots taken) and `holders` (holder id → when it
 * took its slot, epoch ms):
 * - take: `ADD n :1, SET holders.#id = :at` under `n < :limit` and the holder
 *   not already in (a repeat of the same holder changes nothing);
 * - release: `ADD n :-1, REMOVE holders.#id` under the holder being in, so a
 *   slot is given back once however often its release runs.
 *
 * The caller takes the slot before it writes the entity and gives it back if
 * that write fails. A slot can still leak: a crash between the take and the
 * write, or between ending a need and releasing its slot. `repair` mends it
 * when a take finds the counter full: each holder older than the grace
 * period is checked against its entity (the caller says which still hold),
 * and the slots of the others are released before the take is tried again.
 * A leaked slot therefore costs nothing until it is needed.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getItem, writeIf, type StoreContext } from './core.ts';
import { quotaKey } from './keys.ts';

export type QuotaTake = 'taken' | 'already-held' | 'full';

export interface QuotaCounter {
  n: number;
  holders: Record<string, number>;
}

export async function getQuota(ctx: StoreContext, scope: string): Promise<QuotaCounter> {
  const item = await getItem(ctx, quotaKey(scope), true);
  return { n: (item?.n as number | undefined) ?? 0, holders: (item?.holders as Record<string, number> | undefined) ?? {} };
}

/**
 * Takes one slot of `scope` for `holderId` if fewer than `limit` are taken.
 * A refused update is read back: the holder already in is a repeat, a full
 * counter is full, and anything else (the item was made, or a slot given
 * back, since) is tried again. Each retry follows another writer's success,
 * so the loop ends.
 */
export async function takeQuota(ctx: StoreContext, scope: string, limit: number, holderId: string, nowMs: number): Promise<QuotaTake> {
  if (limit < 1) return 'full';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const updated = await writeIf(
      ctx,
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: quotaKey(scope),
        UpdateExpression: 'ADD n :one SET holders.#h = :at',
        ConditionExpression: 'attribute_exists(holders) AND n < :limit AND attribute_not_exists(holders.#h)',
        ExpressionAttributeNames: { '#h': holderId },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':at': nowMs },
      }),
    );
    if (updated) return 'taken';
    const cur = await getItem(ctx, quotaKey(scope), true);
    if (cur) {
      if (Object.hasOwn((cur.holders as Record<string, number> | undefined) ?? {}, holderId)) return 'already-held';
      if (((cur.n as number | undefined) ?? 0) >= limit) return 'full';
      continue;
    }
    // The first writer of a scope makes the item; a racing one finds it made and updates it.
    const made = await writeIf(
      ctx,
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...quotaKey(scope), type: 'QUOTA', scope, n: 1, holders: { [holderId]: nowMs } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (made) return 'taken';
  }
  throw new Error(`quota ${scope}: no decision after ${MAX_ATTEMPTS} attempts`);
}

/** Bounds the retries of a take under contention (each one follows another writer's success). */
const MAX_ATTEMPTS = 100;

/** Gives back `holderId`'s slot; false when it held none (a repeated release changes nothing). */
export function releaseQuota(ctx: StoreContext, scope: string, holderId: string): Promise<boolean> {
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: quotaKey(scope),
      UpdateExpression: 'ADD n :minusOne REMOVE holders.#h',
      ConditionExpression: 'attribute_exists(holders.#h)',
      ExpressionAttributeNames: { '#h': holderId },
      ExpressionAttributeValues: { ':minusOne': -1 },
    }),
  );
}

/**
 * Releases the slots of holders that took theirs more than `graceMs` ago and
 * no longer hold (`stillHolding` answers, of the ids it is given, those whose
 * entity exists and still counts). Answers how many slots it released.
 * The grace period leaves alone a take whose entity write is still under way.
 */
export async function repairQuota(
  ctx: StoreContext,
  scope: string,
  stillHolding: (holderIds: string[]) => Promise<Set<string>>,
  nowMs: number,
  graceMs: number,
): Promise<number> {
  const { holders } = await getQuota(ctx, scope);
  const old = Object.entries(holders)
    .filter(([, at]) => at <= nowMs - graceMs)
    .map(([id]) => id);
  if (old.length === 0) return 0;
  const holding = await stillHolding(old);
  let released = 0;
  for (const id of old) {
    if (!holding.has(id) && (await releaseQuota(ctx, scope, id))) released++;
  }
  return released;
}

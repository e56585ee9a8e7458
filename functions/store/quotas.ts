/**
 * Per-user quotas (api.md "Quotas"): one counter item per scope (an SME's
 * open needs, an owner's providers, a provider's offerings), changed only by
 * single-item conditional updates, so concurrent requests can never take
 * more slots than the limit.
 *
 * The item holds `n` (the slots taken) and `holders` (holder → when it took
 * its slot, epoch ms). A scope can also limit groups within it (an SME's
 * open needs of one service type): then `g` holds each group's count and
 * a holder is keyed `<group>|<id>`, so one write checks and counts both
 * limits (issue 16: a need took two counter writes before, one per limit).
 * - take: `ADD n :1, SET holders.#h = :at[, g.#g = g.#g + 1]` under
 *   `n < :limit`, the group under its own limit, and the holder not already
 *   in (a repeat of the same holder changes nothing);
 * - release: `ADD n :-1, REMOVE holders.#h[, SET g.#g = g.#g - 1]` under the
 *   holder being in, so a slot is given back once however often its
 *   release runs.
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

/** 'group-full': the scope has room, the holder's group has none. */
export type QuotaTake = 'taken' | 'already-held' | 'full' | 'group-full';

/** A limit within a scope: at most `limit` holders of the group `name`. */
export interface QuotaGroup {
  name: string;
  limit: number;
}

export interface QuotaCounter {
  n: number;
  /** Holder id → when it took its slot (epoch ms). */
  holders: Record<string, number>;
  /** Group → holders of that group. */
  groups: Record<string, number>;
}

/** A holder's key in the item's `holders` map: its group before its id when it has one. */
const holderKey = (holderId: string, group?: string) => (group === undefined ? holderId : `${group}|${holderId}`);
function parseHolderKey(key: string): { id: string; group?: string } {
  const bar = key.indexOf('|');
  return bar < 0 ? { id: key } : { group: key.slice(0, bar), id: key.slice(bar + 1) };
}

const rawCounter = (item: Record<string, unknown> | undefined) => ({
  n: (item?.n as number | undefined) ?? 0,
  holders: (item?.holders as Record<string, number> | undefined) ?? {},
  groups: item?.g as Record<string, number> | undefined,
});

export async function getQuota(ctx: StoreContext, scope: string): Promise<QuotaCounter> {
  const raw = rawCounter(await getItem(ctx, quotaKey(scope), true));
  const holders = Object.fromEntries(Object.entries(raw.holders).map(([k, at]) => [parseHolderKey(k).id, at]));
  return { n: raw.n, holders, groups: raw.groups ?? {} };
}

/**
 * Takes one slot of `scope` for `holderId` if fewer than `limit` are taken
 * (and, with `group`, fewer than its limit of that group). A refused update
 * is read back: the holder already in is a repeat, a full counter or group
 * is full, and anything else (the item was made, or a slot given back,
 * since) is tried again. Each retry follows another writer's success, so
 * the loop ends.
 */
export async function takeQuota(
  ctx: StoreContext,
  scope: string,
  limit: number,
  holderId: string,
  nowMs: number,
  group?: QuotaGroup,
): Promise<QuotaTake> {
  if (limit < 1) return 'full';
  if (group && group.limit < 1) return 'group-full';
  const key = holderKey(holderId, group?.name);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const updated = await writeIf(
      ctx,
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: quotaKey(scope),
        UpdateExpression: group ? 'ADD n :one SET holders.#h = :at, g.#g = if_not_exists(g.#g, :zero) + :one' : 'ADD n :one SET holders.#h = :at',
        ConditionExpression: group
          ? 'attribute_exists(holders) AND n < :limit AND attribute_not_exists(holders.#h) AND attribute_exists(g) AND (attribute_not_exists(g.#g) OR g.#g < :glimit)'
          : 'attribute_exists(holders) AND n < :limit AND attribute_not_exists(holders.#h)',
        ExpressionAttributeNames: { '#h': key, ...(group ? { '#g': group.name } : {}) },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':at': nowMs, ...(group ? { ':zero': 0, ':glimit': group.limit } : {}) },
      }),
    );
    if (updated) return 'taken';
    const item = await getItem(ctx, quotaKey(scope), true);
    if (item) {
      const cur = rawCounter(item);
      if (Object.hasOwn(cur.holders, key)) return 'already-held';
      if (cur.n >= limit) return 'full';
      if (group && (cur.groups?.[group.name] ?? 0) >= group.limit) return 'group-full';
      // A counter made before groups existed: give it its group counts, then take again.
      if (group && !cur.groups) await writeIf(ctx, new UpdateCommand({ TableName: ctx.tableName, Key: quotaKey(scope), UpdateExpression: 'SET g = :none', ConditionExpression: 'attribute_not_exists(g)', ExpressionAttributeValues: { ':none': {} } }));
      continue;
    }
    // The first writer of a scope makes the item; a racing one finds it made and updates it.
    const made = await writeIf(
      ctx,
      new PutCommand({
        TableName: ctx.tableName,
        Item: { ...quotaKey(scope), type: 'QUOTA', scope, n: 1, holders: { [key]: nowMs }, ...(group ? { g: { [group.name]: 1 } } : {}) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (made) return 'taken';
  }
  throw new Error(`quota ${scope}: no decision after ${MAX_ATTEMPTS} attempts`);
}

/** Bounds the retries of a take under contention (each one follows another writer's success). */
const MAX_ATTEMPTS = 100;

/** Gives back the slot held under `key` (a holder id, after its group if it has one); false when none was. */
function releaseKey(ctx: StoreContext, scope: string, key: string): Promise<boolean> {
  const { group } = parseHolderKey(key);
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: quotaKey(scope),
      UpdateExpression: group === undefined ? 'ADD n :minusOne REMOVE holders.#h' : 'ADD n :minusOne REMOVE holders.#h SET g.#g = g.#g - :one',
      ConditionExpression: 'attribute_exists(holders.#h)',
      ExpressionAttributeNames: { '#h': key, ...(group === undefined ? {} : { '#g': group }) },
      ExpressionAttributeValues: { ':minusOne': -1, ...(group === undefined ? {} : { ':one': 1 }) },
    }),
  );
}

/** Gives back `holderId`'s slot (of `group`, if it took one in a group); false when it held none (a repeated release changes nothing). */
export function releaseQuota(ctx: StoreContext, scope: string, holderId: string, group?: string): Promise<boolean> {
  return releaseKey(ctx, scope, holderKey(holderId, group));
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
  const { holders } = rawCounter(await getItem(ctx, quotaKey(scope), true));
  const old = Object.entries(holders)
    .filter(([, at]) => at <= nowMs - graceMs)
    .map(([key]) => ({ key, id: parseHolderKey(key).id }));
  if (old.length === 0) return 0;
  const holding = await stillHolding(old.map((h) => h.id));
  let released = 0;
  for (const { key, id } of old) {
    if (!holding.has(id) && (await releaseKey(ctx, scope, key))) released++;
  }
  return released;
}

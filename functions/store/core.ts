/**
 * What every part of the store shares: the table it talks to, reading items
 * back into entities, the queries (one page with a signed cursor, or every
 * page), one batch-get loop, and one conditional write that turns a failed
 * condition into a value instead of an exception.
 */
import { decodeMatch, decodePending, holdsReferences, type StoredEvent } from './codec.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Conflict } from '#domain/errors.ts';
import type { AppEvent } from '#events/contracts.ts';
import type { CursorCodec } from './cursor.ts';
import { projectionOf, TABLE, type IndexName } from './table.ts';

/** The clock the store stamps `updatedAt` with; the same shape as the application's Clock port. */
export interface StoreClock {
  now(): Date;
}

/** What each concern of the store works with: built once by the Store, passed to every function. */
export interface StoreContext {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly cursors: CursorCodec;
  readonly clock: StoreClock;
}

export type Item = Record<string, unknown>;
export type TableKey = { pk: string; sk: string };

/** An entity as loaded: with the events of its outbox not yet published. */
export type Stored<T> = T & { pendingEvents?: AppEvent[] };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/**
 * An update lost an optimistic-concurrency race: a 409 to a caller, and for a
 * use case the signal to read again and retry (see `retryOnStale`).
 */
export class StaleWrite extends Conflict {}

export function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * Runs an optimistic read-modify-write again while it loses the version race:
 * `fn` reads what it changes, so each attempt sees the winner's write. After
 * `attempts` lost races the last StaleWrite goes to the caller (a 409); any
 * other error goes at once. No pause between attempts: a lost race means the
 * other writer has already finished.
 */
export async function retryOnStale<T>(fn: (attempt: number) => Promise<T>, opts: { attempts: number }): Promise<T> {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1) throw new RangeError('retryOnStale: attempts must be a positive integer');
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!(e instanceof StaleWrite) || attempt >= opts.attempts) throw e;
    }
  }
}

/**
 * The one conditional write: true when written, false when its condition
 * refused it (each caller says what a refusal means: a conflict, a repeat, a
 * full ledger). Every other error is thrown.
 */
export async function writeIf(ctx: StoreContext, command: PutCommand | UpdateCommand): Promise<boolean> {
  try {
    // Two sends, one per command type: `send`'s overloads take one command type at a time.
    await (command instanceof PutCommand ? ctx.doc.send(command) : ctx.doc.send(command));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Attributes that belong to the table, never to the entity. */
const STORAGE_ATTRS = new Set(['pk', 'sk', 'type', 'ttl', ...Object.values(TABLE.indexes).flatMap((i) => [i.partitionKey, i.sortKey])]);

/** The entity an item holds: without the table's attributes, decoded where it was stored compact (codec.ts). */
export function fromItem<T>(item: Item): Stored<T> {
  const decoded = item.type === 'match' ? decodeMatch(item) : item;
  const out: Item = {};
  for (const [k, v] of Object.entries(decoded)) if (!STORAGE_ATTRS.has(k)) out[k] = v;
  if (holdsReferences(item.pendingEvents as StoredEvent[] | undefined)) out.pendingEvents = decodePending(item.pendingEvents as StoredEvent[], item);
  return out as Stored<T>;
}

export async function getItem(ctx: StoreContext, key: TableKey, consistent: boolean): Promise<Item | undefined> {
  const res = await ctx.doc.send(new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: consistent }));
  return res.Item;
}

/**
 * Every item of these keys that exists, in no particular order: chunks of
 * 100 (the API's limit), retrying what DynamoDB leaves unprocessed under
 * load, with backoff.
 */
export async function batchGetItems(ctx: StoreContext, keys: readonly Item[], consistent = false): Promise<Item[]> {
  const out: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Item[] | undefined = keys.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('BatchGetItem kept leaving keys unprocessed');
      if (attempt > 0) await sleep(Math.min(50 * 2 ** attempt, 1000));
      const res: BatchGetCommandOutput = await ctx.doc.send(
        new BatchGetCommand({ RequestItems: { [ctx.tableName]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      out.push(...(res.Responses?.[ctx.tableName] ?? []));
      pending = res.UnprocessedKeys?.[ctx.tableName]?.Keys;
    }
  }
  return out;
}

/** A Query of one partition of the table or an index, optionally narrowed by sort-key prefix or upper bound. */
export function queryInput(ctx: StoreContext, index: IndexName | null, pkValue: string, skPrefix?: string, skBefore?: string): QueryCommandInput {
  const names = index ? TABLE.indexes[index] : { partitionKey: TABLE.partitionKey, sortKey: TABLE.sortKey };
  const input: QueryCommandInput = {
    TableName: ctx.tableName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': names.partitionKey },
    ExpressionAttributeValues: { ':pk': pkValue },
  };
  if (index) input.IndexName = index;
  if (skPrefix !== undefined || skBefore !== undefined) {
    input.ExpressionAttributeNames!['#sk'] = names.sortKey;
    if (skBefore !== undefined) {
      input.KeyConditionExpression += ' AND #sk < :before';
      input.ExpressionAttributeValues![':before'] = skBefore;
    } else {
      input.KeyConditionExpression += ' AND begins_with(#sk, :prefix)';
      input.ExpressionAttributeValues![':prefix'] = skPrefix;
    }
  }
  return input;
}

/** One raw Query page: its entries and where the next page starts. */
export async function queryRaw(ctx: StoreContext, input: QueryCommandInput): Promise<{ entries: Item[]; lastKey: Item | undefined }> {
  const res = await ctx.doc.send(new QueryCommand(input));
  return { entries: res.Items ?? [], lastKey: res.LastEvaluatedKey };
}

/**
 * The items behind a KEYS_ONLY index's entries, in the entries' order. An
 * index lags its table a little, so `keep` drops items whose current state
 * no longer belongs to the list (a need proposed since, a match moved on).
 */
async function hydrate<T>(ctx: StoreContext, entries: Item[], keep?: (item: Stored<T>) => boolean): Promise<Stored<T>[]> {
  const keyOf = (i: Item) => `${String(i.pk)}\u0000${String(i.sk)}`;
  const unique = [...new Map(entries.map((e) => [keyOf(e), { pk: e.pk, sk: e.sk }])).values()];
  const found = new Map((await batchGetItems(ctx, unique)).map((item) => [keyOf(item), item]));
  const out: Stored<T>[] = [];
  for (const e of entries) {
    const item = found.get(keyOf(e));
    if (!item) continue;
    const v = fromItem<T>(item);
    if (!keep || keep(v)) out.push(v);
  }
  return out;
}

async function itemsOf<T>(ctx: StoreContext, index: IndexName | null, entries: Item[], keep?: (item: Stored<T>) => boolean) {
  if (index && projectionOf(index).type === 'KEYS_ONLY') return hydrate<T>(ctx, entries, keep);
  const items = entries.map((i) => fromItem<T>(i));
  return keep ? items.filter(keep) : items;
}

export interface PageQuery<T> extends PageRequest {
  skPrefix?: string;
  newestFirst?: boolean;
  keep?: (item: Stored<T>) => boolean;
}

/**
 * One page of a list, for API callers. The cursor is signed for this exact
 * list (index, partition, prefix, order), so it cannot be replayed on another.
 */
export async function queryPage<T>(ctx: StoreContext, index: IndexName | null, pkValue: string, opts: PageQuery<T>): Promise<Page<Stored<T>>> {
  const scope = `${index ?? 'TABLE'}|${pkValue}|${opts.skPrefix ?? ''}|${opts.newestFirst ? 'desc' : 'asc'}`;
  const input = queryInput(ctx, index, pkValue, opts.skPrefix);
  input.Limit = opts.limit;
  input.ScanIndexForward = !opts.newestFirst;
  input.ExclusiveStartKey = ctx.cursors.decode(scope, opts.cursor);
  const { entries, lastKey } = await queryRaw(ctx, input);
  return {
    items: await itemsOf<T>(ctx, index, entries, opts.keep),
    nextCursor: ctx.cursors.encode(scope, lastKey),
  };
}

/** Every item of a partition (internal callers: matcher, analytics, jobs), following pages. */
export async function queryAll<T>(
  ctx: StoreContext,
  index: IndexName | null,
  pkValue: string,
  skPrefix?: string,
  opts: { limit?: number; keep?: (item: Stored<T>) => boolean } = {},
): Promise<Stored<T>[]> {
  const out: Stored<T>[] = [];
  let start: Item | undefined;
  do {
    const input = queryInput(ctx, index, pkValue, skPrefix);
    input.ExclusiveStartKey = start;
    if (opts.limit) input.Limit = opts.limit - out.length;
    const { entries, lastKey } = await queryRaw(ctx, input);
    out.push(...(await itemsOf<T>(ctx, index, entries, opts.keep)));
    start = lastKey;
  } while (start && (!opts.limit || out.length < opts.limit));
  return out;
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Market rounds and their waiting needs: the bounded window a round takes,
 * where a market's sweep of windows goes on from, and the operators' list of
 * waiting needs. All from the market's waiting index (GSI2, `MARKET#<type>`,
 * needs sorted by `NEED#<postedAt>#<id>`: oldest first), never a Scan.
 */
import { PutCommand, DeleteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { SERVICE_TYPE_IDS } from '#domain/catalog.ts';
import type { Need } from '#domain/model.ts';
import { batchGetItems, fromItem, getItem, queryInput, queryRaw, type Item, type Page, type StoreContext, type Stored } from './core.ts';
import { MARKET_STATES_PK, marketPk, marketStateKey, needKeys, roundCursorKey } from './keys.ts';
import { TABLE } from './table.ts';

const NEED_SK_FIRST = 'NEED#';
/** Above every need's sort key (`NEED#<iso time>#<id>`), below the offerings' (`OFFERING#...`). */
const NEED_SK_LAST = 'NEED#\uffff';

/** The position of a need in its market's waiting index. */
export const waitingSortKey = (n: Need) => needKeys(n).gsisk!;

function waitingQuery(ctx: StoreContext, serviceType: string, after: string | undefined): QueryCommandInput {
  const ix = TABLE.indexes.GSI2;
  return {
    TableName: ctx.tableName,
    IndexName: 'GSI2',
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': ix.partitionKey, '#sk': ix.sortKey },
    // BETWEEN is inclusive: the smallest string above `after` starts the range after it.
    ExpressionAttributeValues: { ':pk': marketPk(serviceType), ':from': after ? `${after}\u0000` : NEED_SK_FIRST, ':to': NEED_SK_LAST },
  };
}

/** The needs behind KEYS_ONLY index entries, in the entries' order, still WAITING (the index lags its table a little). */
async function waitingOf(ctx: StoreContext, entries: Item[]): Promise<Stored<Need>[]> {
  const found = new Map((await batchGetItems(ctx, entries.map((e) => ({ pk: e.pk, sk: e.sk })))).map((i) => [String(i.pk), i]));
  return entries.flatMap((e) => {
    const item = found.get(String(e.pk));
    if (!item) return [];
    const n = fromItem<Need>(item);
    return n.status === 'WAITING' ? [n] : [];
  });
}

/**
 * Up to `limit` waiting needs of a market after position `after` (none:
 * from the oldest), oldest first, and whether more wait beyond them.
 */
export async function waitingWindow(
  ctx: StoreContext,
  serviceType: string,
  opts: { after?: string | undefined; limit: number },
): Promise<{ needs: Stored<Need>[]; more: boolean }> {
  const out: Stored<Need>[] = [];
  let start: Item | undefined;
  do {
    const input = waitingQuery(ctx, serviceType, opts.after);
    // One more than the window, to learn whether more wait.
    input.Limit = opts.limit + 1 - out.length;
    input.ExclusiveStartKey = start;
    const { entries, lastKey } = await queryRaw(ctx, input);
    out.push(...(await waitingOf(ctx, entries)));
    start = lastKey;
  } while (start && out.length <= opts.limit);
  return { needs: out.slice(0, opts.limit), more: out.length > opts.limit };
}

/** Where the market's current sweep goes on from (the sort key of the last need of the previous window), if one is under way. */
export async function getRoundCursor(ctx: StoreContext, serviceType: string): Promise<string | undefined> {
  return (await getRoundSweep(ctx, serviceType))?.after;
}

/** The sweep under way: where it goes on from, and the needs its earlier windows left waiting, by province. */
export async function getRoundSweep(ctx: StoreContext, serviceType: string): Promise<{ after: string; waiting: Record<string, number> } | undefined> {
  const item = await getItem(ctx, roundCursorKey(serviceType), true);
  if (typeof item?.after !== 'string') return undefined;
  return { after: item.after, waiting: (item.waiting as Record<string, number> | undefined) ?? {} };
}

/**
 * Records where the next window starts (with the needs the windows so far
 * left waiting), or ends the sweep (`undefined`). Plain writes: one round at
 * a time runs per market (the FIFO queue's message group, the local bus's
 * serial delivery), so nobody races for it.
 */
export async function setRoundCursor(ctx: StoreContext, serviceType: string, after: string | undefined, waiting: Record<string, number> = {}): Promise<void> {
  const key = roundCursorKey(serviceType);
  if (after === undefined) await ctx.doc.send(new DeleteCommand({ TableName: ctx.tableName, Key: key }));
  else await ctx.doc.send(new PutCommand({ TableName: ctx.tableName, Item: { ...key, after, serviceType, waiting } }));
}

/**
 * A market as its last whole round saw it: the needs left waiting and the
 * monthly capacity of its active offerings, by province (capacity: of the
 * offerings serving that province in person; `capacityTotal` counts each
 * offering once). The markets report reads these instead of each market's
 * indexes.
 */
export interface MarketState {
  serviceType: string;
  at: string;
  waiting: Record<string, number>;
  capacity: Record<string, number>;
  capacityTotal: number;
}

export async function getMarketState(ctx: StoreContext, serviceType: string): Promise<MarketState | undefined> {
  const item = await getItem(ctx, marketStateKey(serviceType), false);
  return item ? stateOf(item) : undefined;
}

/** Plain put: the market's rounds are its only writer, one at a time. */
export async function putMarketState(ctx: StoreContext, state: MarketState): Promise<void> {
  await ctx.doc.send(new PutCommand({ TableName: ctx.tableName, Item: { ...marketStateKey(state.serviceType), type: 'marketState', ...state } }));
}

/** Every market's state (or one's): one Query of one partition, at most one small item per market. */
export async function readMarketStates(ctx: StoreContext, serviceType?: string): Promise<MarketState[]> {
  const out: MarketState[] = [];
  let start: Item | undefined;
  do {
    const input = queryInput(ctx, null, MARKET_STATES_PK, serviceType ? marketStateKey(serviceType).sk : 'MARKET#');
    input.ExclusiveStartKey = start;
    const page = await queryRaw(ctx, input);
    out.push(...page.entries.map(stateOf).filter((st) => !serviceType || st.serviceType === serviceType));
    start = page.lastKey;
  } while (start);
  return out;
}

function stateOf(item: Item): MarketState {
  return {
    serviceType: item.serviceType as string,
    at: item.at as string,
    waiting: (item.waiting as Record<string, number>) ?? {},
    capacity: (item.capacity as Record<string, number>) ?? {},
    capacityTotal: (item.capacityTotal as number) ?? 0,
  };
}

/** Index reads one request may make before answering a shorter page (the province filter can drop entries). */
const LIST_QUERY_BUDGET = 8;

/**
 * The operators' list of waiting needs: one market, or every market in
 * catalog order; oldest first within a market. The province is a filter
 * applied to each page of the market's index as it is read (the index is
 * keyed by market, and a need's province is in its SME snapshot), bounded
 * per request: a page may hold fewer than `limit` needs, even none, with a
 * `nextCursor` to go on. Cheap because a market's waiting needs are few
 * compared to its history, and a page costs at most LIST_QUERY_BUDGET reads.
 */
export async function listWaitingNeeds(
  ctx: StoreContext,
  filter: { serviceType?: string | undefined; province?: string | undefined },
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Stored<Need>>> {
  const markets: readonly string[] = filter.serviceType ? [filter.serviceType] : SERVICE_TYPE_IDS;
  const scope = `WAITING|${filter.serviceType ?? '*'}|${filter.province ?? '*'}`;
  const at = ctx.cursors.decode(scope, page.cursor) as { m?: unknown; k?: Item } | undefined;
  let m = typeof at?.m === 'number' && Number.isInteger(at.m) && at.m >= 0 ? at.m : 0;
  let start: Item | undefined = at?.k;
  const items: Stored<Need>[] = [];
  for (let reads = 0; reads < LIST_QUERY_BUDGET && m < markets.length && items.length < page.limit; reads++) {
    const input = waitingQuery(ctx, markets[m]!, undefined);
    input.Limit = page.limit - items.length;
    input.ExclusiveStartKey = start;
    const { entries, lastKey } = await queryRaw(ctx, input);
    const needs = await waitingOf(ctx, entries);
    items.push(...(filter.province ? needs.filter((n) => n.sme.region.province === filter.province) : needs));
    if (lastKey) start = lastKey;
    else {
      m++;
      start = undefined;
    }
  }
  const nextCursor = m < markets.length ? ctx.cursors.encode(scope, { m, ...(start ? { k: start } : {}) }) : null;
  return { items, nextCursor };
}

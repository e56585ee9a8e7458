/**
 * KPI counters (domain/kpis.ts): one item per period and scope (a province;
 * a market in a province), changed only by ADD, each event counted once
 * however often or concurrently it comes:
 *
 * 1. claim the event's marker item for this delivery (put if absent): a
 *    marker DONE means counted, nothing to do; a marker another delivery
 *    claimed is left to it until its lease runs out (it crashed), then taken over;
 * 2. each counter the event moves: `ADD <deltas>` and `inflight:<eventId>` if
 *    the item lacks it, one conditional update per counter: a claimant that
 *    takes over finds there whether the crashed one had counted;
 * 3. the marker: DONE;
 * 4. each counter: remove `inflight:<eventId>`, so the item holds only the
 *    events in flight and its size (each write's and the report's cost)
 *    stays bounded whatever the number of events.
 *
 * Only the smallest scopes are written (a province; a market in a province):
 * the totals are their sums, added up when a report is read (one Query of at
 * most one item per province, or per market and province). Writing the totals
 * too doubled every event's writes (issue 16: write units per matched need).
 *
 * Distinct SMEs served: a marker per (period, SME, 'ALL' or project) claimed
 * by the first event that serves it; the same event may claim it again on a
 * retry, so its deltas come out the same. An SME is in one province, so the
 * provinces' counts of distinct SMEs add up to the platform's.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deltas } from '#domain/kpis.ts';
import { getItem, queryInput, queryRaw, writeIf, type Item, type StoreContext } from './core.ts';
import { kpiKey, kpiMarkKey, kpiPk } from './keys.ts';

export const PROVINCE_SCOPE_PREFIX = 'PROVINCE#';
export const scopeProvince = (province: string) => `${PROVINCE_SCOPE_PREFIX}${province}`;
/** The markets report's counters (domain/kpis.ts MK) share the period's partition, after the KPI scopes. */
export const MARKET_SCOPE_PREFIX = 'MARKET#';
export const scopeMarket = (serviceType: string, province: string) => `${MARKET_SCOPE_PREFIX}${serviceType}#${province}`;

/** One counter an event moves. */
export interface CounterMove {
  period: string;
  scope: string;
  deltas: Deltas;
}

/** How long a delivery owns an event's marker: longer than the KPI consumer runs (10 s), so the owner it replaces is gone. */
export const KPI_CLAIM_LEASE_MS = 30_000;

/** Another delivery of the same event is counting it right now: the consumer fails and the bus delivers it again later. */
export class EventInFlight extends Error {}

async function claim(ctx: StoreContext, mark: Item, nowMs: number): Promise<'mine' | 'done'> {
  const by = randomUUID();
  const put = new PutCommand({
    TableName: ctx.tableName,
    Item: { ...mark, type: 'kpiMark', state: 'CLAIMED', by, at: nowMs },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  if (await writeIf(ctx, put)) return 'mine';
  const cur = await getItem(ctx, mark as { pk: string; sk: string }, true);
  if (!cur) throw new EventInFlight('the event marker vanished; retry');
  if (cur.state === 'DONE') return 'done';
  if ((cur.at as number) + KPI_CLAIM_LEASE_MS > nowMs) throw new EventInFlight('another delivery is counting this event');
  const tookOver = await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: mark,
      UpdateExpression: 'SET #by = :by, #at = :now',
      ConditionExpression: '#by = :old AND #state = :claimed',
      ExpressionAttributeNames: { '#by': 'by', '#at': 'at', '#state': 'state' },
      ExpressionAttributeValues: { ':by': by, ':now': nowMs, ':old': cur.by, ':claimed': 'CLAIMED' },
    }),
  );
  if (!tookOver) throw new EventInFlight('another delivery took the event over');
  return 'mine';
}

/**
 * The attribute marking an event in flight on a counter item: a top-level
 * attribute (not an entry of a map), so the counter's first event needs no
 * write to create the map first. Its value is not a number: no report counts it.
 */
const inflight = (countId: string) => `inflight:${countId}`;

/** Step 2: the deltas and the id, once; false when the id was already there (a crashed claimant had counted). */
async function addOnce(ctx: StoreContext, period: string, scope: string, countId: string, deltas: Deltas): Promise<boolean> {
  const names: Record<string, string> = { '#e': inflight(countId) };
  const values: Record<string, unknown> = { ':t': true };
  const adds = Object.entries(deltas).map(([k, v], i) => {
    names[`#c${i}`] = k;
    values[`:c${i}`] = v;
    return `#c${i} :c${i}`;
  });
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: kpiKey(period, scope),
      UpdateExpression: `${adds.length ? `ADD ${adds.join(', ')} ` : ''}SET #e = :t`,
      ConditionExpression: 'attribute_not_exists(#e)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Adds each move's deltas to its counter once per `countId` (an event id, or
 * another id naming one thing to count); false when it had been counted.
 */
export async function applyOnce(ctx: StoreContext, countId: string, moves: readonly CounterMove[], nowMs: number): Promise<boolean> {
  if (moves.length === 0) return false;
  const mark = kpiMarkKey(countId);
  const state = await claim(ctx, mark, nowMs);
  let added = false;
  if (state === 'mine') {
    const results = await Promise.all(moves.map((m) => addOnce(ctx, m.period, m.scope, countId, m.deltas)));
    added = results.some(Boolean);
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: mark,
        UpdateExpression: 'SET #state = :done',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'DONE' },
      }),
    );
  }
  // Also on a repeat: a crash between DONE and this removal left the id behind.
  await Promise.all(
    moves.map((m) =>
      writeIf(
        ctx,
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: kpiKey(m.period, m.scope),
          UpdateExpression: 'REMOVE #e',
          ConditionExpression: 'attribute_exists(#e)',
          ExpressionAttributeNames: { '#e': inflight(countId) },
        }),
      ),
    ),
  );
  return added;
}

/** True when `eventId` is the first to serve the SME in the period (and `what`: 'ALL' or a project); the same event may ask again. */
export async function claimServed(ctx: StoreContext, period: string, smeId: string, what: string, eventId: string): Promise<boolean> {
  return writeIf(
    ctx,
    new PutCommand({
      TableName: ctx.tableName,
      Item: { ...kpiMarkKey(`SERVED#${period}#${smeId}#${what}`), type: 'kpiServed', eventId },
      ConditionExpression: 'attribute_not_exists(pk) OR eventId = :e',
      ExpressionAttributeValues: { ':e': eventId },
    }),
  );
}

/**
 * The counter items of a period whose scope starts with `prefix` (the
 * provinces', or the markets' — of one market with `MARKET#<type>#`), with
 * their keys: one Query (paged only past 1 MB), at most one item per scope
 * however many matches there were.
 */
export async function readCountersByPrefix(ctx: StoreContext, period: string, prefix: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const input = queryInput(ctx, null, kpiPk(period), prefix);
    input.ExclusiveStartKey = start;
    const page = await queryRaw(ctx, input);
    out.push(...page.entries);
    start = page.lastKey;
  } while (start);
  return out;
}

export function kpiCounters(ctx: StoreContext) {
  return {
    applyOnce: (countId: string, moves: readonly CounterMove[], nowMs: number) => applyOnce(ctx, countId, moves, nowMs),
    claimServed: (period: string, smeId: string, what: string, eventId: string) => claimServed(ctx, period, smeId, what, eventId),
    readCounters: (period: string, scope: string) => getItem(ctx, kpiKey(period, scope), false),
    readCountersByPrefix: (period: string, prefix: string) => readCountersByPrefix(ctx, period, prefix),
  };
}
export type KpiCounters = ReturnType<typeof kpiCounters>;

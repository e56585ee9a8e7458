/**
 * KPI counters (domain/kpis.ts): one item per period and scope, changed only
 * by ADD, each event counted once however often or concurrently it comes:
 *
 * 1. claim the event's marker item (event, period, scope) for this delivery
 *    (put if absent): a marker DONE means counted, nothing to do; a marker
 *    another delivery claimed is left to it until its lease runs out (it
 *    crashed), then taken over;
 * 2. the counter: `ADD <deltas>` and `applied[eventId]` if `applied` lacks
 *    it, one conditional update: a claimant that takes over finds there
 *    whether the crashed one had counted;
 * 3. the marker: DONE;
 * 4. the counter: remove the id from `applied`, so the item holds only the
 *    events in flight and its size (the report's read cost) stays bounded
 *    whatever the number of events.
 *
 * Distinct SMEs served: a marker per (period, SME, 'ALL' or project) claimed
 * by the first event that serves it; the same event may claim it again on a
 * retry, so its deltas come out the same.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deltas } from '#domain/kpis.ts';
import { getItem, queryInput, queryRaw, writeIf, type Item, type StoreContext } from './core.ts';
import { kpiKey, kpiMarkKey, kpiPk } from './keys.ts';

export const scopeAll = 'ALL';
export const scopeProvince = (province: string) => `PROVINCE#${province}`;
/** The markets report's counters (domain/kpis.ts MK) share the period's partition, after the KPI scopes. */
export const MARKET_SCOPE_PREFIX = 'MARKET#';
export const scopeMarket = (serviceType: string, province?: string) => `${MARKET_SCOPE_PREFIX}${serviceType}#${province ?? scopeAll}`;

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

function isInvalidPath(e: unknown): boolean {
  return (e as { name?: string })?.name === 'ValidationException';
}

/** Step 2: the deltas and the id, once; false when the id was already there (a crashed claimant had counted). */
async function addOnce(ctx: StoreContext, period: string, scope: string, eventId: string, deltas: Deltas): Promise<boolean> {
  const names: Record<string, string> = { '#applied': 'applied', '#e': eventId };
  const values: Record<string, unknown> = { ':t': true };
  const adds = Object.entries(deltas).map(([k, v], i) => {
    names[`#c${i}`] = k;
    values[`:c${i}`] = v;
    return `#c${i} :c${i}`;
  });
  const update = new UpdateCommand({
    TableName: ctx.tableName,
    Key: kpiKey(period, scope),
    UpdateExpression: `${adds.length ? `ADD ${adds.join(', ')} ` : ''}SET #applied.#e = :t`,
    ConditionExpression: 'attribute_not_exists(#applied.#e)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  try {
    return await writeIf(ctx, update);
  } catch (e) {
    if (!isInvalidPath(e)) throw e;
    // The counter's first event: make its (empty) map of events in flight, then count.
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: kpiKey(period, scope),
        UpdateExpression: 'SET #applied = if_not_exists(#applied, :empty)',
        ExpressionAttributeNames: { '#applied': 'applied' },
        ExpressionAttributeValues: { ':empty': {} },
      }),
    );
    return writeIf(ctx, update);
  }
}

/** Adds `deltas` to the counter of (period, scope) once per `eventId`; false when it had been counted. */
export async function applyOnce(ctx: StoreContext, period: string, scope: string, eventId: string, deltas: Deltas, nowMs: number): Promise<boolean> {
  const mark = kpiMarkKey(`${eventId}#${period}#${scope}`);
  const state = await claim(ctx, mark, nowMs);
  const added = state === 'mine' ? await addOnce(ctx, period, scope, eventId, deltas) : false;
  if (state === 'mine') {
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
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: kpiKey(period, scope),
      UpdateExpression: 'REMOVE #applied.#e',
      ConditionExpression: 'attribute_exists(#applied.#e)',
      ExpressionAttributeNames: { '#applied': 'applied', '#e': eventId },
    }),
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

/** One counter item: one GetItem. */
export async function readCounters(ctx: StoreContext, period: string, scope: string): Promise<Item | undefined> {
  return getItem(ctx, kpiKey(period, scope), false);
}

/**
 * Every market counter item of a period (or of one market in it), with its
 * key (the scope): one Query (paged only past 1 MB), at most one item per
 * market and scope however many matches there were.
 */
export async function readMarketCounters(ctx: StoreContext, period: string, serviceType?: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Item | undefined;
  do {
    const input = queryInput(ctx, null, kpiPk(period), serviceType ? scopeMarket(serviceType, '') : MARKET_SCOPE_PREFIX);
    input.ExclusiveStartKey = start;
    const page = await queryRaw(ctx, input);
    out.push(...page.entries);
    start = page.lastKey;
  } while (start);
  return out;
}

export function kpiCounters(ctx: StoreContext) {
  return {
    applyOnce: (period: string, scope: string, eventId: string, deltas: Deltas, nowMs: number) => applyOnce(ctx, period, scope, eventId, deltas, nowMs),
    claimServed: (period: string, smeId: string, what: string, eventId: string) => claimServed(ctx, period, smeId, what, eventId),
    readCounters: (period: string, scope: string) => readCounters(ctx, period, scope),
    readMarketCounters: (period: string, serviceType?: string) => readMarketCounters(ctx, period, serviceType),
  };
}
export type KpiCounters = ReturnType<typeof kpiCounters>;

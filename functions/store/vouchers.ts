/**
 * The voucher ledger: programmes and vouchers, whose money moves only by
 * single-item conditional updates (the capacity ledger's pattern, ledger.ts).
 * The invariant and why `held`/`redeemed` are derived: domain/vouchers.ts.
 *
 * Per-match moves (hold, redeem, release) touch the voucher alone and are
 * guarded by the match id in `holds`, `redeemed` and `ended`, so each happens
 * at most once and a late or repeated event changes nothing. Allocation and
 * expiry touch the programme and a voucher in a fixed order with a marker
 * in between, so a crash leaves money visibly in flight, never lost, and a
 * retry (or `repairProgramme`) finishes the move.
 *
 * The voucher is not a versioned entity, but the two moves that announce
 * something (its issue, a redemption) write their events into its outbox in
 * the same write (outbox.ts): `pendingEvents` and the OUTBOX index entry, and
 * `version` counts those writes, so marking the events published never drops
 * an event appended after they were read.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict } from '#domain/errors.ts';
import type { Programme, Voucher } from '#domain/vouchers.ts';
import type { AppEvent } from '#events/contracts.ts';
import { getItem, queryAll, queryPage, queryRaw, queryInput, writeIf, type Item, type Page, type PageRequest, type StoreContext } from './core.ts';
import { outboxAttributes } from './outbox.ts';
import { allPk, programmeKey, programmePk, settlementKey, settlementPk, smePk, voucherKey, voucherSlotKey } from './keys.ts';

const STRIP = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi2pk', 'gsisk', 'pendingEvents', 'outboxPk', 'outboxSk', 'version']);
const strip = <T>(item: Item): T => Object.fromEntries(Object.entries(item).filter(([k]) => !STRIP.has(k))) as T;
function toProgramme(item: Item): Programme {
  const p = strip<Programme & { returns?: Set<string> | string[] }>(item);
  return { ...p, pending: p.pending ?? {}, returns: p.returns instanceof Set ? [...p.returns] : [] };
}
export const toVoucher = (item: Item): Voucher => strip<Voucher>(item);

/**
 * The part of an UpdateExpression's SET that appends `events` to the
 * voucher's outbox (entering the OUTBOX index if it was not there; an item
 * already there keeps its place, its oldest event), with its values; the
 * caller adds `ADD version :one` (see `withEvents`).
 */
export function appendEvents(pk: string, events: readonly AppEvent[]) {
  const attrs = outboxAttributes(pk, events);
  return {
    set: 'pendingEvents = list_append(if_not_exists(pendingEvents, :noEvents), :events), outboxPk = if_not_exists(outboxPk, :opk), outboxSk = if_not_exists(outboxSk, :osk)',
    values: { ':noEvents': [], ':events': events, ':opk': attrs.outboxPk, ':osk': attrs.outboxSk, ':one': 1 },
  };
}

/** The events a voucher's outbox still holds (the relay's work, or the writer's right after its write). */
export async function pendingOfVoucher(ctx: StoreContext, smeId: string, id: string): Promise<AppEvent[]> {
  const item = await getItem(ctx, voucherKey(smeId, id), true);
  return (item?.pendingEvents ?? []) as AppEvent[];
}

// ------------------------------------------------------------------ programmes

export async function putProgramme(ctx: StoreContext, p: Programme): Promise<void> {
  const { returns: _r, ...rest } = p;
  const item = { ...rest, ...programmeKey(p.id), type: 'programme', gsi2pk: allPk('PROGRAMME'), gsisk: `PROGRAMME#${p.createdAt}#${p.id}` };
  const ok = await writeIf(ctx, new PutCommand({ TableName: ctx.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  if (!ok) throw new Conflict('programme already exists');
}

export async function getProgramme(ctx: StoreContext, id: string): Promise<Programme | undefined> {
  const item = await getItem(ctx, programmeKey(id), true);
  return item ? toProgramme(item) : undefined;
}

export async function listProgrammes(ctx: StoreContext, p: PageRequest) {
  const page = await queryPage<Item>(ctx, 'GSI2', allPk('PROGRAMME'), { ...p, newestFirst: true });
  return { items: page.items.map((i) => toProgramme(i as Item)), nextCursor: page.nextCursor };
}

/** Every voucher of a programme (the ledger view, expiry and the invariant checker). */
export async function vouchersOfProgramme(ctx: StoreContext, programmeId: string): Promise<Voucher[]> {
  return (await queryAll<Item>(ctx, 'GSI1', programmePk(programmeId), 'VOUCHER#')).map((i) => toVoucher(i as Item));
}

// ------------------------------------------------------------------ vouchers of an SME

export async function getVoucher(ctx: StoreContext, smeId: string, id: string): Promise<Voucher | undefined> {
  const item = await getItem(ctx, voucherKey(smeId, id), true);
  return item ? toVoucher(item) : undefined;
}

/** An SME's vouchers: one Query of its partition (an SME holds a handful). */
export async function vouchersOfSme(ctx: StoreContext, smeId: string): Promise<Voucher[]> {
  const out: Voucher[] = [];
  let start: Item | undefined;
  do {
    const input = queryInput(ctx, null, smePk(smeId), 'VOUCHER#');
    input.ExclusiveStartKey = start;
    input.ConsistentRead = true;
    const { entries, lastKey } = await queryRaw(ctx, input);
    out.push(...entries.map(toVoucher));
    start = lastKey;
  } while (start);
  return out;
}

/** One page of an SME's vouchers, for API callers (GET /v1/smes/{smeId}/vouchers pages like every list). */
export async function pageVouchersOfSme(ctx: StoreContext, smeId: string, p: PageRequest): Promise<Page<Voucher>> {
  const page = await queryPage<Item>(ctx, null, smePk(smeId), { ...p, skPrefix: 'VOUCHER#' });
  return { items: page.items.map((i) => toVoucher(i as Item)), nextCursor: page.nextCursor };
}

// ------------------------------------------------------------------ allocation

export type SlotState = { voucherId: string; state: 'ALLOCATING' | 'ISSUED'; owned: boolean };

/**
 * How long an allocation owns its slot before another request may take it
 * over: longer than any HTTP Lambda runs (FUNCTIONS' timeouts are 10 s), so
 * the owner it replaces is certainly gone and two requests never allocate
 * for the same voucher.
 */
export const SLOT_LEASE_MS = 60_000;

/**
 * Takes the SME's slot in the programme for `voucherId` (one unexpired
 * voucher per SME and programme, even under concurrent issues). Only the
 * request that owns the slot allocates money; another one sees the slot as
 * it is, and takes it over (same voucher id) only once the owner's lease
 * has run out, i.e. it crashed.
 */
export async function takeSlot(ctx: StoreContext, smeId: string, programmeId: string, voucherId: string, nowMs: number): Promise<SlotState> {
  const ok = await writeIf(
    ctx,
    new PutCommand({
      TableName: ctx.tableName,
      Item: { ...voucherSlotKey(smeId, programmeId), type: 'voucherSlot', voucherId, state: 'ALLOCATING', at: nowMs },
      // An expired voucher frees its slot (finishReturn marks it), as does a refused allocation (dropSlot).
      ConditionExpression: 'attribute_not_exists(pk) OR #state IN (:expired, :free)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':expired': 'EXPIRED', ':free': 'FREE' },
    }),
  );
  if (ok) return { voucherId, state: 'ALLOCATING', owned: true };
  const cur = await getItem(ctx, voucherSlotKey(smeId, programmeId), true);
  if (!cur || cur.state === 'EXPIRED' || cur.state === 'FREE') return takeSlot(ctx, smeId, programmeId, voucherId, nowMs);
  const state = cur.state as SlotState['state'];
  const held = { voucherId: cur.voucherId as string, state, owned: false };
  if (state !== 'ALLOCATING' || (cur.at as number) + SLOT_LEASE_MS > nowMs) return held;
  const tookOver = await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: voucherSlotKey(smeId, programmeId),
      UpdateExpression: 'SET #at = :now',
      ConditionExpression: '#at = :old AND #state = :a',
      ExpressionAttributeNames: { '#at': 'at', '#state': 'state' },
      ExpressionAttributeValues: { ':now': nowMs, ':old': cur.at, ':a': 'ALLOCATING' },
    }),
  );
  return { ...held, owned: tookOver };
}

export async function setSlot(ctx: StoreContext, smeId: string, programmeId: string, voucherId: string, state: 'ISSUED' | 'EXPIRED'): Promise<void> {
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: voucherSlotKey(smeId, programmeId),
      UpdateExpression: 'SET #state = :s',
      ConditionExpression: 'voucherId = :v',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':s': state, ':v': voucherId },
    }),
  );
}

/** Frees a slot whose allocation was refused (budget exhausted), only if it is still that allocation's. */
export async function dropSlot(ctx: StoreContext, smeId: string, programmeId: string, voucherId: string): Promise<void> {
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: voucherSlotKey(smeId, programmeId),
      UpdateExpression: 'SET #state = :free',
      ConditionExpression: 'voucherId = :v AND #state = :a',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':v': voucherId, ':a': 'ALLOCATING', ':free': 'FREE' },
    }),
  );
}

/**
 * Step 1 of an issue: takes the face value from the programme's `available`
 * and records the allocation in `pending` under the voucher id, in one
 * conditional update. 'exhausted' when the budget cannot cover it; a repeat
 * for the same voucher id is 'allocated' without taking twice.
 */
export async function allocate(ctx: StoreContext, programmeId: string, voucherId: string, smeId: string, faceValue: number): Promise<'allocated' | 'exhausted'> {
  const ok = await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: programmeKey(programmeId),
      UpdateExpression: 'SET available = available - :fv, pending.#vid = :sme',
      ConditionExpression: 'available >= :fv AND attribute_not_exists(pending.#vid)',
      ExpressionAttributeNames: { '#vid': voucherId },
      ExpressionAttributeValues: { ':fv': faceValue, ':sme': smeId },
    }),
  );
  if (ok) return 'allocated';
  const p = await getProgramme(ctx, programmeId);
  return p && voucherId in p.pending ? 'allocated' : 'exhausted';
}

/**
 * Step 2: the voucher itself, with the events of its issue in its outbox
 * (idempotent: an existing voucher of that id is left as it is, events and all).
 */
export async function putVoucher(ctx: StoreContext, v: Voucher, events: readonly AppEvent[] = []): Promise<void> {
  const key = voucherKey(v.smeId, v.id);
  const item = {
    ...v,
    ...key,
    ...outboxAttributes(key.pk, events),
    version: 1,
    type: 'voucher',
    gsi1pk: programmePk(v.programmeId),
    gsisk: `VOUCHER#${v.issuedAt}#${v.id}`,
  };
  await writeIf(ctx, new PutCommand({ TableName: ctx.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
}

/** Step 3: the voucher exists, so the allocation is no longer in flight. */
export async function settleAllocation(ctx: StoreContext, programmeId: string, smeId: string, voucherId: string): Promise<void> {
  await setSlot(ctx, smeId, programmeId, voucherId, 'ISSUED');
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: programmeKey(programmeId),
      UpdateExpression: 'REMOVE pending.#vid',
      ConditionExpression: 'attribute_exists(pending.#vid)',
      ExpressionAttributeNames: { '#vid': voucherId },
    }),
  );
}

// ------------------------------------------------------------------ settlement lines

export interface SettlementLine {
  voucherId: string;
  matchId: string;
  amount: number;
  redeemedAt: string;
}

/** One line per redeemed (voucher, match), keyed by its redemption: writing it again changes nothing. */
export async function putSettlementLine(ctx: StoreContext, providerId: string, line: SettlementLine): Promise<void> {
  await ctx.doc.send(
    new PutCommand({
      TableName: ctx.tableName,
      Item: { ...settlementKey(providerId, line.redeemedAt, line.voucherId, line.matchId), type: 'settlement', ...line },
    }),
  );
}

/** A provider's lines of a month: one Query (sort keys begin with the redemption time). */
export async function settlementLines(ctx: StoreContext, providerId: string, period: string): Promise<SettlementLine[]> {
  const out: SettlementLine[] = [];
  let start: Item | undefined;
  do {
    const input = queryInput(ctx, null, settlementPk(providerId), `${period}-`);
    input.ExclusiveStartKey = start;
    const { entries, lastKey } = await queryRaw(ctx, input);
    out.push(...entries.map((e) => ({ voucherId: e.voucherId as string, matchId: e.matchId as string, amount: e.amount as number, redeemedAt: e.redeemedAt as string })));
    start = lastKey;
  } while (start);
  return out;
}

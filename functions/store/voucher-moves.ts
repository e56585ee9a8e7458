/**
 * The per-match money moves of the voucher ledger, each one conditional
 * UpdateItem on one voucher item (hold, redeem, release, attach, expire,
 * return), and the ledger's functions bound to one table. Programmes, reads,
 * allocation slots and settlement lines: vouchers.ts.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Conflict } from '#domain/errors.ts';
import type { Programme, RedeemRecord, Voucher } from '#domain/vouchers.ts';
import type { AppEvent } from '#events/contracts.ts';
import { writeIf, type PageRequest, type StoreContext } from './core.ts';
import { programmeKey, voucherKey } from './keys.ts';
import {
  allocate, appendEvents, dropSlot, getProgramme, getVoucher, listProgrammes, pendingOfVoucher, putProgramme, putSettlementLine, putVoucher, setSlot, settleAllocation, settlementLines, takeSlot, vouchersOfProgramme, vouchersOfSme, pageVouchersOfSme, type SettlementLine
} from './vouchers.ts';

// ------------------------------------------------------------------ per-match moves (one item each)

export type MoveResult = 'done' | 'repeat' | 'refused';

const matchNames = (matchId: string) => ({ '#m': matchId, '#status': 'status' });

/**
 * Holds `amount` of the voucher for a match: once per match, never after the
 * match ended or was redeemed, never more than the balance.
 */
export async function hold(ctx: StoreContext, v: Pick<Voucher, 'smeId' | 'id'>, matchId: string, amount: number): Promise<MoveResult> {
  const ok = await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: voucherKey(v.smeId, v.id),
      UpdateExpression: 'SET balance = balance - :h, holds.#m = :h',
      ConditionExpression:
        '#status = :issued AND balance >= :h AND attribute_not_exists(holds.#m) AND attribute_not_exists(redeemed.#m) AND attribute_not_exists(ended.#m)',
      ExpressionAttributeNames: matchNames(matchId),
      ExpressionAttributeValues: { ':h': amount, ':issued': 'ISSUED' },
    }),
  );
  return ok ? 'done' : 'refused';
}

/**
 * Redeems the match's hold (moves it to `redeemed`, once). A completion that
 * arrives before its hold takes `amountIfUnheld` from the balance and
 * redeems it in the same update, so the late hold then does nothing.
 */
export async function redeem(
  ctx: StoreContext,
  v: Pick<Voucher, 'smeId' | 'id'>,
  matchId: string,
  rec: Omit<RedeemRecord, 'amount'>,
  amountIfUnheld: (balance: number) => number,
  /** The events announcing the redemption (amount redeemed, balance left), written in the same update. */
  eventsOf: (redeemed: { voucher: Voucher; amount: number; balance: number }) => readonly AppEvent[] = () => [],
): Promise<MoveResult> {
  const key = voucherKey(v.smeId, v.id);
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await getVoucher(ctx, v.smeId, v.id);
    if (!cur) return 'refused';
    if (matchId in cur.redeemed) return 'repeat';
    if (matchId in cur.ended) return 'refused';
    const held = cur.holds[matchId];
    const amount = held ?? amountIfUnheld(cur.balance);
    const balance = held !== undefined ? cur.balance : cur.balance - amount;
    const events = eventsOf({ voucher: cur, amount, balance });
    const out = events.length > 0 ? appendEvents(key.pk, events) : undefined;
    // With events, the balance is guarded in both cases, so the balance they announce is the one written
    // (another match's hold in between makes this read again).
    const cmd =
      held !== undefined
        ? new UpdateCommand({
            TableName: ctx.tableName,
            Key: key,
            UpdateExpression: `REMOVE holds.#m SET redeemed.#m = :rec${out ? `, ${out.set} ADD version :one` : ''}`,
            ConditionExpression: `holds.#m = :h AND attribute_not_exists(redeemed.#m)${out ? ' AND balance = :bal' : ''}`,
            ExpressionAttributeNames: { '#m': matchId },
            ExpressionAttributeValues: { ':h': held, ':rec': { ...rec, amount: held }, ...(out ? { ...out.values, ':bal': cur.balance } : {}) },
          })
        : new UpdateCommand({
            TableName: ctx.tableName,
            Key: key,
            UpdateExpression: `SET balance = balance - :h, redeemed.#m = :rec${out ? `, ${out.set} ADD version :one` : ''}`,
            ConditionExpression:
              '#status = :issued AND balance = :bal AND attribute_not_exists(holds.#m) AND attribute_not_exists(redeemed.#m) AND attribute_not_exists(ended.#m)',
            ExpressionAttributeNames: matchNames(matchId),
            ExpressionAttributeValues: {
              ':h': amount,
              ':bal': cur.balance,
              ':issued': 'ISSUED',
              ':rec': { ...rec, amount },
              ...out?.values,
            },
          });
    if (held === undefined && cur.status !== 'ISSUED') return 'refused';
    if (await writeIf(ctx, cmd)) return 'done';
    // Someone moved the voucher between the read and the write (another match's hold): read again.
  }
  throw new Conflict('the voucher kept changing; the event will be retried');
}

/**
 * Ends a match on the voucher: gives its hold back if it has one, and in any
 * case records the match as ended (a tombstone), so a hold arriving later
 * does nothing. A redeemed match is not released.
 */
export async function release(ctx: StoreContext, v: Pick<Voucher, 'smeId' | 'id'>, matchId: string): Promise<MoveResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await getVoucher(ctx, v.smeId, v.id);
    if (!cur) return 'refused';
    if (matchId in cur.redeemed) return 'refused';
    if (matchId in cur.ended) return 'repeat';
    const held = cur.holds[matchId];
    const cmd =
      held !== undefined
        ? new UpdateCommand({
            TableName: ctx.tableName,
            Key: voucherKey(v.smeId, v.id),
            UpdateExpression: 'REMOVE holds.#m SET balance = balance + :h, ended.#m = :t',
            ConditionExpression: 'holds.#m = :h',
            ExpressionAttributeNames: { '#m': matchId },
            ExpressionAttributeValues: { ':h': held, ':t': true },
          })
        : new UpdateCommand({
            TableName: ctx.tableName,
            Key: voucherKey(v.smeId, v.id),
            UpdateExpression: 'SET ended.#m = :t',
            ConditionExpression: 'attribute_not_exists(holds.#m) AND attribute_not_exists(redeemed.#m) AND attribute_not_exists(ended.#m)',
            ExpressionAttributeNames: { '#m': matchId },
            ExpressionAttributeValues: { ':t': true },
          });
    if (await writeIf(ctx, cmd)) return 'done';
  }
  throw new Conflict('the voucher kept changing; the event will be retried');
}

/** Ties a voucher to the need it pays for, unless another open need has it (`openNeedIds` says which are open). */
export async function attachToNeed(ctx: StoreContext, v: Voucher, needId: string, previousIsClosed: boolean): Promise<boolean> {
  const free = v.attachedNeedId === undefined;
  if (!free && !previousIsClosed) return false;
  return writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: voucherKey(v.smeId, v.id),
      UpdateExpression: 'SET attachedNeedId = :n',
      ConditionExpression: free ? 'attribute_not_exists(attachedNeedId)' : 'attachedNeedId = :prev',
      ExpressionAttributeValues: free ? { ':n': needId } : { ':n': needId, ':prev': v.attachedNeedId },
    }),
  );
}

// ------------------------------------------------------------------ expiry (two items, voucher first)

/**
 * Expires a voucher past its validity with nothing held: step 1 (voucher)
 * moves its balance to `returned` and marks `returnPending`; step 2
 * (programme) adds it back to `available`, recorded in `returns`; step 3
 * clears the marker, step 4 the record. Each step is idempotent and a
 * retry resumes where a crash stopped.
 */
export async function expireVoucher(ctx: StoreContext, v: Voucher, todayIso: string): Promise<boolean> {
  if (v.status === 'ISSUED') {
    const ok = await writeIf(
      ctx,
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: voucherKey(v.smeId, v.id),
        UpdateExpression: 'SET #status = :expired, returned = balance, balance = :zero, returnPending = :t',
        ConditionExpression: '#status = :issued AND validUntil < :today AND size(holds) = :zero',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':expired': 'EXPIRED', ':issued': 'ISSUED', ':zero': 0, ':t': true, ':today': todayIso },
      }),
    );
    if (!ok) return false;
  }
  const cur = await getVoucher(ctx, v.smeId, v.id);
  if (!cur?.returnPending) return false;
  await finishReturn(ctx, cur);
  return true;
}

/** Steps 2-4 of an expiry (also what a repair runs for a voucher left `returnPending`). */
export async function finishReturn(ctx: StoreContext, v: Voucher): Promise<void> {
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: programmeKey(v.programmeId),
      UpdateExpression: 'ADD available :r, #returns :vidSet',
      ConditionExpression: 'NOT contains(#returns, :vid)',
      ExpressionAttributeNames: { '#returns': 'returns' },
      ExpressionAttributeValues: { ':r': v.returned, ':vidSet': new Set([v.id]), ':vid': v.id },
    }),
  );
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: voucherKey(v.smeId, v.id),
      UpdateExpression: 'REMOVE returnPending',
      ConditionExpression: 'attribute_exists(returnPending)',
    }),
  );
  await setSlot(ctx, v.smeId, v.programmeId, v.id, 'EXPIRED');
  await writeIf(
    ctx,
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: programmeKey(v.programmeId),
      UpdateExpression: 'DELETE #returns :vidSet',
      ExpressionAttributeNames: { '#returns': 'returns' },
      ExpressionAttributeValues: { ':vidSet': new Set([v.id]) },
    }),
  );
}

/** The ledger's functions bound to one store's table (what `Store.vouchers` hands out). */
export function voucherLedger(ctx: StoreContext) {
  return {
    putProgramme: (p: Programme) => putProgramme(ctx, p),
    getProgramme: (id: string) => getProgramme(ctx, id),
    listProgrammes: (p: PageRequest) => listProgrammes(ctx, p),
    vouchersOfProgramme: (programmeId: string) => vouchersOfProgramme(ctx, programmeId),
    getVoucher: (smeId: string, id: string) => getVoucher(ctx, smeId, id),
    vouchersOfSme: (smeId: string) => vouchersOfSme(ctx, smeId),
    pageVouchersOfSme: (smeId: string, p: PageRequest) => pageVouchersOfSme(ctx, smeId, p),
    takeSlot: (smeId: string, programmeId: string, voucherId: string, nowMs: number) => takeSlot(ctx, smeId, programmeId, voucherId, nowMs),
    dropSlot: (smeId: string, programmeId: string, voucherId: string) => dropSlot(ctx, smeId, programmeId, voucherId),
    allocate: (programmeId: string, voucherId: string, smeId: string, faceValue: number) => allocate(ctx, programmeId, voucherId, smeId, faceValue),
    putVoucher: (v: Voucher, events?: readonly AppEvent[]) => putVoucher(ctx, v, events),
    pendingOfVoucher: (smeId: string, id: string) => pendingOfVoucher(ctx, smeId, id),
    settleAllocation: (programmeId: string, smeId: string, voucherId: string) => settleAllocation(ctx, programmeId, smeId, voucherId),
    hold: (v: Pick<Voucher, 'smeId' | 'id'>, matchId: string, amount: number) => hold(ctx, v, matchId, amount),
    redeem: (
      v: Pick<Voucher, 'smeId' | 'id'>,
      matchId: string,
      rec: Omit<RedeemRecord, 'amount'>,
      amountIfUnheld: (balance: number) => number,
      eventsOf?: (redeemed: { voucher: Voucher; amount: number; balance: number }) => readonly AppEvent[],
    ) => redeem(ctx, v, matchId, rec, amountIfUnheld, eventsOf),
    release: (v: Pick<Voucher, 'smeId' | 'id'>, matchId: string) => release(ctx, v, matchId),
    attachToNeed: (v: Voucher, needId: string, previousIsClosed: boolean) => attachToNeed(ctx, v, needId, previousIsClosed),
    expireVoucher: (v: Voucher, todayIso: string) => expireVoucher(ctx, v, todayIso),
    finishReturn: (v: Voucher) => finishReturn(ctx, v),
    putSettlementLine: (providerId: string, line: SettlementLine) => putSettlementLine(ctx, providerId, line),
    settlementLines: (providerId: string, period: string) => settlementLines(ctx, providerId, period),
  };
}
export type VoucherLedger = ReturnType<typeof voucherLedger>;

/**
 * The voucher ledger under races, duplicates, reordering and crashes, on
 * dynalite through the real SDK: after every step, the invariant of
 * domain/vouchers.ts holds (checkProgrammeLedger), nothing is negative and
 * no match is redeemed twice.
 */
import fc from 'fast-check';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conflict } from '#domain/errors.ts';
import type { Sme } from '#domain/model.ts';
import { checkProgrammeLedger, holdAmount, type Voucher } from '#domain/vouchers.ts';
import { Store } from '#functions/store/store.ts';
import { SLOT_LEASE_MS } from '#functions/store/vouchers.ts';
import { createProgramme, issueVoucher, repairProgramme, voucherUpkeep } from '#functions/usecases/vouchers.ts';
import { TEST_CURSOR_SECRET } from '#tests/support/db.ts';
import { testApp } from '#tests/support/app.ts';
import { makeSme, testId } from '#tests/support/factories.ts';

let app: Awaited<ReturnType<typeof testApp>>;
beforeAll(async () => {
  app = await testApp({ NOW: '2030-03-02T01:00:00.000Z' });
});
afterAll(() => app?.doc.destroy());

const ports = () => app.ports;

async function programme(budget: number, faceValue: number, over: Partial<Parameters<typeof createProgramme>[1]> = {}) {
  return createProgramme(ports(), { name: '测试服务券', serviceTypes: ['energy-audit'], budget, faceValue, validUntil: '2030-12-31', ...over });
}

async function sme(over: Partial<Sme> = {}): Promise<Sme> {
  return app.ports.store.insert('sme', makeSme({ id: testId('sm'), ...over }));
}

async function invariant(programmeId: string): Promise<string[]> {
  const p = (await app.ports.store.vouchers.getProgramme(programmeId))!;
  return checkProgrammeLedger(p, await app.ports.store.vouchers.vouchersOfProgramme(programmeId));
}

/** A store whose client dies right after its `n`-th write succeeded: a crash between two steps. */
function crashingStore(afterWrites: number): Store {
  let writes = 0;
  const doc = app.doc;
  const proxy = {
    send: async (cmd: unknown) => {
      const out = await doc.send(cmd as never);
      if ((cmd instanceof PutCommand || cmd instanceof UpdateCommand) && ++writes === afterWrites) throw new Error('crash');
      return out;
    },
  } as unknown as DynamoDBDocumentClient;
  return new Store(proxy, app.tableName, TEST_CURSOR_SECRET, { clock: app.ports.clock });
}

describe('issuing vouchers', () => {
  it('never allocates more than the budget when many SMEs are issued vouchers at once', async () => {
    const p = await programme(3_000, 1_000);
    const smes = await Promise.all(Array.from({ length: 10 }, () => sme()));
    const results = await Promise.allSettled(smes.map((s) => issueVoucher(ports(), p.id, s.id)));
    const issued = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(issued).toHaveLength(3);
    expect(refused.every((r) => (r as PromiseRejectedResult).reason instanceof Conflict)).toBe(true);
    const after = (await app.ports.store.vouchers.getProgramme(p.id))!;
    expect(after.available).toBe(0);
    expect(await invariant(p.id)).toEqual([]);
    expect(await app.ports.store.vouchers.vouchersOfProgramme(p.id)).toHaveLength(3);
  });

  it('gives one SME at most one voucher of a programme, even when asked concurrently', async () => {
    const p = await programme(10_000, 1_000);
    const s = await sme();
    await Promise.allSettled(Array.from({ length: 6 }, () => issueVoucher(ports(), p.id, s.id)));
    expect(await app.ports.store.vouchers.vouchersOfSme(s.id)).toHaveLength(1);
    expect((await app.ports.store.vouchers.getProgramme(p.id))!.available).toBe(9_000);
    await expect(issueVoucher(ports(), p.id, s.id)).rejects.toThrow(/already holds/);
    expect(await invariant(p.id)).toEqual([]);
  });

  it('refuses an SME whose verified tier or province the programme does not cover, and writes nothing', async () => {
    const p = await programme(10_000, 1_000, { provinces: ['CN-SC'], eligibility: { tiers: ['LITTLE_GIANT'] } });
    const declaredOnly = await sme({ declaredTier: 'LITTLE_GIANT', region: { province: 'CN-SC' } });
    await expect(issueVoucher(ports(), p.id, declaredOnly.id)).rejects.toThrow(/not eligible/);
    const verified = await sme({
      region: { province: 'CN-SC' },
      tierVerification: { source: 'OPERATOR', tier: 'LITTLE_GIANT', at: '2030-01-01T00:00:00.000Z' },
    });
    const elsewhere = await sme({
      region: { province: 'CN-GD' },
      tierVerification: { source: 'OPERATOR', tier: 'LITTLE_GIANT', at: '2030-01-01T00:00:00.000Z' },
    });
    await expect(issueVoucher(ports(), p.id, elsewhere.id)).rejects.toThrow(/does not cover CN-GD/);
    expect((await app.ports.store.vouchers.getProgramme(p.id))!.available).toBe(10_000);
    expect((await issueVoucher(ports(), p.id, verified.id)).balance).toBe(1_000);
  });

  it.each([1, 2, 3, 4])('finishes an issue that crashed after its write no. %i, by a retry or by the repair', async (k) => {
    const p = await programme(5_000, 1_000);
    const s = await sme();
    const crashing = { ...app.ports, store: crashingStore(k) };
    await expect(issueVoucher(crashing, p.id, s.id)).rejects.toThrow('crash');
    expect(await invariant(p.id)).toEqual([]);
    // A later upkeep run finishes whatever the crash left in flight; then the operator's retry, once the
    // crashed request's lease on the SME's slot has run out, answers the same voucher.
    await repairProgramme(ports(), p.id);
    app.advance(SLOT_LEASE_MS + 1);
    expect(await invariant(p.id)).toEqual([]);
    const v = await issueVoucher(ports(), p.id, s.id).catch((e: Error) => e);
    const held = await app.ports.store.vouchers.vouchersOfSme(s.id);
    expect(held).toHaveLength(1);
    expect(v instanceof Error ? v.message : v.id).toMatch(v instanceof Error ? /already holds/ : held[0]!.id);
    expect((await app.ports.store.vouchers.getProgramme(p.id))!.available).toBe(4_000);
    expect(await invariant(p.id)).toEqual([]);
  });
});

describe('holds on one voucher', () => {
  it('never holds more than the balance when many matches are approved at once', async () => {
    const p = await programme(10_000, 1_000);
    const s = await sme();
    const v = await issueVoucher(ports(), p.id, s.id);
    const matches = Array.from({ length: 8 }, () => testId('mt'));
    const res = await Promise.all(matches.map((m) => app.ports.store.vouchers.hold(v, m, 300)));
    expect(res.filter((r) => r === 'done')).toHaveLength(3);
    const after = (await app.ports.store.vouchers.getVoucher(s.id, v.id))!;
    expect(after.balance).toBe(100);
    expect(await invariant(p.id)).toEqual([]);
  });
});

describe('duplicate and out-of-order match events', () => {
  type Ev = { match: number; kind: 'hold' | 'redeem' | 'release' };

  it('keep the invariant after every step and end with each match redeemed or released exactly once', async () => {
    // Each match ends either completed or released; its events are delivered in any order, some twice.
    const scenario = fc
      .array(fc.record({ ends: fc.constantFrom('redeem', 'release'), price: fc.integer({ min: 0, max: 700 }) }), { minLength: 1, maxLength: 5 })
      .chain((matches) => {
        const events: Ev[] = matches.flatMap((m, i) => [
          { match: i, kind: 'hold' as const },
          { match: i, kind: m.ends as 'redeem' | 'release' },
        ]);
        return fc
          .tuple(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), fc.array(fc.nat(events.length - 1), { maxLength: 4 }))
          .map(([order, dups]) => ({ matches, order: [...order, ...dups.map((d) => events[d]!)] }));
      });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ matches, order }) => {
        const p = await programme(1_000, 1_000);
        const s = await sme();
        const v = await issueVoucher(ports(), p.id, s.id);
        const ids = matches.map(() => testId('mt'));
        const { vouchers } = app.ports.store;
        for (const e of order) {
          const price = { priceMax: matches[e.match]!.price };
          const m = ids[e.match]!;
          if (e.kind === 'hold') {
            const cur = (await vouchers.getVoucher(s.id, v.id))!;
            await vouchers.hold(v, m, holdAmount(price, cur.balance));
          } else if (e.kind === 'redeem') {
            await vouchers.redeem(v, m, { providerId: 'pr_x', at: '2030-03-02T01:00:00.000Z' }, (b) => holdAmount(price, b));
          } else {
            await vouchers.release(v, m);
          }
          expect(await invariant(p.id)).toEqual([]);
        }
        const end: Voucher = (await vouchers.getVoucher(s.id, v.id))!;
        expect(end.holds).toEqual({});
        matches.forEach((m, i) => {
          expect(ids[i]! in end.redeemed).toBe(m.ends === 'redeem');
          if (m.ends === 'release') expect(end.ended[ids[i]!]).toBe(true);
        });
      }),
      { numRuns: 15 },
    );
  }, 180_000);
});

describe('expiry', () => {
  it('returns the balance of an expired voucher without a hold to the programme, and finishes after a crash', async () => {
    const p = await programme(3_000, 1_000, { validUntil: '2030-03-01' });
    // Issued on the last valid day.
    app.setNow('2030-03-01T12:00:00.000Z');
    const [a, b] = await Promise.all([sme(), sme()]);
    const va = await issueVoucher(ports(), p.id, a.id);
    const vb = await issueVoucher(ports(), p.id, b.id);
    await app.ports.store.vouchers.hold(vb, testId('mt'), 400);
    app.setNow('2030-03-02T01:00:00.000Z');
    // Crash right after the voucher's step: its money is in flight, the invariant still holds.
    await expect(crashingStore(1).vouchers.expireVoucher(va, '2030-03-02')).rejects.toThrow('crash');
    expect(await invariant(p.id)).toEqual([]);
    const res = await voucherUpkeep(ports());
    expect(res.vouchersExpired).toBeGreaterThanOrEqual(1);
    const after = (await app.ports.store.vouchers.getProgramme(p.id))!;
    // a's 1000 came back; b holds 400 and keeps its voucher.
    expect(after.available).toBe(2_000);
    expect((await app.ports.store.vouchers.getVoucher(a.id, va.id))!.status).toBe('EXPIRED');
    expect((await app.ports.store.vouchers.getVoucher(b.id, vb.id))!.status).toBe('ISSUED');
    expect(await invariant(p.id)).toEqual([]);
    // Running it again changes nothing.
    await voucherUpkeep(ports());
    expect((await app.ports.store.vouchers.getProgramme(p.id))!.available).toBe(2_000);
  });
});
